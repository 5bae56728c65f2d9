package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/browsertest"
)

// TestBrowserQuotes walks a quote from draft to accepted order at phone
// width (issue 8): the Buyer chooses a type, searches the catalog, adds a
// product, sets the quantity, processing, instructions and needed-by
// date, saves the draft (and it auto-saves after a change), reviews and
// submits, and sees the reference; the sales rep prices it and sends it on
// the staff screen; the Buyer sees it Quote Ready with its prices and the
// quote PDF (also on the documents screen), accepts it with a PO number
// and opens the order.
func TestBrowserQuotes(t *testing.T) {
	env, d := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const buyer, rep, password = "buyer@lakeshore-fab.example.com", "dana.whitfield@acme-metals.example.com", "Portal-Demo-2026!"
	owner := d.OpenOwner(t)
	bg := context.Background()
	tn, err := owner.FindTenantBySlug(bg, "acme-metals")
	if err != nil {
		t.Fatal(err)
	}
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := owner.InTx(bg, tn.ID, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, q, args...).Scan(&n)
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}

	b := browserSteps{t, ctx}
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		b.step(name, 30*time.Second, actions...)
	}
	until := browsertest.Until
	signIn := func(email string) {
		step("sign in "+email, chromedp.Navigate(origin+"/portal/login"), chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
			browsertest.Fill("#email", email), browsertest.Fill("#password", password), browsertest.Submit("#signin"),
			chromedp.WaitVisible(chromedp.CSS("#signout")))
	}
	step("phone", browsertest.Emulate(browsertest.Phone))
	signIn(buyer)

	// Type, then the builder: search, add, configure.
	step("request quote", chromedp.Navigate(origin+"/portal/quotes/new"), chromedp.WaitVisible(chromedp.CSS("#quote-type-custom_processing")))
	browsertest.Screenshot(t, ctx, "quote-type-phone")
	step("type", chromedp.Click(chromedp.CSS("#quote-type-custom_processing")), chromedp.WaitVisible(chromedp.CSS("#quote-search")))
	step("search", browsertest.Fill("#quote-search", "plate"), browsertest.Submit("#quote-search-form"),
		until(`document.querySelectorAll('#quote-results button[id^="add-"]').length > 0`))
	step("add", until(`(document.querySelector('#quote-results button[id^="add-"]').click(), true)`),
		until(`document.querySelector('#quote-item-count').textContent === '1 items'`))
	tomorrow := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
	step("configure", browsertest.Fill("#qty-0", "12"), browsertest.Fill("#proc-0", "Cut to 48 x 96"),
		browsertest.Fill("#quote-instructions", "Mill certs required"),
		until(`document.querySelector('#quote-instructions-count').textContent === '19 / 1,000'`),
		browsertest.Fill("#quote-needed-by", tomorrow))
	step("save draft", chromedp.Click(chromedp.CSS("#quote-save-draft")),
		until(`document.querySelector('#quote-saved')?.textContent.startsWith('Draft saved')`))
	if n := count(`SELECT count(*) FROM quotes q JOIN users u ON u.id = q.requested_by_id WHERE u.email = ? AND q.status = 'draft'
		AND q.special_instructions = 'Mill certs required'`, buyer); n != 1 {
		t.Fatalf("%d drafts saved", n)
	}
	browsertest.Screenshot(t, ctx, "quote-builder-phone")
	// A change is saved by the 30-second clock.
	b.step("auto-save", 45*time.Second, browsertest.Fill("#qty-0", "15"),
		until(`document.querySelector('#quote-saved')?.textContent.startsWith('Saved automatically')`))
	if n := count(`SELECT count(*) FROM quote_lines l JOIN quotes q ON q.id = l.quote_id JOIN users u ON u.id = q.requested_by_id
		WHERE u.email = ? AND q.status = 'draft' AND l.quantity = 15`, buyer); n != 1 {
		t.Fatalf("auto-save did not store the quantity (%d)", n)
	}
	step("review", chromedp.Click(chromedp.CSS("#quote-review")), chromedp.WaitVisible(chromedp.CSS("#quote-review-panel")),
		until(`document.querySelector('#quote-review-lines').textContent.includes('15 ')`),
		until(`document.querySelector('#quote-contact').textContent.includes('`+buyer+`')`))
	browsertest.Screenshot(t, ctx, "quote-review-phone")
	step("submit", chromedp.Click(chromedp.CSS("#quote-submit")), chromedp.WaitVisible(chromedp.CSS("#quote-confirmation")),
		until(`document.querySelector('#quote-confirmation-number').textContent.startsWith('QT-')`),
		until(`document.querySelector('#quote-expected') !== null && document.querySelector('#quote-rep') !== null`))
	number := b.text("#quote-confirmation-number")
	browsertest.Screenshot(t, ctx, "quote-confirmation-phone")
	step("list", chromedp.Navigate(origin+"/portal/quotes"), chromedp.WaitVisible(chromedp.CSS("#quotes-table")),
		until(`[...document.querySelectorAll('#quotes-table tr')].some(r => r.textContent.includes('`+number+`') && r.textContent.includes('Submitted'))`))
	browsertest.Screenshot(t, ctx, "quotes-list-phone")

	// The sales rep prices and sends it on the staff screen.
	step("sign out", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-submit")))
	signIn(rep)
	step("staff queue", chromedp.Navigate(origin+"/portal/staff/quotes"), chromedp.WaitVisible(chromedp.CSS("#open-"+number)),
		chromedp.Click(chromedp.CSS("#open-"+number)), chromedp.WaitVisible(chromedp.CSS("#respond-review")))
	step("under review", chromedp.Click(chromedp.CSS("#respond-review")),
		until(`document.querySelector('#staff-quote').textContent.includes('Under Review') && document.querySelector('#respond-review') === null`))
	step("price and send", browsertest.Fill("#price-1", "42.50"), browsertest.Fill("#respond-notes", "Cut tolerance ±1/16"),
		chromedp.Click(chromedp.CSS("#respond-send")),
		until(`document.querySelector('#staff-quote-sent')?.textContent.includes('`+number+`')`))
	browsertest.Screenshot(t, ctx, "staff-quote-sent-phone")
	if n := count(`SELECT count(*) FROM outbox_events WHERE event_type = 'quote.responded' AND payload->>'quote_number' = ?
		AND payload->>'quoted_total' = '637.50'`, number); n != 1 {
		t.Errorf("%d quote.responded events of 15 × 42.50", n)
	}

	// The Buyer sees it ready, with the PDF, and accepts it.
	step("sign out rep", chromedp.Click(chromedp.CSS("#signout")), chromedp.WaitVisible(chromedp.CSS("#signin-submit")))
	signIn(buyer)
	step("quote ready", chromedp.Navigate(origin+"/portal/quotes"),
		until(`[...document.querySelectorAll('#quotes-table tr')].some(r => r.textContent.includes('`+number+`') && r.textContent.includes('Quote Ready'))`),
		until(`([...document.querySelectorAll('#quotes-table tr')].find(r => r.textContent.includes('`+number+`')).querySelector('a').click(), true)`),
		chromedp.WaitVisible(chromedp.CSS("#quote-accept")),
		until(`document.querySelector('#quote-total').textContent === '$637.50'`),
		until(`document.querySelector('#quote-response-notes').textContent.includes('±1/16')`),
		chromedp.WaitVisible(chromedp.CSS("#quote-pdf")),
		until(`(fetch(document.querySelector('#quote-pdf').href).then(async r => {
			const b = new Uint8Array(await r.arrayBuffer());
			window.__qpdf = r.status + ' ' + r.headers.get('content-type') + ' ' + String.fromCharCode(...b.slice(0, 5));
		}), true)`),
		until(`window.__qpdf === '200 application/pdf %PDF-'`))
	browsertest.Screenshot(t, ctx, "quote-ready-phone")
	var quoteID string
	if err := owner.InTx(bg, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT id::text FROM quotes WHERE quote_number = ?`, number).Scan(&quoteID)
	}); err != nil {
		t.Fatal(err)
	}
	step("documents", chromedp.Navigate(origin+"/portal/documents"), chromedp.WaitVisible(chromedp.CSS("#documents")),
		until(`[...document.querySelectorAll('#documents tbody tr')].some(r => r.textContent.includes('QT-`+number+`.pdf'))`))
	browsertest.Screenshot(t, ctx, "quote-document-listed-phone")
	step("accept", chromedp.Navigate(origin+"/portal/quotes/"+quoteID), chromedp.WaitVisible(chromedp.CSS("#quote-accept")),
		browsertest.Fill("#quote-po", "PO-QUOTE-E2E"), chromedp.Click(chromedp.CSS("#quote-accept")),
		chromedp.WaitVisible(chromedp.CSS("#quote-order")),
		until(`document.querySelector('#quote-status').textContent.includes('Accepted')`))
	browsertest.Screenshot(t, ctx, "quote-accepted-phone")
	step("order", chromedp.Click(chromedp.CSS("#quote-order")),
		until(`location.pathname.startsWith('/portal/orders/')`),
		until(`document.body.textContent.includes('PO-QUOTE-E2E') && document.body.textContent.includes('$637.50')`))
	browsertest.Screenshot(t, ctx, "quote-order-phone")
	if n := count(`SELECT count(*) FROM orders o JOIN quotes q ON q.order_id = o.id WHERE q.quote_number = ? AND o.po_number = 'PO-QUOTE-E2E'
		AND o.total_minor = 63750 AND o.source = 'portal'`, number); n != 1 {
		t.Errorf("%d orders of the accepted quote", n)
	}
}
