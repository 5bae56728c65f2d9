package http_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
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

// signedStripeEvent is a Stripe event with the data object object (JSON),
// signed at `at` with the test secret by stripe-go's test helper.
func signedStripeEvent(id, typ, account, object string, at time.Time) (body []byte, signature string) {
	body = []byte(fmt.Sprintf(`{"id":%q,"object":"event","type":%q,"account":%q,"created":%d,"api_version":"2026-08-26.dahlia","data":{"object":%s}}`,
		id, typ, account, at.Unix(), object))
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: testStripeWebhookSecret, Timestamp: at})
	return body, sp.Header
}

func setupSucceeded(id, customer, pm string, at time.Time) ([]byte, string) {
	return signedStripeEvent(id, "setup_intent.succeeded", "acct_1AcmeTest",
		fmt.Sprintf(`{"id":"seti_%s","object":"setup_intent","status":"succeeded","customer":%q,"payment_method":%q}`, id, customer, pm), at)
}

func cardDetached(id, pm string, at time.Time) ([]byte, string) {
	return signedStripeEvent(id, "payment_method.detached", "acct_1AcmeTest",
		fmt.Sprintf(`{"id":%q,"object":"payment_method","type":"card","customer":null,"card":{"brand":"visa","last4":"4242","exp_month":8,"exp_year":2030}}`, pm), at)
}

