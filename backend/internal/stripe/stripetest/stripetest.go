// Package stripetest connects tests to the stripe-mock that make test
// starts (PORTAL_STRIPE_API_URL), through a recorder of the requests sent.
// stripe-mock is stateless: it validates requests against Stripe's API and
// answers fixtures, so tests assert on what was sent.
package stripetest

import (
	"bytes"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"regexp"
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
	mu       sync.Mutex
	reqs     []Request
	next     http.RoundTripper
	statuses []intentStatus
	declines []*regexp.Regexp
	losses   []*answerLoss
}

// answerLoss is a number of answers LoseAnswers drops.
type answerLoss struct {
	method string
	path   *regexp.Regexp
	left   int
}

// Decline makes the answers to POST requests with a path path matches
// Stripe's decline: 402, a card_error (card_declined) carrying the intent
// stripe-mock answered, as a saved card's confirmation would be refused.
func (r *Recorder) Decline(path *regexp.Regexp) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.declines = append(r.declines, path)
}

// LoseAnswers lets the next n requests with method and a path path matches
// reach stripe-mock, then drops their answers (the connection resets), as
// when the network fails after Stripe acted.
func (r *Recorder) LoseAnswers(method string, path *regexp.Regexp, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.losses = append(r.losses, &answerLoss{method, path, n})
}

// intentStatus is an answer's status rewritten by SetIntentStatus.
type intentStatus struct {
	method string
	path   *regexp.Regexp
	status string
}

// fixtureStatus is the status of stripe-mock's PaymentIntent fixture.
var fixtureStatus = regexp.MustCompile(`"status":\s*"requires_payment_method"`)

// SetIntentStatus makes the answers to the requests with method and a path
// path matches carry status in place of stripe-mock's fixture status
// (requires_payment_method, whatever the request): the stateless mock
// answers as Stripe would at that step, e.g. requires_action for a saved
// card's confirmation that needs 3-D Secure.
func (r *Recorder) SetIntentStatus(method string, path *regexp.Regexp, status string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.statuses = append(r.statuses, intentStatus{method, path, status})
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
	status := ""
	for _, s := range r.statuses {
		if s.method == req.Method && s.path.MatchString(req.URL.Path) {
			status = s.status
		}
	}
	declined := false
	for _, d := range r.declines {
		declined = declined || req.Method == "POST" && d.MatchString(req.URL.Path)
	}
	lost := false
	for _, l := range r.losses {
		if !lost && l.left > 0 && l.method == req.Method && l.path.MatchString(req.URL.Path) {
			l.left--
			lost = true
		}
	}
	r.mu.Unlock()
	res, err := r.next.RoundTrip(req)
	if err == nil && lost {
		res.Body.Close()
		return nil, errors.New("stripetest: connection reset after the request was sent")
	}
	if err != nil || (status == "" && !declined) || res.StatusCode != http.StatusOK {
		return res, err
	}
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	if status != "" {
		body = fixtureStatus.ReplaceAll(body, []byte(`"status":"`+status+`"`))
	}
	if declined {
		body = []byte(`{"error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
			"message": "Your card has insufficient funds.", "payment_intent": ` + string(body) + `}}`)
		res.StatusCode, res.Status = http.StatusPaymentRequired, "402 Payment Required"
	}
	res.Body, res.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	res.Header.Del("Content-Length")
	return res, nil
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

// Server is stripe-mock behind a recorder, on a loopback address of its
// own, for a server under test configured with an API URL (the end-to-end
// tests): the test shapes Stripe's answers on the recorder (statuses,
// declines, lost answers) and reads what was sent. It needs stripe-mock
// (see URL) and closes when the test ends.
func Server(tb testing.TB) (string, *Recorder) {
	tb.Helper()
	target, err := url.Parse(URL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	rec := &Recorder{next: http.DefaultTransport}
	proxy := httputil.NewSingleHostReverseProxy(target)
	proxy.Transport = rec
	srv := httptest.NewServer(proxy)
	tb.Cleanup(srv.Close)
	return srv.URL, rec
}
