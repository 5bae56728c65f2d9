package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// CardPaymentService implements portal.CardPaymentService.
//
// One payment at a time per invoice: starting a payment locks the invoices'
// rows (FOR UPDATE) for the transaction, so concurrent requests for the same
// invoices queue; the first creates the PaymentIntent and records it as the
// invoices' open attempt, and those after it find that attempt and return
// it. The PaymentIntent is created with the idempotency key of the attempt
// row, inside the transaction, and never confirmed there: should the
// commit fail after Stripe answered, the intent is left unconfirmed (no
// money moves) and the next request starts a new attempt.
//
// A saved card is confirmed by the server only after its attempt is
// committed (confirmSaved), under the attempt's row lock and with the
// attempt's own confirmation key: whatever fails after that, the attempt
// is on record, a retry confirms the same intent again (Stripe answers the
// same outcome for the same key, so a card is charged at most once), and
// Reconcile settles one whose answer was lost.
type CardPaymentService struct {
	db      *DB
	gateway portal.CardGateway
}

var _ portal.CardPaymentService = (*CardPaymentService)(nil)

// NewCardPaymentService returns the service paying through gateway; with
// a nil gateway (no Stripe keys configured) no tenant takes card payments.
func NewCardPaymentService(db *DB, gateway portal.CardGateway) *CardPaymentService {
	return &CardPaymentService{db: db, gateway: gateway}
}

var (
	errNoInvoice     = portal.Errorf(portal.ENOTFOUND, "No such invoice.")
	errNoCardPayment = portal.Errorf(portal.EFORBIDDEN, "This portal does not take card payments.")
)

// reusable are the PaymentIntent statuses of an attempt the customer can
// still complete in the browser.
var reusable = []string{"requires_payment_method", "requires_confirmation", "requires_action"}

type payInvoice struct {
	id, number, status string
	invoiceDate        time.Time
	dueDate            time.Time
	currency           string
	total, paid        int64
}

func (i payInvoice) due() int64 { return i.total - i.paid }

// PayInvoices implements portal.CardPaymentService.
func (s *CardPaymentService) PayInvoices(ctx context.Context, actor *portal.User, in portal.PayInvoicesInput) (*portal.CardPayment, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	tn, ok := tenants.FromContext(ctx)
	if !ok {
		return nil, fmt.Errorf("postgres: pay invoices: no tenant in context")
	}
	account := tn.Settings.StripeAccount
	if account == "" || s.gateway == nil {
		return nil, errNoCardPayment
	}
	for _, id := range in.InvoiceIDs {
		if _, err := uuid.Parse(id); err != nil {
			return nil, errNoInvoice
		}
	}
	var out *portal.CardPayment
	var card *savedCard
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		card = nil
		if in.PaymentMethodID != "" {
			var err error
			if card, err = lockSavedCard(ctx, tx, actor.CustomerID, in.PaymentMethodID, account); err != nil {
				return err
			}
		}
		invoices, err := lockInvoices(ctx, tx, actor.CustomerID, in.InvoiceIDs)
		if err != nil {
			return err
		}
		if err := payable(invoices); err != nil {
			return err
		}
		if out, err = s.openAttempt(ctx, tx, account, invoices, card); err != nil || out != nil {
			return err
		}
		out, err = s.newAttempt(ctx, tx, actor, account, invoices, card)
		return err
	})
	if err != nil {
		return nil, err
	}
	if card != nil {
		return s.confirmSaved(ctx, account, out)
	}
	return out, nil
}

