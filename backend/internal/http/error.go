package http

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
)

// codes is the one table from domain error codes to HTTP statuses.
var codes = map[string]int{
	portal.ECONFLICT:      http.StatusConflict,
	portal.EINVALID:       http.StatusBadRequest,
	portal.ENOTFOUND:      http.StatusNotFound,
	portal.EUNAUTHORIZED:  http.StatusUnauthorized,
	portal.EFORBIDDEN:     http.StatusForbidden,
	portal.EUNAVAILABLE:   http.StatusServiceUnavailable,
	portal.ERATELIMITED:   http.StatusTooManyRequests,
	portal.EUNSUPPORTED:   http.StatusUnsupportedMediaType,
	portal.ETOOLARGE:      http.StatusRequestEntityTooLarge,
	portal.EUNPROCESSABLE: http.StatusUnprocessableEntity,
	portal.EINTERNAL:      http.StatusInternalServerError,
}

// apiCodes maps domain codes to the wire's problem codes.
var apiCodes = map[string]string{
	portal.ECONFLICT:      api.CodeConflict,
	portal.EINVALID:       api.CodeInvalid,
	portal.ENOTFOUND:      api.CodeNotFound,
	portal.EUNAUTHORIZED:  api.CodeUnauthorized,
	portal.EFORBIDDEN:     api.CodeForbidden,
	portal.EUNAVAILABLE:   api.CodeUnavailable,
	portal.ERATELIMITED:   api.CodeRateLimited,
	portal.EUNSUPPORTED:   api.CodeUnsupported,
	portal.ETOOLARGE:      api.CodeTooLarge,
	portal.EUNPROCESSABLE: api.CodeInvalid,
	portal.EINTERNAL:      api.CodeInternal,
}

var errNotFound = portal.Errorf(portal.ENOTFOUND, "Not found.")

// handle adapts a handler that returns an error: the error becomes a problem
// response, so a handler cannot forget to answer or answer twice.
func (s *Server) handle(fn func(w http.ResponseWriter, r *http.Request) error) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := fn(w, r); err != nil {
			s.writeError(w, r, err)
		}
	}
}

// writeError answers with err as a problem. Internal errors are logged with
// the request id and answered with a generic message: their text may hold
// addresses, SQL or secrets.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := portal.ErrorCode(err)
	status, ok := codes[code]
	if !ok {
		status, code = http.StatusInternalServerError, portal.EINTERNAL
	}
	if code == portal.EINTERNAL {
		s.Logger.ErrorContext(r.Context(), "internal error", "request_id", RequestIDFrom(r.Context()),
			"method", r.Method, "path", r.URL.Path, "error", err.Error())
	}
	if code == portal.ERATELIMITED && w.Header().Get("Retry-After") == "" { // a handler may know better
		w.Header().Set("Retry-After", strconv.Itoa(int(portal.ThrottleWindow.Seconds())))
	}
	p := api.Problem{Title: http.StatusText(status), Code: apiCodes[code], Detail: portal.ErrorMessage(err)}
	var de *portal.Error
	if errors.As(err, &de) {
		for _, f := range de.Fields {
			p.Errors = append(p.Errors, api.FieldError{Field: f.Field, Message: f.Message})
		}
	}
	s.writeProblem(w, r, status, p)
}

// writeProblem writes p as application/problem+json with the request id.
func (s *Server) writeProblem(w http.ResponseWriter, r *http.Request, status int, p api.Problem) {
	p.Status = status
	p.RequestID = RequestIDFrom(r.Context())
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(p)
}

// writeJSON writes v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}
