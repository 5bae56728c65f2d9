package portal

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"example.com/portal/tenants"
)

// Order approvals (spec 001 "Order Approvals"): a customer's Admin sets
// rules; an order that matches one waits, as a draft the customer sees as
// Awaiting Approval and the ERP never hears of, until an Admin of the
// account approves it (then it is placed: pending review, order.created)
// or rejects it (cancelled).

// Approval statuses.
const (
	ApprovalPending  = "pending"
	ApprovalApproved = "approved"
	ApprovalRejected = "rejected"
)

// AwaitingApproval is what customers see of an order waiting for approval
// (internally a draft with a pending approval; drafts themselves are never
// shown).
var AwaitingApproval = Status{Code: "awaiting_approval", Label: "Awaiting Approval", Color: "yellow", Icon: "approval",
	Progress: 5, Description: "Waiting for approval by an Admin of your account"}

// ApprovalRule: orders placed by a user of AppliesToRole whose total is
// above Threshold need an Admin's approval.
type ApprovalRule struct {
	ID            string
	AppliesToRole string // buyer
	Threshold     Money
	UpdatedAt     time.Time
}

// ApprovalRuleInput sets the account's rule for a role.
type ApprovalRuleInput struct {
	AppliesToRole string
	Threshold     string // decimal amount in the account's currency, "5000" or "5000.00"
	Client        Client

	thresholdMinor int64
}

// ThresholdMinor is the validated threshold in minor units.
func (in *ApprovalRuleInput) ThresholdMinor() int64 { return in.thresholdMinor }

// Validate checks the rule.
func (in *ApprovalRuleInput) Validate() error {
	var fields []FieldError
	if in.AppliesToRole != "buyer" {
		fields = append(fields, FieldError{Field: "applies_to_role", Message: "Rules apply to orders placed by Buyers (buyer)."})
	}
	var ok bool
	if in.thresholdMinor, ok = ParseAmount(in.Threshold); !ok {
		fields = append(fields, FieldError{Field: "threshold", Message: "Give an amount of 0 or more, with at most 2 decimals."})
	}
	return invalid(fields)
}

// ParseAmount reads a decimal amount ("5000", "5,000.50") into minor units
// of a two-decimal currency; false for anything else, negatives included.
func ParseAmount(s string) (int64, bool) {
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(whole) > 13 || len(frac) > 2 {
		return 0, false
	}
	var n int64
	for _, r := range whole + frac + strings.Repeat("0", 2-len(frac)) {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int64(r-'0')
	}
	return n, true
}

// OrderApproval is one order's approval.
type OrderApproval struct {
	OrderID, OrderNumber string
	PONumber             string
	Status               string // pending | approved | rejected
	OrderStatus          Status // what the customer sees of the order now
	RequestedByID        string
	RequestedBy          string // the requester's name
	RequestedAt          time.Time
	Total                Money
	Threshold            Money
	LineCount            int
	DecidedBy            string // "" while pending
	DecidedAt            *time.Time
	Comment              string
}

// ApprovalFilter selects approvals: Status "" is every status.
type ApprovalFilter struct {
	Status string
}

// Validate checks the filter.
func (f *ApprovalFilter) Validate() error {
	switch f.Status {
	case "", ApprovalPending, ApprovalApproved, ApprovalRejected:
		return nil
	}
	return invalid([]FieldError{{Field: "status", Message: "Choose pending, approved or rejected."}})
}

// ApprovalDecision approves or rejects a pending order.
type ApprovalDecision struct {
	Decision string // approve | reject
	Comment  string
	Client   Client
}

// Validate checks the decision: a rejection says why.
func (d *ApprovalDecision) Validate() error {
	var fields []FieldError
	d.Comment = strings.TrimSpace(d.Comment)
	if d.Decision != "approve" && d.Decision != "reject" {
		fields = append(fields, FieldError{Field: "decision", Message: "Choose approve or reject."})
	}
	if d.Decision == "reject" && d.Comment == "" {
		fields = append(fields, FieldError{Field: "comment", Message: "Say why the order is rejected."})
	}
	if utf8.RuneCountInString(d.Comment) > 1000 {
		fields = append(fields, FieldError{Field: "comment", Message: "Keep the comment to 1,000 characters."})
	}
	return invalid(fields)
}

// ApprovalNotice is what the approval e-mails say and to whom: the
// account's active Admins when an order waits, the requester when it is
// decided.
type ApprovalNotice struct {
	OrderApproval
	CustomerName string
	To           []string
}

// ApprovalService manages the actor's customer account's approval rules
// and approvals. Another account's order is ENOTFOUND.
type ApprovalService interface {
	// ApprovalRules lists the account's rules.
	ApprovalRules(ctx context.Context, actor *User) ([]ApprovalRule, error)
	// SetApprovalRule creates or replaces the rule of in's role (in the
	// account's currency). Errors: EINVALID.
	SetApprovalRule(ctx context.Context, actor *User, in ApprovalRuleInput) (*ApprovalRule, error)
	// DeleteApprovalRule removes a rule; orders already waiting still
	// wait. Errors: ENOTFOUND.
	DeleteApprovalRule(ctx context.Context, actor *User, id string, c Client) error
	// Approvals lists the account's approvals, newest first (at most 200).
	Approvals(ctx context.Context, actor *User, f ApprovalFilter) ([]OrderApproval, error)
	// FindOrderApproval is the approval of one order. Errors: ENOTFOUND (no
	// such order, or it needed none).
	FindOrderApproval(ctx context.Context, actor *User, orderID string) (*OrderApproval, error)
	// DecideApproval approves (the order is placed: pending review and
	// order.created) or rejects (cancelled) a pending order. Errors:
	// EINVALID, ENOTFOUND, ECONFLICT (already decided).
	DecideApproval(ctx context.Context, actor *User, orderID string, d ApprovalDecision) (*OrderApproval, error)
	// ClaimApprovalNotice marks a pending approval's Admins as notified
	// and returns whom to tell; nil when it was claimed already or is no
	// longer pending.
	ClaimApprovalNotice(ctx context.Context, orderID string) (*ApprovalNotice, error)
	// DecisionNotice is what to tell the requester of a decided approval.
	DecisionNotice(ctx context.Context, orderID string) (*ApprovalNotice, error)
}

// ApprovalMailer sends the approval e-mails.
type ApprovalMailer interface {
	SendApprovalRequested(ctx context.Context, t *tenants.Tenant, baseURL string, n ApprovalNotice) error
	SendApprovalDecided(ctx context.Context, t *tenants.Tenant, baseURL string, n ApprovalNotice) error
}
