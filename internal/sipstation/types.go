// Package sipstation is a client for the SIPStation number-inventory API v1,
// the contract in shared/design/api.md. It knows nothing of Terraform: the
// provider adapts it, and the bundled emulator serves the same wire types so
// that the client, the emulator and the tests cannot drift apart.
package sipstation

import (
	"encoding/json"
	"time"
)

// Number types.
const (
	TypeLocal    = "local"
	TypeTollFree = "toll_free"
)

// Number statuses.
const (
	StatusActive         = "active"
	StatusPortOutPending = "port_out_pending"
	StatusPortedOut      = "ported_out"
	StatusCancelled      = "cancelled"
)

// Port-out statuses.
const (
	PortOutPending   = "pending"
	PortOutCompleted = "completed"
	PortOutRejected  = "rejected"
	PortOutCancelled = "cancelled"
)

// Location statuses.
const (
	LocationActive = "active"
	LocationClosed = "closed"
)

// Statement line-item kinds.
const (
	LineItemDID        = "did"
	LineItemTollFree   = "toll_free"
	LineItemPortOutFee = "port_out_fee"
	LineItemUsage      = "usage"
)

// Address is a location's service address: with the organization name, what a
// gaining carrier's Letter of Authorization must match.
type Address struct {
	Street1 string `json:"street1"`
	Street2 string `json:"street2"`
	City    string `json:"city"`
	State   string `json:"state"`
	Zip     string `json:"zip"`
}

// Location is one billed SIPStation location of an account.
type Location struct {
	ID               string    `json:"id"`
	Name             string    `json:"name"`
	OrganizationName string    `json:"organization_name"`
	Email            string    `json:"email"`
	ServiceAddress   Address   `json:"service_address"`
	AccountNumber    string    `json:"account_number"`
	BillingDay       int       `json:"billing_day"`
	Status           string    `json:"status"`
	CreatedAt        time.Time `json:"created_at"`
}

// LocationCreate is the body of POST /v1/locations.
type LocationCreate struct {
	Name             string  `json:"name"`
	OrganizationName string  `json:"organization_name"`
	Email            string  `json:"email"`
	ServiceAddress   Address `json:"service_address"`
}

// LocationUpdate is the body of PATCH /v1/locations/{id}: nil fields are left
// as they are.
type LocationUpdate struct {
	Name             *string  `json:"name,omitempty"`
	OrganizationName *string  `json:"organization_name,omitempty"`
	Email            *string  `json:"email,omitempty"`
	ServiceAddress   *Address `json:"service_address,omitempty"`
}

// Billing says whether a number is billed, and at what monthly rate.
type Billing struct {
	Active      bool       `json:"active"`
	MonthlyRate string     `json:"monthly_rate"`
	StartedAt   *time.Time `json:"started_at"`
	EndedAt     *time.Time `json:"ended_at"`
}

// Failover is where calls go when the PBX cannot be reached: another number,
// or a SIP destination.
type Failover struct {
	Number      string `json:"number,omitempty"`
	Destination string `json:"destination,omitempty"`
}

// E911Address is the emergency address of a local number.
type E911Address struct {
	Name    string `json:"name"`
	Street1 string `json:"street1"`
	Street2 string `json:"street2"`
	City    string `json:"city"`
	State   string `json:"state"`
	Zip     string `json:"zip"`
}

// NumberPortOut is the port-out a number is part of, as shown on the number.
type NumberPortOut struct {
	ID               string     `json:"id"`
	Status           string     `json:"status"`
	CarrierName      string     `json:"carrier_name"`
	RequestedFOCDate string     `json:"requested_foc_date"`
	FOCDate          string     `json:"foc_date"`
	CompletedAt      *time.Time `json:"completed_at"`
}

// Number is a local DID or a toll-free number held by a location. What its
// fields imply (a pending port-out, gone, billed after a port-out) is in
// number_facts.go.
type Number struct {
	Number      string         `json:"number"`
	Type        string         `json:"type"`
	LocationID  string         `json:"location_id"`
	Description string         `json:"description"`
	Status      string         `json:"status"`
	Billing     Billing        `json:"billing"`
	ActivatedAt time.Time      `json:"activated_at"`
	CancelledAt *time.Time     `json:"cancelled_at"`
	Failover    *Failover      `json:"failover"`
	E911Address *E911Address   `json:"e911_address,omitempty"` // local only
	SMSEnabled  *bool          `json:"sms_enabled,omitempty"`  // local only
	RespOrg     string         `json:"resp_org,omitempty"`     // toll-free only
	PortOut     *NumberPortOut `json:"port_out"`
	// EarlyPortOutFee is the fee charged because the number was held under
	// 90 days when its port-out completed; nil when none applies.
	EarlyPortOutFee *string `json:"early_port_out_fee"`
}

