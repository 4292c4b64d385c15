package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/sipstation-community/terraform-provider-sipstation/internal/sipstation"
)

const jsonContentType = "application/json; charset=utf-8"

// apiError is an error answer of the contract.
type apiError struct {
	status     int
	obj        sipstation.ErrorObject
	retryAfter int // seconds; 0 = no Retry-After header
}

func (e *apiError) Error() string {
	return fmt.Sprintf("%d %s: %s", e.status, e.obj.Code, e.obj.Detail)
}

var titles = map[string]string{
	sipstation.CodeUnauthenticated:          "Unauthenticated",
	sipstation.CodeNotFound:                 "Not found",
	sipstation.CodeInvalidNumber:            "Invalid number",
	sipstation.CodeValidationFailed:         "Validation failed",
	sipstation.CodeNumberUnavailable:        "Number unavailable",
	sipstation.CodePortOutPending:           "Port-out pending",
	sipstation.CodeLocationHasActiveNumbers: "Location has active numbers",
	sipstation.CodeIdempotencyConflict:      "Idempotency conflict",
	sipstation.CodeTooManyRequests:          "Too many requests",
	sipstation.CodeTemporarilyUnavailable:   "Temporarily unavailable",
	sipstation.CodeInternalError:            "Internal error",
}

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, obj: sipstation.ErrorObject{Code: code, Title: titles[code], Detail: fmt.Sprintf(format, args...)}}
}

// fieldErr is a 422 about one request field, named by a JSON pointer.
func fieldErr(code, pointer, format string, args ...any) *apiError {
	e := errf(http.StatusUnprocessableEntity, code, format, args...)
	e.obj.Source = &sipstation.ErrorSource{Pointer: pointer}
	return e
}

func invalid(pointer, format string, args ...any) *apiError {
	return fieldErr(sipstation.CodeValidationFailed, pointer, format, args...)
}

func notFound(format string, args ...any) *apiError {
	return errf(http.StatusNotFound, sipstation.CodeNotFound, format, args...)
}

// result is an answer before it is written: kept whole so that it can be
// stored for idempotent replay, or dropped after the commit.
type result struct {
	status      int
	contentType string
	body        []byte
	replayed    bool // answered from the idempotency store
}

func jsonResult(status int, v any) (*result, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode answer %T: %w", v, err)
	}
	return &result{status: status, contentType: jsonContentType, body: append(b, '\n')}, nil
}

func errorResult(e *apiError) *result {
	// An ErrorBody always encodes.
	b, _ := json.Marshal(sipstation.ErrorBody{Errors: []sipstation.ErrorObject{e.obj}})
	return &result{status: e.status, contentType: jsonContentType, body: append(b, '\n')}
}

func writeResult(w http.ResponseWriter, res *result) {
	w.Header().Set("Content-Type", res.contentType)
	w.WriteHeader(res.status)
	_, _ = w.Write(res.body) // the client went away; nothing to tell it
}

func writeError(w http.ResponseWriter, e *apiError) {
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	writeResult(w, errorResult(e))
}

// decodeBody decodes a JSON request body strictly: unknown fields and wrong
// types are 422 validation_failed naming the field.
func decodeBody(body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return invalid("", "the request body is empty; a JSON object is required")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonFieldError(err, "")
	}
	if dec.More() {
		return invalid("", "the request body holds more than one JSON value")
	}
	return nil
}

// decodeField decodes one raw member of a body object, naming it on error.
func decodeField(raw json.RawMessage, pointer string, v any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonFieldError(err, pointer)
	}
	return nil
}

// jsonFieldError turns a decoding error into a 422 naming the field; prefix
// is the pointer of the member being decoded ("" for the whole body).
func jsonFieldError(err error, prefix string) *apiError {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		ptr := prefix
		if typeErr.Field != "" {
			ptr += "/" + strings.ReplaceAll(typeErr.Field, ".", "/")
		}
		return invalid(ptr, "%s must be a JSON %s, not %s", fieldName(ptr), jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	if name, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		ptr := prefix + "/" + strings.Trim(name, `"`)
		return invalid(ptr, "unknown field %s: this request does not accept it", fieldName(ptr))
	}
	if prefix != "" {
		return invalid(prefix, "%s is not valid JSON: %v", fieldName(prefix), err)
	}
	return invalid("", "the request body is not valid JSON: %v", err)
}

func fieldName(pointer string) string {
	if pointer == "" {
		return "the request body"
	}
	return strings.ReplaceAll(strings.TrimPrefix(pointer, "/"), "/", ".")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "struct", "map":
		return "object"
	case "slice", "array":
		return "array"
	default:
		return "number"
	}
}

// page is a validated page[number] and page[size].
type page struct{ number, size int }

func parsePage(r *http.Request) (page, error) {
	p := page{number: 1, size: 100}
	q := r.URL.Query()
	if v := q.Get("page[number]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, invalid("", "query parameter page[number] must be a whole number of 1 or more, not %q", v)
		}
		p.number = n
	}
	if v := q.Get("page[size]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return p, invalid("", "query parameter page[size] must be a whole number from 1 to 1000, not %q", v)
		}
		p.size = n
	}
	return p, nil
}

type listBody[T any] struct {
	Data []T                 `json:"data"`
	Meta sipstation.ListMeta `json:"meta"`
}

// paged answers one page of items with the meta block.
func paged[T any](p page, items []T) (*result, error) {
	start, end := p.bounds(len(items))
	return pageResult(p, items[start:end], len(items))
}

// bounds are the indexes of the page in a list of total items; a page past
// the end is empty.
func (p page) bounds(total int) (start, end int) {
	start = total
	// Compared before multiplying: page[number] can be as large as an int,
	// and the product would overflow.
	if p.number-1 <= total/p.size {
		start = min((p.number-1)*p.size, total)
	}
	return start, min(start+p.size, total)
}

// pageResult answers data, one page of a list of total items.
func pageResult[T any](p page, data []T, total int) (*result, error) {
	if data == nil {
		data = []T{}
	}
	return jsonResult(http.StatusOK, listBody[T]{Data: data, Meta: sipstation.ListMeta{
		PageNumber:   p.number,
		PageSize:     p.size,
		TotalPages:   (total + p.size - 1) / p.size,
		TotalResults: total,
	}})
}

// oneOf checks an optional enum query parameter.
func oneOf(r *http.Request, name string, allowed ...string) (string, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return "", nil
	}
	for _, a := range allowed {
		if v == a {
			return v, nil
		}
	}
	return "", invalid("", "query parameter %s must be one of %s, not %q", name, strings.Join(allowed, ", "), v)
}

func money(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	return fmt.Sprintf("%s%d.%02d", sign, cents/100, cents%100)
}
