package postgres_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/backend/internal/stripe"
	"example.com/portal/backend/internal/stripe/stripetest"
	"example.com/portal/tenants"
)

var intentStatus = regexp.MustCompile(`"status":\s*"requires_payment_method"`)

// confirmPath is a PaymentIntent's confirmation.
var confirmPath = regexp.MustCompile(`^/v1/payment_intents/[^/]+/confirm$`)

// cardStripe passes requests to stripe-mock and answers a saved card's
// confirmation as Stripe would (stripe-mock, being stateless, always
// answers requires_payment_method): succeeded, or, while decline is set,
// declined with a 402 card_error. While lose is above 0, a confirmation
// reaches Stripe but its answer is lost (the connection drops), once per
// unit of lose. It counts creations and keeps the confirmations'
// idempotency keys.
type cardStripe struct {
	mu          sync.Mutex
	decline     bool
	lose        int
	detachGone  bool // detaching answers that Stripe has no such card
	creates     int
	confirmKeys []string
}

func (s *cardStripe) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || req.Method != "POST" {
		return res, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.detachGone && strings.HasSuffix(req.URL.Path, "/detach"):
		res.Body.Close()
		body := `{"error": {"type": "invalid_request_error", "code": "resource_missing", "param": "payment_method",
			"message": "No such PaymentMethod."}}`
		return &http.Response{StatusCode: http.StatusNotFound, Status: "404 Not Found", Header: http.Header{"Content-Type": {"application/json"}},
			Body: io.NopCloser(strings.NewReader(body)), ContentLength: int64(len(body)), Request: req}, nil
	case req.URL.Path == "/v1/payment_intents":
		s.creates++
		return res, nil
	case !confirmPath.MatchString(req.URL.Path):
		return res, nil
	}
	s.confirmKeys = append(s.confirmKeys, req.Header.Get("Idempotency-Key"))
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	if s.lose > 0 {
		s.lose--
		return nil, errors.New("connection reset by peer")
	}
	if s.decline {
		body = []byte(`{"error": {"type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
			"message": "Your card has insufficient funds.", "payment_intent": ` + string(body) + `}}`)
		res.StatusCode, res.Status = http.StatusPaymentRequired, "402 Payment Required"
	} else {
		body = intentStatus.ReplaceAll(body, []byte(`"status":"succeeded"`))
	}
	res.Body, res.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	res.Header.Del("Content-Length")
	return res, nil
}

// stats are the creations and confirmation keys so far.
func (s *cardStripe) stats() (creates int, confirmKeys []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates, slices.Clone(s.confirmKeys)
}

// newCardStripe returns a payment service whose Stripe is a cardStripe.
func newCardStripe(t *testing.T, e *cardEnv) (*postgres.CardPaymentService, *cardStripe) {
	t.Helper()
	tr := &cardStripe{}
	g, err := stripe.New(stripe.Config{SecretKey: "sk_test_portal", APIURL: stripetest.URL(t), HTTPClient: &http.Client{Transport: tr, Timeout: 20 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	return postgres.NewCardPaymentService(e.app, g), tr
}

// invoiceState is an invoice's status, amount paid and card receipts.
func invoiceState(t *testing.T, e *cardEnv, number string) (status string, amountPaid int64, receipts int) {
	t.Helper()
	if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT status, amount_paid_minor FROM invoices WHERE id = ?`, e.ids[number]).Scan(&status, &amountPaid); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM payments WHERE invoice_id = ? AND method = 'card' AND status = 'succeeded'`, e.ids[number]).Scan(&receipts)
	}); err != nil {
		t.Fatal(err)
	}
	return
}

// saveCardFor gives jane's customer a Stripe Customer and a saved card on
// the connected account, as the setup event would have; it returns the
// card's id.
func saveCardFor(t *testing.T, e *cardEnv, pm string) string {
	t.Helper()
	id := uuid.NewString()
	if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO stripe_customers (tenant_id, customer_id, stripe_account, stripe_customer_id, created_at)
			VALUES (?, ?, 'acct_1AlphaMetals', 'cus_1Jane', now()) ON CONFLICT DO NOTHING`, mustTenant(e.a).ID, e.jane.CustomerID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO payment_methods (tenant_id, id, customer_id, stripe_account, payment_method_id, brand, last4,
				exp_month, exp_year, is_default, created_at)
			VALUES (?, ?, ?, 'acct_1AlphaMetals', ?, 'visa', '4242', 8, 2030, false, now())`, mustTenant(e.a).ID, id, e.jane.CustomerID, pm)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestPayWithSavedCardSucceedsAtOnce: a saved card Stripe accepts pays the
