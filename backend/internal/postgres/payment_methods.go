package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// Saved cards (portal.PaymentMethodService) live beside the card payments:
// the same gateway, the same connected account and the same Stripe event
// handling. A card is listed only once Stripe's signed
// setup_intent.succeeded says it was saved for the account's Stripe
// Customer; nothing the browser says adds one.

var _ portal.PaymentMethodService = (*CardPaymentService)(nil)

var errNoSavedCard = portal.Errorf(portal.ENOTFOUND, "No such saved card.")

// last4Pattern is what a card's last four digits look like; anything else
// from the processor is not stored.
var last4Pattern = regexp.MustCompile(`^[0-9]{4}$`)

// account returns the tenant's connected account, or EFORBIDDEN when the
// tenant takes no card payments.
func (s *CardPaymentService) account(ctx context.Context) (*tenants.Tenant, string, error) {
	tn, ok := tenants.FromContext(ctx)
	if !ok {
		return nil, "", fmt.Errorf("postgres: card payments: no tenant in context")
	}
	if tn.Settings.StripeAccount == "" || s.gateway == nil {
		return nil, "", errNoCardPayment
	}
	return tn, tn.Settings.StripeAccount, nil
}

// FindPaymentMethods implements portal.PaymentMethodService. Cards saved
// on another connected account (the tenant changed it) are not listed:
// they cannot pay here.
func (s *CardPaymentService) FindPaymentMethods(ctx context.Context, actor *portal.User) ([]portal.PaymentMethod, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	out := []portal.PaymentMethod{}
	tn, ok := tenants.FromContext(ctx)
	if !ok || tn.Settings.StripeAccount == "" {
		return out, nil
	}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id::text, brand, last4, exp_month, exp_year, is_default, created_at
			FROM payment_methods WHERE customer_id = ? AND stripe_account = ?
			ORDER BY is_default DESC, created_at DESC, id DESC LIMIT 100`, actor.CustomerID, tn.Settings.StripeAccount)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m portal.PaymentMethod
			if err := rows.Scan(&m.ID, &m.Brand, &m.Last4, &m.ExpMonth, &m.ExpYear, &m.Default, &m.CreatedAt); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: payment methods: %w", err)
	}
	return out, nil
}

// StartCardSetup implements portal.PaymentMethodService.
func (s *CardPaymentService) StartCardSetup(ctx context.Context, actor *portal.User) (*portal.CardSetup, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	tn, account, err := s.account(ctx)
	if err != nil {
		return nil, err
	}
	cus, err := s.stripeCustomer(ctx, actor.CustomerID, account)
	if err != nil {
		return nil, err
	}
	// A new SetupIntent per request: nothing is charged, and an abandoned
	// one expires at Stripe.
	si, err := s.gateway.CreateSetup(ctx, portal.SetupInput{Account: account, IdempotencyKey: "card-setup:" + uuid.NewString(), Customer: cus,
		Metadata: map[string]string{"tenant_id": tn.ID, "customer_id": actor.CustomerID, "user_id": actor.ID}})
	if err != nil {
		return nil, err
	}
	return &portal.CardSetup{SetupIntentID: si.ID, ClientSecret: si.ClientSecret, StripeAccount: account}, nil
}

// stripeCustomer returns the account's Stripe Customer on the connected
// account, creating it the first time. The customer's row is locked
// while it is created, so concurrent first cards make one Customer (the
// idempotency key covers a retry after a lost answer).
func (s *CardPaymentService) stripeCustomer(ctx context.Context, customerID, account string) (string, error) {
	var cus string
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var name string
		if err := tx.QueryRowContext(ctx, `SELECT company_name FROM customers WHERE id = ? FOR UPDATE`, customerID).Scan(&name); err != nil {
			return fmt.Errorf("postgres: lock customer: %w", err)
		}
		err := tx.QueryRowContext(ctx, `SELECT stripe_customer_id FROM stripe_customers WHERE customer_id = ? AND stripe_account = ?`,
			customerID, account).Scan(&cus)
		if err == nil || !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		tn, _ := tenants.FromContext(ctx)
		if cus, err = s.gateway.CreateCustomer(ctx, portal.StripeCustomerInput{Account: account, Name: name,
			IdempotencyKey: "stripe-customer:" + customerID + ":" + account,
			Metadata:       map[string]string{"tenant_id": tn.ID, "customer_id": customerID}}); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO stripe_customers (tenant_id, customer_id, stripe_account, stripe_customer_id, created_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?)`, customerID, account, cus, s.db.Now())
		return err
	})
	if err != nil {
		return "", err
	}
	return cus, nil
}

// savedCard is one of the account's cards as paying and managing use it.
type savedCard struct {
	id, paymentMethod, customer string
	isDefault                   bool
}

// lockSavedCard reads and locks the actor's card id on account; another
// customer's, another account's or none at all is ENOTFOUND.
func lockSavedCard(ctx context.Context, tx bun.Tx, customerID, id, account string) (*savedCard, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoSavedCard
	}
	c := &savedCard{id: id}
	err := tx.QueryRowContext(ctx, `SELECT pm.payment_method_id, sc.stripe_customer_id, pm.is_default
		FROM payment_methods pm JOIN stripe_customers sc
			ON sc.tenant_id = pm.tenant_id AND sc.customer_id = pm.customer_id AND sc.stripe_account = pm.stripe_account
		WHERE pm.customer_id = ? AND pm.id = ? AND pm.stripe_account = ? FOR UPDATE OF pm`, customerID, id, account).
		Scan(&c.paymentMethod, &c.customer, &c.isDefault)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSavedCard
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: saved card: %w", err)
	}
	return c, nil
}

