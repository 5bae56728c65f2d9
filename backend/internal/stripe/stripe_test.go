package stripe_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/stripe"
	"example.com/portal/backend/internal/stripe/stripetest"
)

// Against stripe-mock: the connected account, the idempotency key and the
// pinned API version go out as headers on every call.
func TestGatewayHeaders(t *testing.T) {
	g, rec := stripetest.Gateway(t)
	ctx := context.Background()
	pi, err := g.CreateIntent(ctx, portal.IntentInput{Account: "acct_1Tenant", IdempotencyKey: "payment-attempt:42",
		Amount: portal.Money{Amount: 12500, Currency: "USD"}, Description: "Invoice INV-1", Metadata: map[string]string{"invoices": "INV-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if pi.ID == "" || pi.ClientSecret == "" || pi.Status == "" {
		t.Errorf("intent = %+v", pi)
	}
	reqs := rec.Requests("POST", "/v1/payment_intents")
	if len(reqs) != 1 {
		t.Fatalf("%d create requests", len(reqs))
	}
	h := reqs[0].Header
	if h.Get("Stripe-Account") != "acct_1Tenant" || h.Get("Idempotency-Key") != "payment-attempt:42" || h.Get("Stripe-Version") != "2023-10-16" {
		t.Errorf("headers: account %q, idempotency %q, version %q", h.Get("Stripe-Account"), h.Get("Idempotency-Key"), h.Get("Stripe-Version"))
	}
	if _, err := g.GetIntent(ctx, "acct_1Tenant", pi.ID); err != nil {
		t.Errorf("get: %v", err)
	}
	if got := rec.Requests("GET", "/v1/payment_intents/"+pi.ID); len(got) != 1 || got[0].Header.Get("Stripe-Account") != "acct_1Tenant" {
		t.Errorf("get requests: %+v", got)
	}
	if err := g.CancelIntent(ctx, "acct_1Tenant", pi.ID); err != nil {
		t.Errorf("cancel: %v", err)
	}
}

// A request Stripe refuses is an internal error (ours to fix, or the
// tenant's account setting); Stripe out of reach or failing is
// "unavailable", which the client may retry. stripe-mock accepts what it
// can parse, so Stripe's refusals come from a server answering as Stripe
// does.
func TestGatewayErrors(t *testing.T) {
	for status, want := range map[int]string{400: portal.EINTERNAL, 404: portal.EINTERNAL, 429: portal.EUNAVAILABLE, 500: portal.EUNAVAILABLE} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Request-Id", "req_123")
			w.WriteHeader(status)
			_, _ = w.Write([]byte(`{"error":{"type":"invalid_request_error","message":"No such account: 'acct_1Gone'"}}`))
		}))
		g, err := stripe.New(stripe.Config{SecretKey: "sk_test_x", APIURL: srv.URL})
		if err != nil {
			t.Fatal(err)
		}
		_, err = g.CreateIntent(context.Background(), portal.IntentInput{Account: "acct_1Gone", IdempotencyKey: "k",
			Amount: portal.Money{Amount: 100, Currency: "USD"}})
		srv.Close()
		if portal.ErrorCode(err) != want {
			t.Errorf("Stripe answering %d: %v (%s), want %s", status, err, portal.ErrorCode(err), want)
		}
		if status == 400 && (err == nil || !strings.Contains(err.Error(), "No such account") || strings.Contains(portal.ErrorMessage(err), "acct_")) {
			t.Errorf("the log keeps Stripe's message, the client does not see it: %v / %q", err, portal.ErrorMessage(err))
		}
	}
	down, err := stripe.New(stripe.Config{SecretKey: "sk_test_x", APIURL: "http://127.0.0.1:1"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = down.CreateIntent(context.Background(), portal.IntentInput{Account: "acct_1Tenant", IdempotencyKey: "k",
		Amount: portal.Money{Amount: 100, Currency: "USD"}})
	if portal.ErrorCode(err) != portal.EUNAVAILABLE {
		t.Errorf("stripe down: %v (%s)", err, portal.ErrorCode(err))
	}
	if _, err := stripe.New(stripe.Config{}); err == nil {
		t.Error("a gateway without a secret key")
	}
}
