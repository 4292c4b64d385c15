package emulator

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

type fixedClock time.Time

func (c fixedClock) Now() time.Time { return time.Time(c) }

// A clock advance whose transaction does not commit leaves the clock, and
// the statements it would have issued, where they were: the offset lives in
// the database only.
func TestClockAdvanceRolledBack(t *testing.T) {
	t.Parallel()
	base := time.Date(2025, 3, 10, 15, 0, 0, 0, time.UTC)
	s, err := New(Options{Admin: true, Clock: fixedClock(base)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	body := `{"advance":"720h"}`
	failing := func(c *call) (*result, error) {
		if _, err := adminAdvanceClock(c); err != nil {
			return nil, err
		}
		return nil, errors.New("injected failure after the advance")
	}
	r := httptest.NewRequest(http.MethodPost, "/_emulator/clock", strings.NewReader(body))
	if _, err := s.execute(r, []byte(body), "", false, failing); err == nil {
		t.Fatal("execute succeeded; want the injected failure")
	}

	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/_emulator/clock", nil))
	want := `{"now":"2025-03-10T15:00:00Z","offset":"0s"}` + "\n"
	if w.Code != http.StatusOK || w.Body.String() != want {
		t.Errorf("clock after the failed advance: %d %s, want %s", w.Code, w.Body, want)
	}
	// The next advance starts from the unchanged clock.
	w = httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/_emulator/clock", strings.NewReader(`{"advance":"1h"}`)))
	if want := `{"now":"2025-03-10T16:00:00Z","offset":"1h0m0s"}` + "\n"; w.Body.String() != want {
		t.Errorf("next advance: %s, want %s", w.Body, want)
	}
}
