package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
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
