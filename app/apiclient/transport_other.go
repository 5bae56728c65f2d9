//go:build !js || !wasm

package apiclient

import (
	"context"
	"io"
	"net/http"
	"time"
)

// httpClient serves every non-browser build. The timeout is a backstop for
// callers that pass a context without a deadline.
var httpClient = &http.Client{Timeout: 30 * time.Second}

// roundTrip sends a request with net/http. rawURL must be absolute.
func roundTrip(ctx context.Context, method, rawURL string) (response, error) {
	req, err := http.NewRequestWithContext(ctx, method, rawURL, nil)
	if err != nil {
		return response{}, err
	}
	req.Header.Set("Accept", "application/json, application/problem+json")
	res, err := httpClient.Do(req)
	if err != nil {
		return response{}, err
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return response{}, err
	}
	return response{
		status:      res.StatusCode,
		contentType: res.Header.Get("Content-Type"),
		requestID:   res.Header.Get("X-Request-Id"),
		body:        body,
	}, nil
}
