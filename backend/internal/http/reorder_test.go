package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/password"
	"example.com/portal/policies"
)

// seedReorder gives jane's account (Lakeshore Fab) an Admin and a Viewer,
// two products (PL-1 now $12.00, once $10.00; TUBE-3 $5.00) and a
// delivered order of both; it returns the order's and PL-1's ids.
func seedReorder(t *testing.T, e *env) (orderID, productID string) {
	t.Helper()
	ctx := context.Background()
	tn, err := e.owner.FindTenantBySlug(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	hash, err := password.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	orderID, productID = uuid.NewString(), uuid.NewString()
	tube := uuid.NewString()
	err = e.owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		for _, q := range []struct {
			sql  string
			args []any
		}{
			{`UPDATE customers SET credit_limit_minor = 1000000 WHERE id = (SELECT customer_id FROM users WHERE email = 'jane@acme-customer.example')`, nil},
			{`INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
				SELECT tenant_id, gen_random_uuid(), customer_id, 'ann@acme-customer.example', 'Ann Admin', 'admin', ? FROM users
				WHERE email = 'jane@acme-customer.example'`, []any{hash}},
			{`INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
				SELECT tenant_id, gen_random_uuid(), customer_id, 'vic@acme-customer.example', 'Vic Viewer', 'viewer', ? FROM users
				WHERE email = 'jane@acme-customer.example'`, []any{hash}},
			{`INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor) VALUES
				(?, ?, 'PL-1', 'A36 Plate', 'plate', 'ea', 'ea', 1200), (?, ?, 'TUBE-3', 'Tube', 'tube', 'ea', 'ea', 500)`,
				[]any{tn.ID, productID, tn.ID, tube}},
			{`INSERT INTO orders (tenant_id, id, customer_id, order_number, status, order_date, total_minor)
				SELECT ?, ?, customer_id, 'SO-700', 'delivered', '2026-06-01', 7000 FROM users WHERE email = 'jane@acme-customer.example'`,
				[]any{tn.ID, orderID}},
			{`INSERT INTO order_lines (tenant_id, id, order_id, line_no, product_id, description, quantity, uom, unit_price_minor, line_total_minor)
				VALUES (?, ?, ?, 1, ?, 'A36 Plate', 5, 'ea', 1000, 5000), (?, ?, ?, 2, ?, 'Tube', 4, 'ea', 500, 2000)`,
				[]any{tn.ID, uuid.NewString(), orderID, productID, tn.ID, uuid.NewString(), orderID, tube}},
		} {
			if _, err := tx.ExecContext(ctx, q.sql, q.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return orderID, productID
}

func decodeBody(t *testing.T, w interface{ Result() *http.Response }, want int, v any) {
	t.Helper()
	res := w.Result()
	if res.StatusCode != want {
		var b strings.Builder
		_ = json.NewDecoder(res.Body).Decode(&map[string]any{})
		t.Fatalf("status %d, want %d %s", res.StatusCode, want, b.String())
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatal(err)
	}
}

func TestReorderAPI(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	orderID, _ := seedReorder(t, e)
	seedUser(t, e.owner, "acme", "other@elsewhere.example", "Other Buyer", "buyer")
	jane := e.signIn(t, host, "jane@acme-customer.example", testPassword)
	vic := e.signIn(t, host, "vic@acme-customer.example", testPassword)
	other := e.signIn(t, host, "other@elsewhere.example", testPassword)
	path := api.ReorderPath(orderID)

	w := e.request("GET", host, path, "", jane, nil)
	var r api.Reorder
	decodeBody(t, w, 200, &r)
	if len(r.Lines) != 2 || !r.Lines[0].PriceChanged || r.Lines[0].OriginalPrice.Amount != 1000 || r.Lines[0].CurrentPrice.Amount != 1200 ||
		r.Lines[1].PriceChanged || r.GrandTotal.Amount != 8000 || r.EstimateNote == "" || r.PlacementID == "" {
		t.Fatalf("reorder = %+v", r)
	}
	// Neither product has stock: two out_of_stock warnings, and PL-1's price.
	if len(r.Warnings) != 3 || r.Warnings[1].Type != api.WarningPriceChanged || r.Warnings[2].Type != api.WarningOutOfStock {
		t.Errorf("warnings = %+v", r.Warnings)
	}
	// The preview re-prices edited lines on the server.
	w = e.request("POST", host, api.PathOrders+"/"+orderID+api.PathReorderPreviewSuffix, `{"lines":[{"line_no":1,"quantity":"10"}]}`, jane, nil)
	decodeBody(t, w, 200, &r)
	if r.GrandTotal.Amount != 12000 || r.Lines[1].Included {
		t.Errorf("preview total %+v, lines %+v", r.GrandTotal, r.Lines)
	}
	// Another customer's order is not found; a Viewer may not reorder.
	if p := decodeProblem(t, e.request("GET", host, path, "", other, nil), http.StatusNotFound); p.Code != api.CodeNotFound {
		t.Errorf("another customer: %+v", p)
	}
	decodeProblem(t, e.request("GET", host, path, "", vic, nil), http.StatusForbidden)
	decodeProblem(t, e.request("POST", host, path, `{"placement_id":"`+r.PlacementID+`","lines":[{"line_no":1,"quantity":"1"}]}`, vic, nil),
		http.StatusForbidden)
	// Bad input names its fields.
	p := decodeProblem(t, e.request("POST", host, path, `{"placement_id":"x","lines":[{"line_no":1,"quantity":"0"}],"requested_date":"soon"}`, jane, nil),
		http.StatusBadRequest)
	got := map[string]bool{}
	for _, f := range p.Errors {
		got[f.Field] = true
	}
	if !got["placement_id"] || !got["lines[0].quantity"] || !got["requested_date"] {
		t.Errorf("fields = %+v", p.Errors)
	}
	// Placed once, whatever the number of submits.
	body := `{"placement_id":"` + r.PlacementID + `","lines":[{"line_no":1,"quantity":"3"}],"po_number":"PO-9"}`
	var placed, again api.ReorderPlaced
	decodeBody(t, e.request("POST", host, path, body, jane, nil), http.StatusCreated, &placed)
	decodeBody(t, e.request("POST", host, path, body, jane, nil), http.StatusOK, &again)
	if placed.OrderNumber == "" || placed.Total.Amount != 3600 || placed.Status.Code != "received" || !again.Replayed ||
		again.OrderNumber != placed.OrderNumber {
		t.Errorf("placed %+v, again %+v", placed, again)
	}
	var o api.OrderDetail
	decodeBody(t, e.request("GET", host, api.PathOrders+"/"+placed.OrderID, "", jane, nil), 200, &o)
	if o.PONumber != "PO-9" || len(o.Lines) != 1 || o.Lines[0].UnitPrice.Amount != 1200 {
		t.Errorf("the new order = %+v", o)
	}
}

func TestApprovalsAPI(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	orderID, _ := seedReorder(t, e)
	jane := e.signIn(t, host, "jane@acme-customer.example", testPassword)
	ann := e.signIn(t, host, "ann@acme-customer.example", testPassword)
	// Only the Admin sets rules.
	decodeProblem(t, e.request("POST", host, api.PathApprovalRules, `{"applies_to_role":"buyer","threshold":"100"}`, jane, nil), http.StatusForbidden)
	p := decodeProblem(t, e.request("POST", host, api.PathApprovalRules, `{"applies_to_role":"buyer","threshold":"ten"}`, ann, nil), http.StatusBadRequest)
	if len(p.Errors) != 1 || p.Errors[0].Field != "threshold" {
		t.Errorf("bad threshold: %+v", p)
	}
	var rule api.ApprovalRule
	decodeBody(t, e.request("POST", host, api.PathApprovalRules, `{"applies_to_role":"buyer","threshold":"100.00"}`, ann, nil), 200, &rule)
	if rule.Threshold.Amount != 10000 {
		t.Fatalf("rule = %+v", rule)
	}
	var rules api.ApprovalRuleList
	decodeBody(t, e.request("GET", host, api.PathApprovalRules, "", jane, nil), 200, &rules)
	if len(rules.Rules) != 1 {
		t.Errorf("rules as the buyer: %+v", rules)
	}
	// Jane's $120.00 reorder waits; the Admin is e-mailed.
	var r api.Reorder
	decodeBody(t, e.request("GET", host, api.ReorderPath(orderID), "", jane, nil), 200, &r)
	var placed api.ReorderPlaced
	decodeBody(t, e.request("POST", host, api.ReorderPath(orderID), `{"placement_id":"`+r.PlacementID+`","lines":[{"line_no":1,"quantity":"10"}]}`,
		jane, nil), http.StatusCreated, &placed)
	if !placed.AwaitingApproval || placed.Status.Code != "awaiting_approval" {
		t.Fatalf("placed = %+v", placed)
	}
	e.srv.Wait()
	if logs := e.logs.String(); !strings.Contains(logs, "ann@acme-customer.example") || !strings.Contains(logs, "awaits your approval") {
		t.Errorf("no approval mail to the Admin in the log:\n%s", logs)
	}
	var approval api.OrderApproval
	decodeBody(t, e.request("GET", host, api.PathOrders+"/"+placed.OrderID+api.PathOrderApprovalSuffix, "", jane, nil), 200, &approval)
	if approval.Status != api.ApprovalPending || approval.RequestedBy != "Jane Buyer" {
		t.Errorf("the requester's view: %+v", approval)
	}
	var o api.OrderDetail
	decodeBody(t, e.request("GET", host, api.PathOrders+"/"+placed.OrderID, "", jane, nil), 200, &o)
	if o.Status.Code != "awaiting_approval" || strings.Contains(strings.ToLower(o.Status.Label), "draft") {
		t.Errorf("the order shows %+v", o.Status)
	}
	decision := api.PathApprovals + "/" + placed.OrderID + "/decision"
	decodeProblem(t, e.request("POST", host, decision, `{"decision":"approve"}`, jane, nil), http.StatusForbidden)
	var list api.ApprovalList
	decodeBody(t, e.request("GET", host, api.PathApprovals+"?status=pending", "", ann, nil), 200, &list)
	if len(list.Approvals) != 1 || list.Approvals[0].OrderID != placed.OrderID {
		t.Fatalf("pending = %+v", list)
	}
	decodeProblem(t, e.request("GET", host, api.PathApprovals+"?status=maybe", "", ann, nil), http.StatusBadRequest)
	decodeBody(t, e.request("POST", host, decision, `{"decision":"approve","comment":"Go"}`, ann, nil), 200, &approval)
	if approval.Status != api.ApprovalApproved || approval.OrderStatus.Code != "received" || approval.DecidedBy != "Ann Admin" {
		t.Errorf("approved = %+v", approval)
	}
	if p := decodeProblem(t, e.request("POST", host, decision, `{"decision":"approve"}`, ann, nil), http.StatusConflict); p.Code != api.CodeConflict {
		t.Errorf("twice: %+v", p)
	}
	e.srv.Wait()
	if !strings.Contains(e.logs.String(), "jane@acme-customer.example") {
		t.Errorf("no decision mail to the requester")
	}
	// The activity log has every step.
	var events []api.AuditEvent
	decodeBody(t, e.request("GET", host, api.PathAuditEvents, "", ann, nil), 200, &events)
	kinds := map[string]bool{}
	for _, ev := range events {
		kinds[ev.Kind] = true
	}
	for _, k := range []string{"approval_rule_set", "order_approval_requested", "order_approved"} {
		if !kinds[k] {
			t.Errorf("no %s in the activity log: %v", k, kinds)
		}
	}
}

func TestReviewsAPI(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	_, productID := seedReorder(t, e)
	seedUser(t, e.owner, "acme", "staff@acme.example", "Staff", policies.RoleTenantAdmin)
	seedUser(t, e.owner, "acme", "other@elsewhere.example", "Other Buyer", "buyer")
	jane := e.signIn(t, host, "jane@acme-customer.example", testPassword)
	vic := e.signIn(t, host, "vic@acme-customer.example", testPassword)
	other := e.signIn(t, host, "other@elsewhere.example", testPassword)
	staff := e.signIn(t, host, "staff@acme.example", testPassword)
	path := api.PathProductReviews(productID)
	decodeProblem(t, e.request("PUT", host, path, `{"rating":5}`, vic, nil), http.StatusForbidden)
	decodeProblem(t, e.request("PUT", host, path, `{"rating":5}`, other, nil), http.StatusUnprocessableEntity) // never received it
	decodeProblem(t, e.request("PUT", host, path, `{"rating":0}`, jane, nil), http.StatusBadRequest)
	decodeProblem(t, e.request("PUT", host, api.PathProductReviews(uuid.NewString()), `{"rating":5}`, jane, nil), http.StatusNotFound)
	var rv api.Review
	decodeBody(t, e.request("PUT", host, path, `{"rating":4,"body":"Flat"}`, jane, nil), 200, &rv)
	var pr api.ProductReviews
	decodeBody(t, e.request("GET", host, path, "", other, nil), 200, &pr)
	if pr.Count != 1 || pr.Average != 4 || len(pr.Reviews) != 1 || pr.Reviews[0].AuthorName != "Jane B." || pr.Reviews[0].CustomerName != "" ||
		pr.CanReview {
		t.Errorf("another customer's view: %+v", pr)
	}
	decodeBody(t, e.request("GET", host, path, "", vic, nil), 200, &pr)
	if pr.CanReview {
		t.Errorf("a Viewer is offered to review")
	}
	decodeProblem(t, e.request("PATCH", host, api.PathStaffReviews+"/"+rv.ID, `{"hidden":true}`, jane, nil), http.StatusForbidden)
	decodeBody(t, e.request("PATCH", host, api.PathStaffReviews+"/"+rv.ID, `{"hidden":true}`, staff, nil), 200, &rv)
	if !rv.Hidden || rv.CustomerName != "Lakeshore Fab" {
		t.Errorf("hidden = %+v", rv)
	}
	decodeBody(t, e.request("GET", host, path, "", other, nil), 200, &pr)
	if pr.Count != 0 || len(pr.Reviews) != 0 {
		t.Errorf("a hidden review shows: %+v", pr)
	}
	var list api.ReviewList
	decodeBody(t, e.request("GET", host, api.PathStaffReviews, "", staff, nil), 200, &list)
	if len(list.Reviews) != 1 || !list.Reviews[0].Hidden {
		t.Errorf("staff list = %+v", list)
	}
}

// TestCommerceRouteAccess: the routes of reorder, approvals and reviews
// (issue 8) declare the permission the role matrix gives them.
func TestCommerceRouteAccess(t *testing.T) {
	e := newEnv(t, nil)
	want := map[string]policies.Permission{
		"GET /api/v1/orders/{id}/reorder":          policies.OrdersReorder,
		"POST /api/v1/orders/{id}/reorder/preview": policies.OrdersReorder,
		"POST /api/v1/orders/{id}/reorder":         policies.OrdersReorder,
		"GET /api/v1/orders/{id}/approval":         policies.OrdersRead,
		"GET /api/v1/approvals":                    policies.ApprovalsRead,
		"POST /api/v1/approvals/{id}/decision":     policies.ApprovalsApprove,
		"GET /api/v1/approval-rules":               policies.ApprovalsRead,
		"POST /api/v1/approval-rules":              policies.ApprovalsApprove,
		"DELETE /api/v1/approval-rules/{id}":       policies.ApprovalsApprove,
		"GET /api/v1/products/{id}/reviews":        policies.CatalogRead,
		"PUT /api/v1/products/{id}/reviews":        policies.ReviewsWrite,
		"GET /api/v1/staff/reviews":                policies.ReviewsModerate,
		"PATCH /api/v1/staff/reviews/{id}":         policies.ReviewsModerate,
	}
	for _, rt := range e.srv.Routes() {
		k := rt.Method + " " + rt.Pattern
		if p, ok := want[k]; ok {
			if rt.Access.Public || rt.Access.Permission != p {
				t.Errorf("%s declares %+v, want %s", k, rt.Access, p)
			}
			delete(want, k)
		}
	}
	for k := range want {
		t.Errorf("%s is not served", k)
	}
}