// invoice at once (invoice paid, one receipt for the 1,500.00 due, the
// invoice paid in full); the webhook that follows, delivered twice,
// changes nothing; 20 concurrent clicks make one PaymentIntent, confirmed
// once, and each click answers that payment or that nothing is left to pay.
func TestPayWithSavedCardSucceedsAtOnce(t *testing.T) {
	e := newCardEnv(t)
	pay, tr := newCardStripe(t, e)
	card := saveCardFor(t, e, "pm_1JaneVisa")

	var wg sync.WaitGroup
	results := make([]*portal.CardPayment, 20)
	errs := make([]error, 20)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"]}, PaymentMethodID: card})
		}()
	}
	wg.Wait()
	paid, conflicts := 0, 0
	var intent string
	for i := range results {
		switch {
		case errs[i] == nil && results[i].Status == "succeeded" && (intent == "" || results[i].PaymentIntentID == intent):
			paid++
			intent = results[i].PaymentIntentID
		case portal.ErrorCode(errs[i]) == portal.ECONFLICT: // nothing left to pay
			conflicts++
		default:
			t.Errorf("request %d: %+v, %v", i, results[i], errs[i])
		}
	}
	creates, confirms := tr.stats()
	if paid < 1 || paid+conflicts != 20 || creates != 1 || len(confirms) != 1 {
		t.Fatalf("%d paid, %d conflicts, %d PaymentIntents, %d confirmations; want 1+ paid, the rest conflicts, 1, 1", paid, conflicts, creates, len(confirms))
	}
	if s, a, r := invoiceState(t, e, "INV-1"); s != "paid" || a != 200000 || r != 1 {
		t.Errorf("after paying with the saved card: %s, paid %d, %d receipts", s, a, r)
	}
	for range 2 {
		if err := pay.ApplyCardEvent(e.ctx, portal.CardEvent{ID: "evt_saved_1", Type: "payment_intent.succeeded", Account: "acct_1AlphaMetals",
			Created: time.Now(), PaymentIntentID: intent, IntentStatus: "succeeded", AmountReceived: portal.Money{Amount: 150000, Currency: "USD"}}); err != nil {
			t.Fatal(err)
		}
	}
	if s, a, r := invoiceState(t, e, "INV-1"); s != "paid" || a != 200000 || r != 1 {
		t.Errorf("after the webhook: %s, paid %d, %d receipts", s, a, r)
	}
}

// TestSavedCardLostAnswerChargesOnce: Stripe confirms the saved card but
// its answer never arrives. The click fails (503) with the attempt on
// record; the next click confirms the same PaymentIntent with the same
// idempotency key (Stripe answers the charge it made, it does not charge
// again) and the invoice is paid once.
func TestSavedCardLostAnswerChargesOnce(t *testing.T) {
	e := newCardEnv(t)
	pay, tr := newCardStripe(t, e)
	card := saveCardFor(t, e, "pm_1JaneVisa")
	tr.lose = 1
	in := portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"]}, PaymentMethodID: card}
	if p, err := pay.PayInvoices(e.ctx, e.jane, in); portal.ErrorCode(err) != portal.EUNAVAILABLE {
		t.Fatalf("answer lost: %+v, %v; want EUNAVAILABLE", p, err)
	}
	if s, _, r := invoiceState(t, e, "INV-1"); s != "open" || r != 0 {
		t.Errorf("before the answer: %s, %d receipts", s, r)
	}
	p, err := pay.PayInvoices(e.ctx, e.jane, in)
	if err != nil || p.Status != "succeeded" {
		t.Fatalf("second click: %+v, %v", p, err)
	}
	creates, confirms := tr.stats()
	if creates != 1 || len(confirms) != 2 || confirms[0] != confirms[1] || confirms[0] != "payment-attempt-confirm:"+p.AttemptID {
		t.Errorf("%d PaymentIntents, confirmation keys %q; want 1 intent confirmed twice with payment-attempt-confirm:%s", creates, confirms, p.AttemptID)
	}
	if s, a, r := invoiceState(t, e, "INV-1"); s != "paid" || a != 200000 || r != 1 {
		t.Errorf("after the second click: %s, paid %d, %d receipts", s, a, r)
	}
}

