package http_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/minio"
	"example.com/portal/backend/internal/minio/miniotest"
	"example.com/portal/backend/internal/pdfdoc"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
)

// pdfBytes is a small file that starts like a PDF, with n bytes of body.
func pdfBytes(label string, n int) []byte {
	b := []byte("%PDF-1.7\n% " + label + "\n")
	return append(b, bytes.Repeat([]byte{'x'}, n)...)
}

// upload posts a back-office document upload with fields and, unless file
// is nil, the file.
func (e *env) upload(t *testing.T, host, key string, fields map[string]string, file []byte) *httpResponse {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", "scan.pdf")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	mw.Close()
	w := e.request("POST", host, api.PathBackOfficeDocuments, body.String(), nil,
		map[string]string{"Authorization": "Bearer " + key, "Content-Type": mw.FormDataContentType()})
	return &httpResponse{code: w.Code, body: w.Body.Bytes(), header: w.Header()}
}

type httpResponse struct {
	code   int
	body   []byte
	header http.Header
}

func (r *httpResponse) problemFields(t *testing.T, status int) []string {
	t.Helper()
	if r.code != status {
		t.Fatalf("status %d, want %d: %s", r.code, status, r.body)
	}
	var p api.Problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	return problemFields(p)
}

// withDocuments gives the env a document store over a bucket of its own.
func withDocuments(t *testing.T, e *env) *minio.Store {
	objects := miniotest.Store(t)
	docs := postgres.NewDocumentStore(e.db, objects)
	docs.Renderer = pdfdoc.Renderer{}
	e.srv.Documents = docs
	return objects
}

