package http

import (
	"context"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// quoteRoutes registers the quote workflow: the customer's builder,
// drafts and decisions, and the staff's queue (quotes feature).
func (s *Server) quoteRoutes(r chi.Router) {
	s.api(r, "GET", api.PathQuotes, needs(policies.QuotesRead), s.handleQuoteList)
	s.api(r, "POST", api.PathQuotes, needs(policies.QuotesRequest), s.handleQuoteSubmit)
	s.api(r, "POST", api.PathQuoteDrafts, needs(policies.QuotesRequest), s.handleQuoteDraftCreate)
	s.api(r, "PUT", api.PathQuoteDrafts+"/{id}", needs(policies.QuotesRequest), s.handleQuoteDraftSave)
	s.api(r, "DELETE", api.PathQuoteDrafts+"/{id}", needs(policies.QuotesRequest), s.handleQuoteDraftDelete)
	s.api(r, "GET", api.PathQuoteProducts, needs(policies.QuotesRequest), s.handleQuoteProducts)
	s.api(r, "GET", api.PathQuoteRecentProducts, needs(policies.QuotesRequest), s.handleQuoteRecentProducts)
	s.api(r, "GET", api.PathQuoteFromOrder+"/{order_id}", needs(policies.QuotesRequest), s.handleQuoteFromOrder)
	s.api(r, "GET", api.PathQuotes+"/{id}", needs(policies.QuotesRead), s.handleQuoteGet)
	s.api(r, "GET", api.PathQuotes+"/{id}/document", needs(policies.QuotesRead), s.handleQuoteDocument)
	s.api(r, "POST", api.PathQuotes+"/{id}/accept", needs(policies.QuotesAccept), s.handleQuoteAccept)
	s.api(r, "POST", api.PathQuotes+"/{id}/decline", needs(policies.QuotesAccept), s.handleQuoteDecline)
	s.api(r, "GET", api.PathStaffQuotes, needs(policies.QuotesRespond), s.handleStaffQuoteList)
	s.api(r, "GET", api.PathStaffQuotes+"/{id}", needs(policies.QuotesRespond), s.handleStaffQuoteGet)
	s.api(r, "POST", api.PathStaffQuotes+"/{id}/review", needs(policies.QuotesRespond), s.handleStaffQuoteReview)
	s.api(r, "POST", api.PathStaffQuotes+"/{id}/respond", needs(policies.QuotesRespond), s.handleStaffQuoteRespond)
}

func quoteDate(t *time.Time) *api.Date {
	if t == nil {
		return nil
	}
	d := t.Format(time.DateOnly)
	return &d
}

func apiMoneyPtr(m *portal.Money) *api.Money {
	if m == nil {
		return nil
	}
	v := toAPIMoney(*m)
	return &v
}

func toAPIQuote(q *portal.Quote, now time.Time) api.Quote {
	st, _ := portal.QuoteStatus(q.Status)
	out := api.Quote{ID: q.ID, Number: q.Number, Status: toAPIStatus(st), StatusCode: q.Status, Type: q.Type, Source: q.Source,
		CustomerName: q.CustomerName, AccountNumber: q.AccountNumber, RequestedBy: q.RequestedBy, NeededByDate: quoteDate(q.NeededByDate),
		SpecialInstructions: q.SpecialInstructions, ExpectedResponseDate: quoteDate(q.ExpectedResponseDate), Lines: []api.QuoteLine{},
		Subtotal: apiMoneyPtr(q.Subtotal), Total: apiMoneyPtr(q.Total), ValidUntil: quoteDate(q.ValidUntil), ResponseNotes: q.ResponseNotes,
		PricedBy: q.PricedBy, PricedAt: q.PricedAt, DecidedAt: q.DecidedAt, DeclineReason: q.DeclineReason, OrderID: q.OrderID,
		OrderNumber: q.OrderNumber, DocumentID: q.DocumentID, CanAccept: q.Acceptable(now), CreatedAt: q.CreatedAt,
		UpdatedAt: q.UpdatedAt, SubmittedAt: q.SubmittedAt}
	if q.SalesRep != nil {
		out.SalesRep = &api.SalesRep{Name: q.SalesRep.Name, Email: q.SalesRep.Email, Phone: q.SalesRep.Phone}
	}
	for _, l := range q.Lines {
		out.Lines = append(out.Lines, api.QuoteLine{LineNo: l.LineNo, ProductID: l.ProductID, ProductCode: l.ProductCode,
			Description: l.Description, Quantity: portal.FormatQuantity(l.QuantityMilli), UOM: l.UOM, Processing: l.Processing,
			UnitPrice: apiMoneyPtr(l.UnitPrice), Total: apiMoneyPtr(l.Total)})
	}
	return out
}

func toAPIQuoteSummary(q portal.QuoteSummary) api.QuoteSummary {
	st, _ := portal.QuoteStatus(q.Status)
	return api.QuoteSummary{ID: q.ID, Number: q.Number, Status: toAPIStatus(st), StatusCode: q.Status, Type: q.Type,
		CustomerName: q.CustomerName, LineCount: q.LineCount, Total: apiMoneyPtr(q.Total), ValidUntil: quoteDate(q.ValidUntil),
		CreatedAt: q.CreatedAt, UpdatedAt: q.UpdatedAt, SubmittedAt: q.SubmittedAt}
}

func toQuoteInput(in api.QuoteRequest) portal.QuoteInput {
	out := portal.QuoteInput{Type: in.Type, NeededByDate: in.NeededByDate, SpecialInstructions: in.SpecialInstructions}
	for _, l := range in.Lines {
		out.Lines = append(out.Lines, portal.QuoteLineInput{ProductID: l.ProductID, Quantity: l.Quantity, UOM: l.UOM, Processing: l.Processing})
	}
	return out
}

// writeQuote answers one quote, never cached.
func (s *Server) writeQuote(w http.ResponseWriter, status int, q *portal.Quote) error {
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, status, toAPIQuote(q, time.Now()))
}

