package http

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// invoiceRoutes are the customer's invoice list and invoice detail.
func (s *Server) invoiceRoutes(r chi.Router) {
	s.api(r, "GET", api.PathInvoices, needs(policies.InvoicesRead), s.handleInvoiceList)
	s.api(r, "GET", api.PathInvoices+"/{id}", needs(policies.InvoicesRead), s.handleInvoiceGet)
}

// canPay is whether the signed-in user may pay invoices by card here.
func (s *Server) canPay(r *http.Request) bool {
	cur, ok := userFrom(r.Context())
	t, tok := tenants.FromContext(r.Context())
	return ok && tok && s.CardPayments != nil && s.StripePublishableKey != "" && t.Settings.StripeAccount != "" &&
		s.Authz != nil && s.Authz.Allowed(t.ID, cur.user.Role, policies.InvoicesPay)
}

// handleInvoiceList answers a page of the customer's invoices.
func (s *Server) handleInvoiceList(w http.ResponseWriter, r *http.Request) error {
	if s.Invoices == nil {
		return errNotFound
	}
	q := queryParser{values: r.URL.Query()}
	f := portal.InvoiceFilter{
		Search:   q.values.Get("q"),
		Statuses: q.list("status"),
		From:     q.date("from"),
		To:       q.date("to"),
		DueFrom:  q.date("due_from"),
		DueTo:    q.date("due_to"),
		Sort:     q.values.Get("sort"),
		Page:     q.int("page"),
		PageSize: q.int("page_size"),
	}
	switch q.values.Get("dir") {
	case "":
		f.Desc = f.Sort == "" || f.Sort == portal.SortInvoiceDate
	case "desc":
		f.Desc = true
	case "asc":
	default:
		q.fail("dir", "Sort asc or desc.")
	}
	checked := f
	if err := q.err(checked.Validate); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	list, total, totals, err := s.Invoices.FindInvoices(r.Context(), cur.user, f)
	if err != nil {
		return err
	}
	out := api.InvoiceList{Invoices: make([]api.Invoice, 0, len(list)), Total: total, Page: checked.Page,
		PageSize: checked.PageSize, TotalPages: pages(total, checked.PageSize), Summary: make([]api.InvoiceTotals, 0, len(totals)),
		CanPay: s.canPay(r)}
	for _, i := range list {
		out.Invoices = append(out.Invoices, toAPIInvoice(i))
	}
	for _, t := range totals {
		out.Summary = append(out.Summary, api.InvoiceTotals{Currency: t.Currency, OpenCount: t.OpenCount, OpenDue: t.OpenDue,
			OverdueCount: t.OverdueCount, OverdueDue: t.OverdueDue})
	}
	return writePrivateJSON(w, out)
}

// handleInvoiceGet answers one of the customer's invoices with its
// payments; another customer's invoice is 404.
func (s *Server) handleInvoiceGet(w http.ResponseWriter, r *http.Request) error {
	if s.Invoices == nil {
		return errNotFound
	}
	cur, _ := userFrom(r.Context())
	d, err := s.Invoices.FindInvoiceByID(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	out := api.InvoiceDetail{Invoice: toAPIInvoice(d.Invoice), Subtotal: toAPIMoney(d.Subtotal), Tax: toAPIMoney(d.Tax),
		Payments: make([]api.Payment, 0, len(d.Payments)), CanPay: s.canPay(r)}
	for _, p := range d.Payments {
		out.Payments = append(out.Payments, api.Payment{ID: p.ID, Reference: p.Reference, Method: p.Method, Status: p.Status,
			Amount: toAPIMoney(p.Amount), ReceivedOn: apiDate(p.ReceivedOn), InvoiceID: p.InvoiceID, InvoiceNumber: p.InvoiceNumber})
	}
	return writePrivateJSON(w, out)
}

func toAPIInvoice(i portal.Invoice) api.Invoice {
	return api.Invoice{ID: i.ID, InvoiceNumber: i.InvoiceNumber, OrderID: i.OrderID, OrderNumber: i.OrderNumber,
		InvoiceDate: apiDate(i.InvoiceDate), DueDate: apiDate(i.DueDate), Status: i.Status, Overdue: i.Overdue,
		Total: toAPIMoney(i.Total), AmountPaid: toAPIMoney(i.AmountPaid), AmountDue: toAPIMoney(i.AmountDue)}
}
