package emulator

import (
	"fmt"
	"net/http"
	"time"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

// defaultFOCDelay is the FOC date of a port-out request that names none.
const defaultFOCDelay = 7 * 24 * time.Hour

func listPortOuts(c *call) (*result, error) {
	p, err := parsePage(c.r)
	if err != nil {
		return nil, err
	}
	status, err := oneOf(c.r, "status", sipstation.PortOutPending, sipstation.PortOutCompleted, sipstation.PortOutRejected, sipstation.PortOutCancelled)
	if err != nil {
		return nil, err
	}
	locationID := c.r.URL.Query().Get("location_id")
	recs, err := listJSON[portOutRec](c.tx, `SELECT data FROM port_outs WHERE account_id = ? ORDER BY rowid`, c.acct.ID)
	if err != nil {
		return nil, err
	}
	out := []sipstation.PortOut{}
	for _, po := range recs {
		if (locationID == "" || po.LocationID == locationID) && (status == "" || po.Status == status) {
			out = append(out, po.PortOut)
		}
	}
	return paged(p, out)
}

func getPortOut(c *call) (*result, error) {
	id := c.r.PathValue("id")
	po, err := c.tx.portOut(id)
	if err != nil {
		return nil, err
	}
	if po == nil || po.AccountID != c.acct.ID {
		return nil, notFound("port-out %q not found", id)
	}
	return jsonResult(http.StatusOK, po.PortOut)
}

// portOutRequest is the body of POST /_emulator/port-outs: what a gaining
// carrier submits.
type portOutRequest struct {
	Numbers     []string `json:"numbers"`
	CarrierName string   `json:"carrier_name"`
	FOCDate     string   `json:"foc_date"`
}

func adminCreatePortOut(c *call) (*result, error) {
	var in portOutRequest
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	if len(in.Numbers) == 0 {
		return nil, invalid("/numbers", "numbers must list at least one number to port out")
	}
	if in.CarrierName == "" {
		return nil, invalid("/carrier_name", "carrier_name is required: the gaining carrier")
	}
	foc := c.now.Add(defaultFOCDelay).Format(dateLayout)
	if in.FOCDate != "" {
		if _, err := time.Parse(dateLayout, in.FOCDate); err != nil {
			return nil, invalid("/foc_date", "foc_date %q must be a date written YYYY-MM-DD", in.FOCDate)
		}
		foc = in.FOCDate
	}
	var nums []*numberRec
	seen := map[string]bool{}
	for i, raw := range in.Numbers {
		ptr := fmt.Sprintf("/numbers/%d", i)
		number, err := e164Field(raw, ptr)
		if err != nil {
			return nil, err
		}
		if seen[number] {
			return nil, invalid(ptr, "number %s is listed twice", number)
		}
		seen[number] = true
		n, err := c.tx.latestNumber(number)
		if err != nil {
			return nil, err
		}
		if n == nil || n.Status == sipstation.StatusCancelled {
			return nil, notFound("number %s is not in service at SIPStation", number)
		}
		if n.Status != sipstation.StatusActive {
			return nil, invalid(ptr, "number %s is %s; only active numbers can be ported out", number, n.Status)
		}
		if len(nums) > 0 && n.LocationID != nums[0].LocationID {
			return nil, invalid(ptr, "number %s is on location %s, %s on %s; one port-out covers numbers of one location",
				number, n.LocationID, nums[0].Number.Number, nums[0].LocationID)
		}
		nums = append(nums, n)
	}
	id, err := newID("po")
	if err != nil {
		return nil, err
	}
	po := &portOutRec{
		PortOut: sipstation.PortOut{
			ID:               id,
			LocationID:       nums[0].LocationID,
			Numbers:          make([]string, len(nums)),
			CarrierName:      in.CarrierName,
			Status:           sipstation.PortOutPending,
			RequestedFOCDate: foc,
			FOCDate:          foc, // confirmed as requested
			CreatedAt:        c.now,
		},
		AccountID: nums[0].AccountID,
	}
	for i, n := range nums {
		po.Numbers[i] = n.Number.Number
		n.Status = sipstation.StatusPortOutPending
		n.PortOut = &sipstation.NumberPortOut{ID: id, Status: sipstation.PortOutPending, CarrierName: in.CarrierName, RequestedFOCDate: foc, FOCDate: foc}
		if err := c.tx.putNumber(n); err != nil {
			return nil, err
		}
	}
	if err := c.tx.putPortOut(po); err != nil {
		return nil, err
	}
	return jsonResult(http.StatusCreated, po.PortOut)
}

// pendingPortOut reads a port-out that is about to complete or be rejected.
func pendingPortOut(c *call, action string) (*portOutRec, error) {
	id := c.r.PathValue("id")
	po, err := c.tx.portOut(id)
	if err != nil {
		return nil, err
	}
	if po == nil {
		return nil, notFound("port-out %q not found", id)
	}
	if po.Status != sipstation.PortOutPending {
		return nil, invalid("", "port-out %s is %s; only a pending port-out can be %s", id, po.Status, action)
	}
	return po, nil
}

// portOutNumbers are the numbers still pending in po.
func portOutNumbers(c *call, po *portOutRec) ([]*numberRec, error) {
	var out []*numberRec
	for _, number := range po.Numbers {
		n, err := c.tx.latestNumber(number)
		if err != nil {
			return nil, err
		}
		if n != nil && n.Status == sipstation.StatusPortOutPending && n.PortOut != nil && n.PortOut.ID == po.ID {
			out = append(out, n)
		}
	}
	return out, nil
}

// adminCompletePortOut completes a port: the numbers leave SIPStation but
// stay billed until cancelled; a number held under 90 days is charged the
// early port-out fee on the next statement.
func adminCompletePortOut(c *call) (*result, error) {
	po, err := pendingPortOut(c, "completed")
	if err != nil {
		return nil, err
	}
	nums, err := portOutNumbers(c, po)
	if err != nil {
		return nil, err
	}
	now := c.now
	for _, n := range nums {
		n.Status = sipstation.StatusPortedOut
		n.PortedAway = true
		n.PortOut.Status = sipstation.PortOutCompleted
		n.PortOut.CompletedAt = &now
		if now.Sub(n.ActivatedAt) < earlyPortOutLimit {
			fee := money(earlyFeeCents)
			n.EarlyPortOutFee = &fee
			n.Fees = append(n.Fees, feeRec{PortOutID: po.ID, Cents: earlyFeeCents, ChargedAt: now})
		}
		if err := c.tx.putNumber(n); err != nil {
			return nil, err
		}
	}
	po.Status = sipstation.PortOutCompleted
	po.CompletedAt = &now
	if err := c.tx.putPortOut(po); err != nil {
		return nil, err
	}
	return jsonResult(http.StatusOK, po.PortOut)
}

// adminRejectPortOut rejects a port: the numbers are active again.
func adminRejectPortOut(c *call) (*result, error) {
	po, err := pendingPortOut(c, "rejected")
	if err != nil {
		return nil, err
	}
	nums, err := portOutNumbers(c, po)
	if err != nil {
		return nil, err
	}
	for _, n := range nums {
		n.Status = sipstation.StatusActive
		n.PortOut.Status = sipstation.PortOutRejected
		if err := c.tx.putNumber(n); err != nil {
			return nil, err
		}
	}
	po.Status = sipstation.PortOutRejected
	if err := c.tx.putPortOut(po); err != nil {
		return nil, err
	}
	return jsonResult(http.StatusOK, po.PortOut)
}
