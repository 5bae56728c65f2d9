package postgres_test

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/backend/internal/stripe/stripetest"
	"example.com/portal/tenants"
)

// cardEnv is the orders fixture (Jane's invoices: INV-1 open, 1,500.00
// due; INV-4 partially paid, 600.00 due; INV-2 paid; INV-3 void; INV-2001
// another customer's) with card payments on, against stripe-mock.
type cardEnv struct {
	*orderEnv
	pay *postgres.CardPaymentService
	rec *stripetest.Recorder
	ctx context.Context // tenant A with a connected account
}

func newCardEnv(t *testing.T) *cardEnv {
	t.Helper()
	e := &cardEnv{orderEnv: newOrderEnv(t)}
	g, rec := stripetest.Gateway(t)
	e.pay, e.rec = postgres.NewCardPaymentService(e.app, g), rec
	ta, _ := tenants.FromContext(e.a)
	withStripe := *ta
	withStripe.Settings.StripeAccount = "acct_1AlphaMetals"
	e.ctx = tenants.NewContext(e.a, &withStripe)
	return e
}

func (e *cardEnv) creates() []stripetest.Request {
	return e.rec.Requests("POST", "/v1/payment_intents")
}

func TestPayInvoicesOnePaymentIntent(t *testing.T) {
	e := newCardEnv(t)
	p, err := e.pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"]}})
	if err != nil {
		t.Fatal(err)
	}
	// The amount is the invoice's amount due, from the database.
	if p.Amount != (portal.Money{Amount: 150000, Currency: "USD"}) || p.ClientSecret == "" || p.StripeAccount != "acct_1AlphaMetals" ||
		len(p.Invoices) != 1 || p.Invoices[0].InvoiceNumber != "INV-1" {
		t.Errorf("payment = %+v", p)
	}
	c := e.creates()
	if len(c) != 1 || c[0].Header.Get("Stripe-Account") != "acct_1AlphaMetals" || c[0].Header.Get("Idempotency-Key") != "payment-attempt:"+p.AttemptID {
		t.Fatalf("create requests = %+v", c)
	}

	// A second click, or a second tab: the same payment.
	again, err := e.pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"]}})
	if err != nil || again.AttemptID != p.AttemptID || len(e.creates()) != 1 {
		t.Errorf("second request: %+v, %v; %d creates", again, err, len(e.creates()))
	}

	// 100 concurrent requests for another invoice: one PaymentIntent.
	var wg sync.WaitGroup
	attempts, intents := make([]string, 100), make([]string, 100)
	errs := make([]error, 100)
	for i := range attempts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := e.pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-4"]}})
			if errs[i] = err; err == nil {
				attempts[i], intents[i] = p.AttemptID, p.PaymentIntentID
			}
		}()
	}
	wg.Wait()
	for i := range attempts {
		if errs[i] != nil || attempts[i] != attempts[0] {
			t.Fatalf("request %d: attempt %q, %v; want %q", i, attempts[i], errs[i], attempts[0])
		}
	}
	if n := len(e.creates()); n != 2 {
		t.Errorf("%d PaymentIntents created for 2 invoices paid 101 times; want 2", n)
	}

	// Both together: the two open attempts are cancelled, one new for
	// the sum.
	both, err := e.pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-4"], e.ids["INV-1"]}})
	if err != nil || both.Amount.Amount != 210000 || both.AttemptID == p.AttemptID || both.AttemptID == attempts[0] {
		t.Fatalf("both: %+v, %v", both, err)
	}
	if n := len(e.rec.Requests("POST", "/v1/payment_intents/"+p.PaymentIntentID+"/cancel")) +
		len(e.rec.Requests("POST", "/v1/payment_intents/"+intents[0]+"/cancel")); n != 2 {
		t.Errorf("%d cancel requests, want one for each earlier attempt", n)
	}
	var open int
	if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM payment_attempt_invoices WHERE open`).Scan(&open)
	}); err != nil || open != 2 {
		t.Errorf("open attempt rows = %d, %v; want the 2 of the new attempt", open, err)
	}
}

func mustTenant(ctx context.Context) *tenants.Tenant {
	t, _ := tenants.FromContext(ctx)
	return t
}

func TestPayInvoicesRefusals(t *testing.T) {
	e := newCardEnv(t)
	cases := []struct {
		name string
		ctx  context.Context
		ids  []string
		want string
	}{
		{"paid", e.ctx, []string{e.ids["INV-2"]}, portal.ECONFLICT},
		{"void", e.ctx, []string{e.ids["INV-3"]}, portal.ECONFLICT},
		{"another customer's", e.ctx, []string{e.ids["INV-2001"]}, portal.ENOTFOUND},
		{"mine and another's", e.ctx, []string{e.ids["INV-1"], e.ids["INV-2001"]}, portal.ENOTFOUND},
		{"unknown", e.ctx, []string{uuid.NewString()}, portal.ENOTFOUND},
		{"not an id", e.ctx, []string{"INV-1"}, portal.ENOTFOUND},
		{"none", e.ctx, nil, portal.EINVALID},
		{"twice", e.ctx, []string{e.ids["INV-1"], e.ids["INV-1"]}, portal.EINVALID},
		{"no card payments in this portal", e.a, []string{e.ids["INV-1"]}, portal.EFORBIDDEN},
	}
	for _, c := range cases {
		_, err := e.pay.PayInvoices(c.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: c.ids})
		if portal.ErrorCode(err) != c.want {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
	if n := len(e.creates()); n != 0 {
		t.Errorf("%d PaymentIntents created by refused requests", n)
	}

	// A payment being processed blocks a new one of the same invoice.
	p, err := e.pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"]}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE payment_attempts SET status = 'processing' WHERE id = ?`, p.AttemptID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	_, err = e.pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"], e.ids["INV-4"]}})
	if portal.ErrorCode(err) != portal.ECONFLICT || !strings.Contains(portal.ErrorMessage(err), "processed") {
		t.Errorf("while processing: %v", err)
	}
	if n := len(e.creates()); n != 1 {
		t.Errorf("%d PaymentIntents, want the first only", n)
	}

	// Staff have no invoices to pay.
	staff := &portal.User{ID: uuid.NewString(), Role: "tenant_admin"}
	if _, err := e.pay.PayInvoices(e.ctx, staff, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"]}}); portal.ErrorCode(err) != portal.EFORBIDDEN {
		t.Errorf("staff: %v", err)
	}
}

