package postgres_test

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
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

// quoteEnv is the orders fixture with two products, a sales rep user of
// the staff, and the quote service with documents.
type quoteEnv struct {
	*orderEnv
	quotes *postgres.QuoteService
	docs   *postgres.DocumentStore
	staff  *portal.User
	plate  string // product P-100, $12.50 per ea
	bar    string // product B-200, $3.00 per ft
	tenant *tenants.Tenant
}

func newQuoteEnv(t *testing.T) *quoteEnv {
	t.Helper()
	e := &quoteEnv{orderEnv: newOrderEnv(t)}
	e.tenant, _ = tenants.FromContext(e.a)
	e.plate, e.bar = uuid.NewString(), uuid.NewString()
	e.staff = &portal.User{ID: uuid.NewString(), Name: "Sam Rep", Email: "sam@alpha.example", Role: "sales_rep"}
	if err := e.owner.InTx(context.Background(), e.tenant.ID, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO products (tenant_id, id, code, name, form, stock_uom, pricing_uom, list_price_minor)
			VALUES (?, ?, 'P-100', 'A36 Plate 1/4in', 'plate', 'ea', 'ea', 1250), (?, ?, 'B-200', 'Round bar 304', 'round_bar', 'ft', 'ft', 300)`,
			e.tenant.ID, e.plate, e.tenant.ID, e.bar); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, email, name, role, status) VALUES (?, ?, ?, ?, 'sales_rep', 'active')`,
			e.tenant.ID, e.staff.ID, e.staff.Email, e.staff.Name)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	objects := docObjects(t, "")
	e.docs = postgres.NewDocumentStore(e.app, objects)
	e.docs.Renderer = pdfdoc.Renderer{}
	e.docs.Now = e.app.Now
	e.quotes = postgres.NewQuoteService(e.app, e.docs)
	return e
}

func (e *quoteEnv) input(lines ...portal.QuoteLineInput) portal.QuoteInput {
	return portal.QuoteInput{Type: "custom_processing", NeededByDate: "2026-11-20", SpecialInstructions: "Cut to 48in", Lines: lines}
}

func wantQuoteErr(t *testing.T, err error, code, field string) {
	t.Helper()
	if portal.ErrorCode(err) != code {
		t.Fatalf("error %v, want %s", err, code)
	}
	if field == "" {
		return
	}
	var pe *portal.Error
	if !errors.As(err, &pe) {
		t.Fatalf("%v is no portal.Error", err)
	}
	for _, f := range pe.Fields {
		if f.Field == field {
			return
		}
	}
	t.Errorf("error %+v does not name %s", pe, field)
}

