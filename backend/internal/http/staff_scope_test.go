package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
)

// assignSalesRep makes the sales rep with e-mail address email (created
// when the tenant has none) customer's rep, as the back office would.
func assignSalesRep(ctx context.Context, tx bun.Tx, tenantID, customer, email string) error {
	var rep string
	err := tx.QueryRowContext(ctx, `INSERT INTO sales_reps (tenant_id, id, name, email) VALUES (?, ?, 'Rep', ?)
		ON CONFLICT (tenant_id, email) DO UPDATE SET name = EXCLUDED.name RETURNING id::text`, tenantID, uuid.NewString(), email).Scan(&rep)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE customers SET sales_rep_id = ? WHERE id = ?`, rep, customer)
	return err
}

// TestStaffQuotesByRole: over HTTP, per staff role, the staff quotes
// queue, detail and pricing follow the customers' assigned sales reps: a
// tenant admin sees every customer's quote, a sales rep only their
// customers' (another's is 404 to read, review or price), both in the
// list and by id.
func TestStaffQuotesByRole(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	tn, err := e.db.FindTenantBySlug(t.Context(), "acme")
	if err != nil {
		t.Fatal(err)
	}
	seedUser(t, e.owner, "acme", "other@elsewhere.example", "Otto Other", "admin")
	seedUser(t, e.owner, "acme", "sam@acme.example", "Sam Rep", "sales_rep")
	seedUser(t, e.owner, "acme", "rita@acme.example", "Rita Rep", "sales_rep")
	seedUser(t, e.owner, "acme", "ada@acme.example", "Ada Admin", "tenant_admin")
	product := uuid.NewString()
	if err := e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor)
			VALUES (?, ?, 'P-100', 'A36 Plate 1/4in', 'plate', 'ea', 'ea', 1250)`, tn.ID, product); err != nil {
			return err
		}
		// Jane's customer is Sam's; Otto's is Rita's (the ERP writes
		// her address in capitals).
		for email, rep := range map[string]string{"jane@acme-customer.example": "sam@acme.example", "other@elsewhere.example": "RITA@acme.example"} {
			var customer string
			if err := tx.QueryRowContext(ctx, `SELECT customer_id::text FROM users WHERE email = ?`, email).Scan(&customer); err != nil {
				return err
			}
			if err := assignSalesRep(ctx, tx, tn.ID, customer, rep); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	submit := func(email string) string {
		t.Helper()
		b, _ := json.Marshal(api.QuoteRequest{Type: "stock_items", NeededByDate: time.Now().UTC().AddDate(0, 0, 3).Format(time.DateOnly),
			Lines: []api.QuoteLineInput{{ProductID: product, Quantity: "10"}}})
		w := e.request("POST", host, api.PathQuotes, string(b), e.signIn(t, host, email, testPassword), nil)
		var q api.Quote
		if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &q) != nil {
			t.Fatalf("submit as %s: %d %s", email, w.Code, w.Body)
		}
		return q.ID
	}
	janes, ottos := submit("jane@acme-customer.example"), submit("other@elsewhere.example")

	for _, c := range []struct {
		role, email string
		sees        []string // quote ids, in the list and by id
		hidden      []string // 404
	}{
		{"tenant_admin", "ada@acme.example", []string{janes, ottos}, nil},
		{"sales_rep", "sam@acme.example", []string{janes}, []string{ottos}},
		{"sales_rep", "rita@acme.example", []string{ottos}, []string{janes}},
	} {
		t.Run(c.role+"/"+c.email, func(t *testing.T) {
			staff := e.signIn(t, host, c.email, testPassword)
			w := e.request("GET", host, api.PathStaffQuotes, "", staff, nil)
			var list api.QuoteList
			if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &list) != nil {
				t.Fatalf("list: %d %s", w.Code, w.Body)
			}
			got := map[string]bool{}
			for _, q := range list.Quotes {
				got[q.ID] = true
			}
			if len(got) != len(c.sees) {
				t.Errorf("list has %d quotes, want %d: %s", len(got), len(c.sees), w.Body)
			}
			for _, id := range c.sees {
				if !got[id] {
					t.Errorf("list lacks %s", id)
				}
				if w := e.request("GET", host, api.PathStaffQuotes+"/"+id, "", staff, nil); w.Code != 200 {
					t.Errorf("GET %s: %d %s", id, w.Code, w.Body)
				}
			}
			for _, id := range c.hidden {
				for _, r := range []struct{ method, path, body string }{
					{"GET", api.PathStaffQuotes + "/" + id, ""},
					{"POST", api.PathStaffQuotes + "/" + id + "/review", ""},
					{"POST", api.PathStaffQuotes + "/" + id + "/respond", `{"lines":[{"line_no":1,"unit_price":"11.50"}]}`},
				} {
					w := e.request(r.method, host, r.path, r.body, staff, nil)
					if p := decodeProblem(t, w, http.StatusNotFound); p.Code != api.CodeNotFound {
						t.Errorf("%s %s: %+v", r.method, r.path, p)
					}
				}
			}
		})
	}
	// Nothing the reps were refused changed the quotes.
	admin := e.signIn(t, host, "ada@acme.example", testPassword)
	for _, id := range []string{janes, ottos} {
		var q api.Quote
		w := e.request("GET", host, api.PathStaffQuotes+"/"+id, "", admin, nil)
		if json.Unmarshal(w.Body.Bytes(), &q) != nil || q.StatusCode != "submitted" {
			t.Errorf("quote %s after refused attempts: %d %s", id, w.Code, w.Body)
		}
	}
}
