package postgres_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
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

// succeedingTransport passes requests to stripe-mock and answers its
// PaymentIntent creations as Stripe does for a saved card that went
// through: status succeeded (stripe-mock always answers
// requires_payment_method, being stateless).
type succeedingTransport struct {
	mu      sync.Mutex
	creates int
}

func (s *succeedingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil || req.Method != "POST" || req.URL.Path != "/v1/payment_intents" {
		return res, err
	}
	s.mu.Lock()
	s.creates++
	s.mu.Unlock()
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		return nil, err
	}
	body = intentStatus.ReplaceAll(body, []byte(`"status":"succeeded"`))
	res.Body, res.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	res.Header.Del("Content-Length")
	return res, nil
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

// TestPayWithSavedCardSucceedsAtOnce: a saved card Stripe accepts at
// creation pays the invoice in the same transaction (invoice paid, one
// receipt for the 1,500.00 due, the invoice paid in full); the webhook that follows, delivered twice, changes nothing;
// 20 concurrent clicks make one PaymentIntent.
func TestPayWithSavedCardSucceedsAtOnce(t *testing.T) {
	e := newCardEnv(t)
	tr := &succeedingTransport{}
	g, err := stripe.New(stripe.Config{SecretKey: "sk_test_portal", APIURL: stripetest.URL(t), HTTPClient: &http.Client{Transport: tr, Timeout: 20 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	pay := postgres.NewCardPaymentService(e.app, g)
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
		case errs[i] == nil && results[i].Status == "succeeded":
			paid++
			intent = results[i].PaymentIntentID
		case portal.ErrorCode(errs[i]) == portal.ECONFLICT: // nothing left to pay
			conflicts++
		default:
			t.Errorf("request %d: %+v, %v", i, results[i], errs[i])
		}
	}
	if paid != 1 || conflicts != 19 || tr.creates != 1 {
		t.Fatalf("%d paid, %d conflicts, %d PaymentIntents; want 1, 19, 1", paid, conflicts, tr.creates)
	}
	state := func() (status string, amountPaid int64, receipts int) {
		t.Helper()
		if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
			if err := tx.QueryRowContext(ctx, `SELECT status, amount_paid_minor FROM invoices WHERE id = ?`, e.ids["INV-1"]).Scan(&status, &amountPaid); err != nil {
				return err
			}
			return tx.QueryRowContext(ctx, `SELECT count(*) FROM payments WHERE invoice_id = ? AND method = 'card' AND status = 'succeeded'`, e.ids["INV-1"]).Scan(&receipts)
		}); err != nil {
			t.Fatal(err)
		}
		return
	}
	if s, a, r := state(); s != "paid" || a != 200000 || r != 1 {
		t.Errorf("after paying with the saved card: %s, paid %d, %d receipts", s, a, r)
	}
	for range 2 {
		if err := pay.ApplyCardEvent(e.ctx, portal.CardEvent{ID: "evt_saved_1", Type: "payment_intent.succeeded", Account: "acct_1AlphaMetals",
			Created: time.Now(), PaymentIntentID: intent, IntentStatus: "succeeded", AmountReceived: portal.Money{Amount: 150000, Currency: "USD"}}); err != nil {
			t.Fatal(err)
		}
	}
	if s, a, r := state(); s != "paid" || a != 200000 || r != 1 {
		t.Errorf("after the webhook: %s, paid %d, %d receipts", s, a, r)
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
