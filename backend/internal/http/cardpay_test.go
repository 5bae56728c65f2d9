package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stripe/stripe-go/v76/webhook"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	porthttp "example.com/portal/backend/internal/http"
	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/stripe/stripetest"
)

// seedInvoice gives the customer of the user with email an open invoice of
// total minor units with paid already paid; it returns its id.
func seedInvoice(t *testing.T, e *env, email, number string, total, paid int64) string {
	t.Helper()
	ctx := context.Background()
	tn, err := e.owner.FindTenantBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	id := uuid.NewString()
	if err := e.owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO invoices (tenant_id, id, customer_id, invoice_number, status, invoice_date, due_date,
				total_minor, amount_paid_minor)
			SELECT tenant_id, ?, customer_id, ?, CASE WHEN ? > 0 THEN 'partially_paid' ELSE 'open' END, current_date - 20, current_date + 10, ?, ?
			FROM users WHERE email = ?`, id, number, paid, total, paid, email)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestCardPaymentsAPI(t *testing.T) {
	stripetest.URL(t) // this test pays: stripe-mock must answer
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	// Fiona pays for Jane's company; Jane (a Buyer) may not; Olga is
	// another customer.
	tn, _ := e.owner.FindTenantBySlug(context.Background(), "acme")
	hash, _ := password.Hash(testPassword)
	if err := e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
			SELECT tenant_id, ?, customer_id, 'fiona@acme-customer.example', 'Fiona Finance', 'finance', ? FROM users WHERE email = 'jane@acme-customer.example'`,
			uuid.NewString(), hash)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	seedUser(t, e.owner, "acme", "olga@elsewhere.example", "Olga Other", "finance")
	inv := seedInvoice(t, e, "jane@acme-customer.example", "INV-100", 125000, 25000)
	theirs := seedInvoice(t, e, "olga@elsewhere.example", "INV-200", 9900, 0)
	signIn := func(email string) []*http.Cookie {
		t.Helper()
		w := e.request("POST", host, api.PathSession, `{"email":"`+email+`","password":"`+testPassword+`"}`, nil, nil)
		if w.Code != 200 {
			t.Fatalf("sign in %s: %d %s", email, w.Code, w.Body)
		}
		return w.Result().Cookies()
	}
	fiona, jane := signIn("fiona@acme-customer.example"), signIn("jane@acme-customer.example")
	pay := func(cookies []*http.Cookie, body string) (int, api.CardPayment, string) {
		t.Helper()
		w := e.request("POST", host, api.PathCardPayments, body, cookies, nil)
		var p api.CardPayment
		if w.Code == 200 {
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if w.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", w.Header().Get("Cache-Control"))
			}
		}
		return w.Code, p, w.Body.String()
	}

	// The client cannot name an amount: the server takes what is due.
	if code, _, body := pay(fiona, `{"invoice_ids":["`+inv+`"],"amount":1}`); code != http.StatusBadRequest || !strings.Contains(body, `"amount"`) {
		t.Errorf("an amount from the client: %d %s", code, body)
	}
	code, p, body := pay(fiona, `{"invoice_ids":["`+inv+`"]}`)
	if code != 200 || p.Amount != (api.Money{Amount: 100000, Currency: "USD"}) || p.ClientSecret == "" ||
		p.PublishableKey != "pk_test_portal" || p.StripeAccount != "acct_1AcmeTest" || len(p.Invoices) != 1 || p.Invoices[0].InvoiceNumber != "INV-100" {
		t.Fatalf("pay = %d %s", code, body)
	}
	if code, again, _ := pay(fiona, `{"invoice_ids":["`+inv+`"]}`); code != 200 || again.ID != p.ID {
		t.Errorf("second click: %d, attempt %q, want %q", code, again.ID, p.ID)
	}
	if n := len(e.stripe.Requests("POST", "/v1/payment_intents")); n != 1 {
		t.Errorf("%d PaymentIntents created, want 1", n)
	}
	// The client secret goes to the payer only, never to the logs.
	if strings.Contains(e.logs.String(), p.ClientSecret) {
		t.Error("the client secret is in the logs")
	}

	// A Buyer may not pay; another customer's invoice does not exist;
	// bad bodies name the field.
	if code, _, body := pay(jane, `{"invoice_ids":["`+inv+`"]}`); code != http.StatusForbidden {
		t.Errorf("buyer: %d %s", code, body)
	}
	if code, _, body := pay(fiona, `{"invoice_ids":["`+theirs+`"]}`); code != http.StatusNotFound || strings.Contains(body, "INV-200") {
		t.Errorf("another customer's invoice: %d %s", code, body)
	}
	for _, b := range []string{`{}`, `{"invoice_ids":"` + inv + `"}`, `{"invoice_ids":["` + inv + `","` + inv + `"]}`} {
		code, _, body := pay(fiona, b)
		if code != http.StatusBadRequest || !strings.Contains(body, `"invoice_ids"`) {
			t.Errorf("%s: %d %s, want 400 naming invoice_ids", b, code, body)
		}
	}
}

