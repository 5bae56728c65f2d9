package portal

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"
)

// Product reviews (spec 002 "Reviews"): after an order is complete, a
// customer's user rates the products their account received. "Complete"
// is delivered or invoiced (spec 000 section 3: "complete" is Ready to
// Ship, not yet received). One review per user and product, editable;
// staff may hide one.

// ReviewedStatuses are the internal order statuses whose products the
// account has received and may review.
var ReviewedStatuses = []string{OrderDelivered, OrderInvoiced}

// Review is one product review.
type Review struct {
	ID          string
	ProductID   string
	ProductCode string
	ProductName string
	Rating      int // 1 to 5
	Body        string
	// AuthorName is how other customers see the author: first name and
	// the initial of the last ("Jane B."); the company is never shown.
	AuthorName string
	Mine       bool
	Hidden     bool
	// CustomerName and AuthorEmail are for staff only.
	CustomerName string
	AuthorEmail  string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ProductReviews is a product's review summary and its visible reviews.
type ProductReviews struct {
	ProductID string
	Count     int
	// AverageTenths is the average rating of the visible reviews in
	// tenths (43 is 4.3 stars); 0 when there are none.
	AverageTenths int
	Reviews       []Review // newest first, at most 50, hidden ones left out
	Mine          *Review  // the actor's own review, hidden or not; nil when none
	// CanReview: the actor's account has received the product and the
	// actor may write reviews.
	CanReview bool
}

// ReviewInput is a user's review of a product.
type ReviewInput struct {
	Rating int
	Body   string
}

// Validate checks the review.
func (in *ReviewInput) Validate() error {
	var fields []FieldError
	in.Body = strings.TrimSpace(in.Body)
	if in.Rating < 1 || in.Rating > 5 {
		fields = append(fields, FieldError{Field: "rating", Message: "Give 1 to 5 stars."})
	}
	if utf8.RuneCountInString(in.Body) > 2000 {
		fields = append(fields, FieldError{Field: "body", Message: "Keep the review to 2,000 characters."})
	}
	return invalid(fields)
}

// AuthorDisplayName is "Jane B." for "Jane Buyer".
func AuthorDisplayName(name string) string {
	parts := strings.Fields(name)
	switch len(parts) {
	case 0:
		return "A customer"
	case 1:
		return parts[0]
	}
	last, _ := utf8.DecodeRuneInString(parts[len(parts)-1])
	return parts[0] + " " + string(last) + "."
}

// ReviewService reads and writes product reviews under the tenant; an
// unknown product (another tenant's included) is ENOTFOUND.
type ReviewService interface {
	// ProductReviews returns a product's summary and visible reviews.
	ProductReviews(ctx context.Context, actor *User, productID string) (*ProductReviews, error)
	// SaveReview creates or edits the actor's review of a product.
	// Errors: EINVALID, ENOTFOUND, EUNPROCESSABLE (the account has no
	// delivered order of the product).
	SaveReview(ctx context.Context, actor *User, productID string, in ReviewInput) (*Review, error)
	// StaffReviews lists the tenant's reviews newest first, hidden ones
	// included (at most 200), for staff.
	StaffReviews(ctx context.Context, actor *User) ([]Review, error)
	// SetReviewHidden hides or shows a review again (staff). Errors:
	// ENOTFOUND.
	SetReviewHidden(ctx context.Context, actor *User, id string, hidden bool) (*Review, error)
}
