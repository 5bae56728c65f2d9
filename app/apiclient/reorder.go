package apiclient

import (
	"context"
	"net/url"

	"example.com/portal/backend/api"
)

// Reorder returns the reorder screen of order id (GET
// /api/v1/orders/{id}/reorder).
func (c *Client) Reorder(ctx context.Context, id string) (api.Reorder, error) {
	var out api.Reorder
	err := c.getJSON(ctx, api.ReorderPath(url.PathEscape(id)), &out)
	return out, err
}

// PreviewReorder re-prices the reorder of order id for edited lines.
func (c *Client) PreviewReorder(ctx context.Context, id string, in api.ReorderPreview) (api.Reorder, error) {
	var out api.Reorder
	err := c.do(ctx, "POST", api.PathOrders+"/"+url.PathEscape(id)+api.PathReorderPreviewSuffix, in, &out)
	return out, err
}

// PlaceReorder places the reorder of order id; a second call with the
// same placement id answers the first order (Replayed).
func (c *Client) PlaceReorder(ctx context.Context, id string, in api.ReorderPlace) (api.ReorderPlaced, error) {
	var out api.ReorderPlaced
	err := c.do(ctx, "POST", api.ReorderPath(url.PathEscape(id)), in, &out)
	return out, err
}

// OrderApproval returns the approval of order id; CodeNotFound when it
// needed none.
func (c *Client) OrderApproval(ctx context.Context, id string) (api.OrderApproval, error) {
	var out api.OrderApproval
	err := c.getJSON(ctx, api.PathOrders+"/"+url.PathEscape(id)+api.PathOrderApprovalSuffix, &out)
	return out, err
}

// Approvals lists the account's approvals (status "" for all).
func (c *Client) Approvals(ctx context.Context, status string) (api.ApprovalList, error) {
	var out api.ApprovalList
	q := url.Values{}
	if status != "" {
		q.Set("status", status)
	}
	err := c.getJSON(ctx, withQuery(api.PathApprovals, q), &out)
	return out, err
}

// DecideApproval approves or rejects order id.
func (c *Client) DecideApproval(ctx context.Context, id string, in api.ApprovalDecision) (api.OrderApproval, error) {
	var out api.OrderApproval
	err := c.do(ctx, "POST", api.PathApprovals+"/"+url.PathEscape(id)+"/decision", in, &out)
	return out, err
}

// ApprovalRules lists the account's approval rules.
func (c *Client) ApprovalRules(ctx context.Context) (api.ApprovalRuleList, error) {
	var out api.ApprovalRuleList
	err := c.getJSON(ctx, api.PathApprovalRules, &out)
	return out, err
}

// SetApprovalRule sets the rule of in's role.
func (c *Client) SetApprovalRule(ctx context.Context, in api.ApprovalRuleInput) (api.ApprovalRule, error) {
	var out api.ApprovalRule
	err := c.do(ctx, "POST", api.PathApprovalRules, in, &out)
	return out, err
}

// DeleteApprovalRule removes a rule.
func (c *Client) DeleteApprovalRule(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", api.PathApprovalRules+"/"+url.PathEscape(id), nil, nil)
}

// ProductReviews returns a product's reviews.
func (c *Client) ProductReviews(ctx context.Context, productID string) (api.ProductReviews, error) {
	var out api.ProductReviews
	err := c.getJSON(ctx, api.PathProductReviews(url.PathEscape(productID)), &out)
	return out, err
}

// SaveReview saves the signed-in user's review of a product.
func (c *Client) SaveReview(ctx context.Context, productID string, in api.ReviewInput) (api.Review, error) {
	var out api.Review
	err := c.do(ctx, "PUT", api.PathProductReviews(url.PathEscape(productID)), in, &out)
	return out, err
}

// StaffReviews lists the tenant's reviews (staff).
func (c *Client) StaffReviews(ctx context.Context) (api.ReviewList, error) {
	var out api.ReviewList
	err := c.getJSON(ctx, api.PathStaffReviews, &out)
	return out, err
}

// ModerateReview hides or shows a review (staff).
func (c *Client) ModerateReview(ctx context.Context, id string, hidden bool) (api.Review, error) {
	var out api.Review
	err := c.do(ctx, "PATCH", api.PathStaffReviews+"/"+url.PathEscape(id), api.ReviewModeration{Hidden: hidden}, &out)
	return out, err
}
