package api

// Problem is the body of every error response, an RFC 9457 problem document
// (Content-Type application/problem+json) with the portal's extensions.
type Problem struct {
	Type   string `json:"type,omitempty"` // URI of the problem type; "about:blank" when omitted
	Title  string `json:"title"`          // short, human-readable summary
	Status int    `json:"status"`         // the HTTP status code
	Detail string `json:"detail,omitempty"`
	// Code is the portal's error code (ErrorCode constants), stable for clients.
	Code string `json:"code"`
	// RequestID identifies the request in the server's logs; support asks for it.
	RequestID string `json:"request_id,omitempty"`
	// Errors names each invalid field of a rejected request.
	Errors []FieldError `json:"errors,omitempty"`
}

// FieldError is one invalid field of a request.
type FieldError struct {
	Field   string `json:"field"`   // JSON path of the field, e.g. "lines[2].quantity"
	Message string `json:"message"` // what is wrong, for people
}

// Error codes of Problem.Code.
const (
	CodeInvalid      = "invalid"      // 400/422: the request is malformed or a field is invalid
	CodeUnauthorized = "unauthorized" // 401: not signed in
	CodeForbidden    = "forbidden"    // 403: signed in but not allowed, or the tenant is suspended
	CodeNotFound     = "not_found"    // 404
	CodeConflict     = "conflict"     // 409
	CodeRateLimited  = "rate_limited" // 429
	CodeUnsupported  = "unsupported"  // 415: the body is not of a media type the route takes
	CodeTooLarge     = "too_large"    // 413: more rows or bytes than the route takes
	CodeInternal     = "internal"     // 500: details only in the server log, under RequestID
	CodeUnavailable  = "unavailable"  // 503
)
