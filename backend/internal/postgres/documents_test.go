package postgres_test

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/minio"
	"example.com/portal/backend/internal/minio/miniotest"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// docObjects is the services' MinIO with a bucket of the test's own, or,
// given an endpoint, a store there (an unreachable one, say).
func docObjects(t testing.TB, endpoint string) *minio.Store {
	t.Helper()
	if endpoint == "" {
		return miniotest.Store(t)
	}
	s, err := minio.New(minio.Config{Endpoint: endpoint, AccessKey: "x", SecretKey: "y", Region: "us-east-1", Bucket: "docs"})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func docCount(t testing.TB, db *postgres.DB, tenantID, q string, args ...any) int {
	t.Helper()
	var n int
	err := db.InTx(context.Background(), tenantID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, q, args...).Scan(&n)
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDocumentCreateMTR(t *testing.T) {
	e := newOrderEnv(t)
	objects := docObjects(t, "")
	ds := postgres.NewDocumentStore(e.app, objects)
	ta, _ := tenants.FromContext(e.a)
	body := []byte("%PDF-1.7 mill test report")
	d, err := ds.Create(context.Background(), ta.ID, portal.NewDocument{
		CustomerID: e.jane.CustomerID, Type: "mtr", Name: "MTR-H123.pdf", OrderID: e.ids["SO-1001"], HeatNumber: "H123",
		OrderLineIDs: []string{e.ids["SO-1001/1"], e.ids["SO-1001/2"]},
	}, bytes.NewReader(body), int64(len(body)))
	if err != nil {
		t.Fatal(err)
	}
	if d.ObjectKey != ta.ID+"/"+d.ID || d.SizeBytes != int64(len(body)) || len(d.SHA256) != 64 || d.OrderNumber != "SO-1001" {
		t.Errorf("document = %+v", d)
	}
	if got := d.ExpiresAt.Sub(d.CreatedAt); got != 3650*24*time.Hour {
		t.Errorf("retention = %s, want 3650 days", got)
	}
	if n := docCount(t, e.app, ta.ID, `SELECT count(*) FROM document_order_lines WHERE document_id = ?`, d.ID); n != 2 {
		t.Errorf("MTR lines = %d, want 2", n)
	}
	if n := docCount(t, e.app, ta.ID, `SELECT count(*) FROM outbox_events WHERE event_type = 'document.available' AND subject_id = ?
		AND payload->>'order_number' = 'SO-1001'`, d.ID); n != 1 {
		t.Errorf("document.available events = %d, want 1", n)
	}
	rc, _, err := objects.Get(context.Background(), d.ObjectKey)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, body) {
		t.Fatalf("object = %q", got)
	}

	// Another customer's order cannot be attached: the row fails, and the
	// object put before it is removed.
	_, err = ds.Create(context.Background(), ta.ID, portal.NewDocument{
		CustomerID: e.jane.CustomerID, Type: "coc", Name: "COC-SO-2001.pdf", OrderID: e.ids["SO-2001"],
	}, bytes.NewReader(body), int64(len(body)))
	if err == nil {
		t.Fatal("a document of Jane's naming another customer's order was stored")
	}
	objs := 0
	if err := objects.List(context.Background(), ta.ID+"/", func(minio.ObjectInfo) error { objs++; return nil }); err != nil {
		t.Fatal(err)
	}
	if objs != 1 {
		t.Fatalf("objects after a failed insert = %d, want 1 (the orphan must be removed)", objs)
	}
}

func TestDocumentCreateStoreUnavailable(t *testing.T) {
	e := newOrderEnv(t)
	ds := postgres.NewDocumentStore(e.app, docObjects(t, "127.0.0.1:1"))
	ta, _ := tenants.FromContext(e.a)
	_, err := ds.Create(context.Background(), ta.ID, portal.NewDocument{
		CustomerID: e.jane.CustomerID, Type: "pod", Name: "POD-1Z999.pdf", ShipmentID: e.ids["SH-1"],
	}, bytes.NewReader([]byte("%PDF-1.4")), 8)
	if portal.ErrorCode(err) != portal.EUNAVAILABLE {
		t.Fatalf("Create with MinIO down: %v, want unavailable", err)
	}
	if n := docCount(t, e.app, ta.ID, `SELECT count(*) FROM documents`); n != 0 {
		t.Fatalf("%d rows written with MinIO down", n)
	}
	if n := docCount(t, e.app, ta.ID, `SELECT count(*) FROM outbox_events WHERE event_type = 'document.available'`); n != 0 {
		t.Fatalf("%d events written with MinIO down", n)
	}
}

func TestDocumentRetentionAndOrphans(t *testing.T) {
	e := newOrderEnv(t)
	objects := docObjects(t, "")
	ds := postgres.NewDocumentStore(e.app, objects)
	ta, _ := tenants.FromContext(e.a)
	now := time.Now()
	ds.Now = func() time.Time { return now }
	mk := func(typ, name string) *portal.Document {
		d, err := ds.Create(context.Background(), ta.ID, portal.NewDocument{CustomerID: e.jane.CustomerID, Type: typ, Name: name, OrderID: e.ids["SO-1001"]},
			bytes.NewReader([]byte("%PDF-1.4")), 8)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	confirmation := mk("order_confirmation", "OC-SO-1001.pdf") // 730 days
	coc := mk("coc", "COC-SO-1001.pdf")                        // 3650 days

	now = now.AddDate(0, 0, 729)
	if n, err := ds.DeleteExpired(context.Background(), ta.ID, 100); err != nil || n != 0 {
		t.Fatalf("day 729: deleted %d, %v; want 0", n, err)
	}
	now = now.AddDate(0, 0, 2)
	if n, err := ds.DeleteExpired(context.Background(), ta.ID, 100); err != nil || n != 1 {
		t.Fatalf("day 731: deleted %d, %v; want 1", n, err)
	}
	if _, _, err := objects.Get(context.Background(), confirmation.ObjectKey); !errors.Is(err, minio.ErrNotFound) {
		t.Errorf("expired object still there: %v", err)
	}
	if n := docCount(t, e.app, ta.ID, `SELECT count(*) FROM documents WHERE id = ?`, coc.ID); n != 1 {
		t.Errorf("the CoC (10 years) was deleted")
	}

	// An object no row names is an orphan once older than an hour.
	orphan := minio.ObjectKey(ta.ID, "orphan")
	if err := objects.Put(context.Background(), orphan, bytes.NewReader([]byte("x")), 1, "application/pdf"); err != nil {
		t.Fatal(err)
	}
	ds.Now = time.Now
	if n, err := ds.SweepOrphans(context.Background(), ta.ID); err != nil || n != 0 {
		t.Fatalf("fresh sweep removed %d, %v; want 0", n, err)
	}
	ds.Now = func() time.Time { return time.Now().Add(2 * time.Hour) }
	if n, err := ds.SweepOrphans(context.Background(), ta.ID); err != nil || n != 1 {
		t.Fatalf("sweep removed %d, %v; want 1 (the orphan only)", n, err)
	}
	if _, _, err := objects.Get(context.Background(), coc.ObjectKey); err != nil {
		t.Fatalf("the sweep removed a document's object: %v", err)
	}
}

func TestDocumentOpenScopedToCustomerAndTenant(t *testing.T) {
	e := newOrderEnv(t)
	ds := postgres.NewDocumentStore(e.app, docObjects(t, ""))
	ta, _ := tenants.FromContext(e.a)
	d, err := ds.Create(context.Background(), ta.ID, portal.NewDocument{CustomerID: e.jane.CustomerID, Type: "coc", Name: "COC-SO-1001.pdf",
		OrderID: e.ids["SO-1001"]}, bytes.NewReader([]byte("%PDF-1.4 coc")), 12)
	if err != nil {
		t.Fatal(err)
	}
	got, rc, err := ds.Open(e.a, e.jane, d.ID, "stream")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(rc)
	rc.Close()
	if string(b) != "%PDF-1.4 coc" || got.OrderNumber != "SO-1001" {
		t.Fatalf("Open = %+v %q", got, b)
	}
	if n := docCount(t, e.app, ta.ID, `SELECT count(*) FROM document_downloads WHERE document_id = ? AND user_id = ? AND via = 'stream'`, d.ID, e.jane.ID); n != 1 {
		t.Fatalf("downloads recorded = %d, want 1", n)
	}
	other := *e.jane
	other.CustomerID = e.ids["other-customer"]
	if _, _, err := ds.Open(e.a, &other, d.ID, "stream"); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another customer's Open: %v, want not found", err)
	}
	// The same customer id asked in another tenant sees nothing (RLS).
	if _, _, err := ds.Open(e.b, e.jane, d.ID, "stream"); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("another tenant's Open: %v, want not found", err)
	}
	if _, err := ds.Document(e.a, e.jane, "not-a-uuid"); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("malformed id: %v, want not found", err)
	}
	if n := docCount(t, e.app, ta.ID, `SELECT count(*) FROM document_downloads`); n != 1 {
		t.Fatalf("refused opens recorded downloads: %d", n)
	}
}