func objectCount(t *testing.T, objects *minio.Store) int {
	t.Helper()
	n := 0
	if err := objects.List(context.Background(), "", func(minio.ObjectInfo) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDocumentsUploadAndDownload(t *testing.T) {
	e := newEnv(t, nil)
	objects := withDocuments(t, e)
	const host = "acme.portal.test"
	addTenant(t, e, "globex")
	seedUser(t, e.owner, "acme", "other@elsewhere.example", "Other Buyer", "buyer")
	seedUser(t, e.owner, "globex", "gina@globex-customer.example", "Gina", "buyer")
	mine, myShipment := seedOrder(t, e, "jane@acme-customer.example", "SO-1", "in_progress")
	theirs, _ := seedOrder(t, e, "other@elsewhere.example", "SO-2", "confirmed")
	e.exec(t, "acme", `UPDATE orders SET external_id = 'ERP-' || order_number WHERE id IN (?, ?)`, mine, theirs)
	e.exec(t, "acme", `UPDATE shipments SET external_id = 'ERP-SH-1' WHERE id = ?`, myShipment)
	e.exec(t, "acme", `UPDATE order_lines SET heat_number = 'H777' WHERE order_id = ?`, mine)
	e.exec(t, "acme", `INSERT INTO order_lines (tenant_id, id, order_id, line_no, description, quantity, uom, unit_price_minor, line_total_minor, heat_number)
		SELECT tenant_id, gen_random_uuid(), id, 2, 'Flat bar', 1, 'ea', 100, 100, 'H888' FROM orders WHERE id = ?`, mine)
	_, key := e.boKey(t, "acme", portal.ScopeBackOffice)
	_, shopKey := e.boKey(t, "acme", portal.ScopeEcommerce)
	docs := func() int { return e.ownerInt(t, "acme", `SELECT count(*) FROM documents`) }

	// Rejected uploads write nothing: no row, no object, no event.
	mtr := map[string]string{"type": "mtr", "order_external_id": "ERP-SO-1", "heat_number": "H777"}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range mtr {
			m[a] = b
		}
		m[k] = v
		return m
	}
	for _, c := range []struct {
		name   string
		fields map[string]string
		file   []byte
		status int
		field  string
	}{
		{"not a PDF by content", mtr, []byte("GIF89a not a pdf at all"), 415, "file"},
		{"no file", mtr, nil, 400, "file"},
		{"unknown type", with("type", "invoice"), pdfBytes("a", 10), 400, "type"},
		{"no heat", with("heat_number", ""), pdfBytes("a", 10), 400, "heat_number"},
		{"unknown order", with("order_external_id", "ERP-NOPE"), pdfBytes("a", 10), 422, "order_external_id"},
		{"heat on no line", with("heat_number", "H999"), pdfBytes("a", 10), 422, "heat_number"},
		{"line without the heat", with("line_nos", "2"), pdfBytes("a", 10), 422, "line_nos"},
		{"unknown line", with("line_nos", "9"), pdfBytes("a", 10), 422, "line_nos"},
		{"bad line number", with("line_nos", "one"), pdfBytes("a", 10), 400, "line_nos"},
		{"unknown shipment", map[string]string{"type": "pod", "shipment_external_id": "ERP-SH-404"}, pdfBytes("a", 10), 422, "shipment_external_id"},
		{"too large", mtr, pdfBytes("big", portal.MaxDocumentBytes), 413, "file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.upload(t, host, key, c.fields, c.file)
			if f := r.problemFields(t, c.status); !slices.Contains(f, c.field) {
				t.Errorf("fields %v, want %s", f, c.field)
			}
		})
	}
	if n := docs(); n != 0 {
		t.Fatalf("%d documents after rejected uploads", n)
	}
	if n := objectCount(t, objects); n != 0 {
		t.Fatalf("%d objects after rejected uploads", n)
	}
	if r := e.upload(t, host, shopKey, mtr, pdfBytes("a", 10)); r.code != 403 {
		t.Errorf("upload with an e-commerce key = %d", r.code)
	}
	if r := e.upload(t, host, "pk_nope", mtr, pdfBytes("a", 10)); r.code != 401 {
		t.Errorf("upload with a bad key = %d", r.code)
	}

	// Accepted uploads.
	mtrBody := pdfBytes("mill test report", 3000)
	r := e.upload(t, host, key, mtr, mtrBody)
	if r.code != 201 {
		t.Fatalf("MTR upload = %d %s", r.code, r.body)
	}
	var mtrDoc api.Document
	json.Unmarshal(r.body, &mtrDoc)
	if mtrDoc.Name != "MTR-H777.pdf" || mtrDoc.Type != "mtr" || mtrDoc.OrderID != mine || mtrDoc.SizeBytes != int64(len(mtrBody)) {
		t.Errorf("MTR = %+v", mtrDoc)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM order_lines WHERE order_id = ? AND has_mtr`, mine); n != 1 {
		t.Errorf("%d lines with an MTR, want the one carrying the heat", n)
	}
	r = e.upload(t, host, key, map[string]string{"type": "pod", "shipment_external_id": "ERP-SH-1"}, pdfBytes("pod", 100))
	if r.code != 201 || !strings.Contains(string(r.body), `"name":"POD-1Z1.pdf"`) {
		t.Fatalf("POD upload = %d %s", r.code, r.body)
	}
	r = e.upload(t, host, key, map[string]string{"type": "coc", "order_external_id": "ERP-SO-2"}, pdfBytes("coc", 100))
	if r.code != 201 {
		t.Fatalf("COC upload = %d %s", r.code, r.body)
	}
	var theirDoc api.Document
	json.Unmarshal(r.body, &theirDoc)
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM outbox_events WHERE event_type = 'document.available'`); n != 3 {
		t.Errorf("%d document.available events, want 3", n)
	}

	// The customer's list, filters and content.
	jane := e.signIn(t, host, "jane@acme-customer.example", testPassword)
	list := func(cookies []*http.Cookie, query string) api.DocumentList {
		t.Helper()
		w := e.request("GET", host, api.PathDocuments+query, "", cookies, nil)
		if w.Code != 200 {
			t.Fatalf("list %s = %d %s", query, w.Code, w.Body)
		}
		var l api.DocumentList
		json.Unmarshal(w.Body.Bytes(), &l)
		return l
	}
	if l := list(jane, ""); l.Total != 2 || len(l.Documents) != 2 || len(l.Types) != len(portal.DocumentTypes) {
		t.Errorf("Jane's documents = %+v", l)
	}
	if l := list(jane, "?type=mtr"); l.Total != 1 || l.Documents[0].ID != mtrDoc.ID || len(l.Documents[0].LineIDs) != 1 ||
		l.Documents[0].HeatNumber != "H777" {
		t.Errorf("type=mtr = %+v", l)
	}
	if l := list(jane, "?type=bol&type=pod"); l.Total != 1 || l.Documents[0].Type != "pod" {
		t.Errorf("type=bol&type=pod = %+v", l)
	}
	if l := list(jane, "?q=so-1&order_id="+mine); l.Total != 2 {
		t.Errorf("q=so-1 = %+v", l)
	}
	w := e.request("GET", host, api.PathDocuments+"?type=nope&page=0", "", jane, nil)
	if f := problemFields(decodeProblem(t, w, 400)); !slices.Contains(f, "type") && !slices.Contains(f, "page") {
		t.Errorf("bad filter fields = %v", f)
	}
	w = e.request("GET", host, api.PathDocuments+"/"+mtrDoc.ID+"/content?download=true", "", jane, nil)
	if w.Code != 200 || !bytes.Equal(w.Body.Bytes(), mtrBody) || w.Header().Get("Content-Type") != "application/pdf" ||
		w.Header().Get("Content-Disposition") != `attachment; filename=MTR-H777.pdf` {
		t.Errorf("content = %d, %d bytes, %v", w.Code, w.Body.Len(), w.Header())
	}
	// A presigned link serves the same bytes straight from MinIO.
	w = e.request("POST", host, api.PathDocuments+"/"+mtrDoc.ID+"/link", `{"download":true}`, jane, nil)
	var link api.DocumentLink
	if err := json.Unmarshal(w.Body.Bytes(), &link); w.Code != 200 || err != nil {
		t.Fatalf("link = %d %s", w.Code, w.Body)
	}
	resp, err := http.Get(link.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, mtrBody) {
		t.Errorf("presigned GET = %d, %d bytes", resp.StatusCode, len(got))
	}
	// The zip holds both documents, whole.
	podID := list(jane, "?type=pod").Documents[0].ID
	w = e.request("GET", host, api.PathDocumentsZip+"?ids="+mtrDoc.ID+","+podID, "", jane, nil)
	if w.Code != 200 || w.Header().Get("Content-Type") != "application/zip" {
		t.Fatalf("zip = %d %s", w.Code, w.Body)
	}
	zr, err := zip.NewReader(bytes.NewReader(w.Body.Bytes()), int64(w.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
	}
	slices.Sort(names)
	if fmt.Sprint(names) != "[MTR-H777.pdf POD-1Z1.pdf]" {
		t.Errorf("zip entries %v", names)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM document_downloads`); n != 4 {
		t.Errorf("%d downloads recorded, want 4 (stream, link, zip of two)", n)
	}

	// E-mailed, attached, with Jane as Reply-To; bad recipients named.
	w = e.request("POST", host, api.PathDocuments+"/"+mtrDoc.ID+"/email",
		`{"to":["ap@acme-customer.example","Bob <bob@acme-customer.example>"],"message":"For the audit."}`, jane, nil)
	if w.Code != 202 {
		t.Fatalf("email = %d %s", w.Code, w.Body)
	}
	if logs := e.logs.String(); !strings.Contains(logs, `"attachments":["MTR-H777.pdf"]`) ||
		!strings.Contains(logs, `"to":["ap@acme-customer.example","bob@acme-customer.example"]`) {
		t.Errorf("no mail with the attachment in the log:\n%s", logs)
	}
	for _, body := range []string{`{"to":[]}`, `{"to":["not an address"]}`, `{"to":["a@x.example","b@x.example","c@x.example","d@x.example","e@x.example","f@x.example"]}`} {
		w := e.request("POST", host, api.PathDocuments+"/"+mtrDoc.ID+"/email", body, jane, nil)
		if f := problemFields(decodeProblem(t, w, 400)); !slices.Contains(f, "to") {
			t.Errorf("email %s: fields %v", body, f)
		}
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM document_downloads WHERE via = 'email'`); n != 1 {
		t.Errorf("%d e-mails recorded, want 1", n)
	}

	// Another customer's, another tenant's: 404, in every route.
	other := e.signIn(t, host, "other@elsewhere.example", testPassword)
	if l := list(other, ""); l.Total != 1 || l.Documents[0].ID != theirDoc.ID {
		t.Errorf("the other customer's documents = %+v", l)
	}
	gina := e.signIn(t, "globex.portal.test", "gina@globex-customer.example", testPassword)
	for _, c := range []struct {
		name, host, method, path string
		cookies                  []*http.Cookie
	}{
		{"other customer content", host, "GET", api.PathDocuments + "/" + theirDoc.ID + "/content", jane},
		{"other customer link", host, "POST", api.PathDocuments + "/" + theirDoc.ID + "/link", jane},
		{"other customer e-mail", host, "POST", api.PathDocuments + "/" + theirDoc.ID + "/email", jane},
		{"other customer in a zip", host, "GET", api.PathDocumentsZip + "?ids=" + mtrDoc.ID + "," + theirDoc.ID, jane},
		{"other tenant content", "globex.portal.test", "GET", api.PathDocuments + "/" + mtrDoc.ID + "/content", gina},
		{"not an id", host, "GET", api.PathDocuments + "/nope/content", jane},
	} {
		body := ""
		if strings.HasSuffix(c.path, "/email") {
			body = `{"to":["a@x.example"]}`
		}
		if w := e.request(c.method, c.host, c.path, body, c.cookies, nil); w.Code != 404 {
			t.Errorf("%s = %d %s", c.name, w.Code, w.Body)
		}
	}
	// The statement, on demand.
	w = e.request("GET", host, api.PathStatement+"?from=2026-01-01&to=2026-12-31", "", jane, nil)
	if w.Code != 200 || !bytes.HasPrefix(w.Body.Bytes(), []byte("%PDF-")) ||
		!strings.HasPrefix(w.Header().Get("Content-Disposition"), "attachment; filename=STMT-") {
		t.Errorf("statement = %d %v", w.Code, w.Header())
	}
	w = e.request("GET", host, api.PathStatement+"?from=2026-13-01", "", jane, nil)
	if f := problemFields(decodeProblem(t, w, 400)); !slices.Contains(f, "from") {
		t.Errorf("bad statement range fields %v", f)
	}
	if w := e.request("GET", host, api.PathDocuments, "", nil, nil); w.Code != 401 {
		t.Errorf("signed out = %d", w.Code)
	}
}

// stoppingProxy forwards to MinIO until it has passed limit bytes of
// requests, then cuts every connection and stops listening, as a MinIO
// that dies in the middle of an upload.
type stoppingProxy struct {
	ln     net.Listener
	target string
	limit  int64
	passed atomic.Int64
	mu     sync.Mutex
	conns  []net.Conn
	once   sync.Once
}

func newStoppingProxy(t *testing.T, target string, limit int64) *stoppingProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &stoppingProxy{ln: ln, target: target, limit: limit}
	t.Cleanup(p.stop)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *stoppingProxy) serve(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns = append(p.conns, c, up)
	p.mu.Unlock()
	go io.Copy(c, up)
	buf := make([]byte, 32<<10)
	for {
		n, err := c.Read(buf)
		if n > 0 {
			if p.passed.Add(int64(n)) > p.limit {
				p.stop()
				return
			}
			if _, err := up.Write(buf[:n]); err != nil {
				return
			}
		}
		if err != nil {
			up.Close()
			return
		}
	}
}

