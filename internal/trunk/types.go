package trunk

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// This file holds only the wire types of the account-key API, so that the
// bundled emulator serves the very shapes the client decodes without using
// any of the client's logic.

// Query statuses of GET /2/full, sent in a 200 answer.
const (
	QuerySuccess      = "SUCCESS"
	QueryTempNotAvail = "TEMPNOTAVAIL"
	QueryBadKey       = "BADKEY"
)

// AccountTypeTrial is the account type of a trial account, which cannot set
// E911 addresses or failover.
const AccountTypeTrial = "TRIAL"

// Text is a scalar the service may send as a JSON string, number or boolean
// (FreePBX's module reads them all as text); null reads as "". It is always
// written as a JSON string.
type Text string

// UnmarshalJSON accepts a string, number, boolean or null.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*t = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	case bytes.Equal(b, []byte("true")), bytes.Equal(b, []byte("false")):
		*t = Text(b)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("expected a string, number or boolean, not %.40s", b)
		}
		*t = Text(n)
	}
	return nil
}

// String is the text, trimmed.
func (t Text) String() string { return strings.TrimSpace(string(t)) }

// Flag is a yes/no the service may send as a boolean, a number (0 or 1) or a
// string ("1", "true", "yes", "0", "", ...); null reads as false. It is
// written as a JSON boolean.
type Flag bool

// UnmarshalJSON accepts a boolean, number, string or null.
func (f *Flag) UnmarshalJSON(b []byte) error {
	var t Text
	if err := t.UnmarshalJSON(b); err != nil {
		return err
	}
	switch strings.ToLower(t.String()) {
	case "", "0", "false", "no", "off":
		*f = false
	case "1", "true", "yes", "on":
		*f = true
	default:
		if n, err := strconv.ParseFloat(t.String(), 64); err == nil {
			*f = n != 0
			return nil
		}
		return fmt.Errorf("expected a yes/no value, not %q", t)
	}
	return nil
}

// Full is the answer of GET /2/full/{key}: the whole account.
type Full struct {
	Version            Text                   `json:"version"`
	QueryStatus        Text                   `json:"query_status"`
	QueryStatusMessage Text                   `json:"query_status_message,omitempty"`
	CustomerInfo       CustomerInfo           `json:"customer_info"`
	Gateways           []Text                 `json:"gateways"`
	GatewayInfo        map[string]GatewayInfo `json:"gateway_info"`
	SIPInfo            SIPInfo                `json:"sip_info"`
	DIDs               []DID                  `json:"dids"`
}

// CustomerInfo is the account itself, with its account-wide failover.
type CustomerInfo struct {
	AccountType  Text     `json:"account_type"`
	MonthlyCost  Text     `json:"monthly_cost"`
	NumTrunks    Text     `json:"num_trunks"`
	Email        Text     `json:"email"`
	FailoverNum  Text     `json:"failover_num"`
	FailoverDest Text     `json:"failover_dest"`
	VerifyStatus Text     `json:"verify_status"`
	Expiration   Text     `json:"expiration"`
	Settings     Settings `json:"settings"`
}

// Settings are the account's service options.
type Settings struct {
	SMS           Flag `json:"sms"`
	International Flag `json:"international"`
	Fax           Flag `json:"fax"`
}

// GatewayInfo is one SIPStation gateway the PBX registers with.
type GatewayInfo struct {
	Name         Text         `json:"name"`
	ClientStatus ClientStatus `json:"client_status"`
}

// ClientStatus is the PBX's registration at a gateway.
type ClientStatus struct {
	Registered Flag `json:"registered"`
	ContactIP  Text `json:"contact_ip,omitempty"`
	NetworkIP  Text `json:"network_ip,omitempty"`
}

// SIPInfo are the trunk's SIP credentials.
type SIPInfo struct {
	SIPUsername Text `json:"sip_username"`
	SIPPassword Text `json:"sip_password"`
}

// DID is one number on the trunk. Number is a 10-digit NANP number as the
// service writes it (the client turns it into E.164).
type DID struct {
	Number      Text         `json:"number"`
	Failover    DIDFailover  `json:"failover"`
	E911Address *E911Address `json:"e911_address"`
}

// DIDFailover is where a number's calls go when the PBX cannot be reached:
// Num (digits) or Dest (an IP, host or URI, or a trunk-group id).
type DIDFailover struct {
	Num  Text `json:"num"`
	Dest Text `json:"dest"`
}

// E911Address is a number's emergency address as reads show it.
type E911Address struct {
	Name    Text `json:"name"`
	Street1 Text `json:"street1"`
	Street2 Text `json:"street2"`
	City    Text `json:"city"`
	State   Text `json:"state"`
	Zip     Text `json:"zip"`
	// Master marks the account's one master E911 number.
	Master Flag `json:"master"`
}

// E911Write is the body of POST /2/e911/{did}/{key}: writes say address1 and
// address2 where reads say street1 and street2. Master is "1" to make the
// number the master E911 number, "" (left out) otherwise.
type E911Write struct {
	Name     string `json:"name"`
	Address1 string `json:"address1"`
	Address2 string `json:"address2"`
	City     string `json:"city"`
	State    string `json:"state"`
	Zip      string `json:"zip"`
	Master   string `json:"master,omitempty"`
}

// FailoverWrite is the body of POST /2/failover/{key}: Num (digits) or Dest,
// and DID (10 digits) for one number; without DID it sets the account-wide
// failover. The body of DELETE /2/failover/{key} carries DID only.
type FailoverWrite struct {
	Num  string `json:"num,omitempty"`
	Dest string `json:"dest,omitempty"`
	DID  string `json:"did,omitempty"`
}

// Result is the answer of every mutation.
type Result struct {
	Status  Flag `json:"status"`
	Message Text `json:"message"`
}