func TestDocumentZip(t *testing.T) {
	e := newOrderEnv(t)
	ds := postgres.NewDocumentStore(e.app, docObjects(t, ""))
	ta, _ := tenants.FromContext(e.a)
	var ids []string
	for i := 0; i < 3; i++ {
		d, err := ds.Create(context.Background(), ta.ID, portal.NewDocument{CustomerID: e.jane.CustomerID, Type: "coc", Name: "COC-SO-1001.pdf",
			OrderID: e.ids["SO-1001"]}, bytes.NewReader([]byte("%PDF-1.4 n"+strconv.Itoa(i))), 11)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	other := *e.jane
	other.CustomerID = e.ids["other-customer"]
	if _, err := ds.CheckZip(e.a, &other, ids); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Fatalf("another customer's zip: %v, want not found", err)
	}
	if _, err := ds.CheckZip(e.a, e.jane, make([]string, 101)); portal.ErrorCode(err) != portal.EINVALID {
		t.Fatalf("101 ids: %v, want invalid", err)
	}
	docs, err := ds.CheckZip(e.a, e.jane, ids)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := ds.WriteZip(e.a, e.jane, docs, &buf); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "COC-SO-1001.pdf,COC-SO-1001 (2).pdf,COC-SO-1001 (3).pdf" {
		t.Fatalf("zip entries = %v", names)
	}
	if n := docCount(t, e.app, ta.ID, `SELECT count(*) FROM document_downloads WHERE via = 'zip'`); n != 3 {
		t.Fatalf("zip downloads recorded = %d, want 3", n)
	}
}