func (s *Server) handleQuoteList(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	list, err := s.Quotes.Quotes(r.Context(), cur.user)
	if err != nil {
		return err
	}
	out := api.QuoteList{Quotes: make([]api.QuoteSummary, 0, len(list)), MaxDrafts: portal.MaxQuoteDrafts}
	for _, q := range list {
		if q.Status == portal.QuoteDraft {
			out.Drafts++
		}
		out.Quotes = append(out.Quotes, toAPIQuoteSummary(q))
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleQuoteSubmit(w http.ResponseWriter, r *http.Request) error {
	var in api.QuoteRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	q, err := s.Quotes.Submit(r.Context(), cur.user, in.DraftID, toQuoteInput(in))
	if err != nil {
		return err
	}
	w.Header().Set("Location", api.PathQuotes+"/"+q.ID)
	return s.writeQuote(w, http.StatusCreated, q)
}

func (s *Server) handleQuoteDraftCreate(w http.ResponseWriter, r *http.Request) error {
	var in api.QuoteRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	q, err := s.Quotes.SaveDraft(r.Context(), cur.user, "", toQuoteInput(in))
	if err != nil {
		return err
	}
	w.Header().Set("Location", api.PathQuotes+"/"+q.ID)
	return s.writeQuote(w, http.StatusCreated, q)
}

func (s *Server) handleQuoteDraftSave(w http.ResponseWriter, r *http.Request) error {
	var in api.QuoteRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	id := chi.URLParam(r, "id")
	if !portal.ValidUUID(id) {
		return errNotFound
	}
	q, err := s.Quotes.SaveDraft(r.Context(), cur.user, id, toQuoteInput(in))
	if err != nil {
		return err
	}
	return s.writeQuote(w, http.StatusOK, q)
}

func (s *Server) handleQuoteDraftDelete(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	if err := s.Quotes.DeleteDraft(r.Context(), cur.user, chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func toAPIQuoteProduct(c portal.CatalogItem) api.QuoteProduct {
	return api.QuoteProduct{ProductID: c.ProductID, Code: c.Code, Name: c.Name, Form: c.Form, Grade: c.Grade, Dimensions: c.Dimensions, UOM: c.UOM}
}

// handleQuoteProducts searches the catalog with the storefront's product
// query (EcommerceService.Products): name, code, description and grade.
func (s *Server) handleQuoteProducts(w http.ResponseWriter, r *http.Request) error {
	if s.Ecommerce == nil {
		return errNotFound
	}
	q := queryParser{values: r.URL.Query()}
	f := portal.CatalogFilter{Search: r.URL.Query().Get("search"), CategoryID: r.URL.Query().Get("category_id"),
		Page: q.int("page"), PageSize: 20}
	if err := q.err(func() error { c := f; return c.Validate() }); err != nil {
		return err
	}
	list, total, err := s.Ecommerce.Products(r.Context(), f)
	if err != nil {
		return err
	}
	out := api.QuoteProductList{Products: make([]api.QuoteProduct, 0, len(list)), Total: total}
	for _, p := range list {
		out.Products = append(out.Products, toAPIQuoteProduct(portal.CatalogItem{ProductID: p.ID, Code: p.Code, Name: p.Name,
			Form: p.Form, Grade: p.Grade, Dimensions: p.Dimensions, UOM: p.PricingUOM}))
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleQuoteRecentProducts(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	list, err := s.Quotes.RecentProducts(r.Context(), cur.user)
	if err != nil {
		return err
	}
	out := api.QuoteProductList{Products: make([]api.QuoteProduct, 0, len(list)), Total: len(list)}
	for _, p := range list {
		out.Products = append(out.Products, toAPIQuoteProduct(p))
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}

// handleQuoteFromOrder answers an order's lines as the builder's items
// and their products (the reorder screen's "Request Quote Instead").
func (s *Server) handleQuoteFromOrder(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	lines, err := s.Quotes.FromOrder(r.Context(), cur.user, chi.URLParam(r, "order_id"))
	if err != nil {
		return err
	}
	out := api.QuoteProductList{Products: []api.QuoteProduct{}, Lines: []api.QuoteLineInput{}, Total: len(lines)}
	for _, l := range lines {
		out.Products = append(out.Products, api.QuoteProduct{ProductID: l.ProductID, Code: l.ProductCode, Name: l.Description, UOM: l.UOM})
		out.Lines = append(out.Lines, api.QuoteLineInput{ProductID: l.ProductID, Quantity: portal.FormatQuantity(l.QuantityMilli),
			UOM: l.UOM, Processing: l.Processing})
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleQuoteGet(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	q, err := s.Quotes.Quote(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return s.writeQuote(w, http.StatusOK, q)
}

// handleQuoteDocument streams the quote's PDF (the quote.responded event's
// quote_document_url); 404 until it is generated.
func (s *Server) handleQuoteDocument(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	q, err := s.Quotes.Quote(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	if q.DocumentID == "" || s.Documents == nil {
		return portal.Errorf(portal.ENOTFOUND, "The quote document is not ready yet.")
	}
	d, rc, err := s.Documents.Open(r.Context(), cur.user, q.DocumentID, "stream")
	if err != nil {
		return err
	}
	defer rc.Close()
	h := w.Header()
	h.Set("Content-Type", d.ContentType)
	h.Set("Content-Length", strconv.FormatInt(d.SizeBytes, 10))
	h.Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": d.Name}))
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusOK)
	if _, err := io.Copy(w, rc); err != nil {
		s.Logger.WarnContext(r.Context(), "quote document stream cut", "document_id", d.ID, "err", err)
	}
	return nil
}

func (s *Server) handleQuoteAccept(w http.ResponseWriter, r *http.Request) error {
	var in api.QuoteAccept
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	cur, _ := userFrom(r.Context())
	res, err := s.Quotes.Accept(r.Context(), cur.user, chi.URLParam(r, "id"),
		portal.QuoteAcceptance{PONumber: in.PONumber, ShippingAddressID: in.ShippingAddressID})
	if err != nil {
		return err
	}
	if res.AwaitingApproval {
		s.NotifyApproversLater(r, res.OrderID) // claimed once per order: a repeated accept mails no one twice
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, api.QuoteAccepted{Quote: toAPIQuote(res.Quote, time.Now()), OrderID: res.OrderID,
		OrderNumber: res.OrderNumber, CreditWarning: res.CreditWarning, AwaitingApproval: res.AwaitingApproval})
}

func (s *Server) handleQuoteDecline(w http.ResponseWriter, r *http.Request) error {
	var in api.QuoteDecline
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &in); err != nil {
			return err
		}
	}
	cur, _ := userFrom(r.Context())
	q, err := s.Quotes.Decline(r.Context(), cur.user, chi.URLParam(r, "id"), in.Reason)
	if err != nil {
		return err
	}
	return s.writeQuote(w, http.StatusOK, q)
}

func (s *Server) handleStaffQuoteList(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	list, err := s.Quotes.StaffQuotes(r.Context(), cur.user, r.URL.Query().Get("status"))
	if err != nil {
		return err
	}
	out := api.QuoteList{Quotes: make([]api.QuoteSummary, 0, len(list))}
	for _, q := range list {
		out.Quotes = append(out.Quotes, toAPIQuoteSummary(q))
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleStaffQuoteGet(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	q, err := s.Quotes.StaffQuote(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return s.writeQuote(w, http.StatusOK, q)
}

func (s *Server) handleStaffQuoteReview(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	q, err := s.Quotes.Review(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return s.writeQuote(w, http.StatusOK, q)
}

// handleStaffQuoteRespond prices and sends a quote, then mails the
// customer (after the answer; the quote PDF is attached to the portal's
// documents).
func (s *Server) handleStaffQuoteRespond(w http.ResponseWriter, r *http.Request) error {
	var in api.QuoteRespond
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	resp := portal.QuoteResponse{ValidUntil: in.ValidUntil, Notes: in.Notes}
	var fields []portal.FieldError
	for i, l := range in.Lines {
		unit, ok := portal.ParseAmount(l.UnitPrice)
		if !ok {
			fields = append(fields, portal.FieldError{Field: "lines[" + strconv.Itoa(i) + "].unit_price",
				Message: "Give a price of 0 or more with at most 2 decimals."})
		}
		resp.Lines = append(resp.Lines, portal.QuoteLinePrice{LineNo: l.LineNo, UnitPrice: unit})
	}
	if len(fields) > 0 {
		return &portal.Error{Code: portal.EINVALID, Message: "Check the prices.", Fields: fields}
	}
	cur, _ := userFrom(r.Context())
	q, to, err := s.Quotes.Respond(r.Context(), cur.user, chi.URLParam(r, "id"), resp)
	if err != nil {
		return err
	}
	if s.QuoteMail != nil && len(to) > 0 {
		t, _ := tenants.FromContext(r.Context())
		sent := *q
		s.mailLater(r, "send quote responded", func(ctx context.Context, base string) error {
			return s.QuoteMail.SendQuoteResponded(ctx, t, base, to, &sent)
		})
	}
	return s.writeQuote(w, http.StatusOK, q)
}
