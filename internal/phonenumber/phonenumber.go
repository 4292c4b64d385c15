// Package phonenumber parses NANP phone numbers: the forms people write them
// in, E.164, toll-free and area codes. It knows no API and no Terraform, so
// both API clients, the provider and the emulator use it.
package phonenumber

import (
	"fmt"
	"slices"
	"strings"
)

// TollFreePrefixes are the NANP toll-free area codes.
var TollFreePrefixes = []string{"800", "833", "844", "855", "866", "877", "888"}

// Normalize turns a NANP number written in any common form
// (+14155550123, 1-415-555-0123, 415-555-0123, (415) 555-0123, 4155550123)
// into E.164 (+14155550123). The error says why the input is no NANP number.
func Normalize(s string) (string, error) {
	in := strings.TrimSpace(s)
	if in == "" {
		return "", fmt.Errorf("the number is empty; expected a NANP number such as +14155550123")
	}
	var digits strings.Builder
	for i, r := range in {
		switch {
		case r >= '0' && r <= '9':
			digits.WriteRune(r)
		case r == '+' && i == 0:
		case strings.ContainsRune(" -.()", r):
		default:
			return "", fmt.Errorf("%q contains %q, which is not part of a phone number; expected a NANP number such as +14155550123", s, r)
		}
	}
	d := digits.String()
	if strings.HasPrefix(in, "+") && !strings.HasPrefix(d, "1") {
		// Country codes are one to three digits long and only a table tells
		// which, so the message names no code it would have to guess.
		return "", fmt.Errorf("%q is not a NANP number: its country code is not +1, and only NANP numbers (+1) are served", s)
	}
	if len(d) == 11 && d[0] == '1' {
		d = d[1:]
	}
	if len(d) != 10 {
		return "", fmt.Errorf("%q has %d digits; a NANP number has 10 (area code, exchange, line) after an optional +1, as in +14155550123", s, len(d))
	}
	if d[0] < '2' {
		return "", fmt.Errorf("%q has area code %s; a NANP area code cannot start with 0 or 1", s, d[:3])
	}
	if d[3] < '2' {
		return "", fmt.Errorf("%q has exchange %s; a NANP exchange cannot start with 0 or 1", s, d[3:6])
	}
	return "+1" + d, nil
}

// IsTollFree reports whether an E.164 NANP number has a toll-free area code.
func IsTollFree(e164 string) bool {
	return len(e164) == 12 && slices.Contains(TollFreePrefixes, e164[2:5])
}

// IsAreaCode reports whether s has the form of a NANP area code: three
// digits, the first from 2 to 9.
func IsAreaCode(s string) bool {
	if len(s) != 3 || s[0] < '2' || s[0] > '9' {
		return false
	}
	return s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9'
}

// AreaCode returns the area code of an E.164 NANP number.
func AreaCode(e164 string) string {
	if len(e164) != 12 {
		return ""
	}
	return e164[2:5]
}