// TestQuoteDraftLimit: a user keeps at most 5 drafts (the 6th is
// ECONFLICT, also when saved at once from several tabs); deleting one
// frees a place; another user of the account neither sees nor counts them.
func TestQuoteDraftLimit(t *testing.T) {
	e := newQuoteEnv(t)
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = e.quotes.SaveDraft(e.a, e.jane, "", portal.QuoteInput{})
		}()
	}
	wg.Wait()
	ok, conflicts := 0, 0
	for _, err := range errs {
		switch portal.ErrorCode(err) {
		case "":
			ok++
		case portal.ECONFLICT:
			conflicts++
		default:
			t.Fatal(err)
		}
	}
	if ok != portal.MaxQuoteDrafts || conflicts != 3 {
		t.Fatalf("%d drafts saved, %d refused; want 5 and 3", ok, conflicts)
	}
	list, err := e.quotes.Quotes(e.a, e.jane)
	if err != nil || len(list) != 5 {
		t.Fatalf("list = %d, %v", len(list), err)
	}
	// Saving an existing draft again is no new draft.
	d, err := e.quotes.SaveDraft(e.a, e.jane, list[0].ID, e.input(portal.QuoteLineInput{ProductID: e.plate, Quantity: "4"}))
	if err != nil || len(d.Lines) != 1 || d.Lines[0].UOM != "ea" || d.Lines[0].ProductCode != "P-100" || d.Status != portal.QuoteDraft {
		t.Fatalf("resave = %+v, %v", d, err)
	}
	if err := e.quotes.DeleteDraft(e.a, e.jane, list[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.quotes.SaveDraft(e.a, e.jane, "", portal.QuoteInput{}); err != nil {
		t.Fatalf("after a delete: %v", err)
	}
	// A colleague does not see Jane's drafts and has her own five.
	bob := &portal.User{ID: uuid.NewString(), CustomerID: e.jane.CustomerID, Role: "buyer", Name: "Bob"}
	if err := e.owner.InTx(context.Background(), e.tenant.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, status) VALUES (?, ?, ?, 'bob@example.com', 'Bob', 'buyer', 'active')`,
			e.tenant.ID, bob.ID, bob.CustomerID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if l, err := e.quotes.Quotes(e.a, bob); err != nil || len(l) != 0 {
		t.Errorf("Bob sees %d quotes (%v)", len(l), err)
	}
	if _, err := e.quotes.Quote(e.a, bob, d.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("Bob reads Jane's draft: %v", err)
	}
	if _, err := e.quotes.SaveDraft(e.a, bob, d.ID, portal.QuoteInput{}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("Bob saves Jane's draft: %v", err)
	}
	if _, err := e.quotes.SaveDraft(e.a, bob, "", portal.QuoteInput{}); err != nil {
		t.Errorf("Bob's first draft: %v", err)
	}
}

// TestQuoteRequestRules: the needed-by date is tomorrow at the earliest,
// instructions are at most 1,000 characters, a submission needs an item
// of the catalog; nothing is written by a refused request.
func TestQuoteRequestRules(t *testing.T) {
	e := newQuoteEnv(t) // today is 2026-11-02
	line := portal.QuoteLineInput{ProductID: e.plate, Quantity: "2"}
	for _, c := range []struct {
		name  string
		in    portal.QuoteInput
		field string
	}{
		{"needed today", portal.QuoteInput{NeededByDate: "2026-11-02", Lines: []portal.QuoteLineInput{line}}, "needed_by_date"},
		{"needed yesterday", portal.QuoteInput{NeededByDate: "2026-11-01", Lines: []portal.QuoteLineInput{line}}, "needed_by_date"},
		{"bad date", portal.QuoteInput{NeededByDate: "11/20/2026", Lines: []portal.QuoteLineInput{line}}, "needed_by_date"},
		{"1001 characters", portal.QuoteInput{SpecialInstructions: strings.Repeat("é", 1001), Lines: []portal.QuoteLineInput{line}}, "special_instructions"},
		{"no items", portal.QuoteInput{}, "lines"},
		{"unknown type", portal.QuoteInput{Type: "rush", Lines: []portal.QuoteLineInput{line}}, "type"},
		{"unknown product", portal.QuoteInput{Lines: []portal.QuoteLineInput{{ProductID: uuid.NewString(), Quantity: "1"}}}, "lines[0].product_id"},
		{"zero quantity", portal.QuoteInput{Lines: []portal.QuoteLineInput{{ProductID: e.plate, Quantity: "0"}}}, "lines[0].quantity"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.quotes.Submit(e.a, e.jane, "", c.in)
			wantQuoteErr(t, err, portal.EINVALID, c.field)
		})
	}
	if n := docCount(t, e.app, e.tenant.ID, `SELECT count(*) FROM quotes`); n != 0 {
		t.Errorf("%d quotes written by refused requests", n)
	}
	// The limits themselves pass.
	q, err := e.quotes.Submit(e.a, e.jane, "", portal.QuoteInput{NeededByDate: "2026-11-03", SpecialInstructions: strings.Repeat("é", 1000),
		Lines: []portal.QuoteLineInput{line}})
	if err != nil || q.Status != portal.QuoteSubmitted || !strings.HasPrefix(q.Number, "QT-2026-") {
		t.Fatalf("tomorrow and 1,000 characters: %+v, %v", q, err)
	}
	if q.SalesRep == nil || q.SalesRep.Name != "Sam Rep" || q.ExpectedResponseDate == nil || q.ExpectedResponseDate.Format(time.DateOnly) != "2026-11-04" {
		t.Errorf("confirmation: rep %+v, expected %v", q.SalesRep, q.ExpectedResponseDate)
	}
}

// TestQuoteLifecycle: draft → submitted (quote.created) → under review →
// quoted (prices, totals, validity, quote.responded, the quote PDF) →
// accepted into one order at the quoted prices, however often accepted.
func TestQuoteLifecycle(t *testing.T) {
	e := newQuoteEnv(t)
	ctx := e.a
	d, err := e.quotes.SaveDraft(ctx, e.jane, "", e.input(portal.QuoteLineInput{ProductID: e.plate, Quantity: "4"}))
	if err != nil {
		t.Fatal(err)
	}
	q, err := e.quotes.Submit(ctx, e.jane, d.ID, e.input(portal.QuoteLineInput{ProductID: e.plate, Quantity: "4"},
		portal.QuoteLineInput{ProductID: e.bar, Quantity: "12.5", Processing: "Saw cut to 10 ft"}))
	if err != nil {
		t.Fatal(err)
	}
	if q.ID != d.ID || q.Status != portal.QuoteSubmitted || q.Number == "" || len(q.Lines) != 2 || q.Type != "custom_processing" {
		t.Fatalf("submitted = %+v", q)
	}
	if _, err := e.quotes.Submit(ctx, e.jane, d.ID, e.input(portal.QuoteLineInput{ProductID: e.plate, Quantity: "4"})); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("second submission: %v", err)
	}
	if n := docCount(t, e.app, e.tenant.ID, `SELECT count(*) FROM outbox_events WHERE event_type = 'quote.created' AND subject_id = ?
		AND payload->>'quote_number' = ? AND payload->>'source' = 'portal' AND (payload->>'line_count')::int = 2`, q.ID, q.Number); n != 1 {
		t.Errorf("%d quote.created events", n)
	}
	// The customer cannot accept before it is priced; staff see it.
	if _, err := e.quotes.Accept(ctx, e.jane, q.ID, portal.QuoteAcceptance{}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("accepting a submitted quote: %v", err)
	}
	queue, err := e.quotes.StaffQuotes(ctx, e.staff, "submitted")
	if err != nil || len(queue) != 1 || queue[0].ID != q.ID || queue[0].CustomerName != "Lakeshore Fab" {
		t.Fatalf("staff queue = %+v, %v", queue, err)
	}
	if _, err := e.quotes.StaffQuotes(ctx, e.jane, ""); err == nil {
		t.Error("a customer read the staff queue")
	}
	if q, err = e.quotes.Review(ctx, e.staff, q.ID); err != nil || q.Status != portal.QuoteUnderReview {
		t.Fatalf("review = %+v, %v", q, err)
	}
	// Every line needs a price.
	_, _, err = e.quotes.Respond(ctx, e.staff, q.ID, portal.QuoteResponse{Lines: []portal.QuoteLinePrice{{LineNo: 1, UnitPrice: 1100}}})
	wantQuoteErr(t, err, portal.EINVALID, "lines")
	_, _, err = e.quotes.Respond(ctx, e.staff, q.ID, portal.QuoteResponse{ValidUntil: "2026-11-01",
		Lines: []portal.QuoteLinePrice{{LineNo: 1, UnitPrice: 1100}, {LineNo: 2, UnitPrice: 275}}})
	wantQuoteErr(t, err, portal.EINVALID, "valid_until")
	q, to, err := e.quotes.Respond(ctx, e.staff, q.ID, portal.QuoteResponse{ValidUntil: "2026-11-30", Notes: "Mill lead time 2 weeks",
		Lines: []portal.QuoteLinePrice{{LineNo: 1, UnitPrice: 1100}, {LineNo: 2, UnitPrice: 275}}})
	if err != nil {
		t.Fatal(err)
	}
	// 4 × 11.00 + 12.5 × 2.75 = 44.00 + 34.38 (34.375 rounded half up).
	if q.Status != portal.QuoteQuoted || q.Total == nil || q.Total.Amount != 7838 || q.Total.Currency != "USD" ||
		q.Lines[1].Total.Amount != 3438 || q.PricedBy != "Sam Rep" || q.ValidUntil.Format(time.DateOnly) != "2026-11-30" {
		t.Fatalf("quoted = %+v", q)
	}
	if len(to) != 1 || to[0].Email != "jane@example.com" {
		t.Errorf("recipients = %+v", to)
	}
	if n := docCount(t, e.app, e.tenant.ID, `SELECT count(*) FROM outbox_events WHERE event_type = 'quote.responded' AND subject_id = ?
		AND payload->>'quoted_total' = '78.38' AND payload->>'valid_until' = '2026-11-30'
		AND payload->>'quote_document_url' = '/api/v1/quotes/' || ? || '/document'`, q.ID, q.ID); n != 1 {
		t.Errorf("%d quote.responded events", n)
	}
	if _, _, err := e.quotes.Respond(ctx, e.staff, q.ID, portal.QuoteResponse{Lines: []portal.QuoteLinePrice{{LineNo: 1}, {LineNo: 2}}}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("pricing a quoted quote again: %v", err)
	}

	// The quote PDF: one document of the customer, QT-<number>.pdf, with
	// the number and the prices in it; the documents job owes no other.
	if q.DocumentID == "" {
		t.Fatal("no quote document after sending")
	}
	page, err := e.docs.Documents(ctx, e.jane, portal.DocumentFilter{Types: []string{"quote_document"}})
	if err != nil || len(page.Items) != 1 || page.Items[0].Name != "QT-"+q.Number+".pdf" {
		t.Fatalf("documents = %+v, %v", page, err)
	}
	if n := docCount(t, e.app, e.tenant.ID, `SELECT count(*) FROM documents WHERE quote_id = ? AND customer_id = ?
		AND expires_at = created_at + interval '365 days'`, q.ID, e.jane.CustomerID); n != 1 {
		t.Errorf("%d quote documents of the customer kept 365 days", n)
	}
	_, rc, err := e.docs.Open(ctx, e.jane, q.DocumentID, "stream")
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(rc)
	rc.Close()
	text := strings.Join(pdftext.Pages(t, pdf), "\n")
	for _, want := range []string{q.Number, "Valid until: 2026-11-30", "P-100", "$11.00", "$44.00", "$2.75", "$34.38", "$78.38"} {
		if !strings.Contains(text, want) {
			t.Errorf("the quote PDF lacks %q:\n%s", want, text)
		}
	}
	if n, err := e.docs.GenerateDue(context.Background(), e.tenant, 100); err != nil || countType(t, e, "quote_document") != 1 {
		t.Errorf("the job made %d more (%v); %d quote documents", n, err, countType(t, e, "quote_document"))
	}

	// Another customer's user does not see it.
	other := &portal.User{ID: uuid.NewString(), CustomerID: e.ids["other-customer"], Role: "admin"}
	if _, err := e.quotes.Quote(ctx, other, q.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("other customer reads it: %v", err)
	}
	if _, err := e.quotes.Accept(ctx, other, q.ID, portal.QuoteAcceptance{}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("other customer accepts it: %v", err)
	}

	// The list price changes; the order keeps the quoted prices.
	if err := e.owner.InTx(context.Background(), e.tenant.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE products SET list_price_minor = 99999`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	// Accepted twice at once and once more after: one order.
	var wg sync.WaitGroup
	res := make([]*portal.QuoteAcceptResult, 3)
	errs := make([]error, 3)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res[i], errs[i] = e.quotes.Accept(ctx, e.jane, q.ID, portal.QuoteAcceptance{PONumber: "PO-Q1"})
		}()
	}
	wg.Wait()
	res[2], errs[2] = e.quotes.Accept(ctx, e.jane, q.ID, portal.QuoteAcceptance{PONumber: "PO-Q1"})
	for i, err := range errs {
		if err != nil {
			t.Fatalf("acceptance %d: %v", i, err)
		}
		if res[i].OrderID != res[0].OrderID || res[i].OrderNumber == "" {
			t.Errorf("acceptance %d made order %s %s, the first %s", i, res[i].OrderID, res[i].OrderNumber, res[0].OrderID)
		}
	}
	if res[0].Quote.Status != portal.QuoteAccepted || res[0].Quote.OrderID != res[0].OrderID || res[0].CreditWarning != "" {
		t.Errorf("accepted quote = %+v, warning %q", res[0].Quote, res[0].CreditWarning)
	}
	if n := docCount(t, e.app, e.tenant.ID, `SELECT count(*) FROM orders WHERE po_number = 'PO-Q1'`); n != 1 {
		t.Errorf("%d orders from one quote", n)
	}
	o, err := e.orders.FindOrderByID(ctx, e.jane, res[0].OrderID)
	if err != nil {
		t.Fatal(err)
	}
	if o.Total.Amount != 7838 || len(o.Lines) != 2 || o.Lines[0].UnitPrice.Amount != 1100 || o.Lines[1].Total.Amount != 3438 ||
		o.Lines[1].ProcessingNotes != "Saw cut to 10 ft" || o.RequestedDate == nil {
		t.Errorf("order = total %+v, lines %+v", o.Total, o.Lines)
	}
	if n := docCount(t, e.app, e.tenant.ID, `SELECT count(*) FROM orders WHERE id = ? AND source = 'portal' AND status = 'pending_review'`, o.ID); n != 1 {
		t.Error("the order is not a portal order pending review")
	}
	if n := docCount(t, e.app, e.tenant.ID, `SELECT count(*) FROM outbox_events WHERE event_type = 'order.created' AND subject_id = ?`, o.ID); n != 1 {
		t.Errorf("%d order.created events", n)
	}
	if _, err := e.quotes.Decline(ctx, e.jane, q.ID, ""); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("declining an accepted quote: %v", err)
	}
}