// TestSavedCardsAPI: a Finance user saves cards through a SetupIntent on the
// tenant's connected account (one Stripe Customer, created on demand),
// sees them once Stripe's signed event arrives (applied once, whatever the
// order), chooses the default, pays with one (confirmed server-side) and
// removes them; another customer's card answers 404 everywhere.
func TestSavedCardsAPI(t *testing.T) {
	stripetest.URL(t)
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	ctx := context.Background()
	tn, _ := e.owner.FindTenantBySlug(ctx, "acme")
	hash, _ := password.Hash(testPassword)
	if err := e.owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
			SELECT tenant_id, ?, customer_id, 'fiona@acme-customer.example', 'Fiona Finance', 'finance', ? FROM users WHERE email = 'jane@acme-customer.example'`,
			uuid.NewString(), hash)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	seedUser(t, e.owner, "acme", "olga@elsewhere.example", "Olga Other", "finance")
	signIn := func(email string) []*http.Cookie {
		t.Helper()
		w := e.request("POST", host, api.PathSession, `{"email":"`+email+`","password":"`+testPassword+`"}`, nil, nil)
		if w.Code != 200 {
			t.Fatalf("sign in %s: %d %s", email, w.Code, w.Body)
		}
		return w.Result().Cookies()
	}
	fiona, jane, olga := signIn("fiona@acme-customer.example"), signIn("jane@acme-customer.example"), signIn("olga@elsewhere.example")
	list := func(c []*http.Cookie) api.PaymentMethodList {
		t.Helper()
		w := e.request("GET", host, api.PathPaymentMethods, "", c, nil)
		var l api.PaymentMethodList
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &l) != nil {
			t.Fatalf("list: %d %s", w.Code, w.Body)
		}
		return l
	}
	deliver := func(body []byte, sig string) int {
		t.Helper()
		return e.request("POST", "any.host.example", porthttp.PathStripeWebhook, string(body), nil,
			map[string]string{"Stripe-Signature": sig, "Sec-Fetch-Site": "cross-site"}).Code
	}

	if l := list(fiona); len(l.PaymentMethods) != 0 || !l.CanManage || !l.Available {
		t.Fatalf("empty list = %+v", l)
	}
	// A Buyer neither lists nor saves cards (the role matrix says so).
	if w := e.request("GET", host, api.PathPaymentMethods, "", jane, nil); w.Code != http.StatusForbidden {
		t.Errorf("buyer list: %d", w.Code)
	}
	if w := e.request("POST", host, api.PathCardSetups, "{}", jane, nil); w.Code != http.StatusForbidden {
		t.Errorf("buyer setup: %d", w.Code)
	}

	// Two setups: one Stripe Customer, two SetupIntents, each on the
	// connected account with an idempotency key.
	var setup api.CardSetup
	for range 2 {
		w := e.request("POST", host, api.PathCardSetups, "{}", fiona, nil)
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &setup) != nil || setup.ClientSecret == "" ||
			setup.PublishableKey != "pk_test_portal" || setup.StripeAccount != "acct_1AcmeTest" || !strings.HasPrefix(setup.SetupIntentID, "seti_") {
			t.Fatalf("setup: %d %s", w.Code, w.Body)
		}
		if w.Header().Get("Cache-Control") != "no-store" {
			t.Errorf("setup Cache-Control %q", w.Header().Get("Cache-Control"))
		}
	}
	customers, setups := e.stripe.Requests("POST", "/v1/customers"), e.stripe.Requests("POST", "/v1/setup_intents")
	if len(customers) != 1 || len(setups) != 2 {
		t.Fatalf("%d customers and %d setup intents created, want 1 and 2", len(customers), len(setups))
	}
	for _, r := range append(customers, setups...) {
		if r.Header.Get("Stripe-Account") != "acct_1AcmeTest" || r.Header.Get("Idempotency-Key") == "" {
			t.Errorf("%s %s: account %q, idempotency key %q", r.Method, r.Path, r.Header.Get("Stripe-Account"), r.Header.Get("Idempotency-Key"))
		}
	}
	var cus string
	if err := e.owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT stripe_customer_id FROM stripe_customers sc JOIN users u ON u.tenant_id = sc.tenant_id AND u.customer_id = sc.customer_id
			WHERE u.email = 'fiona@acme-customer.example'`).Scan(&cus)
	}); err != nil {
		t.Fatal(err)
	}
	if setups[0].Form.Get("customer") != cus || setups[0].Form.Get("usage") != "on_session" {
		t.Errorf("setup intent form: %v (customer %s)", setups[0].Form, cus)
	}

	// The card appears when Stripe's signed event says so: tampered is
	// refused; the valid one delivered three times is applied once.
	now := time.Now()
	body, sig := setupSucceeded("evt_seti_1", cus, "pm_1Fiona", now)
	if code := deliver([]byte(strings.Replace(string(body), "pm_1Fiona", "pm_1Evil", 1)), sig); code != http.StatusBadRequest {
		t.Errorf("tampered setup event: %d", code)
	}
	for range 3 {
		if code := deliver(body, sig); code != 200 {
			t.Fatalf("setup event: %d %s", code, e.logs.String()[max(0, len(e.logs.String())-1500):])
		}
	}
	if n := len(e.stripe.Requests("GET", "/v1/payment_methods/pm_1Fiona")); n != 1 {
		t.Errorf("card read %d times from Stripe, want once", n)
	}
	l := list(fiona)
	if len(l.PaymentMethods) != 1 {
		t.Fatalf("after the setup event: %+v", l)
	}
	first := l.PaymentMethods[0]
	// stripe-mock's card fixture: visa 4242, 8/2030.
	if first.Brand != "visa" || first.Last4 != "4242" || first.ExpMonth != 8 || first.ExpYear != 2030 || !first.Default || first.Expired {
		t.Errorf("saved card = %+v", first)
	}
	// Another customer's Stripe Customer, or an unknown one: nothing saved.
	body, sig = setupSucceeded("evt_seti_2", "cus_NotOurs", "pm_1Stranger", now)
	if code := deliver(body, sig); code != 200 {
		t.Errorf("unknown customer's setup: %d", code)
	}
	// Out of order: the card detached before its setup event arrives
	// stays away.
	body, sig = cardDetached("evt_pm_3", "pm_3Gone", now)
	if code := deliver(body, sig); code != 200 {
		t.Errorf("early detach: %d", code)
	}
	body, sig = setupSucceeded("evt_seti_3", cus, "pm_3Gone", now.Add(-time.Minute))
	if code := deliver(body, sig); code != 200 {
		t.Errorf("late setup: %d", code)
	}
	body, sig = setupSucceeded("evt_seti_4", cus, "pm_2Fiona", now)
	if code := deliver(body, sig); code != 200 {
		t.Errorf("second card: %d", code)
	}
	l = list(fiona)
	if len(l.PaymentMethods) != 2 || l.PaymentMethods[0].ID != first.ID || l.PaymentMethods[1].Default {
		t.Fatalf("two cards, the first default: %+v", l)
	}
	second := l.PaymentMethods[1].ID
	if l := list(olga); len(l.PaymentMethods) != 0 {
		t.Errorf("olga sees %+v", l)
	}

	// Another customer's card id is 404 for every action; so is a
	// malformed one.
	inv := seedInvoice(t, e, "fiona@acme-customer.example", "INV-SAVED-1", 20000, 0)
	theirs := seedInvoice(t, e, "olga@elsewhere.example", "INV-SAVED-2", 5000, 0)
	for name, w := range map[string]interface{ Result() *http.Response }{
		"default": e.request("POST", host, api.PathPaymentMethods+"/"+second+"/default", "", olga, nil),
		"delete":  e.request("DELETE", host, api.PathPaymentMethods+"/"+second, "", olga, nil),
		"pay":     e.request("POST", host, api.PathCardPayments, `{"invoice_ids":["`+theirs+`"],"payment_method_id":"`+second+`"}`, olga, nil),
		"bad id":  e.request("POST", host, api.PathPaymentMethods+"/x'--/default", "", fiona, nil),
	} {
		if code := w.Result().StatusCode; code != http.StatusNotFound {
			t.Errorf("%s with another customer's card: %d", name, code)
		}
	}

	// The default moves, here and at Stripe.
	if w := e.request("POST", host, api.PathPaymentMethods+"/"+second+"/default", "", fiona, nil); w.Code != http.StatusNoContent {
		t.Fatalf("set default: %d %s", w.Code, w.Body)
	}
	upd := e.stripe.Requests("POST", "/v1/customers/"+cus)
	if len(upd) != 1 || upd[0].Form.Get("invoice_settings[default_payment_method]") != "pm_2Fiona" || upd[0].Header.Get("Stripe-Account") != "acct_1AcmeTest" {
		t.Errorf("default at Stripe: %+v", upd)
	}
	if l := list(fiona); l.PaymentMethods[0].ID != second || !l.PaymentMethods[0].Default || l.PaymentMethods[1].Default {
		t.Errorf("after set default: %+v", l)
	}

	// Paying with the saved card: the server confirms it with the
	// customer's card (here the bank asks for 3-D Secure); a double click
	// is the same payment, confirmed once.
	e.stripe.SetIntentStatus("POST", regexp.MustCompile(`^/v1/payment_intents/[^/]+/confirm$`), "requires_action")
	var p api.CardPayment
	for range 2 {
		w := e.request("POST", host, api.PathCardPayments, `{"invoice_ids":["`+inv+`"],"payment_method_id":"`+second+`"}`, fiona, nil)
		var again api.CardPayment
		// (A second click reads the intent back from stripe-mock, whose
		// fixture has its own amount.)
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &again) != nil || (p.ID == "" && again.Amount.Amount != 20000) {
			t.Fatalf("pay with saved card: %d %s", w.Code, w.Body)
		}
		if p.ID != "" && again.ID != p.ID {
			t.Errorf("second click: attempt %s, want %s", again.ID, p.ID)
		}
		if again.Status != "requires_action" || again.ClientSecret == "" {
			t.Errorf("saved card needing 3-D Secure: status %q, client secret set %v", again.Status, again.ClientSecret != "")
		}
		p = again
	}
	intents := e.stripe.Requests("POST", "/v1/payment_intents")
	if len(intents) != 1 {
		t.Fatalf("%d PaymentIntents, want 1", len(intents))
	}
	f := intents[0].Form
	if f.Get("payment_method") != "pm_2Fiona" || f.Get("customer") != cus || f.Get("confirm") != "" || f.Get("amount") != "20000" ||
		intents[0].Header.Get("Stripe-Account") != "acct_1AcmeTest" {
		t.Errorf("saved-card intent: %v, account %q", f, intents[0].Header.Get("Stripe-Account"))
	}
	if c := e.stripe.Requests("POST", "/v1/payment_intents/"+p.PaymentIntentID+"/confirm"); len(c) != 1 ||
		c[0].Header.Get("Idempotency-Key") != "payment-attempt-confirm:"+p.ID || c[0].Header.Get("Stripe-Account") != "acct_1AcmeTest" {
		t.Errorf("confirmations: %+v; want one, keyed by the attempt, on the connected account", c)
	}
	// The card form for the same invoice is another payment: the saved-card
	// one is cancelled.
	if w := e.request("POST", host, api.PathCardPayments, `{"invoice_ids":["`+inv+`"]}`, fiona, nil); w.Code != 200 {
		t.Errorf("card form after saved card: %d %s", w.Code, w.Body)
	}
	if n := len(e.stripe.Requests("POST", "/v1/payment_intents/"+p.PaymentIntentID+"/cancel")); n != 1 {
		t.Errorf("saved-card intent cancelled %d times", n)
	}

	// Removing the default detaches it at Stripe and makes the other the
	// default; Stripe's detached event for the last one empties the list.
	if w := e.request("DELETE", host, api.PathPaymentMethods+"/"+second, "", fiona, nil); w.Code != http.StatusNoContent {
		t.Fatalf("remove: %d %s", w.Code, w.Body)
	}
	if d := e.stripe.Requests("POST", "/v1/payment_methods/pm_2Fiona/detach"); len(d) != 1 || d[0].Header.Get("Stripe-Account") != "acct_1AcmeTest" {
		t.Errorf("detach at Stripe: %+v", d)
	}
	if l := list(fiona); len(l.PaymentMethods) != 1 || l.PaymentMethods[0].ID != first.ID || !l.PaymentMethods[0].Default {
		t.Errorf("after removing the default: %+v", l)
	}
	body, sig = cardDetached("evt_pm_1", "pm_1Fiona", now)
	for range 2 {
		if code := deliver(body, sig); code != 200 {
			t.Errorf("detached event: %d", code)
		}
	}
	if l := list(fiona); len(l.PaymentMethods) != 0 {
		t.Errorf("after the detached event: %+v", l)
	}
	if w := e.request("POST", host, api.PathCardPayments, `{"invoice_ids":["`+inv+`"],"payment_method_id":"`+first.ID+`"}`, fiona, nil); w.Code != http.StatusNotFound {
		t.Errorf("paying with a detached card: %d", w.Code)
	}
	// No client secret in the logs.
	if strings.Contains(e.logs.String(), setup.ClientSecret) || strings.Contains(e.logs.String(), "_secret_") {
		t.Error("a client secret is in the logs")
	}
}