// TestSavedCardDeclinedThenRetried: a declined saved card answers the
// decline (not an error), charges nothing and closes its attempt, so
// paying again makes a new PaymentIntent, confirmed with a new key (the
// declined one's key would only replay the decline), which goes through.
func TestSavedCardDeclinedThenRetried(t *testing.T) {
	e := newCardEnv(t)
	pay, tr := newCardStripe(t, e)
	card := saveCardFor(t, e, "pm_1JaneVisa")
	tr.decline = true
	in := portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"]}, PaymentMethodID: card}
	declined, err := pay.PayInvoices(e.ctx, e.jane, in)
	if err != nil || declined.Status != "requires_payment_method" {
		t.Fatalf("declined: %+v, %v; want status requires_payment_method", declined, err)
	}
	if s, _, r := invoiceState(t, e, "INV-1"); s != "open" || r != 0 {
		t.Errorf("after the decline: %s, %d receipts", s, r)
	}
	var status string
	if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT status FROM payment_attempts WHERE id = ?`, declined.AttemptID).Scan(&status)
	}); err != nil || status != "failed" {
		t.Errorf("declined attempt: %q, %v; want failed", status, err)
	}
	tr.mu.Lock()
	tr.decline = false
	tr.mu.Unlock()
	p, err := pay.PayInvoices(e.ctx, e.jane, in)
	if err != nil || p.Status != "succeeded" || p.AttemptID == declined.AttemptID {
		t.Fatalf("retry: %+v, %v; want a new attempt that succeeded", p, err)
	}
	creates, confirms := tr.stats()
	if creates != 2 || len(confirms) != 2 || confirms[0] == confirms[1] {
		t.Errorf("%d PaymentIntents, confirmation keys %q; want 2 intents, 2 keys", creates, confirms)
	}
	if s, a, r := invoiceState(t, e, "INV-1"); s != "paid" || a != 200000 || r != 1 {
		t.Errorf("after the retry: %s, paid %d, %d receipts", s, a, r)
	}
}

// TestSavedCardIsTheCustomers: another customer's (or tenant's) card id,
// or a card saved on another connected account, pays nothing: 404.
func TestSavedCardIsTheCustomers(t *testing.T) {
	e := newCardEnv(t)
	stripetest.URL(t)
	card := saveCardFor(t, e, "pm_1JaneOnly")
	// Bob, another customer of tenant A.
	bob := *e.jane
	bob.CustomerID = uuid.NewString()
	if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO customers (tenant_id, id, account_number, company_name) VALUES (?, ?, 'C-BOB', 'Bob Co')`,
			mustTenant(e.a).ID, bob.CustomerID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pay.PayInvoices(e.ctx, &bob, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"]}, PaymentMethodID: card}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("bob paying with jane's card: %v", err)
	}
	if err := e.pay.RemovePaymentMethod(e.ctx, &bob, card); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("bob removing jane's card: %v", err)
	}
	// The tenant moved to another connected account: the card cannot pay.
	moved := *mustTenant(e.ctx)
	moved.Settings.StripeAccount = "acct_1Elsewhere"
	if _, err := e.pay.PayInvoices(tenants.NewContext(e.ctx, &moved), e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"]}, PaymentMethodID: card}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("card of another account: %v", err)
	}
	if l, err := e.pay.FindPaymentMethods(tenants.NewContext(e.ctx, &moved), e.jane); err != nil || len(l) != 0 {
		t.Errorf("cards listed on another account: %+v, %v", l, err)
	}
	if len(e.creates()) != 0 {
		t.Errorf("%d PaymentIntents created", len(e.creates()))
	}
	// Jane herself pays with it.
	p, err := e.pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"]}, PaymentMethodID: card})
	if err != nil || len(e.creates()) != 1 || e.creates()[0].Form.Get("payment_method") != "pm_1JaneOnly" || e.creates()[0].Form.Get("customer") != "cus_1Jane" {
		t.Errorf("jane pays: %+v, %v, %+v", p, err, e.creates())
	}
}

