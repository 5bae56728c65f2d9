package http

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
)

// ledgerRoutes are the account's receipts and credit notes.
func (s *Server) ledgerRoutes(r chi.Router) {
	s.api(r, "GET", api.PathReceipts, needs(policies.ReceiptsRead), s.handleReceiptList)
	s.api(r, "GET", api.PathReceipts+"/{id}", needs(policies.ReceiptsRead), s.handleReceiptGet)
	s.api(r, "GET", api.PathCreditNotes, needs(policies.CreditNotesRead), s.handleCreditNoteList)
	s.api(r, "GET", api.PathCreditNotes+"/{id}", needs(policies.CreditNotesRead), s.handleCreditNoteGet)
}

func toAPIPayment(p portal.Payment) api.Payment {
	return api.Payment{ID: p.ID, Reference: p.Reference, Method: p.Method, Status: p.Status, Amount: toAPIMoney(p.Amount),
		ReceivedOn: apiDate(p.ReceivedOn), InvoiceID: p.InvoiceID, InvoiceNumber: p.InvoiceNumber}
}

func (s *Server) handleReceiptList(w http.ResponseWriter, r *http.Request) error {
	if s.Ledger == nil {
		return errNotFound
	}
	q := queryParser{values: r.URL.Query()}
	f := portal.PaymentFilter{From: q.date("from"), To: q.date("to"), Statuses: q.list("status"), Page: q.int("page"), PageSize: q.int("page_size")}
	checked := f
	if err := q.err(checked.Validate); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	list, total, err := s.Ledger.FindReceipts(r.Context(), cur.user, f)
	if err != nil {
		return err
	}
	out := api.PaymentList{Payments: make([]api.Payment, 0, len(list)), Total: total, Page: checked.Page, PageSize: checked.PageSize,
		TotalPages: pages(total, checked.PageSize)}
	for _, p := range list {
		out.Payments = append(out.Payments, toAPIPayment(p))
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleReceiptGet(w http.ResponseWriter, r *http.Request) error {
	if s.Ledger == nil {
		return errNotFound
	}
	cur, _ := userFrom(r.Context())
	rc, err := s.Ledger.FindReceiptByID(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return writePrivateJSON(w, api.Receipt{Payment: toAPIPayment(rc.Payment), CompanyName: rc.CompanyName, AccountNumber: rc.AccountNumber})
}

func toAPICreditNote(n portal.CreditNote) api.CreditNote {
	return api.CreditNote{ID: n.ID, Number: n.Number, InvoiceID: n.InvoiceID, InvoiceNumber: n.InvoiceNumber, Status: n.Status,
		IssueDate: apiDate(n.IssueDate), Amount: toAPIMoney(n.Amount), Remaining: toAPIMoney(n.Remaining), Reason: n.Reason}
}

func (s *Server) handleCreditNoteList(w http.ResponseWriter, r *http.Request) error {
	if s.Ledger == nil {
		return errNotFound
	}
	q := queryParser{values: r.URL.Query()}
	f := portal.CreditNoteFilter{Statuses: q.list("status"), From: q.date("from"), To: q.date("to"), Page: q.int("page"), PageSize: q.int("page_size")}
	checked := f
	if err := q.err(checked.Validate); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	list, total, totals, err := s.Ledger.FindCreditNotes(r.Context(), cur.user, f)
	if err != nil {
		return err
	}
	out := api.CreditNoteList{CreditNotes: make([]api.CreditNote, 0, len(list)), Total: total, Page: checked.Page, PageSize: checked.PageSize,
		TotalPages: pages(total, checked.PageSize), Available: make([]api.Money, 0, len(totals))}
	for _, n := range list {
		out.CreditNotes = append(out.CreditNotes, toAPICreditNote(n))
	}
	for _, t := range totals {
		out.Available = append(out.Available, api.Money{Amount: t.Remaining, Currency: t.Currency})
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleCreditNoteGet(w http.ResponseWriter, r *http.Request) error {
	if s.Ledger == nil {
		return errNotFound
	}
	cur, _ := userFrom(r.Context())
	n, err := s.Ledger.FindCreditNoteByID(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPICreditNote(*n))
}