// stripeEvent is a Stripe event about a PaymentIntent, signed at `at` with
// the test secret the way Stripe signs (stripe-go's test helper).
func stripeEvent(id, typ, account, intent, status string, amount int64, at time.Time) (body []byte, signature string) {
	body = []byte(fmt.Sprintf(`{"id":%q,"object":"event","type":%q,"account":%q,"created":%d,"api_version":"2026-08-26.dahlia",
		"data":{"object":{"id":%q,"object":"payment_intent","status":%q,"amount":%d,"amount_received":%d,"currency":"usd"}}}`,
		id, typ, account, at.Unix(), intent, status, amount, amount))
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: testStripeWebhookSecret, Timestamp: at})
	return body, sp.Header
}

func TestStripeWebhook(t *testing.T) {
	stripetest.URL(t)
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	seedUser(t, e.owner, "acme", "fiona@finance.example", "Fiona Finance", "finance")
	inv := seedInvoice(t, e, "fiona@finance.example", "INV-300", 50000, 0)
	w := e.request("POST", host, api.PathSession, `{"email":"fiona@finance.example","password":"`+testPassword+`"}`, nil, nil)
	if w.Code != 200 {
		t.Fatalf("sign in: %d", w.Code)
	}
	fiona := w.Result().Cookies()
	w = e.request("POST", host, api.PathCardPayments, `{"invoice_ids":["`+inv+`"]}`, fiona, nil)
	var p api.CardPayment
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &p) != nil {
		t.Fatalf("pay: %d %s", w.Code, w.Body)
	}
	deliver := func(body []byte, sig string) int {
		t.Helper()
		// Stripe posts to the platform's endpoint, on any host, cross-site.
		return e.request("POST", "any.host.example", porthttp.PathStripeWebhook, string(body), nil,
			map[string]string{"Stripe-Signature": sig, "Sec-Fetch-Site": "cross-site"}).Code
	}
	balance := func() int64 {
		t.Helper()
		var d api.Dashboard
		w := e.request("GET", host, api.PathDashboard, "", fiona, nil)
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &d) != nil {
			t.Fatalf("dashboard: %d %s", w.Code, w.Body)
		}
		return d.Summary.OpenBalance.Amount
	}
	if b := balance(); b != 50000 {
		t.Fatalf("open balance before = %d", b)
	}
	now := time.Now()

	// Tampered, signed with another secret, or stale: refused, nothing
	// applied.
	body, sig := stripeEvent("evt_1", "payment_intent.succeeded", "acct_1AcmeTest", p.PaymentIntentID, "succeeded", 50000, now)
	if code := deliver([]byte(strings.Replace(string(body), "50000", "5", 1)), sig); code != http.StatusBadRequest {
		t.Errorf("tampered: %d", code)
	}
	other := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: "whsec_other", Timestamp: now})
	if code := deliver(body, other.Header); code != http.StatusBadRequest {
		t.Errorf("another secret: %d", code)
	}
	staleBody, staleSig := stripeEvent("evt_1", "payment_intent.succeeded", "acct_1AcmeTest", p.PaymentIntentID, "succeeded", 50000, now.Add(-10*time.Minute))
	if code := deliver(staleBody, staleSig); code != http.StatusBadRequest {
		t.Errorf("stale: %d", code)
	}
	if b := balance(); b != 50000 {
		t.Errorf("open balance after refused events = %d", b)
	}

	// Out of order: "processing" arrives after "succeeded"; the success is
	// delivered three times. Applied once, paid.
	for range 3 {
		if code := deliver(body, sig); code != 200 {
			t.Fatalf("valid event: %d", code)
		}
	}
	lateBody, lateSig := stripeEvent("evt_0", "payment_intent.processing", "acct_1AcmeTest", p.PaymentIntentID, "processing", 50000, now.Add(-time.Minute))
	if code := deliver(lateBody, lateSig); code != 200 {
		t.Errorf("late processing: %d", code)
	}
	if b := balance(); b != 0 {
		t.Errorf("open balance after payment = %d, want 0", b)
	}
	var pays api.PaymentList
	w = e.request("GET", host, api.PathPayments, "", fiona, nil)
	if json.Unmarshal(w.Body.Bytes(), &pays) != nil || pays.Total != 1 || pays.Payments[0].Method != "card" ||
		pays.Payments[0].Amount.Amount != 50000 || pays.Payments[0].InvoiceNumber != "INV-300" {
		t.Errorf("receipts = %s", w.Body)
	}
	// Paid: nothing left to pay.
	if w := e.request("POST", host, api.PathCardPayments, `{"invoice_ids":["`+inv+`"]}`, fiona, nil); w.Code != http.StatusConflict {
		t.Errorf("paying a paid invoice: %d %s", w.Code, w.Body)
	}
	// An account of no tenant of ours: acknowledged, nothing applied.
	body, sig = stripeEvent("evt_2", "payment_intent.succeeded", "acct_1Stranger", p.PaymentIntentID, "succeeded", 50000, now)
	if code := deliver(body, sig); code != 200 {
		t.Errorf("unknown account: %d", code)
	}
}
