package postgres

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// reconcileCheckouts asks Stripe about the tenant's card checkouts (tenant
// of ctx) whose payment has been under way, or awaiting the server's
// confirmation of a saved card, for longer than age, and records what
// Stripe says, as the missing event would have: a checkout whose
// confirmation answer was lost, and whose client never retried, still
// shows paid once Stripe charged it. A status that moved meanwhile (an
// event arrived first) is left as it is. It returns how many changed.
func (s *CardPaymentService) reconcileCheckouts(ctx context.Context, age time.Duration) (int, error) {
	type pending struct{ intentID, account, status string }
	var list []pending
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT payment_intent_id, stripe_account, payment_status FROM checkout_orders
			WHERE payment_status IN ('requires_confirmation', 'requires_action', 'processing') AND payment_intent_id IS NOT NULL
				AND created_at < ?
			ORDER BY created_at LIMIT 500`, s.db.Now().Add(-age))
		if err != nil {
			return fmt.Errorf("postgres: pending checkouts: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var p pending
			if err := rows.Scan(&p.intentID, &p.account, &p.status); err != nil {
				return fmt.Errorf("postgres: pending checkouts: %w", err)
			}
			list = append(list, p)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	changed := 0
	for _, p := range list {
		// Stripe is asked outside any transaction; the answer is recorded
		// only over the status it was asked for.
		pi, err := s.gateway.GetIntent(ctx, p.account, p.intentID)
		if err != nil {
			return changed, err
		}
		if _, ok := reconcileEvents[pi.Status]; !ok || pi.Status == p.status {
			continue
		}
		err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE checkout_orders SET payment_status = ?
				WHERE payment_intent_id = ? AND stripe_account = ? AND payment_status = ?`, pi.Status, p.intentID, p.account, p.status)
			if err != nil {
				return fmt.Errorf("postgres: reconcile checkout: %w", err)
			}
			if n, _ := res.RowsAffected(); n > 0 {
				changed++
			}
			return nil
		})
		if err != nil {
			return changed, err
		}
	}
	return changed, nil
}
