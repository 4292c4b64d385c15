package trunk

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// This file holds only the wire types of the account-key API, so that the
// bundled emulator serves the very shapes the client decodes without using
// any of the client's logic.
//
// The service is written in PHP, and FreePBX's SIPStation module, the only
// description of it, reads its answers loosely (PHP arrays, json_decode with
// $assoc = true). The decoding here is as loose, because a PHP service
// writes what the Go encoder never would:
//   - an empty array, which PHP encodes as [], where an object is expected
//     (an E911 address, a failover, a message none is set for); so every
//     object here reads [], {}, null or a missing key as empty;
//   - numbers and flags as strings ("49.97", "1"), or as numbers; an empty
//     XML element converted to JSON as {} where a string is expected;
//   - a list with gaps in its keys as an object ({"0": ..., "2": ...}), which
//     is why module 15 takes array_values of the gateways
//     (15 sapi/config/ConfigBase.php ~205).
//
// Encoding follows the same PHP service, for the emulator: an empty object
// is written [], flags "1" and "0", numbers as strings.

// Query statuses of GET /2/full, sent in a 200 answer.
const (
	QuerySuccess      = "SUCCESS"
	QueryTempNotAvail = "TEMPNOTAVAIL"
	QueryBadKey       = "BADKEY"
)

// AccountTypeTrial is the account type of a trial account, which cannot set
// E911 addresses or failover.
const AccountTypeTrial = "TRIAL"

// Versions of the GET /2/full document FreePBX's module 15 reads: it maps
// 1.0.1 to 1.0.3 onto its Config101..Config103 classes and calls anything
// else outdated (15 sapi/Sipstation.php ~4-5 and ~745). Module 13 is
// stricter: it takes exactly 1.0.1, or 1.0.2 when the account failover
// destination is a trunk-group id (13 functions.inc/sipstation.inc.php
// ~941-945).
const (
	VersionMin = "1.0.1"
	VersionMax = "1.0.3"
)

// Request headers FreePBX's module sends.
const (
	// HeaderClientType names the calling program on every request: module 15
	// sends "CLIENT_TYPE: ssmodule-<module version>" (15
	// sapi/PestSipstation.php ~22; 12 and 13 functions.inc/sipstation.inc.php
	// ~253/~261 on GET /2/full). The name is written as is, underscore and
	// capitals, as PHP's curl sends it.
	HeaderClientType = "CLIENT_TYPE"
	// HeaderDID is how modules 13 and 15 name the number of DELETE
	// /2/failover/{key}: their PHP HTTP library's delete($url, $headers)
	// takes no body, so the array('did' => N) they pass becomes the header
	// "did: N" (13 Sipstation.class.php ~509, 15 sapi/Sipstation.php ~181,
	// with Pest.php's delete and prepHeaders).
	HeaderDID = "did"
)

// Text is a scalar the service may send as a JSON string, number or boolean
// (FreePBX's module reads them all as text); null, [] and {} read as "". It
// is always written as a JSON string.
type Text string

// UnmarshalJSON accepts a string, number, boolean, null, [] or {}.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case emptyValue(b):
		*t = ""
	case b[0] == '"':
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
// string ("1", "true", "yes", "0", "", ...); null, [] and {} read as false.
// It is written "1" or "0": PHP reads both right, where the string "false"
// would be true (13 functions.inc/sipstation.inc.php ~1017 and 15
// sapi/config/ConfigBase.php ~187 test the flags with PHP's truthiness).
type Flag bool

// UnmarshalJSON accepts a boolean, number, string, null, [] or {}.
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

// MarshalJSON writes "1" or "0".
func (f Flag) MarshalJSON() ([]byte, error) {
	if f {
		return []byte(`"1"`), nil
	}
	return []byte(`"0"`), nil
}

// emptyValue reports whether b is null, [] or {}: a value PHP writes for
// "nothing".
func emptyValue(b []byte) bool {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || bytes.Equal(b, []byte("null")) {
		return true
	}
	if len(b) < 2 {
		return false
	}
	if first, last := b[0], b[len(b)-1]; (first != '[' || last != ']') && (first != '{' || last != '}') {
		return false
	}
	return len(bytes.TrimSpace(b[1:len(b)-1])) == 0
}

