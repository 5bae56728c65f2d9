package postgres_test

import (
	"context"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/pdfdoc"
	"example.com/portal/backend/internal/pdfdoc/pdftext"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// TestGenerateDueDocuments: the job makes each available generated
// document once, named by the spec's pattern, as a PDF in the object store
// with its document.available event, and nothing for what is not
// available (void invoices, invoices of orders not yet invoiced, drafts,
// cancelled orders, shipments not yet packed).
func TestGenerateDueDocuments(t *testing.T) {
	e := newOrderEnv(t)
	objects := docObjects(t, "")
	ds := postgres.NewDocumentStore(e.app, objects)
	ds.Renderer = pdfdoc.Renderer{}
	ta, _ := tenants.FromContext(e.a)
	ctx := context.Background()

	e.ids["CN-1"], e.ids["CN-VOID"] = uuid.NewString(), uuid.NewString()
	if err := e.owner.InTx(ctx, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO credit_notes (tenant_id, id, customer_id, invoice_id, credit_note_number, status,
				issue_date, amount_minor, remaining_minor, reason)
			VALUES (?, ?, ?, ?, 'CN-1', 'open', '2026-11-02', 2500, 2500, 'Short shipment'),
				(?, ?, ?, NULL, 'CN-VOID', 'void', '2026-11-03', 100, 0, '')`,
			ta.ID, e.ids["CN-1"], e.jane.CustomerID, e.ids["INV-1"], ta.ID, e.ids["CN-VOID"], e.jane.CustomerID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	n, err := ds.GenerateDue(ctx, ta, 1000)
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ typ, name, key, entity string }
	var got []row
	if err := e.app.InTx(ctx, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT type, name, object_key,
			coalesce(credit_note_id, invoice_id, shipment_id, order_id)::text FROM documents`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r row
			if err := rows.Scan(&r.typ, &r.name, &r.key, &r.entity); err != nil {
				return err
			}
			got = append(got, r)
		}
		return rows.Err()
	}); err != nil {
		t.Fatal(err)
	}
	if n != len(got) {
		t.Errorf("GenerateDue said %d, the table has %d", n, len(got))
	}
	has := func(typ, entity string) (row, bool) {
		for _, r := range got {
			if r.typ == typ && r.entity == entity {
				return r, true
			}
		}
		return row{}, false
	}
	for _, want := range []struct{ typ, entity, name string }{
		{"invoice", "INV-1", "INV-INV-1.pdf"},
		{"invoice", "INV-2", "INV-INV-2.pdf"},
		{"order_confirmation", "SO-1001", "OC-SO-1001.pdf"},
		{"order_confirmation", "SO-1006", "OC-SO-1006.pdf"},
		{"packing_slip", "SH-2", "PS-SO-1002-2.pdf"},
		{"credit_memo", "CN-1", "CM-CN-1.pdf"},
	} {
		if r, ok := has(want.typ, e.ids[want.entity]); !ok || r.name != want.name {
			t.Errorf("%s of %s: got %+v, want %s", want.typ, want.entity, r, want.name)
		}
	}
	for _, not := range []struct{ typ, entity, why string }{
		{"invoice", "INV-3", "void"},
		{"invoice", "INV-4", "its order is only confirmed"},
		{"order_confirmation", "SO-1003", "draft"},
		{"order_confirmation", "SO-1004", "cancelled"},
		{"packing_slip", "SH-1", "not packed yet"},
		{"packing_slip", "SH-3", "of a draft order"},
		{"credit_memo", "CN-VOID", "void"},
	} {
		if _, ok := has(not.typ, e.ids[not.entity]); ok {
			t.Errorf("%s of %s generated, but it is %s", not.typ, not.entity, not.why)
		}
	}
	if ev := docCount(t, e.app, ta.ID, `SELECT count(*) FROM outbox_events WHERE event_type = 'document.available'`); ev != len(got) {
		t.Errorf("%d document.available events for %d documents", ev, len(got))
	}
	for _, r := range got {
		rc, _, err := objects.Get(ctx, r.key)
		if err != nil {
			t.Fatal(err)
		}
		head, _ := io.ReadAll(io.LimitReader(rc, 5))
		rc.Close()
		if string(head) != "%PDF-" {
			t.Errorf("%s is not a PDF: %q", r.name, head)
		}
	}

	// Once made, nothing is due; a new invoice makes one more.
	if n, err := ds.GenerateDue(ctx, ta, 1000); err != nil || n != 0 {
		t.Fatalf("second run = %d, %v", n, err)
	}
	if err := e.owner.InTx(ctx, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE orders SET status = 'invoiced' WHERE id = ?`, e.ids["SO-1001"])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n, err := ds.GenerateDue(ctx, ta, 1000); err != nil || n != 1 {
		t.Fatalf("after SO-1001 is invoiced = %d, %v", n, err)
	}
	if c := docCount(t, e.app, ta.ID, `SELECT count(*) FROM documents WHERE type = 'invoice' AND invoice_id = ?`, e.ids["INV-4"]); c != 1 {
		t.Errorf("INV-4 has %d invoice documents after its order is invoiced", c)
	}
	// Jane sees her generated documents in her list, and not the other
	// customer's.
	p, err := ds.Documents(e.a, e.jane, portal.DocumentFilter{Types: []string{"invoice"}})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range p.Items {
		names = append(names, d.Name)
	}
	slices.Sort(names)
	if strings.Join(names, ",") != "INV-INV-1.pdf,INV-INV-2.pdf,INV-INV-4.pdf" {
		t.Errorf("Jane's invoices = %v", names)
	}
}

// TestStatement: the statement's opening balance is every invoice less
// every received payment before the range; the range lists invoices and
// received payments only (no void invoices, no pending payments, nothing
// of another customer), with the running and closing balances.
func TestStatement(t *testing.T) {
	e := newOrderEnv(t)
	ds := postgres.NewDocumentStore(e.app, docObjects(t, ""))
	ds.Renderer = pdfdoc.Renderer{}
	ta, _ := tenants.FromContext(e.a)
	ctx := context.Background()
	if err := e.owner.InTx(ctx, ta.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `
			INSERT INTO invoices (tenant_id, id, customer_id, invoice_number, status, invoice_date, due_date, total_minor)
			SELECT tenants.id, gen_random_uuid(), ?, n, s, d::date, d::date + 30, amt FROM (VALUES
				('ST-OLD', 'open', '2019-01-10', 10000), ('ST-FEB', 'open', '2019-02-05', 25000),
				('ST-VOID', 'void', '2019-02-06', 77700), ('ST-MAR', 'open', '2019-03-01', 99900)) v(n, s, d, amt), tenants WHERE tenants.id = ?;
			INSERT INTO payments (tenant_id, id, customer_id, reference, method, status, amount_minor, received_on)
			SELECT tenants.id, gen_random_uuid(), ?, r, 'check', s, amt, d::date FROM (VALUES
				('CHK-JAN', 'succeeded', '2019-01-20', 4000), ('CHK-FEB', 'succeeded', '2019-02-10', 10000),
				('CHK-PEND', 'pending', '2019-02-11', 5500)) v(r, s, d, amt), tenants WHERE tenants.id = ?`,
			e.jane.CustomerID, ta.ID, e.jane.CustomerID, ta.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	name, pdf, err := ds.Statement(e.a, e.jane, day("2019-02-01"), day("2019-02-28"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(name, "STMT-") || !strings.HasSuffix(name, "-20190201-20190228.pdf") {
		t.Errorf("name = %q", name)
	}
	text := strings.Join(pdftext.Pages(t, pdf), "\n")
	for _, want := range []string{"$60.00", "ST-FEB", "$250.00", "$310.00", "CHK-FEB", "-$100.00", "$210.00"} {
		if !strings.Contains(text, want) {
			t.Errorf("statement lacks %q", want)
		}
	}
	for _, absent := range []string{"ST-VOID", "CHK-PEND", "ST-MAR", "ST-OLD", "INV-1"} {
		if strings.Contains(text, absent) {
			t.Errorf("statement shows %q", absent)
		}
	}
	if n := docCount(t, e.app, ta.ID, `SELECT count(*) FROM document_downloads WHERE document_name = ? AND document_id IS NULL`, name); n != 1 {
		t.Errorf("%d downloads of the statement recorded", n)
	}
	for _, c := range []struct {
		from, to, field string
	}{{"", "2019-02-28", "from"}, {"2019-02-01", "", "to"}, {"2019-03-01", "2019-02-01", "to"}, {"2010-01-01", "2019-02-01", "to"}} {
		var from, to time.Time
		if c.from != "" {
			from = day(c.from)
		}
		if c.to != "" {
			to = day(c.to)
		}
		_, _, err := ds.Statement(e.a, e.jane, from, to)
		var pe *portal.Error
		if !errors.As(err, &pe) || pe.Code != portal.EINVALID || len(pe.Fields) != 1 || pe.Fields[0].Field != c.field {
			t.Errorf("statement %q..%q: %v, want EINVALID naming %s", c.from, c.to, err, c.field)
		}
	}
}
