package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/password"
)

// TestQuotesAPI walks the quote workflow over HTTP: a Buyer saves drafts
// (the sixth is 409), is refused a needed-by date of today and 1,001
// characters of instructions (400 naming the field), submits; a Viewer of
// the same account reads it but cannot request or accept; another
// customer's user gets 404; a customer cannot reach the staff routes; the
// sales rep prices and sends it; the Buyer accepts it twice and gets one
// order.
func TestQuotesAPI(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	tn, err := e.db.FindTenantBySlug(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	product := uuid.NewString()
	var customer string
	hash, err := password.Hash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT customer_id::text FROM users WHERE email = 'jane@acme-customer.example'`).Scan(&customer); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor)
			VALUES (?, ?, 'P-100', 'A36 Plate 1/4in', 'plate', 'ea', 'ea', 1250)`, tn.ID, product); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
			VALUES (?, ?, ?, 'vera@acme-customer.example', 'Vera Viewer', 'viewer', ?)`, tn.ID, uuid.NewString(), customer, hash); err != nil {
			return err
		}
		// Sam (rep@acme.example, below) is the customer's sales rep.
		return assignSalesRep(ctx, tx, tn.ID, customer, "rep@acme.example")
	}); err != nil {
		t.Fatal(err)
	}
	seedUser(t, e.owner, "acme", "other@elsewhere.example", "Otto Other", "admin")
	seedUser(t, e.owner, "acme", "rep@acme.example", "Sam Rep", "sales_rep")
	signIn := func(email string) []*http.Cookie {
		w := e.request("POST", host, api.PathSession, `{"email":"`+email+`","password":"`+testPassword+`"}`, nil, nil)
		if w.Code != 200 {
			t.Fatalf("sign in %s: %d %s", email, w.Code, w.Body)
		}
		return w.Result().Cookies()
	}
	jane, vera, otto, rep := signIn("jane@acme-customer.example"), signIn("vera@acme-customer.example"),
		signIn("other@elsewhere.example"), signIn("rep@acme.example")
	tomorrow := time.Now().UTC().AddDate(0, 0, 1).Format(time.DateOnly)
	today := time.Now().UTC().Format(time.DateOnly)
	body := func(needed, instructions string) string {
		b, _ := json.Marshal(api.QuoteRequest{Type: "stock_items", NeededByDate: needed, SpecialInstructions: instructions,
			Lines: []api.QuoteLineInput{{ProductID: product, Quantity: "10"}}})
		return string(b)
	}
	var draft api.Quote
	for i := range 6 {
		w := e.request("POST", host, api.PathQuoteDrafts, body("", ""), jane, nil)
		if i == 5 {
			if p := decodeProblem(t, w, http.StatusConflict); !strings.Contains(p.Detail, "5 quote drafts") {
				t.Errorf("sixth draft: %+v", p)
			}
			continue
		}
		if w.Code != http.StatusCreated {
			t.Fatalf("draft %d: %d %s", i, w.Code, w.Body)
		}
		json.Unmarshal(w.Body.Bytes(), &draft)
	}
	if draft.StatusCode != "draft" || draft.Status.Label != "Draft" || draft.Number != "" || len(draft.Lines) != 1 {
		t.Errorf("draft = %+v", draft)
	}
	// Auto-save replaces the draft.
	if w := e.request("PUT", host, api.PathQuoteDrafts+"/"+draft.ID, body(tomorrow, "Saved"), jane, nil); w.Code != 200 ||
		!strings.Contains(w.Body.String(), `"special_instructions":"Saved"`) {
		t.Errorf("auto-save: %d %s", w.Code, w.Body)
	}
	for name, c := range map[string]struct{ body, field string }{
		"needed today":    {body(today, ""), "needed_by_date"},
		"1001 characters": {body("", strings.Repeat("x", 1001)), "special_instructions"},
	} {
		w := e.request("POST", host, api.PathQuotes, c.body, jane, nil)
		if p := decodeProblem(t, w, http.StatusBadRequest); len(p.Errors) != 1 || p.Errors[0].Field != c.field {
			t.Errorf("%s: %+v", name, p)
		}
	}
	b, _ := json.Marshal(api.QuoteRequest{Type: "stock_items", NeededByDate: tomorrow, SpecialInstructions: strings.Repeat("x", 1000),
		DraftID: draft.ID, Lines: []api.QuoteLineInput{{ProductID: product, Quantity: "10"}}})
	w := e.request("POST", host, api.PathQuotes, string(b), jane, nil)
	var q api.Quote
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &q) != nil || q.ID != draft.ID || q.StatusCode != "submitted" ||
		!strings.HasPrefix(q.Number, "QT-") || q.ExpectedResponseDate == nil {
		t.Fatalf("submit: %d %s", w.Code, w.Body)
	}
	// The Viewer reads it, and may not request, save or accept.
	if w := e.request("GET", host, api.PathQuotes+"/"+q.ID, "", vera, nil); w.Code != 200 {
		t.Errorf("viewer reads: %d", w.Code)
	}
	for _, c := range []struct{ method, path string }{{"POST", api.PathQuotes}, {"POST", api.PathQuoteDrafts},
		{"POST", api.PathQuotes + "/" + q.ID + "/accept"}, {"GET", api.PathStaffQuotes}} {
		if w := e.request(c.method, host, c.path, body(tomorrow, ""), vera, nil); w.Code != http.StatusForbidden {
			t.Errorf("viewer %s %s: %d", c.method, c.path, w.Code)
		}
	}
	// Customers never reach the staff routes; another customer sees nothing.
	for _, path := range []string{api.PathStaffQuotes, api.PathStaffQuotes + "/" + q.ID} {
		if w := e.request("GET", host, path, "", jane, nil); w.Code != http.StatusForbidden {
			t.Errorf("buyer GET %s: %d", path, w.Code)
		}
	}
	for _, c := range []struct{ method, path, body string }{{"GET", api.PathQuotes + "/" + q.ID, ""},
		{"POST", api.PathQuotes + "/" + q.ID + "/accept", "{}"}, {"PUT", api.PathQuoteDrafts + "/" + draft.ID, body("", "")}} {
		if w := e.request(c.method, host, c.path, c.body, otto, nil); w.Code != http.StatusNotFound {
			t.Errorf("other customer %s %s: %d", c.method, c.path, w.Code)
		}
	}
	if w := e.request("GET", host, api.PathQuotes, "", otto, nil); strings.Contains(w.Body.String(), q.ID) {
		t.Error("another customer lists the quote")
	}
	// The sales rep sees it in the queue, reviews, prices and sends it.
	if w := e.request("GET", host, api.PathStaffQuotes, "", rep, nil); w.Code != 200 || !strings.Contains(w.Body.String(), q.ID) ||
		strings.Contains(w.Body.String(), `"status_code":"draft"`) {
		t.Fatalf("staff queue: %d %s", w.Code, w.Body)
	}
	if w := e.request("POST", host, api.PathStaffQuotes+"/"+q.ID+"/review", "", rep, nil); w.Code != 200 ||
		!strings.Contains(w.Body.String(), `"label":"Under Review"`) {
		t.Errorf("review: %d %s", w.Code, w.Body)
	}
	w = e.request("POST", host, api.PathStaffQuotes+"/"+q.ID+"/respond", `{"lines":[{"line_no":1,"unit_price":"11.5x"}]}`, rep, nil)
	if p := decodeProblem(t, w, http.StatusBadRequest); len(p.Errors) != 1 || p.Errors[0].Field != "lines[0].unit_price" {
		t.Errorf("bad price: %+v", p)
	}
	w = e.request("POST", host, api.PathStaffQuotes+"/"+q.ID+"/respond", `{"lines":[{"line_no":1,"unit_price":"11.50"}],"notes":"Net 30"}`, rep, nil)
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &q) != nil || q.StatusCode != "quoted" || q.Status.Label != "Quote Ready" ||
		q.Total == nil || q.Total.Amount != 11500 || q.ValidUntil == nil {
		t.Fatalf("respond: %d %s", w.Code, w.Body)
	}
	// Jane is mailed (logged in tests) that it is ready.
	e.srv.Wait()
	if logs := e.logs.String(); !strings.Contains(logs, "Your quote "+q.Number+" is ready") || !strings.Contains(logs, "USD 115.00") {
		t.Errorf("no quote mail to Jane in the log")
	}
	// Accepted twice: one order.
	var first, second api.QuoteAccepted
	w = e.request("POST", host, api.PathQuotes+"/"+q.ID+"/accept", `{"po_number":"PO-9"}`, jane, nil)
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &first) != nil || first.OrderNumber == "" || first.Quote.StatusCode != "accepted" {
		t.Fatalf("accept: %d %s", w.Code, w.Body)
	}
	w = e.request("POST", host, api.PathQuotes+"/"+q.ID+"/accept", "", jane, nil)
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &second) != nil || second.OrderID != first.OrderID {
		t.Errorf("second accept: %d %s", w.Code, w.Body)
	}
	if w := e.request("GET", host, api.PathOrders+"/"+first.OrderID, "", jane, nil); w.Code != 200 || !strings.Contains(w.Body.String(), `"PO-9"`) {
		t.Errorf("the order: %d %s", w.Code, w.Body)
	}
	if w := e.request("POST", host, api.PathQuotes+"/"+q.ID+"/decline", "", jane, nil); w.Code != http.StatusConflict {
		t.Errorf("declining an accepted quote: %d", w.Code)
	}
	// The builder's product search is the catalog's.
	if w := e.request("GET", host, api.PathQuoteProducts+"?search=plate", "", jane, nil); w.Code != 200 || !strings.Contains(w.Body.String(), `"P-100"`) {
		t.Errorf("product search: %d %s", w.Code, w.Body)
	}
}
