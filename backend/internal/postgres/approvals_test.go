package postgres_test

import (
	"testing"

	"example.com/portal/backend/internal/portal"
)

// placeSO900 reorders PL-1 of SO-900 at quantity as actor and returns
// what was placed.
func (e *commerceEnv) placeSO900(t *testing.T, actor *portal.User, quantity string) *portal.ReorderPlaced {
	t.Helper()
	r, err := e.reorders.Reorder(e.a, actor, e.ids["so900"], nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.reorders.PlaceReorder(e.a, actor, e.ids["so900"], portal.ReorderInput{PlacementID: r.PlacementID,
		Lines: []portal.ReorderLineInput{{LineNo: 1, Quantity: quantity}}})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestApprovals_RuleHoldsOrderUntilApproved(t *testing.T) {
	e := newCommerceEnv(t)
	// Ann (Admin): orders by Buyers above $100.00 need approval.
	rule, err := e.approvals.SetApprovalRule(e.a, e.ann, portal.ApprovalRuleInput{AppliesToRole: "buyer", Threshold: "100"})
	if err != nil {
		t.Fatal(err)
	}
	if rule.Threshold.Amount != 10000 || rule.Threshold.Currency != "USD" {
		t.Fatalf("rule = %+v", rule)
	}
	again, err := e.approvals.SetApprovalRule(e.a, e.ann, portal.ApprovalRuleInput{AppliesToRole: "buyer", Threshold: "100.00"})
	if err != nil || again.ID != rule.ID {
		t.Fatalf("setting the rule again replaces it: %+v %v", again, err)
	}
	for _, bad := range []portal.ApprovalRuleInput{{AppliesToRole: "viewer", Threshold: "1"}, {AppliesToRole: "buyer", Threshold: "-5"},
		{AppliesToRole: "buyer", Threshold: "1.234"}} {
		if _, err := e.approvals.SetApprovalRule(e.a, e.ann, bad); portal.ErrorCode(err) != portal.EINVALID {
			t.Errorf("%+v: %v", bad, err)
		}
	}
	// At or below the threshold ($12.00 × 8 = $96.00): placed as usual.
	if p := e.placeSO900(t, e.jane, "8"); p.AwaitingApproval || p.Status.Code != "received" {
		t.Errorf("below the threshold: %+v", p)
	}
	// Above it ($120.00): a draft awaiting approval, not released to the ERP.
	r, err := e.reorders.Reorder(e.a, e.jane, e.ids["so900"], &portal.ReorderInput{Lines: []portal.ReorderLineInput{{LineNo: 1, Quantity: "10"}}})
	if err != nil || !r.NeedsApproval {
		t.Fatalf("the screen should say approval is needed: %v %+v", err, r)
	}
	p := e.placeSO900(t, e.jane, "10")
	if !p.AwaitingApproval || p.Status != portal.AwaitingApproval {
		t.Fatalf("above the threshold: %+v", p)
	}
	if n := e.count(t, `SELECT count(*) FROM orders WHERE id = ? AND status = 'draft'`, p.OrderID); n != 1 {
		t.Errorf("the held order is not a draft")
	}
	if n := e.count(t, `SELECT count(*) FROM outbox_events WHERE subject_id = ?`, p.OrderID); n != 0 {
		t.Errorf("%d events for an order awaiting approval, want none", n)
	}
	// Jane sees it, as Awaiting Approval (never "draft").
	o, err := e.orders.FindOrderByID(e.a, e.jane, p.OrderID)
	if err != nil || o.Status.Code != "awaiting_approval" {
		t.Fatalf("the requester's order: %+v %v", o, err)
	}
	heldCount := e.checkHeld(t, p.OrderID, true)
	list, err := e.approvals.Approvals(e.a, e.ann, portal.ApprovalFilter{Status: portal.ApprovalPending})
	if err != nil || len(list) != 1 || list[0].OrderID != p.OrderID || list[0].RequestedBy != "Jane Buyer" || list[0].Total.Amount != 12000 ||
		list[0].Threshold.Amount != 10000 || list[0].OrderStatus.Code != "awaiting_approval" {
		t.Fatalf("pending approvals: %+v %v", list, err)
	}
	// The Admins are told once.
	n, err := e.approvals.ClaimApprovalNotice(e.a, p.OrderID)
	if err != nil || n == nil || len(n.To) != 1 || n.To[0] != "ann@example.com" || n.CustomerName != "Lakeshore Fab" {
		t.Fatalf("notice: %+v %v", n, err)
	}
	if n, err := e.approvals.ClaimApprovalNotice(e.a, p.OrderID); n != nil || err != nil {
		t.Errorf("second claim: %+v %v", n, err)
	}
	// Another customer's Admin-less buyer and another tenant see nothing.
	if _, err := e.approvals.DecideApproval(e.a, e.otto, p.OrderID, portal.ApprovalDecision{Decision: "approve"}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another customer deciding: %v", err)
	}
	if _, err := e.approvals.FindOrderApproval(e.b, e.ann, p.OrderID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another tenant: %v", err)
	}
	if _, err := e.approvals.DecideApproval(e.a, e.ann, p.OrderID, portal.ApprovalDecision{Decision: "reject"}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("a rejection without a comment: %v", err)
	}
	// Ann approves: pending review, order.created now, in the activity log.
	a, err := e.approvals.DecideApproval(e.a, e.ann, p.OrderID, portal.ApprovalDecision{Decision: "approve", Comment: "OK for project 7"})
	if err != nil || a.Status != portal.ApprovalApproved || a.DecidedBy != "Ann Admin" || a.Comment != "OK for project 7" ||
		a.OrderStatus.Code != "received" {
		t.Fatalf("approved: %+v %v", a, err)
	}
	// Approved, it is still in progress: counted the same.
	if n := e.checkHeld(t, p.OrderID, false); n != heldCount {
		t.Errorf("in progress: %d held, %d approved", heldCount, n)
	}
	if n := e.count(t, `SELECT count(*) FROM outbox_events WHERE event_type = 'order.created' AND subject_id = ? AND payload->>'source' = 'portal'`,
		p.OrderID); n != 1 {
		t.Errorf("%d order.created after approval, want 1", n)
	}
	if n := e.count(t, `SELECT count(*) FROM order_status_history WHERE order_id = ? AND status = 'pending_review' AND note LIKE 'Approved by Ann Admin%'`,
		p.OrderID); n != 1 {
		t.Errorf("status history of the approval: %d", n)
	}
	for _, kind := range []string{"order_approval_requested", "order_approved", "approval_rule_set"} {
		if n := e.count(t, `SELECT count(*) FROM audit_events WHERE kind = ? AND customer_id = ?`, kind, e.ids["lakeshore"]); n == 0 {
			t.Errorf("no %s in the activity log", kind)
		}
	}
	if _, err := e.approvals.DecideApproval(e.a, e.ann, p.OrderID, portal.ApprovalDecision{Decision: "reject", Comment: "no"}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("deciding twice: %v", err)
	}
	if n, err := e.approvals.DecisionNotice(e.a, p.OrderID); err != nil || len(n.To) != 1 || n.To[0] != "jane@example.com" {
		t.Errorf("decision notice: %+v %v", n, err)
	}

	// Rejected: cancelled, and the ERP never hears of it.
	p2 := e.placeSO900(t, e.jane, "20")
	a, err = e.approvals.DecideApproval(e.a, e.ann, p2.OrderID, portal.ApprovalDecision{Decision: "reject", Comment: "Too much"})
	if err != nil || a.Status != portal.ApprovalRejected || a.OrderStatus.Code != "cancelled" {
		t.Fatalf("rejected: %+v %v", a, err)
	}
	if n := e.count(t, `SELECT count(*) FROM outbox_events WHERE subject_id = ?`, p2.OrderID); n != 0 {
		t.Errorf("%d events for a rejected order", n)
	}
	// An Admin's own orders are not held by the Buyers' rule; without the
	// rule nothing is held.
	if p := e.placeSO900(t, e.ann, "20"); p.AwaitingApproval {
		t.Errorf("an Admin's order held: %+v", p)
	}
	if err := e.approvals.DeleteApprovalRule(e.a, e.otto, rule.ID, portal.Client{}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another customer deleting the rule: %v", err)
	}
	if err := e.approvals.DeleteApprovalRule(e.a, e.ann, rule.ID, portal.Client{}); err != nil {
		t.Fatal(err)
	}
	if p := e.placeSO900(t, e.jane, "20"); p.AwaitingApproval {
		t.Errorf("held without a rule: %+v", p)
	}
}

// checkHeld checks how Jane's order id shows in My Orders (all, and the
// Awaiting Approval filter) and among the dashboard's orders in progress:
// held, as Awaiting Approval, or not (then not in the filter). It returns
// the dashboard's count of orders in progress.
func (e *commerceEnv) checkHeld(t *testing.T, id string, held bool) int {
	t.Helper()
	find := func(list []portal.OrderSummary) (portal.OrderSummary, bool) {
		for _, o := range list {
			if o.ID == id {
				return o, true
			}
		}
		return portal.OrderSummary{}, false
	}
	all, _, err := e.orders.FindOrders(e.a, e.jane, portal.OrderFilter{})
	if o, ok := find(all); err != nil || !ok || (o.Status.Code == portal.AwaitingApproval.Code) != held {
		t.Errorf("My Orders: %+v %v (held %v)", o, err, held)
	}
	filtered, total, err := e.orders.FindOrders(e.a, e.jane, portal.OrderFilter{Statuses: []string{portal.AwaitingApproval.Code}})
	if _, ok := find(filtered); err != nil || ok != held || total != len(filtered) || (held && total != 1) {
		t.Errorf("Awaiting Approval filter: %d orders, total %d, %v (held %v)", len(filtered), total, err, held)
	}
	both, _, err := e.orders.FindOrders(e.a, e.jane, portal.OrderFilter{Statuses: []string{portal.AwaitingApproval.Code, "received"}})
	if o, ok := find(both); err != nil || !ok || len(both) < 2 {
		t.Errorf("Awaiting Approval or Received: %+v %d %v", o, len(both), err)
	}
	d, err := e.orders.Dashboard(e.a, e.jane)
	if err != nil {
		t.Fatal(err)
	}
	if o, ok := find(d.OrdersInProgress); !ok || (o.Status.Code == portal.AwaitingApproval.Code) != held {
		t.Errorf("orders in progress: %+v (held %v)", d.OrdersInProgress, held)
	}
	return d.InProgressCount
}