func countType(t *testing.T, e *quoteEnv, typ string) int {
	return docCount(t, e.app, e.tenant.ID, `SELECT count(*) FROM documents WHERE type = ?`, typ)
}

// sendQuote submits a quote of qty plates and prices it at unit, valid
// until until.
func (e *quoteEnv) sendQuote(t *testing.T, qty string, unit int64, until string) *portal.Quote {
	t.Helper()
	q, err := e.quotes.Submit(e.a, e.jane, "", portal.QuoteInput{Lines: []portal.QuoteLineInput{{ProductID: e.plate, Quantity: qty}}})
	if err != nil {
		t.Fatal(err)
	}
	q, _, err = e.quotes.Respond(e.a, e.staff, q.ID, portal.QuoteResponse{ValidUntil: until, Lines: []portal.QuoteLinePrice{{LineNo: 1, UnitPrice: unit}}})
	if err != nil {
		t.Fatal(err)
	}
	return q
}

// TestQuoteExpiry: a quote is acceptable through its valid-until day; the
// job expires it the day after (controlled clock), and an expired quote
// cannot be accepted, even before the job runs.
func TestQuoteExpiry(t *testing.T) {
	e := newQuoteEnv(t) // 2026-11-02 09:00 UTC
	q := e.sendQuote(t, "1", 1000, "2026-11-05")
	keep := e.sendQuote(t, "1", 1000, "2026-11-06")
	e.now = time.Date(2026, 11, 5, 23, 59, 0, 0, time.UTC)
	if n, err := e.quotes.ExpireDue(context.Background(), e.tenant.ID, e.now); err != nil || n != 0 {
		t.Fatalf("on its last day: %d expired, %v", n, err)
	}
	e.now = time.Date(2026, 11, 6, 0, 1, 0, 0, time.UTC)
	if _, err := e.quotes.Accept(e.a, e.jane, q.ID, portal.QuoteAcceptance{}); portal.ErrorCode(err) != portal.ECONFLICT ||
		!strings.Contains(portal.ErrorMessage(err), "expired") {
		t.Errorf("accepting after valid-until: %v", err)
	}
	if n, err := e.quotes.ExpireDue(context.Background(), e.tenant.ID, e.now); err != nil || n != 1 {
		t.Fatalf("the day after: %d expired, %v", n, err)
	}
	got, err := e.quotes.Quote(e.a, e.jane, q.ID)
	if err != nil || got.Status != portal.QuoteExpired {
		t.Errorf("expired quote = %+v, %v", got, err)
	}
	if got, _ := e.quotes.Quote(e.a, e.jane, keep.ID); got.Status != portal.QuoteQuoted {
		t.Errorf("the quote valid through today is %s", got.Status)
	}
	if _, err := e.quotes.Accept(e.a, e.jane, keep.ID, portal.QuoteAcceptance{}); err != nil {
		t.Errorf("accepting on its last day: %v", err)
	}
	// Declined quotes are not accepted either.
	d := e.sendQuote(t, "1", 1000, "2026-12-01")
	if got, err := e.quotes.Decline(e.a, e.jane, d.ID, "Too dear"); err != nil || got.Status != portal.QuoteDeclined || got.DeclineReason != "Too dear" {
		t.Fatalf("decline = %+v, %v", got, err)
	}
	if _, err := e.quotes.Accept(e.a, e.jane, d.ID, portal.QuoteAcceptance{}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("accepting a declined quote: %v", err)
	}
}

