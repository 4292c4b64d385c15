package sipstation

// What a number's fields imply, written once: the provider's guard, its
// resources and data sources, and the tests all ask these questions, and
// must answer them the same way.

import "errors"

// PortOutPending reports whether a gaining carrier's port-out of the number
// is pending. Then the number must not be cancelled: cancelling it would
// make the port fail and lose the number for good. The status says so, and
// so does the port_out block (shown as pending before the status follows).
func (n *Number) PortOutPending() bool {
	return n.Status == StatusPortOutPending || (n.PortOut != nil && n.PortOut.Status == PortOutPending)
}

// BilledAfterPortOut reports whether the number has left SIPStation but is
// still billed: the case the domain warns of, which only a cancel ends.
func (n *Number) BilledAfterPortOut() bool {
	return n.Status == StatusPortedOut && n.Billing.Active
}

// Gone reports whether the account no longer holds the number: it was
// cancelled. (After the cancel's own answer, the API answers 404 for it;
// see NumberGone.)
func (n *Number) Gone() bool {
	return n.Status == StatusCancelled
}

// NumberGone reports whether the answer to a read of a number (GetNumber's
// or ReadNumber's n and err) says that the account no longer holds it: not
// found, or cancelled. Any other error says nothing either way.
func NumberGone(n *Number, err error) bool {
	return errors.Is(err, ErrNotFound) || (err == nil && n.Gone())
}

// FOCDate is the firm order commitment date of the number's port-out, or the
// requested date while the carriers have not confirmed one; "" when the
// number has no port-out or neither date is set.
func (n *Number) FOCDate() string {
	if n.PortOut == nil {
		return ""
	}
	if n.PortOut.FOCDate != "" {
		return n.PortOut.FOCDate
	}
	return n.PortOut.RequestedFOCDate
}
