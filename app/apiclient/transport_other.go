//go:build !js || !wasm

package apiclient

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"
)

// httpClient serves every non-browser build. The timeout is a backstop for
// callers that pass a context without a deadline.
var httpClient = &http.Client{Timeout: 30 * time.Second}

// roundTrip sends a request with net/http. rawURL must be absolute. A
// non-nil body is sent as JSON.
func roundTrip(ctx context.Context, method, rawURL string, body []byte) (response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, rawURL, rd)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Accept", "application/json, application/problem+json")
	if body != nil {
		req.Header.Set("Content-Type", jsonContentType)
	}
	res, err := httpClient.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	resBody, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return response{}, err
	}
	return response{
		status:      res.StatusCode,
		contentType: res.Header.Get("Content-Type"),
		requestID:   res.Header.Get("X-Request-Id"),
		body:        resBody,
	}, nil
}