func (p *stoppingProxy) stop() {
	p.once.Do(func() {
		p.ln.Close()
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range p.conns {
			c.Close()
		}
	})
}

func TestDocumentUploadStoreStopsMidRequest(t *testing.T) {
	e := newEnv(t, nil)
	cfg := miniotest.Config(t)
	objects, err := minio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := objects.EnsureBucket(context.Background()); err != nil {
		t.Fatal(err)
	}
	proxy := newStoppingProxy(t, cfg.Endpoint, 1<<20)
	cfg.Endpoint = proxy.ln.Addr().String()
	viaProxy, err := minio.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	e.srv.Documents = postgres.NewDocumentStore(e.db, viaProxy)
	const host = "acme.portal.test"
	mine, _ := seedOrder(t, e, "jane@acme-customer.example", "SO-1", "in_progress")
	e.exec(t, "acme", `UPDATE orders SET external_id = 'ERP-SO-1' WHERE id = ?`, mine)
	_, key := e.boKey(t, "acme", portal.ScopeBackOffice)

	r := e.upload(t, host, key, map[string]string{"type": "coc", "order_external_id": "ERP-SO-1"}, pdfBytes("big", 4<<20))
	var p api.Problem
	json.Unmarshal(r.body, &p)
	if r.code != 503 || p.Code != api.CodeUnavailable || strings.Contains(string(r.body), cfg.Endpoint) {
		t.Fatalf("upload with MinIO stopping = %d %s", r.code, r.body)
	}
	if proxy.passed.Load() <= 1<<20 {
		t.Fatalf("the proxy passed %d bytes: the upload did not start", proxy.passed.Load())
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM documents`); n != 0 {
		t.Errorf("%d document rows after the failed upload", n)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM outbox_events WHERE event_type = 'document.available'`); n != 0 {
		t.Errorf("%d events after the failed upload", n)
	}
	if n := objectCount(t, objects); n != 0 {
		t.Errorf("%d objects after the failed upload", n)
	}
}