// confirmSaved confirms the saved card's attempt p at Stripe unless a
// concurrent request did, applies the answer and returns p with the
// attempt's status: succeeded or processing (paid, or being paid),
// requires_action (3-D Secure, for Stripe.js) or requires_payment_method
// (declined: the attempt is closed as failed, so paying again starts a new
// intent rather than reconfirming the declined one). Stripe not answering
// leaves the attempt to confirm on the next click, or to Reconcile.
func (s *CardPaymentService) confirmSaved(ctx context.Context, account string, p *portal.CardPayment) (*portal.CardPayment, error) {
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		a, err := lockAttempt(ctx, tx, p.PaymentIntentID)
		if err != nil {
			return err
		}
		if a == nil {
			return fmt.Errorf("postgres: attempt of %s is gone", p.PaymentIntentID)
		}
		if a.status != "requires_confirmation" {
			p.Status = a.status // confirmed by a concurrent click
			return nil
		}
		pi, err := s.gateway.ConfirmIntent(ctx, account, a.intentID, "payment-attempt-confirm:"+a.id)
		if err != nil {
			return err
		}
		p.Status = pi.Status
		switch {
		case pi.Declined || pi.Status == "requires_payment_method":
			p.Status = "requires_payment_method"
			return s.setAttemptStatus(ctx, tx, a.id, "failed", true)
		case pi.Status == "requires_action":
			if pi.ClientSecret != "" {
				p.ClientSecret = pi.ClientSecret
			}
			return s.setAttemptStatus(ctx, tx, a.id, "requires_action", false)
		}
		typ, ok := reconcileEvents[pi.Status]
		if !ok {
			return nil // requires_confirmation still: Reconcile asks again
		}
		return s.applyIntent(ctx, tx, a, portal.CardEvent{Type: typ, Account: account, Created: s.db.Now(),
			PaymentIntentID: pi.ID, IntentStatus: pi.Status, AmountReceived: pi.Amount})
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// lockInvoices reads and locks the customer's invoices, in id order (one
// lock order for every request, so two never deadlock).
func lockInvoices(ctx context.Context, tx bun.Tx, customerID string, ids []string) ([]payInvoice, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id::text, invoice_number, status, invoice_date, due_date, currency, total_minor, amount_paid_minor
		FROM invoices WHERE customer_id = ? AND id IN (?) ORDER BY id FOR UPDATE`, customerID, bun.In(ids))
	if err != nil {
		return nil, fmt.Errorf("postgres: lock invoices: %w", err)
	}
	defer rows.Close()
	var out []payInvoice
	for rows.Next() {
		var i payInvoice
		if err := rows.Scan(&i.id, &i.number, &i.status, &i.invoiceDate, &i.dueDate, &i.currency, &i.total, &i.paid); err != nil {
			return nil, fmt.Errorf("postgres: lock invoices: %w", err)
		}
		out = append(out, i)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: lock invoices: %w", err)
	}
	if len(out) != len(ids) {
		return nil, errNoInvoice // another customer's, or none at all
	}
	return out, nil
}

// payable checks that every invoice has something to pay, in one currency.
func payable(invoices []payInvoice) error {
	for _, i := range invoices {
		if (i.status != "open" && i.status != "partially_paid") || i.due() <= 0 {
			return portal.Errorf(portal.ECONFLICT, "Invoice %s has nothing left to pay.", i.number)
		}
		if i.currency != invoices[0].currency {
			return &portal.Error{Code: portal.EINVALID, Message: "Pay invoices of one currency at a time.",
				Fields: []portal.FieldError{{Field: "invoice_ids", Message: "These invoices are in different currencies."}}}
		}
	}
	return nil
}

// openAttempt returns the invoices' open attempt when it pays exactly them,
// for their amounts due, with the same card (saved card, or the card form
// when card is nil), and can still be completed. Other open attempts of
// these invoices (a different selection or card, or an amount that
// changed) are cancelled, unless one is processing: then nothing new may
// start.
func (s *CardPaymentService) openAttempt(ctx context.Context, tx bun.Tx, account string, invoices []payInvoice, card *savedCard) (*portal.CardPayment, error) {
	method := ""
	if card != nil {
		method = card.paymentMethod
	}
	ids := make([]string, len(invoices))
	due := map[string]int64{}
	for k, i := range invoices {
		ids[k], due[i.id] = i.id, i.due()
	}
	type attempt struct {
		id, intentID, status, method string
		amounts                      map[string]int64
	}
	rows, err := tx.QueryContext(ctx, `SELECT a.id::text, a.payment_intent_id, a.status, coalesce(a.payment_method_id, ''), ai.invoice_id::text, ai.amount_minor
		FROM payment_attempts a JOIN payment_attempt_invoices ai ON ai.tenant_id = a.tenant_id AND ai.attempt_id = a.id
		WHERE a.id IN (SELECT attempt_id FROM payment_attempt_invoices WHERE invoice_id IN (?) AND open)
		ORDER BY a.id`, bun.In(ids))
	if err != nil {
		return nil, fmt.Errorf("postgres: open attempts: %w", err)
	}
	var attempts []*attempt
	for rows.Next() {
		var id, intentID, status, pm, invoiceID string
		var amount int64
		if err := rows.Scan(&id, &intentID, &status, &pm, &invoiceID, &amount); err != nil {
			rows.Close()
			return nil, fmt.Errorf("postgres: open attempts: %w", err)
		}
		if len(attempts) == 0 || attempts[len(attempts)-1].id != id {
			attempts = append(attempts, &attempt{id: id, intentID: intentID, status: status, method: pm, amounts: map[string]int64{}})
		}
		attempts[len(attempts)-1].amounts[invoiceID] = amount
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: open attempts: %w", err)
	}
	for _, a := range attempts {
		if a.status == "processing" {
			return nil, portal.Errorf(portal.ECONFLICT, "A payment of these invoices is being processed; wait for its result.")
		}
	}
	for _, a := range attempts {
		if !slices.Contains(reusable, a.status) || len(a.amounts) != len(due) || a.method != method {
			continue
		}
		if method != "" && a.status == "requires_payment_method" {
			continue // a saved card's failed payment is not confirmed again
		}
		same := true
		for id, amount := range due {
			same = same && a.amounts[id] == amount
		}
		if !same {
			continue
		}
		pi, err := s.gateway.GetIntent(ctx, account, a.intentID)
		if err != nil {
			return nil, err
		}
		return cardPayment(a.id, account, pi, invoices), nil
	}
	for _, a := range attempts {
		if err := s.gateway.CancelIntent(ctx, account, a.intentID); err != nil {
			return nil, err
		}
		if err := s.setAttemptStatus(ctx, tx, a.id, "canceled", true); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// newAttempt creates the PaymentIntent for the invoices' amounts due and
// records it, unconfirmed: the browser confirms a new card's, and
// confirmSaved a saved card's, after this transaction commits.
func (s *CardPaymentService) newAttempt(ctx context.Context, tx bun.Tx, actor *portal.User, account string, invoices []payInvoice, card *savedCard) (*portal.CardPayment, error) {
	id := uuid.NewString()
	var total int64
	numbers := make([]string, len(invoices))
	for k, i := range invoices {
		total += i.due()
		numbers[k] = i.number
	}
	slices.Sort(numbers)
	tn, _ := tenants.FromContext(ctx)
	amount := portal.Money{Amount: total, Currency: invoices[0].currency}
	in := portal.IntentInput{
		Account:        account,
		IdempotencyKey: "payment-attempt:" + id,
		Amount:         amount,
		Description:    "Invoice " + strings.Join(numbers, ", "),
		Metadata:       map[string]string{"tenant_id": tn.ID, "payment_attempt_id": id, "invoices": strings.Join(numbers, ",")},
	}
	var method any
	if card != nil {
		in.Customer, in.PaymentMethod, method = card.customer, card.paymentMethod, card.paymentMethod
	}
	pi, err := s.gateway.CreateIntent(ctx, in)
	if err != nil {
		return nil, err
	}
	if pi.Amount.Amount != amount.Amount {
		return nil, fmt.Errorf("postgres: payment intent %s is for %d, want %d", pi.ID, pi.Amount.Amount, amount.Amount)
	}
	now := s.db.Now()
	status := pi.Status
	if card != nil {
		status = "requires_confirmation" // by confirmSaved, next
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO payment_attempts (tenant_id, id, customer_id, payment_intent_id, stripe_account, currency,
			amount_minor, status, payment_method_id, created_by_id, created_at, updated_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, actor.CustomerID, pi.ID, account, amount.Currency, amount.Amount, status, method, actor.ID, now, now); err != nil {
		return nil, fmt.Errorf("postgres: record attempt: %w", err)
	}
	for _, i := range invoices {
		if _, err := tx.ExecContext(ctx, `INSERT INTO payment_attempt_invoices (tenant_id, attempt_id, invoice_id, customer_id, amount_minor)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?)`, id, i.id, actor.CustomerID, i.due()); err != nil {
			return nil, fmt.Errorf("postgres: record attempt: %w", err)
		}
	}
	out := cardPayment(id, account, pi, invoices)
	out.Status = status
	return out, nil
}

func cardPayment(attemptID, account string, pi *portal.Intent, invoices []payInvoice) *portal.CardPayment {
	out := &portal.CardPayment{AttemptID: attemptID, PaymentIntentID: pi.ID, ClientSecret: pi.ClientSecret, StripeAccount: account,
		Amount: pi.Amount, Status: pi.Status}
	for _, i := range invoices {
		out.Invoices = append(out.Invoices, portal.InvoiceSummary{ID: i.id, InvoiceNumber: i.number, InvoiceDate: i.invoiceDate,
			DueDate: i.dueDate, Status: i.status, Total: portal.Money{Amount: i.total, Currency: i.currency},
			AmountDue: portal.Money{Amount: i.due(), Currency: i.currency}})
	}
	return out
}

var _ portal.CardEventApplier = (*CardPaymentService)(nil)

// ApplyCardEvent implements portal.CardEventApplier. The event id is
// stored in the transaction that applies it, so a redelivery finds it and
// changes nothing. States only move forward: "succeeded" wins over any
// event that arrives after it, and money that arrived is recorded even for
// an attempt the portal had cancelled.
func (s *CardPaymentService) ApplyCardEvent(ctx context.Context, ev portal.CardEvent) error {
	// A saved card's brand, last four digits and expiry come from Stripe
	// (the event names only the PaymentMethod), asked outside the
	// transaction and only for an event not applied yet.
	var card *portal.CardDetails
	if ev.Type == "setup_intent.succeeded" && ev.PaymentMethodID != "" && ev.Customer != "" && s.gateway != nil {
		seen, err := s.eventApplied(ctx, ev.ID)
		if err != nil || seen {
			return err
		}
		if card, err = s.gateway.GetCard(ctx, ev.Account, ev.PaymentMethodID); err != nil {
			return err
		}
	}
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO stripe_events (tenant_id, event_id, event_type, object_id, created_at, applied_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, nullif(?, ''), ?, ?) ON CONFLICT DO NOTHING`,
			ev.ID, ev.Type, ev.ObjectID(), ev.Created, s.db.Now())
		if err != nil {
			return fmt.Errorf("postgres: record stripe event: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // applied before
		}
		switch {
		case ev.Type == "setup_intent.succeeded":
			return s.saveCard(ctx, tx, ev, card)
		case ev.Type == "payment_method.detached":
			return forgetCard(ctx, tx, ev.PaymentMethodID)
		case ev.PaymentIntentID == "":
			return nil // not about a payment
		}
		a, err := lockAttempt(ctx, tx, ev.PaymentIntentID)
		if err == nil && a == nil {
			return applyCheckoutIntentTx(ctx, tx, ev) // an order's payment at checkout (issue 8), or nothing of ours
		}
		if err != nil || a.account != ev.Account {
			return err // nil when not a payment started here
		}
		return s.applyIntent(ctx, tx, a, ev)
	})
}

