package sipstation

import (
	"errors"
	"fmt"
)

// Error codes of the contract, as sent in {"errors":[{"code": ...}]}.
const (
	CodeUnauthenticated          = "unauthenticated"
	CodeNotFound                 = "not_found"
	CodeInvalidNumber            = "invalid_number"
	CodeValidationFailed         = "validation_failed"
	CodeNumberUnavailable        = "number_unavailable"
	CodePortOutPending           = "port_out_pending"
	CodeLocationHasActiveNumbers = "location_has_active_numbers"
	CodeIdempotencyConflict      = "idempotency_conflict"
	CodeTooManyRequests          = "too_many_requests"
	CodeTemporarilyUnavailable   = "temporarily_unavailable"
	CodeInternalError            = "internal_error"
)

// Sentinel errors, one per error code: test with errors.Is(err, ErrPortOutPending).
var (
	ErrUnauthenticated          = errors.New(CodeUnauthenticated)
	ErrNotFound                 = errors.New(CodeNotFound)
	ErrInvalidNumber            = errors.New(CodeInvalidNumber)
	ErrValidationFailed         = errors.New(CodeValidationFailed)
	ErrNumberUnavailable        = errors.New(CodeNumberUnavailable)
	ErrPortOutPending           = errors.New(CodePortOutPending)
	ErrLocationHasActiveNumbers = errors.New(CodeLocationHasActiveNumbers)
	ErrIdempotencyConflict      = errors.New(CodeIdempotencyConflict)
	ErrTooManyRequests          = errors.New(CodeTooManyRequests)
	ErrTemporarilyUnavailable   = errors.New(CodeTemporarilyUnavailable)
	ErrInternal                 = errors.New(CodeInternalError)
)

var sentinels = map[string]error{
	CodeUnauthenticated:          ErrUnauthenticated,
	CodeNotFound:                 ErrNotFound,
	CodeInvalidNumber:            ErrInvalidNumber,
	CodeValidationFailed:         ErrValidationFailed,
	CodeNumberUnavailable:        ErrNumberUnavailable,
	CodePortOutPending:           ErrPortOutPending,
	CodeLocationHasActiveNumbers: ErrLocationHasActiveNumbers,
	CodeIdempotencyConflict:      ErrIdempotencyConflict,
	CodeTooManyRequests:          ErrTooManyRequests,
	CodeTemporarilyUnavailable:   ErrTemporarilyUnavailable,
	CodeInternalError:            ErrInternal,
}

// ErrorSource points at the request field an error is about.
type ErrorSource struct {
	Pointer string `json:"pointer"`
}

// ErrorObject is one entry of an error answer's "errors" array.
type ErrorObject struct {
	Code   string       `json:"code"`
	Title  string       `json:"title"`
	Detail string       `json:"detail"`
	Source *ErrorSource `json:"source,omitempty"`
}

// ErrorBody is the JSON body of every error answer.
type ErrorBody struct {
	Errors []ErrorObject `json:"errors"`
}

// APIError is an error answer from the API: its HTTP status and first error
// object. errors.Is matches it against the sentinel of its code.
type APIError struct {
	StatusCode int
	ErrorObject
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("%d %s", e.StatusCode, e.Code)
	if e.Detail != "" {
		msg += ": " + e.Detail
	} else if e.Title != "" {
		msg += ": " + e.Title
	}
	return msg
}

// Is makes errors.Is(err, ErrPortOutPending) and the like work.
func (e *APIError) Is(target error) bool {
	s, ok := sentinels[e.Code]
	return ok && s == target
}