func TestApplyCardEvents(t *testing.T) {
	e := newCardEnv(t)
	p1, err := e.pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"]}})
	if err != nil {
		t.Fatal(err)
	}
	p4, err := e.pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-4"]}})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	event := func(typ, intent string) portal.CardEvent {
		n++
		return portal.CardEvent{ID: "evt_" + strconv.Itoa(n), Type: typ, Account: "acct_1AlphaMetals", Created: time.Now(), PaymentIntentID: intent}
	}
	apply := func(ev portal.CardEvent) {
		t.Helper()
		if err := e.pay.ApplyCardEvent(e.ctx, ev); err != nil {
			t.Fatalf("%s: %v", ev.Type, err)
		}
	}
	type invoiceState struct {
		status string
		paid   int64
	}
	invoice := func(number string) (st invoiceState) {
		t.Helper()
		if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT status, amount_paid_minor FROM invoices WHERE id = ?`, e.ids[number]).Scan(&st.status, &st.paid)
		}); err != nil {
			t.Fatal(err)
		}
		return st
	}
	cardPayments := func() (refs []string) {
		t.Helper()
		list, _, err := e.orders.FindPayments(e.a, e.jane, portal.PaymentFilter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range list {
			if p.Method == "card" {
				refs = append(refs, p.Status+":"+p.InvoiceNumber+":"+strconv.FormatInt(p.Amount.Amount, 10))
			}
		}
		return refs
	}

	// Succeeded: the invoice is paid, the receipt is in the history, the
	// open balance falls by the payment.
	succeeded := event("payment_intent.succeeded", p1.PaymentIntentID)
	apply(succeeded)
	if st := invoice("INV-1"); st != (invoiceState{"paid", 200000}) {
		t.Errorf("INV-1 after payment = %+v", st)
	}
	if got := cardPayments(); len(got) != 1 || got[0] != "succeeded:INV-1:150000" {
		t.Errorf("card payments = %v", got)
	}
	if d, err := e.orders.Dashboard(e.a, e.jane); err != nil || d.Summary.OpenBalance.Amount != 60000 {
		t.Errorf("open balance after paying = %+v, %v; want 600.00", d.Summary.OpenBalance, err)
	}
	// The same event three times: applied once. A failure arriving late
	// does not undo the success.
	apply(succeeded)
	apply(succeeded)
	apply(event("payment_intent.payment_failed", p1.PaymentIntentID))
	if got := cardPayments(); len(got) != 1 {
		t.Errorf("after redeliveries: %v", got)
	}
	if st := invoice("INV-1"); st.status != "paid" {
		t.Errorf("INV-1 after a late failure = %+v", st)
	}

	// Processing blocks a new payment of the invoice until it resolves.
	apply(event("payment_intent.processing", p4.PaymentIntentID))
	if _, err := e.pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-4"]}}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("pay while processing: %v", err)
	}
	apply(event("payment_intent.succeeded", p4.PaymentIntentID))
	if st := invoice("INV-4"); st != (invoiceState{"paid", 100000}) {
		t.Errorf("INV-4 after payment = %+v", st)
	}

	// Refunds are cumulative in Stripe: 500.00, then 1,500.00 in all.
	refund := func(amount int64) {
		ev := event("charge.refunded", p1.PaymentIntentID)
		ev.AmountRefunded = portal.Money{Amount: amount, Currency: "USD"}
		apply(ev)
	}
	refund(50000)
	if st := invoice("INV-1"); st != (invoiceState{"partially_paid", 150000}) {
		t.Errorf("INV-1 after a partial refund = %+v", st)
	}
	refund(150000)
	if st := invoice("INV-1"); st != (invoiceState{"partially_paid", 50000}) {
		t.Errorf("INV-1 after the full refund = %+v", st)
	}
	if got := cardPayments(); !slices.Contains(got, "refunded:INV-1:150000") {
		t.Errorf("card payments after refund = %v", got)
	}

	// Events about intents not started here, or on another account, are
	// recorded and ignored.
	apply(event("payment_intent.succeeded", "pi_elsewhere"))
	other := event("payment_intent.succeeded", p1.PaymentIntentID)
	other.Account = "acct_1Other"
	apply(other)
	if got := cardPayments(); len(got) != 2 {
		t.Errorf("foreign events changed payments: %v", got)
	}
}

// An attempt left processing (its webhook lost) is settled by asking
// Stripe: stripe-mock answers its fixture, an intent that needs a payment
// method, so the attempt is released for another try. A recent one is
// left alone.
func TestReconcileCardPayments(t *testing.T) {
	e := newCardEnv(t)
	old, err := e.pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-1"]}})
	if err != nil {
		t.Fatal(err)
	}
	recent, err := e.pay.PayInvoices(e.ctx, e.jane, portal.PayInvoicesInput{InvoiceIDs: []string{e.ids["INV-4"]}})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE payment_attempts SET status = 'processing',
			updated_at = CASE WHEN id = ? THEN ?::timestamptz - interval '2 hours' ELSE ? END`, old.AttemptID, e.now, e.now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	n, err := e.pay.Reconcile(e.ctx, time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("reconcile: %d changed, %v; want 1", n, err)
	}
	if got := e.rec.Requests("GET", "/v1/payment_intents/"+old.PaymentIntentID); len(got) != 1 || got[0].Header.Get("Stripe-Account") != "acct_1AlphaMetals" {
		t.Errorf("asked Stripe %d times about the old attempt", len(got))
	}
	status := func(id string) (s string) {
		t.Helper()
		if err := e.owner.InTx(e.a, mustTenant(e.a).ID, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT status FROM payment_attempts WHERE id = ?`, id).Scan(&s)
		}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	if s := status(old.AttemptID); s != "requires_payment_method" {
		t.Errorf("old attempt = %s", s)
	}
	if s := status(recent.AttemptID); s != "processing" {
		t.Errorf("recent attempt = %s, want untouched", s)
	}
	// Nothing left to settle: a second run changes nothing.
	if n, err := e.pay.Reconcile(e.ctx, time.Hour); err != nil || n != 0 {
		t.Errorf("second run: %d, %v", n, err)
	}
}