// decodeObject decodes an object of the answer into v, the plain form of a
// wire type (a type without this package's UnmarshalJSON, so that it does
// not call itself): null, [] and {} leave v zero.
func decodeObject[T any](b []byte, v *T) error {
	var zero T
	*v = zero
	b = bytes.TrimSpace(b)
	if emptyValue(b) {
		return nil
	}
	if b[0] != '{' {
		return fmt.Errorf("expected an object, not %.40s", b)
	}
	return json.Unmarshal(b, v)
}

// encodeObject writes v, the plain form of a wire type, or [] when v is
// zero, as a PHP service encodes an empty array.
func encodeObject[T comparable](v T) ([]byte, error) {
	var zero T
	if v == zero {
		return []byte("[]"), nil
	}
	return json.Marshal(v)
}

// List is a list the service may send as an array, as an object of its
// elements (a PHP array with gaps in its keys; read in the document's
// order), or as null, [] or {} when empty. It is written as an array.
type List[T any] []T

// UnmarshalJSON accepts an array, an object of elements, or an empty value.
func (l *List[T]) UnmarshalJSON(b []byte) error {
	*l = nil
	b = bytes.TrimSpace(b)
	switch {
	case emptyValue(b):
		return nil
	case b[0] == '[':
		var items []T
		if err := json.Unmarshal(b, &items); err != nil {
			return err
		}
		*l = items
		return nil
	case b[0] == '{':
		var items []T
		err := eachMember(b, func(_ string, raw json.RawMessage) error {
			var item T
			if err := json.Unmarshal(raw, &item); err != nil {
				return err
			}
			items = append(items, item)
			return nil
		})
		*l = items
		return err
	default:
		return fmt.Errorf("expected a list, not %.40s", b)
	}
}

// MarshalJSON writes an array, [] when empty.
func (l List[T]) MarshalJSON() ([]byte, error) {
	if l == nil {
		return []byte("[]"), nil
	}
	return json.Marshal([]T(l))
}

