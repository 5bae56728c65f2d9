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
)

func TestInvoicesAPI(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	ctx := context.Background()
	seedUser(t, e.owner, "acme", "olga@elsewhere.example", "Olga Other", "finance")
	tn, _ := e.owner.FindTenantBySlug(ctx, "acme")
	exec := func(q string, args ...any) {
		t.Helper()
		if err := e.owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	exec(`INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
		SELECT tenant_id, ?, customer_id, 'fiona@acme-customer.example', 'Fiona Finance', 'finance', password_hash
		FROM users WHERE email = 'jane@acme-customer.example'`, uuid.NewString())
	partial := seedInvoice(t, e, "jane@acme-customer.example", "INV-100", 125000, 25000)
	overdue := seedInvoice(t, e, "jane@acme-customer.example", "INV-101", 5000, 0)
	paid := seedInvoice(t, e, "jane@acme-customer.example", "INV-102", 7000, 7000)
	theirs := seedInvoice(t, e, "olga@elsewhere.example", "INV-200", 9900, 0)
	exec(`UPDATE invoices SET due_date = current_date - 5, invoice_date = current_date - 40 WHERE id = ?`, overdue)
	exec(`UPDATE invoices SET status = 'paid', invoice_date = current_date - 60 WHERE id = ?`, paid)
	exec(`INSERT INTO payments (tenant_id, id, customer_id, invoice_id, reference, method, status, currency, amount_minor, received_on)
		SELECT tenant_id, ?, customer_id, id, 'CHK-1', 'check', 'succeeded', 'USD', 25000, current_date - 3 FROM invoices WHERE id = ?`,
		uuid.NewString(), partial)

	signIn := func(email string) []*http.Cookie {
		t.Helper()
		w := e.request("POST", host, api.PathSession, `{"email":"`+email+`","password":"`+testPassword+`"}`, nil, nil)
		if w.Code != 200 {
			t.Fatalf("sign in %s: %d %s", email, w.Code, w.Body)
		}
		return w.Result().Cookies()
	}
	fiona, jane := signIn("fiona@acme-customer.example"), signIn("jane@acme-customer.example")
	list := func(cookies []*http.Cookie, query string) (int, api.InvoiceList, string) {
		t.Helper()
		w := e.request("GET", host, api.PathInvoices+query, "", cookies, nil)
		var l api.InvoiceList
		if w.Code == 200 {
			if err := json.Unmarshal(w.Body.Bytes(), &l); err != nil {
				t.Fatal(err)
			}
		}
		return w.Code, l, w.Body.String()
	}

	code, l, body := list(fiona, "")
	if code != 200 || l.Total != 3 || len(l.Invoices) != 3 || !l.CanPay {
		t.Fatalf("list = %d %s", code, body)
	}
	got := map[string]api.Invoice{}
	for _, i := range l.Invoices {
		got[i.InvoiceNumber] = i
	}
	if i := got["INV-100"]; i.Status != "partially_paid" || i.Overdue || i.AmountDue != (api.Money{Amount: 100000, Currency: "USD"}) ||
		i.AmountPaid.Amount != 25000 || i.Total.Amount != 125000 {
		t.Errorf("INV-100 = %+v", i)
	}
	if i := got["INV-101"]; i.Status != "open" || !i.Overdue || i.AmountDue.Amount != 5000 {
		t.Errorf("INV-101 = %+v", i)
	}
	if i := got["INV-102"]; i.Status != "paid" || i.Overdue || i.AmountDue.Amount != 0 {
		t.Errorf("INV-102 = %+v", i)
	}
	if l.Invoices[0].InvoiceNumber != "INV-100" || l.Invoices[2].InvoiceNumber != "INV-102" {
		t.Errorf("order: %s %s %s, want newest first", l.Invoices[0].InvoiceNumber, l.Invoices[1].InvoiceNumber, l.Invoices[2].InvoiceNumber)
	}
	if len(l.Summary) != 1 || l.Summary[0] != (api.InvoiceTotals{Currency: "USD", OpenCount: 2, OpenDue: 105000, OverdueCount: 1, OverdueDue: 5000}) {
		t.Errorf("summary = %+v", l.Summary)
	}
	if strings.Contains(body, "INV-200") {
		t.Error("another customer's invoice is listed")
	}

	// Filters and sorts.
	if _, l, _ := list(fiona, "?status=overdue"); len(l.Invoices) != 1 || l.Invoices[0].ID != overdue {
		t.Errorf("overdue filter: %+v", l.Invoices)
	}
	if _, l, _ := list(fiona, "?status=paid,partially_paid&sort=amount_due&dir=desc"); len(l.Invoices) != 2 || l.Invoices[0].ID != partial {
		t.Errorf("status + sort: %+v", l.Invoices)
	}
	today := time.Now().Format("2006-01-02")
	if _, l, _ := list(fiona, "?due_to="+today); len(l.Invoices) != 1 || l.Invoices[0].ID != overdue {
		t.Errorf("due by today: %+v", l.Invoices)
	}
	if _, l, _ := list(fiona, "?due_from="+today+"&sort=due_date&dir=asc"); len(l.Invoices) != 2 || l.Invoices[0].ID == overdue {
		t.Errorf("due from today: %+v", l.Invoices)
	}
	if _, l, _ := list(fiona, "?sort=due_date&dir=asc&page_size=50"); len(l.Invoices) != 3 || l.Invoices[0].ID != overdue || l.PageSize != 50 {
		t.Errorf("by due date: %+v", l.Invoices)
	}
	if _, l, _ := list(fiona, "?q=inv-10&page_size=20&page=2"); len(l.Invoices) != 0 || l.Total != 3 {
		t.Errorf("page 2: %+v total %d", l.Invoices, l.Total)
	}
	for q, field := range map[string]string{"?status=late": "status", "?sort=amount": "sort", "?from=yesterday": "from",
		"?page_size=7": "page_size", "?from=2026-02-01&to=2026-01-01": "to",
		"?due_from=2026-02-01&due_to=2026-01-01": "due_to", "?due_from=soon": "due_from"} {
		if code, _, body := list(fiona, q); code != http.StatusBadRequest || !strings.Contains(body, `"`+field+`"`) {
			t.Errorf("%s: %d %s, want 400 naming %s", q, code, body, field)
		}
	}

	// A Buyer reads invoices but may not pay them.
	if code, l, body := list(jane, ""); code != 200 || l.Total != 3 || l.CanPay {
		t.Errorf("buyer list = %d %s", code, body)
	}

	// Detail with its payments; another customer's id and junk are 404.
	w := e.request("GET", host, api.PathInvoices+"/"+partial, "", fiona, nil)
	var d api.InvoiceDetail
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &d) != nil || d.InvoiceNumber != "INV-100" || !d.CanPay ||
		len(d.Payments) != 1 || d.Payments[0].Reference != "CHK-1" || d.Payments[0].Amount.Amount != 25000 || d.AmountDue.Amount != 100000 {
		t.Errorf("detail = %d %s", w.Code, w.Body)
	}
	for _, id := range []string{theirs, uuid.NewString(), "not-a-uuid"} {
		if w := e.request("GET", host, api.PathInvoices+"/"+id, "", fiona, nil); w.Code != http.StatusNotFound || strings.Contains(w.Body.String(), "INV-200") {
			t.Errorf("invoice %s: %d %s, want 404", id, w.Code, w.Body)
		}
	}
	if w := e.request("GET", host, api.PathInvoices, "", nil, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("signed out: %d", w.Code)
	}
}
