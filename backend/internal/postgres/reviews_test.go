package postgres_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

func TestReviews(t *testing.T) {
	e := newCommerceEnv(t)
	pl := e.ids["pl"]
	// Only what the account received (SO-900 is delivered) may be reviewed.
	got, err := e.reviews.ProductReviews(e.a, e.jane, pl)
	if err != nil || !got.CanReview || got.Count != 0 || got.Mine != nil {
		t.Fatalf("before any review: %+v %v", got, err)
	}
	ta, _ := tenants.FromContext(e.a)
	setStatus := func(status string) {
		t.Helper()
		if err := e.owner.InTx(e.a, ta.ID, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE orders SET status = ? WHERE id = ?`, status, e.ids["so900"])
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	setStatus("complete") // Ready to Ship: not received yet
	if _, err := e.reviews.SaveReview(e.a, e.jane, pl, portal.ReviewInput{Rating: 5}); portal.ErrorCode(err) != portal.EUNPROCESSABLE {
		t.Errorf("before delivery: %v", err)
	}
	setStatus("invoiced")
	if _, err := e.reviews.SaveReview(e.a, e.jane, pl, portal.ReviewInput{Rating: 6}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("six stars: %v", err)
	}
	r, err := e.reviews.SaveReview(e.a, e.jane, pl, portal.ReviewInput{Rating: 2, Body: "Warped"})
	if err != nil || r.Rating != 2 || r.AuthorName != "Jane B." || !r.Mine || r.CustomerName != "" {
		t.Fatalf("saved: %+v %v", r, err)
	}
	edited, err := e.reviews.SaveReview(e.a, e.jane, pl, portal.ReviewInput{Rating: 4, Body: "  Flat after all  "})
	if err != nil || edited.ID != r.ID || edited.Rating != 4 || edited.Body != "Flat after all" {
		t.Fatalf("edited: %+v %v", edited, err)
	}
	if _, err := e.reviews.SaveReview(e.a, e.ann, pl, portal.ReviewInput{Rating: 5, Body: "Great"}); err != nil {
		t.Fatal(err)
	}
	// Otto's account received PL-1 too (SO-950).
	got, err = e.reviews.ProductReviews(e.a, e.otto, pl)
	if err != nil || got.Count != 2 || got.AverageTenths != 45 || len(got.Reviews) != 2 || got.Mine != nil || !got.CanReview {
		t.Fatalf("Otto's view: %+v %v", got, err)
	}
	// Otto never received TUBE-3.
	if got, err := e.reviews.ProductReviews(e.a, e.otto, e.ids["tube"]); err != nil || got.CanReview {
		t.Errorf("not received: %+v %v", got, err)
	}
	// Staff hide Jane's: it counts no more and shows only to Jane.
	if _, err := e.reviews.SetReviewHidden(e.a, e.jane, r.ID, true); portal.ErrorCode(err) != portal.EFORBIDDEN {
		t.Errorf("a customer hiding: %v", err)
	}
	staff, err := e.reviews.StaffReviews(e.a, e.sue)
	if err != nil || len(staff) != 2 || staff[0].CustomerName != "Lakeshore Fab" {
		t.Fatalf("staff list: %+v %v", staff, err)
	}
	h, err := e.reviews.SetReviewHidden(e.a, e.sue, r.ID, true)
	if err != nil || !h.Hidden {
		t.Fatalf("hide: %+v %v", h, err)
	}
	got, _ = e.reviews.ProductReviews(e.a, e.otto, pl)
	if got.Count != 1 || got.AverageTenths != 50 || len(got.Reviews) != 1 || got.Reviews[0].Body != "Great" {
		t.Errorf("after hiding: %+v", got)
	}
	got, _ = e.reviews.ProductReviews(e.a, e.jane, pl)
	if got.Mine == nil || !got.Mine.Hidden || len(got.Reviews) != 1 {
		t.Errorf("the author's view after hiding: %+v", got)
	}
	if n := e.count(t, `SELECT count(*) FROM audit_events WHERE kind = 'review_hidden'`); n != 1 {
		t.Errorf("%d review_hidden audit events", n)
	}
	// Another tenant's product, an unknown one and an inactive one are not found.
	for name, id := range map[string]string{"another tenant's": e.ids["betaproduct"], "inactive": e.ids["bar"], "malformed": "1'"} {
		if _, err := e.reviews.ProductReviews(e.a, e.jane, id); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("%s product: %v", name, err)
		}
		if _, err := e.reviews.SaveReview(e.a, e.jane, id, portal.ReviewInput{Rating: 3}); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("%s product, saving: %v", name, err)
		}
	}
	if _, err := e.reviews.SetReviewHidden(e.b, e.sue, r.ID, true); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("hiding from another tenant: %v", err)
	}
}