// cardAttempt is a payment attempt as the event handling needs it.
type cardAttempt struct {
	id, intentID, status, account string
	refunded                      int64
}

// lockAttempt reads and locks the attempt of a PaymentIntent; nil when
// there is none.
func lockAttempt(ctx context.Context, tx bun.Tx, intentID string) (*cardAttempt, error) {
	a := &cardAttempt{intentID: intentID}
	err := tx.QueryRowContext(ctx, `SELECT id::text, status, stripe_account, refunded_minor
		FROM payment_attempts WHERE payment_intent_id = ? FOR UPDATE`, intentID).Scan(&a.id, &a.status, &a.account, &a.refunded)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: find attempt: %w", err)
	}
	return a, nil
}

// setAttemptStatus sets an attempt's status; close frees its invoices for
// another attempt.
func (s *CardPaymentService) setAttemptStatus(ctx context.Context, tx bun.Tx, id, status string, close bool) error {
	if _, err := tx.ExecContext(ctx, `UPDATE payment_attempts SET status = ?, updated_at = ? WHERE id = ?`, status, s.db.Now(), id); err != nil {
		return fmt.Errorf("postgres: attempt status: %w", err)
	}
	if close {
		if _, err := tx.ExecContext(ctx, `UPDATE payment_attempt_invoices SET open = false WHERE attempt_id = ?`, id); err != nil {
			return fmt.Errorf("postgres: close attempt: %w", err)
		}
	}
	return nil
}

