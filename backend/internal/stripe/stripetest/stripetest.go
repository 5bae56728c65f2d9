// Package stripetest connects tests to the stripe-mock that make test
// starts (PORTAL_STRIPE_API_URL), through a recorder of the requests sent.
// stripe-mock is stateless: it validates requests against Stripe's API and
// answers fixtures, so tests assert on what was sent.
package stripetest

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/stripe"
)

// Request is one request sent to Stripe.
type Request struct {
	Method, Path string
	Header       http.Header
	Form         url.Values // the form-encoded parameters sent
}

// Recorder records the requests a gateway sends.
type Recorder struct {
	mu   sync.Mutex
	reqs []Request
	next http.RoundTripper
}

// RoundTrip implements http.RoundTripper.
func (r *Recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	q := Request{Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone(), Form: req.URL.Query()}
	if req.Body != nil {
		body, err := io.ReadAll(req.Body)
		req.Body.Close()
		if err != nil {
			return nil, err
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		if f, err := url.ParseQuery(string(body)); err == nil {
			q.Form = f
		}
	}
	r.mu.Lock()
	r.reqs = append(r.reqs, q)
	r.mu.Unlock()
	return r.next.RoundTrip(req)
}

// Requests returns the requests sent so far with method and path.
func (r *Recorder) Requests(method, path string) []Request {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Request
	for _, q := range r.reqs {
		if q.Method == method && q.Path == path {
			out = append(out, q)
		}
	}
	return out
}

// URL returns stripe-mock's address; without it the test fails in CI and
// is skipped elsewhere.
func URL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("PORTAL_STRIPE_API_URL")
	if u == "" {
		pgtest.Unavailable(tb, "stripe-mock: PORTAL_STRIPE_API_URL is not set (make test starts stripe-mock)")
	}
	p, err := url.Parse(u)
	if err != nil {
		tb.Fatalf("PORTAL_STRIPE_API_URL: %v", err)
	}
	c, err := net.DialTimeout("tcp", p.Host, 2*time.Second)
	if err != nil {
		pgtest.Unavailable(tb, "stripe-mock at %s: %v", p.Host, err)
	} else {
		c.Close()
	}
	return u
}

// Gateway returns a gateway to stripe-mock and the recorder of its
// requests; the test needs stripe-mock (see URL).
func Gateway(tb testing.TB) (*stripe.Gateway, *Recorder) {
	tb.Helper()
	return gateway(tb, URL(tb))
}

// Unchecked is Gateway for fixtures shared by tests that may never call
// Stripe: it does not check that stripe-mock answers. A test that pays
// calls URL first.
func Unchecked(tb testing.TB) (*stripe.Gateway, *Recorder) {
	tb.Helper()
	u := os.Getenv("PORTAL_STRIPE_API_URL")
	if u == "" {
		u = "http://127.0.0.1:12111"
	}
	return gateway(tb, u)
}

func gateway(tb testing.TB, u string) (*stripe.Gateway, *Recorder) {
	tb.Helper()
	rec := &Recorder{next: http.DefaultTransport}
	g, err := stripe.New(stripe.Config{SecretKey: "sk_test_portal", APIURL: u, HTTPClient: &http.Client{Transport: rec, Timeout: 20 * time.Second}})
	if err != nil {
		tb.Fatal(err)
	}
	return g, rec
}
