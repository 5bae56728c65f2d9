package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/browsertest"
	"example.com/portal/backend/internal/portal"
)

// TestBrowserDocuments walks the documents of issue 5 at phone width: the
// ERP uploads a mill test report and a certificate through the back-office
// API of the running server; the Buyer finds them on the documents screen,
// filters by type, opens one in the viewer (its frame serves the PDF),
// selects both for a zip (which downloads as one archive), and on the
// order's page sees the documents card, the Download menu and the line's
// MTR link.
func TestBrowserDocuments(t *testing.T) {
	env, d := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const buyer, password = "buyer@lakeshore-fab.example.com", "Portal-Demo-2026!"
	owner := d.OpenOwner(t)
	bg := context.Background()
	tn, err := owner.FindTenantBySlug(bg, "acme-metals")
	if err != nil {
		t.Fatal(err)
	}
	// The buyer's latest order that customers see, with a heat on line 1.
	var orderID, orderNumber string
	if err := owner.InTx(bg, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT o.id, o.order_number FROM orders o JOIN users u ON u.tenant_id = o.tenant_id
			AND u.customer_id = o.customer_id WHERE u.email = ? AND o.status NOT IN ('draft', 'pending_review', 'cancelled')
			AND EXISTS (SELECT 1 FROM order_lines l WHERE l.order_id = o.id AND l.line_no = 1)
			ORDER BY o.order_date DESC, o.id LIMIT 1`, buyer).Scan(&orderID, &orderNumber); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE orders SET external_id = coalesce(external_id, 'E2E-' || order_number) WHERE id = ?;
			UPDATE order_lines SET heat_number = 'HT-E2E-1' WHERE order_id = ? AND line_no = 1`, orderID, orderID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var externalID string
	owner.InTx(bg, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT external_id FROM orders WHERE id = ?`, orderID).Scan(&externalID)
	})
	_, key, err := owner.CreateAPIKey(bg, tn.ID, portal.CreateAPIKeyInput{Name: "ERP e2e", Scopes: []string{portal.ScopeBackOffice}})
	if err != nil {
		t.Fatal(err)
	}
	upload := func(fields map[string]string, content string) {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		fw, _ := mw.CreateFormFile("file", "scan.pdf")
		io.WriteString(fw, "%PDF-1.4\n% "+content+"\n%%EOF\n")
		mw.Close()
		req, _ := http.NewRequest("POST", "http://127.0.0.1:"+port+"/api/v1/backoffice/documents", &body)
		req.Host = "acme-metals.localhost:" + port
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 {
			t.Fatalf("upload %v = %d %s", fields, resp.StatusCode, b)
		}
	}
	upload(map[string]string{"type": "mtr", "order_external_id": externalID, "heat_number": "HT-E2E-1"}, "mill test report")
	upload(map[string]string{"type": "coc", "order_external_id": externalID}, "certificate")

	b := browserSteps{t, ctx}
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		b.step(name, 30*time.Second, actions...)
	}
	until := browsertest.Until
	step("phone", browsertest.Emulate(browsertest.Phone))
	step("sign in", chromedp.Navigate(origin+"/portal/login"), chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
		browsertest.Fill("#email", buyer), browsertest.Fill("#password", password), browsertest.Submit("#signin"),
		chromedp.WaitVisible(chromedp.CSS("#signout")))

	mtrRow := `[...document.querySelectorAll('#documents tbody tr')].find(r => r.textContent.includes('MTR-HT-E2E-1.pdf'))`
	step("documents", chromedp.Navigate(origin+"/portal/documents"), chromedp.WaitVisible(chromedp.CSS("#documents")),
		until(mtrRow+` !== undefined`),
		until(`[...document.querySelectorAll('#documents tbody tr')].some(r => r.textContent.includes('COC-`+orderNumber+`.pdf'))`),
		until(mtrRow+`.textContent.includes('`+orderNumber+`')`))
	browsertest.Screenshot(t, ctx, "documents-phone")

	step("filter by type", chromedp.Click(chromedp.CSS("#doctype-mtr")),
		until(`location.search.includes('type=mtr')`),
		until(`document.querySelectorAll('#documents tbody tr').length === 1 && `+mtrRow+` !== undefined`))
	step("clear the type", chromedp.Click(chromedp.CSS("#doctype-mtr")),
		until(`document.querySelectorAll('#documents tbody tr').length >= 2`))

	// The viewer frames the PDF from the portal's own content address.
	step("view", until(`(`+mtrRow+`.querySelector('button[id^="view-"]').click(), true)`),
		chromedp.WaitVisible(chromedp.CSS("#document-viewer")),
		until(`document.querySelector('#viewer-title').textContent === 'MTR-HT-E2E-1.pdf'`),
		until(`fetch(document.querySelector('#viewer-frame').src).then(async r => window.__viewer =
			r.status + ' ' + r.headers.get('content-type') + ' ' + (await r.text()).includes('mill test report')), true`),
		until(`window.__viewer === '200 application/pdf true'`))
	browsertest.Screenshot(t, ctx, "document-viewer-phone")
	step("close viewer", chromedp.Click(chromedp.CSS("#viewer-close")), until(`document.querySelector('#document-viewer') === null`))

	// Two selected: one zip of both.
	step("select two", until(`[...document.querySelectorAll('#documents tbody input[type=checkbox]')].slice(0, 2).forEach(c => c.click()), true`),
		chromedp.WaitVisible(chromedp.CSS("#download-selected")),
		until(`document.querySelector('#download-selected').textContent.includes('(2)')`),
		until(`fetch(document.querySelector('#download-selected').href).then(async r => {
			const b = new Uint8Array(await r.arrayBuffer());
			window.__zip = r.status + ' ' + r.headers.get('content-type') + ' ' + (b[0] === 0x50 && b[1] === 0x4b);
		}), true`),
		until(`window.__zip === '200 application/zip true'`))

	// E-mail one: the dialog sends it and says to whom.
	step("e-mail", until(`(`+mtrRow+`.querySelector('button[id^="email-"]').click(), true)`),
		chromedp.WaitVisible(chromedp.CSS("#email-dialog")),
		browsertest.Fill("#email-to", "ap@lakeshore-fab.example.com"),
		browsertest.Fill("#email-note", "For the audit"),
		browsertest.Submit("#email-dialog"),
		until(`document.querySelector('#email-done')?.textContent.includes('ap@lakeshore-fab.example.com')`))
	step("close e-mail", chromedp.Click(chromedp.CSS("#email-close")), until(`document.querySelector('#email-dialog') === null`))

	// The statement for a range downloads as a PDF.
	step("statement", browsertest.Fill("#statement-from", "2026-01-01"), browsertest.Fill("#statement-to", "2026-12-31"),
		chromedp.WaitVisible(chromedp.CSS("#statement-download")),
		until(`(fetch(document.querySelector('#statement-download').href).then(async r => {
			const b = new Uint8Array(await r.arrayBuffer());
			window.__stmt = r.status + ' ' + r.headers.get('content-type') + ' ' + String.fromCharCode(...b.slice(0, 5));
		}), true)`),
		until(`window.__stmt === '200 application/pdf %PDF-'`))

	// The order's page: the documents card, the Download menu, the MTR link.
	step("order documents", chromedp.Navigate(origin+"/portal/orders/"+orderID), chromedp.WaitVisible(chromedp.CSS("#order-documents")),
		until(`document.querySelector('#order-documents').textContent.includes('MTR-HT-E2E-1.pdf')`),
		until(`document.querySelector('#order-documents').textContent.includes('COC-`+orderNumber+`.pdf')`),
		chromedp.WaitVisible(chromedp.CSS("#line-mtr-1")),
		until(`document.querySelector('#line-mtr-1').getAttribute('href').endsWith('/content?download=true')`),
		chromedp.Click(chromedp.CSS("#order-download summary")),
		until(`[...document.querySelectorAll('#order-download a')].some(a => a.textContent.includes('MTR-HT-E2E-1.pdf'))`))
	browsertest.Screenshot(t, ctx, "order-documents-phone")
	if got := strings.TrimSpace(b.text("#line-mtr-1")); got != "MTR HT-E2E-1" {
		t.Errorf("line 1's MTR link reads %q", got)
	}
}
