package postgres_test

import (
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/backend/internal/stripe/stripetest"
)

// TestReconcileSettlesCheckoutAfterLostConfirmation: a saved card's
// confirmation reaches Stripe but its answer is lost and the client never
// retries; the order stays awaiting confirmation until the reconciliation
// asks Stripe, which says succeeded, and records it, once. A checkout
// Stripe has nothing new about is left alone.
func TestReconcileSettlesCheckoutAfterLostConfirmation(t *testing.T) {
	stripetest.URL(t)
	e := newCartEnv(t)
	card := uuid.NewString()
	e.ownerExec(t, `INSERT INTO stripe_customers (tenant_id, customer_id, stripe_account, stripe_customer_id, created_at)
		SELECT tenant_id, id, 'acct_1AlphaMetals', 'cus_1Jane', now() FROM customers WHERE id = ?`, e.jane.CustomerID)
	e.ownerExec(t, `INSERT INTO payment_methods (tenant_id, id, customer_id, stripe_account, payment_method_id, brand, last4, exp_month, exp_year, is_default, created_at)
		SELECT tenant_id, ?, id, 'acct_1AlphaMetals', 'pm_1JaneVisa', 'visa', '4242', 8, 2030, true, now() FROM customers WHERE id = ?`, card, e.jane.CustomerID)
	e.rec.LoseAnswers("POST", regexp.MustCompile(`^/v1/payment_intents/[^/]+/confirm$`), 1)
	e.add(t, e.jane, portal.CartLineInput{ProductID: e.products["PL-1"], Quantity: "1"})
	in := checkoutInput("checkout-lost-confirm-1")
	in.ShippingAddressID, in.Payment, in.PaymentMethodID = e.ids["dock"], portal.PayByCard, card
	if _, err := e.cart.Checkout(e.ctx, e.jane, in); err == nil {
		t.Fatal("checkout with a lost confirmation answered no error")
	}
	waiting := `SELECT count(*) FROM checkout_orders WHERE payment_status = 'requires_confirmation'`
	if n := e.ownerInt(t, waiting); n != 1 {
		t.Fatalf("%d checkouts awaiting confirmation, want 1", n)
	}
	// Stripe charged the card: asked, it answers succeeded.
	g, rec := stripetest.Gateway(t)
	rec.SetIntentStatus("GET", regexp.MustCompile(`^/v1/payment_intents/[^/]+$`), "succeeded")
	pay := postgres.NewCardPaymentService(e.app, g)
	if n, err := pay.Reconcile(e.ctx, 15*time.Minute); err != nil || n != 0 {
		t.Fatalf("reconcile of a recent checkout: %d, %v; want it left", n, err)
	}
	e.ownerExec(t, `UPDATE checkout_orders SET created_at = created_at - interval '1 hour'`)
	if n, err := pay.Reconcile(e.ctx, 15*time.Minute); err != nil || n != 1 {
		t.Fatalf("reconcile: %d, %v; want 1", n, err)
	}
	if n := e.ownerInt(t, `SELECT count(*) FROM checkout_orders WHERE payment_status = 'succeeded'`); n != 1 {
		t.Errorf("%d checkouts paid after the reconciliation", n)
	}
	asked := len(rec.Requests("GET", "/v1/payment_intents/"+e.intentOf(t)))
	if n, err := pay.Reconcile(e.ctx, 15*time.Minute); err != nil || n != 0 {
		t.Errorf("second run: %d, %v", n, err)
	}
	if again := len(rec.Requests("GET", "/v1/payment_intents/"+e.intentOf(t))); again != asked || asked != 1 {
		t.Errorf("Stripe asked %d then %d times about the settled checkout, want 1 and no more", asked, again)
	}
}

// intentOf is the PaymentIntent of the fixture's only card checkout.
func (e *cartEnv) intentOf(t *testing.T) string {
	t.Helper()
	var id string
	ta := mustTenant(e.a)
	if err := e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT payment_intent_id FROM checkout_orders WHERE payment = 'card'`).Scan(&id)
	}); err != nil {
		t.Fatal(err)
	}
	return id
}