// TestCardSetupOneStripeCustomer: 20 concurrent first "Add a card" make one
// Stripe Customer for the account (and 20 SetupIntents, each for it, on
// the connected account); staff have no cards.
func TestCardSetupOneStripeCustomer(t *testing.T) {
	e := newCardEnv(t)
	var wg sync.WaitGroup
	setups := make([]*portal.CardSetup, 20)
	errs := make([]error, 20)
	for i := range setups {
		wg.Add(1)
		go func() {
			defer wg.Done()
			setups[i], errs[i] = e.pay.StartCardSetup(e.ctx, e.jane)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil || setups[i].ClientSecret == "" || setups[i].StripeAccount != "acct_1AlphaMetals" {
			t.Fatalf("setup %d: %+v, %v", i, setups[i], err)
		}
	}
	customers, intents := e.rec.Requests("POST", "/v1/customers"), e.rec.Requests("POST", "/v1/setup_intents")
	if len(customers) != 1 || len(intents) != 20 {
		t.Fatalf("%d customers, %d setup intents; want 1 and 20", len(customers), len(intents))
	}
	var cus string
	var n int
	if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT min(stripe_customer_id), count(*) FROM stripe_customers WHERE customer_id = ?`, e.jane.CustomerID).Scan(&cus, &n)
	}); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Errorf("%d stripe customers stored", n)
	}
	for _, r := range intents {
		if r.Form.Get("customer") != cus || r.Header.Get("Stripe-Account") != "acct_1AlphaMetals" || r.Header.Get("Idempotency-Key") == "" {
			t.Errorf("setup intent for %q on %q", r.Form.Get("customer"), r.Header.Get("Stripe-Account"))
			break
		}
	}
	if customers[0].Header.Get("Idempotency-Key") != "stripe-customer:"+e.jane.CustomerID+":acct_1AlphaMetals" {
		t.Errorf("customer idempotency key %q", customers[0].Header.Get("Idempotency-Key"))
	}
	staff := *e.jane
	staff.CustomerID = ""
	if _, err := e.pay.StartCardSetup(e.ctx, &staff); portal.ErrorCode(err) != portal.EFORBIDDEN {
		t.Errorf("staff setup: %v", err)
	}
}

// TestDefaultCardPerConnectedAccount: after the tenant moved to another
// Stripe account, the default card left on the old account neither keeps
// the new account's first card from being the default nor comes back as
// the default when a card is removed; setting a default leaves the old
// account's alone. Removing a card Stripe no longer has removes it.
func TestDefaultCardPerConnectedAccount(t *testing.T) {
	e := newCardEnv(t)
	pay, tr := newCardStripe(t, e)
	if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
		for _, q := range []string{
			`INSERT INTO stripe_customers (tenant_id, customer_id, stripe_account, stripe_customer_id, created_at)
				VALUES (?0, ?1, 'acct_1Old', 'cus_1JaneOld', now()), (?0, ?1, 'acct_1AlphaMetals', 'cus_1Jane', now())`,
			`INSERT INTO payment_methods (tenant_id, id, customer_id, stripe_account, payment_method_id, brand, last4, exp_month, exp_year,
				is_default, created_at) VALUES (?0, gen_random_uuid(), ?1, 'acct_1Old', 'pm_1OldDefault', 'visa', '1111', 1, 2031, true, now())`,
		} {
			if _, err := tx.ExecContext(ctx, q, mustTenant(e.a).ID, e.jane.CustomerID); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	saved := func(evt, pm string) {
		t.Helper()
		if err := pay.ApplyCardEvent(e.ctx, portal.CardEvent{ID: evt, Type: "setup_intent.succeeded", Account: "acct_1AlphaMetals",
			Created: time.Now(), SetupIntentID: "seti_" + pm, Customer: "cus_1Jane", PaymentMethodID: pm}); err != nil {
			t.Fatal(err)
		}
	}
	defaults := func() map[string]bool {
		t.Helper()
		out := map[string]bool{}
		if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT payment_method_id, is_default FROM payment_methods WHERE customer_id = ?`, e.jane.CustomerID)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var pm string
				var d bool
				if err := rows.Scan(&pm, &d); err != nil {
					return err
				}
				out[pm] = d
			}
			return rows.Err()
		}); err != nil {
			t.Fatal(err)
		}
		return out
	}
	saved("evt_new_1", "pm_1NewFirst")
	saved("evt_new_2", "pm_1NewSecond")
	if d := defaults(); !d["pm_1NewFirst"] || d["pm_1NewSecond"] || !d["pm_1OldDefault"] {
		t.Fatalf("after saving two cards on the new account: %v; want the first new card and the old one default", d)
	}
	cards, err := pay.FindPaymentMethods(e.ctx, e.jane)
	if err != nil || len(cards) != 2 || !cards[0].Default {
		t.Fatalf("listed: %+v, %v", cards, err)
	}
	second := cards[1].ID
	if err := pay.SetDefaultPaymentMethod(e.ctx, e.jane, second); err != nil {
		t.Fatal(err)
	}
	if d := defaults(); d["pm_1NewFirst"] || !d["pm_1NewSecond"] || !d["pm_1OldDefault"] {
		t.Fatalf("after setting the second as default: %v", d)
	}
	tr.mu.Lock()
	tr.detachGone = true
	tr.mu.Unlock()
	if err := pay.RemovePaymentMethod(e.ctx, e.jane, second); err != nil {
		t.Fatalf("removing a card Stripe no longer has: %v", err)
	}
	if d := defaults(); len(d) != 2 || !d["pm_1NewFirst"] || !d["pm_1OldDefault"] {
		t.Errorf("after removing the default: %v; want pm_1NewFirst the new account's default", d)
	}
}