// SetDefaultPaymentMethod implements portal.PaymentMethodService.
func (s *CardPaymentService) SetDefaultPaymentMethod(ctx context.Context, actor *portal.User, id string) error {
	if actor.CustomerID == "" {
		return errNoCustomer
	}
	_, account, err := s.account(ctx)
	if err != nil {
		return err
	}
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		c, err := lockSavedCard(ctx, tx, actor.CustomerID, id, account)
		if err != nil || c.isDefault {
			return err
		}
		if err := s.gateway.SetDefaultCard(ctx, account, c.customer, c.paymentMethod, "default-card:"+uuid.NewString()); err != nil {
			return err
		}
		// Two statements: the partial unique index is checked row by row.
		if _, err := tx.ExecContext(ctx, `UPDATE payment_methods SET is_default = false WHERE customer_id = ? AND stripe_account = ? AND is_default`,
			actor.CustomerID, account); err != nil {
			return fmt.Errorf("postgres: default card: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE payment_methods SET is_default = true WHERE customer_id = ? AND id = ?`, actor.CustomerID, id); err != nil {
			return fmt.Errorf("postgres: default card: %w", err)
		}
		return nil
	})
}

// RemovePaymentMethod implements portal.PaymentMethodService.
func (s *CardPaymentService) RemovePaymentMethod(ctx context.Context, actor *portal.User, id string) error {
	if actor.CustomerID == "" {
		return errNoCustomer
	}
	_, account, err := s.account(ctx)
	if err != nil {
		return err
	}
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		c, err := lockSavedCard(ctx, tx, actor.CustomerID, id, account)
		if err != nil {
			return err
		}
		if err := s.gateway.DetachCard(ctx, account, c.paymentMethod, "detach-card:"+c.paymentMethod); err != nil {
			return err
		}
		return forgetCard(ctx, tx, c.paymentMethod)
	})
}

// forgetCard deletes a saved card; when it was its customer's default, the
// newest remaining card on the same connected account becomes the default.
func forgetCard(ctx context.Context, tx bun.Tx, paymentMethod string) error {
	var customerID, account string
	var wasDefault bool
	err := tx.QueryRowContext(ctx, `DELETE FROM payment_methods WHERE payment_method_id = ? RETURNING customer_id::text, stripe_account, is_default`,
		paymentMethod).Scan(&customerID, &account, &wasDefault)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("postgres: forget card: %w", err)
	}
	if wasDefault {
		if _, err := tx.ExecContext(ctx, `UPDATE payment_methods SET is_default = true WHERE id = (
				SELECT id FROM payment_methods WHERE customer_id = ? AND stripe_account = ? ORDER BY created_at DESC, id DESC LIMIT 1)`,
			customerID, account); err != nil {
			return fmt.Errorf("postgres: next default card: %w", err)
		}
	}
	return nil
}

// saveCard applies setup_intent.succeeded: the card joins the list of the
// customer whose Stripe Customer the signed event names, unless it was
// detached before this event arrived (events come in any order). The
// first card of a customer on the connected account is its default there.
func (s *CardPaymentService) saveCard(ctx context.Context, tx bun.Tx, ev portal.CardEvent, card *portal.CardDetails) error {
	if card == nil || ev.Customer == "" {
		return nil
	}
	var customerID string
	err := tx.QueryRowContext(ctx, `SELECT customer_id::text FROM stripe_customers WHERE stripe_account = ? AND stripe_customer_id = ?`,
		ev.Account, ev.Customer).Scan(&customerID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // not a customer of this tenant's
	}
	if err != nil {
		return fmt.Errorf("postgres: card's customer: %w", err)
	}
	// The customer's row lock orders concurrent saves (the first card is
	// the default), as it orders the Customer's creation.
	if _, err := tx.ExecContext(ctx, `SELECT 1 FROM customers WHERE id = ? FOR UPDATE`, customerID); err != nil {
		return fmt.Errorf("postgres: lock customer: %w", err)
	}
	var detached bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM stripe_events WHERE event_type = 'payment_method.detached' AND object_id = ?)`,
		ev.PaymentMethodID).Scan(&detached); err != nil {
		return fmt.Errorf("postgres: detached card: %w", err)
	}
	if detached || !last4Pattern.MatchString(card.Last4) || card.ExpMonth < 1 || card.ExpMonth > 12 || card.ExpYear < 2000 || card.ExpYear > 2200 {
		return nil
	}
	brand := card.Brand
	if brand == "" || len(brand) > 30 {
		brand = "card"
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO payment_methods (tenant_id, id, customer_id, stripe_account, payment_method_id, brand, last4,
			exp_month, exp_year, is_default, created_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?,
			NOT EXISTS (SELECT 1 FROM payment_methods WHERE customer_id = ? AND stripe_account = ? AND is_default), ?)
		ON CONFLICT (tenant_id, payment_method_id) DO NOTHING`,
		uuid.Must(uuid.NewV7()).String(), customerID, ev.Account, ev.PaymentMethodID, brand, card.Last4, card.ExpMonth, card.ExpYear,
		customerID, ev.Account, s.db.Now()); err != nil {
		return fmt.Errorf("postgres: save card: %w", err)
	}
	return nil
}

// eventApplied says whether the Stripe event was applied before.
func (s *CardPaymentService) eventApplied(ctx context.Context, id string) (bool, error) {
	var seen bool
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM stripe_events WHERE event_id = ?)`, id).Scan(&seen)
	})
	if err != nil {
		return false, fmt.Errorf("postgres: stripe event: %w", err)
	}
	return seen, nil
}
