package emulator

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

func adminCreateAccount(c *call) (*result, error) {
	var in struct {
		Name        string `json:"name"`
		AccountType string `json:"account_type"`
	}
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	a, err := createAccount(c.tx, in.Name, in.AccountType, c.now)
	if err != nil {
		return nil, err
	}
	return jsonResult(http.StatusCreated, accountOf(a))
}

// ClockState is the JSON of GET and POST /_emulator/clock.
type ClockState struct {
	Now    time.Time `json:"now"`
	Offset string    `json:"offset"` // how far the emulator runs ahead of its base clock
}

func adminGetClock(c *call) (*result, error) {
	offset, err := c.tx.clockOffset()
	if err != nil {
		return nil, err
	}
	return jsonResult(http.StatusOK, ClockState{Now: c.now, Offset: offset.String()})
}

// adminAdvanceClock moves the emulator's time forward and issues the
// statements that fall due.
func adminAdvanceClock(c *call) (*result, error) {
	var in struct {
		Advance string `json:"advance"`
	}
	if err := decodeBody(c.body, &in); err != nil {
		return nil, err
	}
	d, err := time.ParseDuration(in.Advance)
	if err != nil || d < 0 {
		return nil, invalid("/advance", "advance must be a non-negative Go duration such as \"720h\", not %q", in.Advance)
	}
	offset, err := c.tx.clockOffset()
	if err != nil {
		return nil, err
	}
	if offset > math.MaxInt64-d {
		return nil, invalid("/advance", "advance %s would move the clock past what it can show (it already runs %s ahead)", d, offset)
	}
	offset += d
	// Only in this transaction: should it fail or not commit, the clock
	// stays where it was.
	if err := c.tx.setMeta(metaClockOffset, strconv.FormatInt(int64(offset), 10)); err != nil {
		return nil, err
	}
	if c.now, err = c.s.now(c.tx); err != nil {
		return nil, err
	}
	if err := issueDueStatements(c); err != nil {
		return nil, err
	}
	return jsonResult(http.StatusOK, ClockState{Now: c.now, Offset: offset.String()})
}

func adminGetFaults(c *call) (*result, error) {
	return jsonResult(http.StatusOK, c.s.faults.get())
}

// maxLatencyMS bounds the injected latency: longer than any client waits,
// short enough not to overflow a time.Duration.
const maxLatencyMS = 10 * 60 * 1000

// adminSetFaults replaces the fault settings (POST /_emulator/faults with a
// Faults document): latency_ms, rate_429, rate_5xx, drop_after_commit,
// rate_limit_per_s, and the extensions max_faults, methods (the HTTP
// methods the faults apply to) and paths (the path prefixes they apply to,
// each starting with "/"). Settings left out are off.
func adminSetFaults(c *call) (*result, error) {
	var f Faults
	if err := decodeBody(c.body, &f); err != nil {
		return nil, err
	}
	rates := []struct {
		ptr string
		v   float64
	}{{"/rate_429", f.Rate429}, {"/rate_5xx", f.Rate5xx}, {"/drop_after_commit", f.DropAfterCommit}, {"/rate_tempnotavail", f.RateTempNotAvail}}
	for _, r := range rates {
		if r.v < 0 || r.v > 1 {
			return nil, invalid(r.ptr, "%s is a probability from 0 to 1, not %v", fieldName(r.ptr), r.v)
		}
	}
	switch {
	case f.LatencyMS < 0 || f.LatencyMS > maxLatencyMS:
		return nil, invalid("/latency_ms", "latency_ms is from 0 to %d (ten minutes), not %d", maxLatencyMS, f.LatencyMS)
	case f.RateLimitPerS < 0 || f.RateLimitPerS > UnlimitedRate:
		return nil, invalid("/rate_limit_per_s", "rate_limit_per_s is from 0 (keep the server's limit) to %d, not %v", UnlimitedRate, f.RateLimitPerS)
	case f.MaxFaults < 0:
		return nil, invalid("/max_faults", "max_faults cannot be negative; 0 means no limit")
	}
	for i, p := range f.Paths {
		if !strings.HasPrefix(p, "/") {
			return nil, invalid(fmt.Sprintf("/paths/%d", i), "paths are path prefixes starting with /, such as /v1/numbers/, not %q", p)
		}
	}
	c.s.faults.set(f)
	return jsonResult(http.StatusOK, f)
}

func adminGetMetrics(c *call) (*result, error) {
	return jsonResult(http.StatusOK, c.s.metrics.snapshot())
}