// applyIntent moves the attempt a on by the event: forward only.
func (s *CardPaymentService) applyIntent(ctx context.Context, tx bun.Tx, a *cardAttempt, ev portal.CardEvent) error {
	setStatus := func(status string, close bool) error { return s.setAttemptStatus(ctx, tx, a.id, status, close) }
	switch ev.Type {
	case "payment_intent.succeeded":
		if a.status == "succeeded" {
			return nil
		}
		if err := s.recordPaid(ctx, tx, a.id, ev); err != nil {
			return err
		}
		return setStatus("succeeded", true)
	case "payment_intent.processing":
		if slices.Contains(reusable, a.status) {
			return setStatus("processing", false)
		}
	case "payment_intent.payment_failed":
		// The intent goes back to needing a payment method: the customer
		// may try another card on the same attempt.
		if a.status != "succeeded" && a.status != "canceled" {
			return setStatus("requires_payment_method", false)
		}
	case "payment_intent.canceled":
		if a.status != "succeeded" {
			return setStatus("canceled", true)
		}
	case "charge.refunded":
		if a.status == "succeeded" && ev.AmountRefunded.Amount > a.refunded {
			return s.recordRefund(ctx, tx, a.id, ev.AmountRefunded.Amount-a.refunded)
		}
	}
	return nil
}