// BenchmarkDocumentZip100 streams a zip of 100 documents of 64 KiB each to
// io.Discard and reports the bytes allocated per document: it stays flat as
// the count grows, because each object is copied through in turn.
func BenchmarkDocumentZip100(b *testing.B) {
	e := newOrderEnv(b)
	ds := postgres.NewDocumentStore(e.app, docObjects(b, ""))
	ta, _ := tenants.FromContext(e.a)
	body := bytes.Repeat([]byte("%PDF-1.4 "), 64<<10/9)
	var ids []string
	for i := 0; i < postgres.MaxZipDocuments; i++ {
		d, err := ds.Create(context.Background(), ta.ID, portal.NewDocument{CustomerID: e.jane.CustomerID, Type: "coc",
			Name: "COC-" + strconv.Itoa(i) + ".pdf", OrderID: e.ids["SO-1001"]}, bytes.NewReader(body), int64(len(body)))
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, d.ID)
	}
	for _, n := range []int{10, 100} {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			docs, err := ds.CheckZip(e.a, e.jane, ids[:n])
			if err != nil {
				b.Fatal(err)
			}
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := ds.WriteZip(e.a, e.jane, docs, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.TotalAlloc-before.TotalAlloc)/float64(b.N*n), "B/doc")
			b.ReportMetric(float64(len(body)), "doc-bytes")
		})
	}
}

