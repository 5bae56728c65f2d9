package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

var _ portal.ReviewService = (*ReviewService)(nil)

// ReviewService is the product reviews of spec 002 "Reviews" (issue 8).
type ReviewService struct {
	db *DB
}

// NewReviewService returns the service over db (app role).
func NewReviewService(db *DB) *ReviewService { return &ReviewService{db: db} }

var (
	errNoReview      = portal.Errorf(portal.ENOTFOUND, "No such review.")
	errNotReceived   = portal.Errorf(portal.EUNPROCESSABLE, "Your account can review a product once an order of it has been delivered.")
	errStaffOnlyRead = portal.Errorf(portal.EFORBIDDEN, "Only staff moderate reviews.")
)

// reviewColumns select a Review from product_reviews r, products p, users
// u and customers c.
const reviewColumns = `r.id::text, r.product_id::text, p.code, p.name, r.rating, r.body, u.name, r.user_id::text,
	r.hidden_at IS NOT NULL, c.company_name, u.email, r.created_at, r.updated_at`

const reviewFrom = ` FROM product_reviews r JOIN products p ON p.tenant_id = r.tenant_id AND p.id = r.product_id
	JOIN users u ON u.tenant_id = r.tenant_id AND u.id = r.user_id
	JOIN customers c ON c.tenant_id = r.tenant_id AND c.id = r.customer_id`

// scanReview reads a review for actor: staff see whose it is, customers
// only the author's display name.
func scanReview(row interface{ Scan(...any) error }, actor *portal.User) (portal.Review, error) {
	var r portal.Review
	var name, userID string
	err := row.Scan(&r.ID, &r.ProductID, &r.ProductCode, &r.ProductName, &r.Rating, &r.Body, &name, &userID, &r.Hidden,
		&r.CustomerName, &r.AuthorEmail, &r.CreatedAt, &r.UpdatedAt)
	r.AuthorName, r.Mine = portal.AuthorDisplayName(name), userID == actor.ID
	if !actor.Staff() {
		r.CustomerName, r.AuthorEmail = "", ""
		if !r.Mine {
			r.Hidden = false // customers see no hidden review but their own
		}
	}
	return r, err
}

// productExistsTx: an active product of the tenant (RLS: another tenant's
// is not found).
func productExistsTx(ctx context.Context, tx bun.Tx, id string) error {
	if !portal.ValidUUID(id) {
		return errNoProduct
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM products WHERE id = ? AND active`, id).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errNoProduct
	}
	return nil
}

// receivedTx reports whether the customer has an order of the product that
// was delivered or invoiced.
func receivedTx(ctx context.Context, tx bun.Tx, customerID, productID string) (bool, error) {
	var ok bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT FROM orders o JOIN order_lines l ON l.tenant_id = o.tenant_id AND l.order_id = o.id
		WHERE o.customer_id = ? AND o.status IN (?) AND l.product_id = ?)`, customerID, bun.In(portal.ReviewedStatuses), productID).Scan(&ok)
	return ok, err
}

// ProductReviews implements portal.ReviewService.
func (s *ReviewService) ProductReviews(ctx context.Context, actor *portal.User, productID string) (*portal.ProductReviews, error) {
	out := &portal.ProductReviews{ProductID: productID, Reviews: []portal.Review{}}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		if err := productExistsTx(ctx, tx, productID); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(round(avg(rating) * 10), 0)::int FROM product_reviews
			WHERE product_id = ? AND hidden_at IS NULL`, productID).Scan(&out.Count, &out.AverageTenths); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+reviewColumns+reviewFrom+` WHERE r.product_id = ? AND (r.hidden_at IS NULL OR r.user_id = ?)
			ORDER BY r.created_at DESC, r.id DESC LIMIT 51`, productID, actor.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanReview(rows, actor)
			if err != nil {
				return err
			}
			if r.Mine {
				mine := r
				out.Mine = &mine
				if r.Hidden {
					continue
				}
			}
			if len(out.Reviews) < 50 {
				out.Reviews = append(out.Reviews, r)
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if out.Mine == nil && actor.CustomerID != "" {
			// The actor's own review may be older than the 50 shown.
			r, err := scanReview(tx.QueryRowContext(ctx, "SELECT "+reviewColumns+reviewFrom+` WHERE r.product_id = ? AND r.user_id = ?`,
				productID, actor.ID), actor)
			if err == nil {
				out.Mine = &r
			} else if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if actor.CustomerID != "" {
			out.CanReview, err = receivedTx(ctx, tx, actor.CustomerID, productID)
		}
		return err
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: product reviews: %w", err)
	}
	return out, nil
}

// SaveReview implements portal.ReviewService.
func (s *ReviewService) SaveReview(ctx context.Context, actor *portal.User, productID string, in portal.ReviewInput) (*portal.Review, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	var out portal.Review
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := productExistsTx(ctx, tx, productID); err != nil {
			return err
		}
		ok, err := receivedTx(ctx, tx, actor.CustomerID, productID)
		if err != nil {
			return err
		}
		if !ok {
			return errNotReceived
		}
		var id string
		if err := tx.QueryRowContext(ctx, `INSERT INTO product_reviews (tenant_id, id, product_id, customer_id, user_id, rating, body,
				created_at, updated_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (tenant_id, product_id, user_id) DO UPDATE SET rating = excluded.rating, body = excluded.body,
				updated_at = excluded.updated_at
			RETURNING id::text`, uuid.Must(uuid.NewV7()).String(), productID, actor.CustomerID, actor.ID, in.Rating, in.Body, now, now).
			Scan(&id); err != nil {
			return err
		}
		out, err = scanReview(tx.QueryRowContext(ctx, "SELECT "+reviewColumns+reviewFrom+" WHERE r.id = ?", id), actor)
		return err
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: save review: %w", err)
	}
	return &out, nil
}

// StaffReviews implements portal.ReviewService.
func (s *ReviewService) StaffReviews(ctx context.Context, actor *portal.User) ([]portal.Review, error) {
	if !actor.Staff() {
		return nil, errStaffOnlyRead
	}
	out := []portal.Review{}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT "+reviewColumns+reviewFrom+" ORDER BY r.created_at DESC, r.id DESC LIMIT 200")
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanReview(rows, actor)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: staff reviews: %w", err)
	}
	return out, nil
}

// SetReviewHidden implements portal.ReviewService.
func (s *ReviewService) SetReviewHidden(ctx context.Context, actor *portal.User, id string, hidden bool) (*portal.Review, error) {
	if !actor.Staff() {
		return nil, errStaffOnlyRead
	}
	if !portal.ValidUUID(id) {
		return nil, errNoReview
	}
	now := s.db.Now().UTC()
	var out portal.Review
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var hiddenAt, by any
		if hidden {
			hiddenAt, by = now, actor.ID
		}
		res, err := tx.ExecContext(ctx, `UPDATE product_reviews SET hidden_at = ?, hidden_by_id = ? WHERE id = ?`, hiddenAt, by, id)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return cmpErr(err, errNoReview)
		}
		out, err = scanReview(tx.QueryRowContext(ctx, "SELECT "+reviewColumns+reviewFrom+" WHERE r.id = ?", id), actor)
		if err != nil {
			return err
		}
		kind := "review_shown"
		if hidden {
			kind = "review_hidden"
		}
		return auditTx(ctx, tx, now, kind, actor, "", portal.Client{}, map[string]any{"review_id": id, "product_id": out.ProductID})
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: hide review: %w", err)
	}
	return &out, nil
}

// cmpErr is err, or fallback when err is nil.
func cmpErr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}