// recordPaid applies a succeeded payment: each invoice's amount paid grows
// by its share, and each share becomes a payments row, the customer's
// receipt.
func (s *CardPaymentService) recordPaid(ctx context.Context, tx bun.Tx, attemptID string, ev portal.CardEvent) error {
	rows, err := tx.QueryContext(ctx, `SELECT invoice_id::text, amount_minor FROM payment_attempt_invoices WHERE attempt_id = ? ORDER BY invoice_id`, attemptID)
	if err != nil {
		return fmt.Errorf("postgres: attempt invoices: %w", err)
	}
	type share struct {
		invoiceID string
		amount    int64
	}
	var shares []share
	for rows.Next() {
		var sh share
		if err := rows.Scan(&sh.invoiceID, &sh.amount); err != nil {
			rows.Close()
			return fmt.Errorf("postgres: attempt invoices: %w", err)
		}
		shares = append(shares, sh)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: attempt invoices: %w", err)
	}
	received := ev.Created.In(time.UTC)
	for _, sh := range shares {
		if _, err := tx.ExecContext(ctx, `UPDATE invoices SET amount_paid_minor = LEAST(total_minor, amount_paid_minor + ?),
				status = CASE WHEN amount_paid_minor + ? >= total_minor THEN 'paid' ELSE 'partially_paid' END, updated_at = ?
			WHERE id = ? AND status <> 'void'`, sh.amount, sh.amount, s.db.Now(), sh.invoiceID); err != nil {
			return fmt.Errorf("postgres: mark invoice paid: %w", err)
		}
		paymentID := uuid.NewString()
		if _, err := tx.ExecContext(ctx, `INSERT INTO payments (tenant_id, id, customer_id, invoice_id, reference, method, status, currency,
				amount_minor, received_on)
			SELECT tenant_id, ?, customer_id, invoice_id, ?, 'card', 'succeeded', a.currency, ai.amount_minor, ?::date
			FROM payment_attempt_invoices ai JOIN payment_attempts a USING (tenant_id, customer_id)
			WHERE a.id = ? AND ai.attempt_id = a.id AND ai.invoice_id = ?`,
			paymentID, ev.PaymentIntentID, received, attemptID, sh.invoiceID); err != nil {
			return fmt.Errorf("postgres: record card payment: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE payment_attempt_invoices SET payment_id = ? WHERE attempt_id = ? AND invoice_id = ?`,
			paymentID, attemptID, sh.invoiceID); err != nil {
			return fmt.Errorf("postgres: link receipt: %w", err)
		}
	}
	return nil
}

// recordRefund takes a refund of delta (beyond what was refunded before)
// back from the invoices, the last first; an invoice's share refunded in
// full marks its payment refunded.
func (s *CardPaymentService) recordRefund(ctx context.Context, tx bun.Tx, attemptID string, delta int64) error {
	rows, err := tx.QueryContext(ctx, `SELECT invoice_id::text, amount_minor - refunded_minor, payment_id::text
		FROM payment_attempt_invoices WHERE attempt_id = ? AND refunded_minor < amount_minor ORDER BY invoice_id DESC`, attemptID)
	if err != nil {
		return fmt.Errorf("postgres: refund: %w", err)
	}
	type share struct {
		invoiceID, paymentID string
		left                 int64
	}
	var shares []share
	for rows.Next() {
		var sh share
		var payment sql.NullString
		if err := rows.Scan(&sh.invoiceID, &sh.left, &payment); err != nil {
			rows.Close()
			return fmt.Errorf("postgres: refund: %w", err)
		}
		sh.paymentID = payment.String
		shares = append(shares, sh)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("postgres: refund: %w", err)
	}
	total := delta
	for _, sh := range shares {
		if delta == 0 {
			break
		}
		take := min(delta, sh.left)
		delta -= take
		if _, err := tx.ExecContext(ctx, `UPDATE payment_attempt_invoices SET refunded_minor = refunded_minor + ? WHERE attempt_id = ? AND invoice_id = ?`,
			take, attemptID, sh.invoiceID); err != nil {
			return fmt.Errorf("postgres: refund: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invoices SET amount_paid_minor = GREATEST(0, amount_paid_minor - ?),
				status = CASE WHEN amount_paid_minor - ? <= 0 THEN 'open' ELSE 'partially_paid' END, updated_at = ?
			WHERE id = ? AND status <> 'void'`, take, take, s.db.Now(), sh.invoiceID); err != nil {
			return fmt.Errorf("postgres: refund invoice: %w", err)
		}
		if take == sh.left && sh.paymentID != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE payments SET status = 'refunded', updated_at = ? WHERE id = ?`, s.db.Now(), sh.paymentID); err != nil {
				return fmt.Errorf("postgres: refund payment: %w", err)
			}
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE payment_attempts SET refunded_minor = refunded_minor + ?, updated_at = ? WHERE id = ?`,
		total-delta, s.db.Now(), attemptID); err != nil {
		return fmt.Errorf("postgres: refund: %w", err)
	}
	return nil
}

// reconcileEvents maps a PaymentIntent's status, as Stripe reports it, to
// the event that would have brought the attempt there.
var reconcileEvents = map[string]string{
	"succeeded":               "payment_intent.succeeded",
	"processing":              "payment_intent.processing",
	"canceled":                "payment_intent.canceled",
	"requires_payment_method": "payment_intent.payment_failed",
}

// Reconcile asks Stripe about the tenant's attempts (tenant of ctx) whose
// payment has been under way (confirmed but not settled) for longer than
// age, and applies what Stripe says, as the missing webhook would have:
// a lost or undelivered event does not leave an invoice unpaid; then the
// same for orders paid by card at checkout (reconcileCheckouts). It
// returns how many attempts and checkouts changed.
func (s *CardPaymentService) Reconcile(ctx context.Context, age time.Duration) (int, error) {
	if s.gateway == nil {
		return 0, nil
	}
	var pending []cardAttempt
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id::text, payment_intent_id, status, stripe_account FROM payment_attempts
			WHERE status IN ('requires_confirmation', 'requires_action', 'processing') AND updated_at < ?
			ORDER BY updated_at LIMIT 500`, s.db.Now().Add(-age))
		if err != nil {
			return fmt.Errorf("postgres: pending attempts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var a cardAttempt
			if err := rows.Scan(&a.id, &a.intentID, &a.status, &a.account); err != nil {
				return fmt.Errorf("postgres: pending attempts: %w", err)
			}
			pending = append(pending, a)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, p := range pending {
		// Stripe is asked outside any transaction; the answer is applied
		// under the attempt's lock, which a webhook may have taken first.
		pi, err := s.gateway.GetIntent(ctx, p.account, p.intentID)
		if err != nil {
			return changed, err
		}
		typ, ok := reconcileEvents[pi.Status]
		if !ok || pi.Status == p.status {
			continue
		}
		err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			a, err := lockAttempt(ctx, tx, p.intentID)
			if err != nil || a == nil || a.status != p.status {
				return err // gone, or moved on since
			}
			changed++
			return s.applyIntent(ctx, tx, a, portal.CardEvent{Type: typ, Account: a.account, Created: s.db.Now(),
				PaymentIntentID: a.intentID, IntentStatus: pi.Status, AmountReceived: pi.Amount})
		})
		if err != nil {
			return changed, err
		}
	}
	n, err := s.reconcileCheckouts(ctx, age) // orders paid by card at checkout (issue 8)
	return changed + n, err
}