func TestDocumentsList(t *testing.T) {
	e := newOrderEnv(t)
	ds := postgres.NewDocumentStore(e.app, docObjects(t, ""))
	ta, _ := tenants.FromContext(e.a)
	now := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	mk := func(cust, typ, name, order string, day int) {
		ds.Now = func() time.Time { return now.AddDate(0, 0, day) }
		if _, err := ds.Create(context.Background(), ta.ID, portal.NewDocument{CustomerID: cust, Type: typ, Name: name, OrderID: e.ids[order],
			HeatNumber: "H1"}, bytes.NewReader([]byte("%PDF-1.4")), 8); err != nil {
			t.Fatal(err)
		}
	}
	mk(e.jane.CustomerID, "coc", "COC-SO-1001.pdf", "SO-1001", 0)
	mk(e.jane.CustomerID, "mtr", "MTR-H1.pdf", "SO-1001", 1)
	mk(e.jane.CustomerID, "order_confirmation", "OC-SO-1002.pdf", "SO-1002", 2)
	mk(e.ids["other-customer"], "coc", "COC-SO-2001.pdf", "SO-2001", 3)
	names := func(f portal.DocumentFilter) string {
		t.Helper()
		p, err := ds.Documents(e.a, e.jane, f)
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, d := range p.Items {
			n = append(n, d.Name)
		}
		return strconv.Itoa(p.Total) + ":" + strings.Join(n, ",")
	}
	for _, c := range []struct {
		f    portal.DocumentFilter
		want string
	}{
		{portal.DocumentFilter{}, "3:OC-SO-1002.pdf,MTR-H1.pdf,COC-SO-1001.pdf"},
		{portal.DocumentFilter{Q: "so-1001"}, "2:MTR-H1.pdf,COC-SO-1001.pdf"}, // order number or name
		{portal.DocumentFilter{Types: []string{"mtr", "order_confirmation"}}, "2:OC-SO-1002.pdf,MTR-H1.pdf"},
		{portal.DocumentFilter{From: now.AddDate(0, 0, 1), To: now.AddDate(0, 0, 2)}, "1:MTR-H1.pdf"},
		{portal.DocumentFilter{OrderID: e.ids["SO-1002"]}, "1:OC-SO-1002.pdf"},
		{portal.DocumentFilter{OrderID: e.ids["SO-2001"]}, "0:"}, // another customer's order
		{portal.DocumentFilter{PageSize: 2, Page: 2}, "3:COC-SO-1001.pdf"},
	} {
		if got := names(c.f); got != c.want {
			t.Errorf("Documents(%+v) = %s, want %s", c.f, got, c.want)
		}
	}
	if _, err := ds.Documents(e.a, e.jane, portal.DocumentFilter{Types: []string{"nope"}}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("unknown type: %v, want invalid", err)
	}
}

func TestDocumentLinkExpires(t *testing.T) {
	e := newOrderEnv(t)
	ds := postgres.NewDocumentStore(e.app, docObjects(t, ""))
	ta, _ := tenants.FromContext(e.a)
	d, err := ds.Create(context.Background(), ta.ID, portal.NewDocument{CustomerID: e.jane.CustomerID, Type: "coc", Name: "COC-SO-1001.pdf",
		OrderID: e.ids["SO-1001"]}, bytes.NewReader([]byte("%PDF-1.4 link")), 13)
	if err != nil {
		t.Fatal(err)
	}
	other := *e.jane
	other.CustomerID = e.ids["other-customer"]
	if _, _, err := ds.Link(e.a, &other, d.ID, time.Second, false); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Fatalf("another customer's link: %v, want not found", err)
	}
	// Five seconds: a signature's time is whole seconds, and under a loaded
	// test run the first fetch must still land inside the window.
	const expiry = 5 * time.Second
	u, exp, err := ds.Link(e.a, e.jane, d.ID, expiry, true)
	if err != nil {
		t.Fatal(err)
	}
	if time.Until(exp) > expiry+100*time.Millisecond {
		t.Errorf("expires_at %s is beyond the asked %s", exp, expiry)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "%PDF-1.4 link" {
		t.Fatalf("fresh link: %d %q", resp.StatusCode, b)
	}
	time.Sleep(time.Until(exp) + 1500*time.Millisecond)
	resp, err = http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("expired link answered %d, want 403", resp.StatusCode)
	}
	if n := docCount(t, e.app, ta.ID, `SELECT count(*) FROM document_downloads WHERE via = 'link'`); n != 1 {
		t.Fatalf("link downloads = %d, want 1", n)
	}
}
