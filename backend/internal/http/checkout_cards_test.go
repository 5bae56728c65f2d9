package http_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/stripe/stripetest"
	"example.com/portal/policies"
)

// checkoutConfirm is a PaymentIntent's confirmation at Stripe.
var checkoutConfirm = regexp.MustCompile(`^/v1/payment_intents/[^/]+/confirm$`)

// TestCheckoutSavedCardAPI pays orders at checkout with a saved card,
// against stripe-mock: a Buyer (no payment_methods:read) is refused with a
// problem naming payment_method_id and nothing is placed; an Admin's four
// concurrent submits of one checkout place one order, create one
// PaymentIntent with the account's Stripe Customer and card and confirm it
// once; a confirmation whose answer is lost is confirmed again with the
// same key by the client's retry, which answers the same order; a declined
// card leaves the order placed and unpaid (requires_payment_method, the
// client secret for the card form), and replaying it confirms nothing more;
// Finance pays with the cards where the tenant's policy lets it order.
func TestCheckoutSavedCardAPI(t *testing.T) {
	stripetest.URL(t)
	e := newEnv(t, nil)
	products, addr := seedCartProducts(t, e)
	hash, err := password.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	e.ownerExecAcme(t, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
		SELECT tenant_id, ?, customer_id, 'ada@acme-customer.example', 'Ada Admin', 'admin', ? FROM users WHERE email = 'jane@acme-customer.example'`,
		uuid.NewString(), hash)
	e.ownerExecAcme(t, `INSERT INTO stripe_customers (tenant_id, customer_id, stripe_account, stripe_customer_id, created_at)
		SELECT tenant_id, customer_id, 'acct_1AcmeTest', 'cus_1Lakeshore', now() FROM users WHERE email = 'jane@acme-customer.example'`)
	card := uuid.NewString()
	e.ownerExecAcme(t, `INSERT INTO payment_methods (tenant_id, id, customer_id, stripe_account, payment_method_id, brand, last4, exp_month, exp_year,
			is_default, created_at)
		SELECT tenant_id, ?, customer_id, 'acct_1AcmeTest', 'pm_1LakeshoreVisa', 'visa', '4242', 8, 2030, true, now() FROM users
		WHERE email = 'jane@acme-customer.example'`, card)
	jane := e.signIn(t, cartHost, "jane@acme-customer.example", testPassword)
	ada := e.signIn(t, cartHost, "ada@acme-customer.example", testPassword)
	add := func(who []*http.Cookie) {
		t.Helper()
		w := e.request("POST", cartHost, api.PathCartItems, `{"items":[{"product_id":"`+products["PL-1"]+`","quantity":"2"}]}`, who, nil)
		if w.Code != 200 {
			t.Fatalf("add: %d %s", w.Code, w.Body)
		}
	}
	body := func(key, paymentMethod string) string {
		return `{"idempotency_key":"` + key + `","shipping_address_id":"` + addr + `","shipping_method":"standard","payment":"card",` +
			`"payment_method_id":"` + paymentMethod + `","billing_address":{"line1":"9 Ledger St","city":"Erie","country":"US"}}`
	}
	confirmation := func(w interface{ Result() *http.Response }, raw []byte) api.CheckoutConfirmation {
		t.Helper()
		var c api.CheckoutConfirmation
		if err := json.Unmarshal(raw, &c); err != nil || c.Card == nil {
			t.Fatalf("checkout: %d %s", w.Result().StatusCode, raw)
		}
		return c
	}
	// confirmKeys are the idempotency keys of the confirmations of the
	// order's intent (stripe-mock may answer one intent id for all).
	confirmKeys := func(c api.CheckoutConfirmation) []string {
		var keys []string
		for _, q := range e.stripe.Requests("POST", "/v1/payment_intents/"+c.Card.PaymentIntentID+"/confirm") {
			if k := q.Header.Get("Idempotency-Key"); strings.HasSuffix(k, c.OrderID) {
				keys = append(keys, k)
			}
		}
		return keys
	}
	paymentStatus := func(orderID string) string {
		t.Helper()
		var st string
		n := e.ownerIntAcme(t, `SELECT count(*) FROM checkout_orders WHERE order_id = ?`, orderID)
		if n != 1 {
			t.Fatalf("%d checkouts of order %s", n, orderID)
		}
		for _, s := range []string{"requires_confirmation", "requires_payment_method", "requires_action", "processing", "succeeded"} {
			if e.ownerIntAcme(t, `SELECT count(*) FROM checkout_orders WHERE order_id = ? AND payment_status = ?`, orderID, s) == 1 {
				st = s
			}
		}
		return st
	}
	orders := func() int { return e.ownerIntAcme(t, `SELECT count(*) FROM orders WHERE source = 'portal'`) }

	// A Buyer may not use the account's saved cards: 403 naming the field,
	// nothing placed, nothing sent to Stripe, the cart kept.
	add(jane)
	p := decodeProblem(t, e.request("POST", cartHost, api.PathCheckout, body("co-cards-buyer-0001", card), jane, nil), http.StatusForbidden)
	if p.Code != api.CodeForbidden || strings.Join(problemFields(p), ",") != "payment_method_id" || p.Detail == "" {
		t.Errorf("buyer with a saved card: %+v", p)
	}
	if n := orders(); n != 0 {
		t.Errorf("%d orders after the refusal", n)
	}
	if n := len(e.stripe.Requests("POST", "/v1/payment_intents")); n != 0 {
		t.Errorf("%d intents created for the refused checkout", n)
	}
	w := e.request("GET", cartHost, api.PathCart, "", jane, nil)
	if c := decodeCart(t, w, w.Body.String(), w.Code); len(c.Lines) != 1 {
		t.Errorf("buyer's cart after the refusal: %+v", c)
	}
	// Nor does another customer's card, or none at all, pay: 404.
	add(ada)
	decodeProblem(t, e.request("POST", cartHost, api.PathCheckout, body("co-cards-admin-none1", uuid.NewString()), ada, nil), http.StatusNotFound)

	// The Admin's double (here fourfold, concurrent) submit: one order, one
	// intent with the saved card, one confirmation; Stripe says succeeded.
	e.stripe.SetIntentStatus("POST", checkoutConfirm, "succeeded")
	type answer struct {
		code int
		body []byte
		w    interface{ Result() *http.Response }
	}
	answers := make([]answer, 4)
	var wg sync.WaitGroup
	for i := range answers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := e.request("POST", cartHost, api.PathCheckout, body("co-cards-admin-0001", card), ada, nil)
			answers[i] = answer{w.Code, w.Body.Bytes(), w}
		}()
	}
	wg.Wait()
	created := 0
	var paid api.CheckoutConfirmation
	for i, a := range answers {
		c := confirmation(a.w, a.body)
		if a.code == http.StatusCreated {
			created++
			paid = c
		} else if a.code != http.StatusOK || !c.Replayed {
			t.Errorf("submit %d: %d %s", i, a.code, a.body)
		}
		if c.Card.Status != "succeeded" {
			t.Errorf("submit %d: card status %q, want succeeded", i, c.Card.Status)
		}
	}
	if created != 1 {
		t.Fatalf("%d submits placed an order, want 1", created)
	}
	for i, a := range answers {
		if c := confirmation(a.w, a.body); c.OrderID != paid.OrderID {
			t.Errorf("submit %d answered order %s, want %s", i, c.OrderID, paid.OrderID)
		}
	}
	creates := e.stripe.Requests("POST", "/v1/payment_intents")
	if len(creates) != 1 || creates[0].Form.Get("payment_method") != "pm_1LakeshoreVisa" || creates[0].Form.Get("customer") != "cus_1Lakeshore" ||
		creates[0].Form.Get("amount") != "25000" || creates[0].Header.Get("Stripe-Account") != "acct_1AcmeTest" ||
		!strings.HasPrefix(creates[0].Header.Get("Idempotency-Key"), "checkout:") {
		t.Errorf("intents created: %+v", creates)
	}
	if keys := confirmKeys(paid); len(keys) != 1 || keys[0] != "checkout-confirm:"+paid.OrderID {
		t.Errorf("confirmations %v, want one with checkout-confirm:%s", keys, paid.OrderID)
	}
	if st := paymentStatus(paid.OrderID); st != "succeeded" {
		t.Errorf("recorded payment %q, want succeeded", st)
	}
	if n := orders(); n != 1 {
		t.Errorf("%d orders, want 1", n)
	}

	// The confirmation reaches Stripe but its answer is lost: the submit
	// fails, the order is on record awaiting confirmation, and the
	// client's retry with the same key answers that order, confirmed with
	// the same key (Stripe replays its answer: one charge).
	e.stripe.LoseAnswers("POST", checkoutConfirm, 1)
	add(ada)
	w = e.request("POST", cartHost, api.PathCheckout, body("co-cards-admin-0002", card), ada, nil)
	if w.Code < 500 {
		t.Fatalf("lost confirmation: %d %s", w.Code, w.Body)
	}
	if n := orders(); n != 2 {
		t.Fatalf("%d orders after the lost answer, want 2", n)
	}
	w = e.request("POST", cartHost, api.PathCheckout, body("co-cards-admin-0002", card), ada, nil)
	retried := confirmation(w, w.Body.Bytes())
	if w.Code != http.StatusOK || !retried.Replayed || retried.OrderID == paid.OrderID || retried.Card.Status != "succeeded" {
		t.Fatalf("retry: %d %s", w.Code, w.Body)
	}
	keys := confirmKeys(retried)
	if len(keys) != 2 || keys[0] != "checkout-confirm:"+retried.OrderID || keys[1] != keys[0] {
		t.Errorf("confirmations after the lost answer: %v", keys)
	}
	if n := len(e.stripe.Requests("POST", "/v1/payment_intents")); n != 2 {
		t.Errorf("%d intents created, want 2 (one per order)", n)
	}
	if st := paymentStatus(retried.OrderID); st != "succeeded" {
		t.Errorf("recorded payment after the retry %q", st)
	}

	// Declined: the order stays placed and unpaid, the answer carries the
	// client secret for the card form; replaying confirms nothing more.
	e.stripe.Decline(checkoutConfirm)
	add(ada)
	w = e.request("POST", cartHost, api.PathCheckout, body("co-cards-admin-0003", card), ada, nil)
	declined := confirmation(w, w.Body.Bytes())
	if w.Code != http.StatusCreated || declined.Card.Status != "requires_payment_method" || declined.Card.ClientSecret == "" ||
		declined.OrderNumber == "" || declined.Card.Amount.Amount != 25000 {
		t.Fatalf("declined: %d %s", w.Code, w.Body)
	}
	if st := paymentStatus(declined.OrderID); st != "requires_payment_method" {
		t.Errorf("recorded payment of the declined card %q", st)
	}
	w = e.request("POST", cartHost, api.PathCheckout, body("co-cards-admin-0003", card), ada, nil)
	if again := confirmation(w, w.Body.Bytes()); w.Code != http.StatusOK || again.OrderID != declined.OrderID || again.Card.Status != "requires_payment_method" {
		t.Errorf("declined, replayed: %d %s", w.Code, w.Body)
	}
	if keys := confirmKeys(declined); len(keys) != 1 {
		t.Errorf("the declined card was confirmed %d times, want once", len(keys))
	}
	if n := e.ownerIntAcme(t, `SELECT count(*) FROM cart_lines c JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.user_id
		WHERE u.email = 'ada@acme-customer.example'`); n != 0 {
		t.Errorf("%d lines left in the Admin's cart", n)
	}

	// Finance reads the cards but does not order by default; a tenant
	// whose policy rows let its Finance role order lets it pay with them
	// (the decline above still answers every confirmation).
	e.ownerExecAcme(t, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
		SELECT tenant_id, ?, customer_id, 'fay@acme-customer.example', 'Fay Finance', 'finance', ? FROM users WHERE email = 'jane@acme-customer.example'`,
		uuid.NewString(), hash)
	fay := e.signIn(t, cartHost, "fay@acme-customer.example", testPassword)
	if w := e.request("POST", cartHost, api.PathCheckout, body("co-cards-finance-001", card), fay, nil); w.Code != http.StatusForbidden {
		t.Errorf("finance checkout by default: %d %s", w.Code, w.Body)
	}
	tn, err := e.owner.FindTenantBySlug(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	for _, perm := range []policies.Permission{policies.CartManage, policies.OrdersCreate} {
		if _, err := e.authz.Enforcer().AddPolicy(policies.RoleFinance, tn.ID, perm.Object, perm.Action, "allow"); err != nil {
			t.Fatal(err)
		}
	}
	if err := e.authz.Reload(); err != nil {
		t.Fatal(err)
	}
	add(fay)
	w = e.request("POST", cartHost, api.PathCheckout, body("co-cards-finance-002", card), fay, nil)
	if c := confirmation(w, w.Body.Bytes()); w.Code != http.StatusCreated || c.Card.Status != "requires_payment_method" || len(confirmKeys(c)) != 1 {
		t.Errorf("finance checkout with the tenant's rows: %d %s", w.Code, w.Body)
	}
}