// NumberOrder is the body of POST /v1/locations/{location_id}/numbers. Give
// Number to order that number, or AreaCode (local only) to order any free one.
type NumberOrder struct {
	Type        string       `json:"type"`
	Number      string       `json:"number,omitempty"`
	AreaCode    string       `json:"area_code,omitempty"`
	Description string       `json:"description"`
	Failover    *Failover    `json:"failover,omitempty"`
	E911Address *E911Address `json:"e911_address,omitempty"`
	SMSEnabled  *bool        `json:"sms_enabled,omitempty"`
}

// AvailableNumber is a number free to order.
type AvailableNumber struct {
	Number      string `json:"number"`
	Type        string `json:"type"`
	MonthlyRate string `json:"monthly_rate"`
}

// AvailableNumbersQuery filters GET /v1/available-numbers.
type AvailableNumbersQuery struct {
	Type     string
	AreaCode string
	Limit    int
}

// NumberFilter filters GET /v1/numbers; empty fields do not filter.
type NumberFilter struct {
	LocationID string
	Type       string
	Status     string
}

// PortOut is a port-out request made by a gaining carrier.
type PortOut struct {
	ID               string     `json:"id"`
	LocationID       string     `json:"location_id"`
	Numbers          []string   `json:"numbers"`
	CarrierName      string     `json:"carrier_name"`
	Status           string     `json:"status"`
	RequestedFOCDate string     `json:"requested_foc_date"`
	FOCDate          string     `json:"foc_date"`
	CreatedAt        time.Time  `json:"created_at"`
	CompletedAt      *time.Time `json:"completed_at"`
}

// LineItem is one line of a statement.
type LineItem struct {
	Kind        string `json:"kind"`
	Number      string `json:"number"`
	Description string `json:"description"`
	Amount      string `json:"amount"`
}

// StatementLinks are the downloads of a statement.
type StatementLinks struct {
	PDF  string `json:"pdf"`
	CDRs string `json:"cdrs"`
	SMS  string `json:"sms"`
}

// Statement is one location's bill for one billing period.
type Statement struct {
	ID                string         `json:"id"`
	LocationID        string         `json:"location_id"`
	Date              string         `json:"date"`
	PeriodStart       string         `json:"period_start"`
	PeriodEnd         string         `json:"period_end"`
	AccountNumber     string         `json:"account_number"`
	Total             string         `json:"total"`
	OutstandingAmount string         `json:"outstanding_amount"`
	Currency          string         `json:"currency"`
	LineItems         []LineItem     `json:"line_items"`
	Links             StatementLinks `json:"links"`
}

// StatementFilter bounds GET /v1/locations/{id}/statements by statement date
// (YYYY-MM-DD, inclusive); empty fields do not bound.
type StatementFilter struct {
	From string
	To   string
}

// ListMeta is the paging block of every list answer.
type ListMeta struct {
	PageNumber   int `json:"page_number"`
	PageSize     int `json:"page_size"`
	TotalPages   int `json:"total_pages"`
	TotalResults int `json:"total_results"`
}

// NumberUpdate is the body of PATCH /v1/numbers/{e164}. Nil fields are left
// as they are; RemoveFailover and RemoveE911Address send an explicit null,
// which removes the setting.
type NumberUpdate struct {
	Description       *string
	LocationID        *string
	Failover          *Failover
	RemoveFailover    bool
	E911Address       *E911Address
	RemoveE911Address bool
	SMSEnabled        *bool
}

// MarshalJSON writes only the fields being changed, with null for removals.
func (u NumberUpdate) MarshalJSON() ([]byte, error) {
	body := map[string]any{}
	if u.Description != nil {
		body["description"] = *u.Description
	}
	if u.LocationID != nil {
		body["location_id"] = *u.LocationID
	}
	switch {
	case u.RemoveFailover:
		body["failover"] = nil
	case u.Failover != nil:
		body["failover"] = u.Failover
	}
	switch {
	case u.RemoveE911Address:
		body["e911_address"] = nil
	case u.E911Address != nil:
		body["e911_address"] = u.E911Address
	}
	if u.SMSEnabled != nil {
		body["sms_enabled"] = *u.SMSEnabled
	}
	return json.Marshal(body)
}