// eachMember calls fn with each member of the JSON object b, in the
// document's order.
func eachMember(b []byte, fn func(key string, raw json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	if _, err := dec.Token(); err != nil { // {
		return err
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if err := fn(key, raw); err != nil {
			return fmt.Errorf("%q: %w", key, err)
		}
	}
	if _, err := dec.Token(); err != nil { // }
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("unexpected data after the object")
	}
	return nil
}

// Query is what every answer of GET /2/full carries: a key the service does
// not know (BADKEY) or a service that cannot answer now (TEMPNOTAVAIL) gets
// these fields alone. FreePBX's module checks the version before
// query_status (15 sapi/Sipstation.php ~745, 13
// functions.inc/sipstation.inc.php ~945), so a BADKEY answer it can report
// carries a version.
type Query struct {
	Version            Text `json:"version"`
	QueryStatus        Text `json:"query_status"`
	QueryStatusMessage Text `json:"query_status_message"`
}

// Full is the answer of GET /2/full/{key}: the whole account. Its top-level
// keys are those module 15 maps onto its Config classes (15
// sapi/config/ConfigBase.php, setters ~48-233, getArray ~245-275) and module
// 13 reads (13 functions.inc/sipstation.inc.php ~945-1082); codecs,
// defaultcodecs, asterisk_settings and nat_troubleshooting configure the
// PBX's SIP peers and are not read here.
type Full struct {
	Query
	CustomerInfo CustomerInfo `json:"customer_info"`
	Gateways     List[Text]   `json:"gateways"`
	GatewayInfo  GatewayInfos `json:"gateway_info"`
	SIPInfo      SIPInfo      `json:"sip_info"`
	DIDs         List[DID]    `json:"dids"`
	// TrunkGroups are the account's trunk groups, which a failover
	// destination may name by id.
	TrunkGroups TrunkGroups `json:"trunk_groups"`
	// CIDFormat is the trunk's caller-ID format, as the service writes it
	// (15 ConfigBase.php ~174, 13 sipstation.inc.php ~1002).
	CIDFormat Text `json:"cid_format"`
	// Message is a notice for the account (15 ConfigBase.php ~214; 13
	// sipstation.inc.php ~955-963).
	Message Message `json:"message"`
}

// CustomerInfo is the account itself, with its account-wide failover (15
// sapi/config/ConfigBase.php setCustomerInfo ~106-120 and Config103.php
// ~29-32; 13 functions.inc/sipstation.inc.php ~974-996).
type CustomerInfo struct {
	AccountType Text `json:"account_type"`
	MonthlyCost Text `json:"monthly_cost"`
	NumTrunks   Text `json:"num_trunks"`
	Email       Text `json:"email"`
	// FailoverDest is the primary account-wide failover: an IP, host or URI,
	// or a trunk-group id; FailoverNum the secondary, a number tried when
	// the destination cannot be reached (15 views/failover.php ~23-58).
	FailoverNum  Text `json:"failover_num"`
	FailoverDest Text `json:"failover_dest"`
	VerifyStatus Text `json:"verify_status"`
	// VerifyMessage says why the account is not verified; module 15 shows
	// it when verify_status is not VERIFIED (15 Sipstation.class.php ~237).
	VerifyMessage Text `json:"verify_message"`
	Expiration    Text `json:"expiration"`
	// TrunkGroupID is the trunk group the account's own trunk is in: module
	// 15 offers every trunk group as a failover destination but this one
	// (15 Sipstation.class.php drawTrunkGroupFailover ~1410-1425).
	TrunkGroupID Text `json:"trunk_group_id"`
	// DestinationIsTrunkGroup says FailoverDest is a trunk-group id.
	DestinationIsTrunkGroup Flag `json:"destination_is_trunkgroup"`
	// PremiumTrunks is YES or NO (15 sapi/config/Config103.php ~27-47).
	PremiumTrunks Text     `json:"premium_trunks"`
	Settings      Settings `json:"settings"`
}

// UnmarshalJSON reads an object, or an empty value as none.
func (c *CustomerInfo) UnmarshalJSON(b []byte) error {
	type plain CustomerInfo
	return decodeObject(b, (*plain)(c))
}

// MarshalJSON writes [] when empty.
func (c CustomerInfo) MarshalJSON() ([]byte, error) {
	type plain CustomerInfo
	return encodeObject(plain(c))
}

// Settings are the account's service options (module 15 defaults them to
// sms, international and fax off: 15 Sipstation.class.php ~278).
type Settings struct {
	SMS           Flag `json:"sms"`
	International Flag `json:"international"`
	Fax           Flag `json:"fax"`
}

// UnmarshalJSON reads an object, or an empty value as none.
func (s *Settings) UnmarshalJSON(b []byte) error {
	type plain Settings
	return decodeObject(b, (*plain)(s))
}

// MarshalJSON writes [] when empty.
func (s Settings) MarshalJSON() ([]byte, error) {
	type plain Settings
	return encodeObject(plain(s))
}

// GatewayInfos are the gateways' details by gateway host. PHP writes an
// empty one as [].
type GatewayInfos map[string]GatewayInfo

// UnmarshalJSON reads an object, or an empty value as none.
func (g *GatewayInfos) UnmarshalJSON(b []byte) error {
	*g = nil
	b = bytes.TrimSpace(b)
	if emptyValue(b) {
		return nil
	}
	if b[0] != '{' {
		return fmt.Errorf("expected an object of gateways, not %.40s", b)
	}
	var m map[string]GatewayInfo
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*g = m
	return nil
}

// MarshalJSON writes [] when empty.
func (g GatewayInfos) MarshalJSON() ([]byte, error) {
	if len(g) == 0 {
		return []byte("[]"), nil
	}
	return json.Marshal(map[string]GatewayInfo(g))
}

// GatewayInfo is one SIPStation gateway the PBX registers with.
type GatewayInfo struct {
	Name         Text         `json:"name"`
	ClientStatus ClientStatus `json:"client_status"`
}

// UnmarshalJSON reads an object, or an empty value as none.
func (g *GatewayInfo) UnmarshalJSON(b []byte) error {
	type plain GatewayInfo
	return decodeObject(b, (*plain)(g))
}

// MarshalJSON writes [] when empty.
func (g GatewayInfo) MarshalJSON() ([]byte, error) {
	type plain GatewayInfo
	return encodeObject(plain(g))
}

// ClientStatus is the PBX's registration at a gateway (15
// sapi/config/ConfigBase.php setGatewayInfo ~178-199). Unlike the other
// objects it is written whole when not registered: registered "0" is what
// the module tests.
type ClientStatus struct {
	Registered Flag `json:"registered"`
	ContactIP  Text `json:"contact_ip"`
	NetworkIP  Text `json:"network_ip"`
}

// UnmarshalJSON reads an object, or an empty value as none.
func (c *ClientStatus) UnmarshalJSON(b []byte) error {
	type plain ClientStatus
	return decodeObject(b, (*plain)(c))
}

// SIPInfo are the trunk's SIP credentials.
type SIPInfo struct {
	SIPUsername Text `json:"sip_username"`
	SIPPassword Text `json:"sip_password"`
}

// UnmarshalJSON reads an object, or an empty value as none.
func (s *SIPInfo) UnmarshalJSON(b []byte) error {
	type plain SIPInfo
	return decodeObject(b, (*plain)(s))
}

// MarshalJSON writes [] when empty.
func (s SIPInfo) MarshalJSON() ([]byte, error) {
	type plain SIPInfo
	return encodeObject(plain(s))
}

// DID is one number on the trunk. Number is a 10-digit NANP number as the
// service writes it (the client turns it into E.164).
type DID struct {
	Number   Text        `json:"number"`
	Failover DIDFailover `json:"failover"`
	// E911Address is zero when the number has none: modules 13 and 15 cope
	// with it missing or empty (13 functions.inc/sipstation.inc.php
	// ~1041-1042, 15 sapi/config/ConfigBase.php ~54-66).
	E911Address E911Address `json:"e911_address"`
}

// UnmarshalJSON reads an object, or an empty value as none.
func (d *DID) UnmarshalJSON(b []byte) error {
	type plain DID
	return decodeObject(b, (*plain)(d))
}

// MarshalJSON writes [] when empty.
func (d DID) MarshalJSON() ([]byte, error) {
	type plain DID
	return encodeObject(plain(d))
}

// DIDFailover is where a number's calls go when the PBX cannot be reached:
// Dest, the primary (an IP, host or URI, or a trunk-group id), and Num, the
// secondary number tried when Dest cannot be reached. Either, both or none
// may be set.
type DIDFailover struct {
	Num  Text `json:"num"`
	Dest Text `json:"dest"`
}

// UnmarshalJSON reads an object, or an empty value as none.
func (f *DIDFailover) UnmarshalJSON(b []byte) error {
	type plain DIDFailover
	return decodeObject(b, (*plain)(f))
}

// MarshalJSON writes [] when empty.
func (f DIDFailover) MarshalJSON() ([]byte, error) {
	type plain DIDFailover
	return encodeObject(plain(f))
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

// UnmarshalJSON reads an object, or an empty value as none.
func (a *E911Address) UnmarshalJSON(b []byte) error {
	type plain E911Address
	return decodeObject(b, (*plain)(a))
}

// MarshalJSON writes [] when empty.
func (a E911Address) MarshalJSON() ([]byte, error) {
	type plain E911Address
	return encodeObject(plain(a))
}

// IsZero reports whether no field of the address is set: the number has
// none.
func (a E911Address) IsZero() bool {
	return a.Name.String() == "" && a.Street1.String() == "" && a.Street2.String() == "" && a.City.String() == "" &&
		a.State.String() == "" && a.Zip.String() == "" && !bool(a.Master)
}

// TrunkGroups are the account's trunk groups: the answer nests them in
// trunk_groups.trunk_group[] (13 functions.inc/sipstation.inc.php
// ~1076-1081); module 15 takes the elements of every key of trunk_groups
// (15 sapi/config/ConfigBase.php setTrunkGroups ~130-136), and so does this
// type, in the document's order. It is written as {"trunk_group": [...]},
// or [] when empty.
type TrunkGroups List[TrunkGroup]

// trunkGroupKey is the key the answer nests the trunk groups under.
const trunkGroupKey = "trunk_group"

// UnmarshalJSON reads the groups of every key, or an empty value as none.
func (g *TrunkGroups) UnmarshalJSON(b []byte) error {
	*g = nil
	b = bytes.TrimSpace(b)
	if emptyValue(b) {
		return nil
	}
	if b[0] != '{' {
		return fmt.Errorf("expected an object such as {%q: [...]}, not %.40s", trunkGroupKey, b)
	}
	var all TrunkGroups
	err := eachMember(b, func(_ string, raw json.RawMessage) error {
		var groups List[TrunkGroup]
		if err := json.Unmarshal(raw, &groups); err != nil {
			return err
		}
		all = append(all, groups...)
		return nil
	})
	*g = all
	return err
}

// MarshalJSON writes {"trunk_group": [...]}, or [] when empty.
func (g TrunkGroups) MarshalJSON() ([]byte, error) {
	if len(g) == 0 {
		return []byte("[]"), nil
	}
	return json.Marshal(map[string][]TrunkGroup{trunkGroupKey: g})
}

// TrunkGroup is one trunk group: module 15 lists them by id and title as
// failover destinations (15 Sipstation.class.php ~1418-1421).
type TrunkGroup struct {
	ID    Text `json:"id"`
	Title Text `json:"title"`
}

// UnmarshalJSON reads an object, or an empty value as none.
func (t *TrunkGroup) UnmarshalJSON(b []byte) error {
	type plain TrunkGroup
	return decodeObject(b, (*plain)(t))
}

// MarshalJSON writes [] when empty.
func (t TrunkGroup) MarshalJSON() ([]byte, error) {
	type plain TrunkGroup
	return encodeObject(plain(t))
}

// Message is a notice for the account: Type is an alert kind such as info
// or danger, which module 15 shows it as (15 Sipstation.class.php ~417-422).
type Message struct {
	Type    Text `json:"type"`
	Message Text `json:"message"`
}

// UnmarshalJSON reads an object, or an empty value as none.
func (m *Message) UnmarshalJSON(b []byte) error {
	type plain Message
	return decodeObject(b, (*plain)(m))
}

// MarshalJSON writes [] when empty.
func (m Message) MarshalJSON() ([]byte, error) {
	type plain Message
	return encodeObject(plain(m))
}

// E911Write is the body of POST /2/e911/{did}/{key}: writes say address1 and
// address2 where reads say street1 and street2. Master is "1" to make the
// number the master E911 number, "" (left out) otherwise (15
// sapi/Sipstation.php updateE911 ~97-122).
type E911Write struct {
	Name     string `json:"name"`
	Address1 string `json:"address1"`
	Address2 string `json:"address2"`
	City     string `json:"city"`
	State    string `json:"state"`
	Zip      string `json:"zip"`
	Master   string `json:"master,omitempty"`
}

// FailoverWrite is the body of POST /2/failover/{key}: one tier per
// request, Num (digits) or Dest, as module 15 sends them, and DID (10
// digits) for one number; without DID it is the account-wide failover (15
// sapi/Sipstation.php updateFailover ~132-176). A tier sent empty clears
// it: module 15's failover dialogs send both fields on every save, empty
// when blank (15 assets/js/sipstation.js ~349-356 and ~613-621,
// Sipstation.class.php ~1143-1154). A nil field is left out.
type FailoverWrite struct {
	Num  *string `json:"num,omitempty"`
	Dest *string `json:"dest,omitempty"`
	DID  string  `json:"did,omitempty"`
}

// Result is the answer of every mutation. Status is written as a JSON
// boolean: module 15 tests it with === true (15 Sipstation.class.php
// ~1155).
type Result struct {
	Status  Flag `json:"status"`
	Message Text `json:"message"`
}

// MarshalJSON writes status as a JSON boolean.
func (r Result) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Status  bool `json:"status"`
		Message Text `json:"message"`
	}{bool(r.Status), r.Message})
}