// TestQuoteAcceptanceCredit: an accepted quote over the available credit
// is placed for review with the credit warning; an account that requires
// a PO number needs one.
func TestQuoteAcceptanceCredit(t *testing.T) {
	e := newQuoteEnv(t)
	q := e.sendQuote(t, "1000", 1000000, "2026-12-01") // $10,000,000
	if err := e.owner.InTx(context.Background(), e.tenant.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE customers SET po_required = true WHERE id = ?`, e.jane.CustomerID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	_, err := e.quotes.Accept(e.a, e.jane, q.ID, portal.QuoteAcceptance{})
	wantQuoteErr(t, err, portal.EINVALID, "po_number")
	if got, _ := e.quotes.Quote(e.a, e.jane, q.ID); got.Status != portal.QuoteQuoted {
		t.Errorf("a refused acceptance left the quote %s", got.Status)
	}
	r, err := e.quotes.Accept(e.a, e.jane, q.ID, portal.QuoteAcceptance{PONumber: "PO-BIG"})
	if err != nil || r.CreditWarning != portal.CreditReviewWarning {
		t.Fatalf("over credit: %+v, %v", r, err)
	}
}

// TestQuotesMode: a tenant in quotes mode refuses orders from the
// e-commerce API (and any channel through placeOrderTx) with ECONFLICT,
// and still turns an accepted quote into an order.
func TestQuotesMode(t *testing.T) {
	e := newQuoteEnv(t)
	q := e.sendQuote(t, "2", 1000, "2026-12-01")
	tn := *e.tenant
	tn.Settings.QuotesMode = true
	ctx := tenants.NewContext(context.Background(), &tn)
	sh := &portal.Shopper{User: e.jane}
	_, err := postgres.NewEcommerceService(e.app, e.docs).CreateOrder(ctx, sh, portal.EcommerceOrderInput{CustomerID: e.jane.CustomerID,
		ShippingAddressID: e.ids["dock"], Lines: []portal.CartItem{{ProductID: e.plate, Quantity: "1"}}})
	if portal.ErrorCode(err) != portal.ECONFLICT || portal.ErrorMessage(err) != portal.QuotesModeMessage {
		t.Fatalf("order in quotes mode: %v", err)
	}
	if n := docCount(t, e.app, e.tenant.ID, `SELECT count(*) FROM orders WHERE source = 'ecommerce'`); n != 0 {
		t.Errorf("%d e-commerce orders written", n)
	}
	if r, err := e.quotes.Accept(ctx, e.jane, q.ID, portal.QuoteAcceptance{}); err != nil || r.OrderNumber == "" {
		t.Errorf("accepting in quotes mode: %+v, %v", r, err)
	}
}

// TestQuoteFromOrderAndRecentProducts: the reorder screen's "Request
// Quote Instead" prefills the order's lines of products still sold; the
// builder's recent products are the customer's.
func TestQuoteFromOrderAndRecentProducts(t *testing.T) {
	e := newQuoteEnv(t)
	if err := e.owner.InTx(context.Background(), e.tenant.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE order_lines SET product_id = ? WHERE id = ?`, e.bar, e.ids["SO-1001/2"])
		return err
	}); err != nil {
		t.Fatal(err)
	}
	lines, err := e.quotes.FromOrder(e.a, e.jane, e.ids["SO-1001"])
	if err != nil || len(lines) != 1 || lines[0].ProductID != e.bar || lines[0].QuantityMilli != 12500 || lines[0].UOM != "ft" {
		t.Fatalf("from order = %+v, %v", lines, err)
	}
	for name, id := range map[string]string{"other customer's": e.ids["SO-2001"], "draft": e.ids["SO-1003"], "unknown": uuid.NewString()} {
		if _, err := e.quotes.FromOrder(e.a, e.jane, id); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("%s order: %v", name, err)
		}
	}
	recent, err := e.quotes.RecentProducts(e.a, e.jane)
	if err != nil || len(recent) != 1 || recent[0].Code != "B-200" {
		t.Errorf("recent = %+v, %v", recent, err)
	}
}
