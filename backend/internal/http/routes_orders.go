package http

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// orderRoutes registers what a customer's users read of their account:
// dashboard, orders, shipments, the account overview and payment history.
// Every role of the customer may read them; none of them changes anything.
func (s *Server) orderRoutes(r chi.Router) {
	s.api(r, "GET", api.PathDashboard, needs(policies.DashboardRead), s.handleDashboard)
	s.api(r, "GET", api.PathOrders, needs(policies.OrdersRead), s.handleOrderList)
	s.api(r, "GET", api.PathOrders+"/{id}", needs(policies.OrdersRead), s.handleOrderGet)
	s.api(r, "GET", api.PathShipments, needs(policies.ShipmentsRead), s.handleShipmentList)
	s.api(r, "GET", api.PathShipments+"/{id}", needs(policies.ShipmentsRead), s.handleShipmentGet)
	s.api(r, "GET", api.PathAccount, needs(policies.DashboardRead), s.handleAccountOverview)
	// The payment history is the account's receipts of money (spec 001
	// Receipts): whoever may read receipts may read it.
	s.api(r, "GET", api.PathPayments, needs(policies.ReceiptsRead), s.handlePaymentList)
}

// handleDashboard answers the signed-in user's dashboard.
func (s *Server) handleDashboard(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	d, err := s.Orders.Dashboard(r.Context(), cur.user)
	if err != nil {
		return err
	}
	out := api.Dashboard{
		FirstName: d.FirstName, CompanyName: d.Summary.CompanyName, Summary: toAPIAccountSummary(d.Summary),
		InProgressCount:  d.InProgressCount,
		OrdersInProgress: make([]api.OrderSummary, 0, len(d.OrdersInProgress)),
		RecentShipments:  make([]api.Shipment, 0, len(d.RecentShipments)),
		RecentInvoices:   make([]api.InvoiceSummary, 0, len(d.RecentInvoices)),
		SalesRep:         toAPISalesRep(d.SalesRep),
		Support:          supportContacts(r, nil),
	}
	for _, o := range d.OrdersInProgress {
		out.OrdersInProgress = append(out.OrdersInProgress, toAPIOrderSummary(o))
	}
	for _, sh := range d.RecentShipments {
		out.RecentShipments = append(out.RecentShipments, toAPIShipment(sh))
	}
	for _, i := range d.RecentInvoices {
		out.RecentInvoices = append(out.RecentInvoices, toAPIInvoiceSummary(i))
	}
	return writePrivateJSON(w, out)
}

// handleOrderList answers a page of the customer's orders (query of
// api.PathOrders).
func (s *Server) handleOrderList(w http.ResponseWriter, r *http.Request) error {
	q := queryParser{values: r.URL.Query()}
	f := portal.OrderFilter{
		Search:   q.values.Get("q"),
		Statuses: q.list("status"),
		From:     q.date("from"),
		To:       q.date("to"),
		AllTime:  q.bool("all_time"),
		Sort:     q.values.Get("sort"),
		Page:     q.int("page"),
		PageSize: q.int("page_size"),
	}
	if f.Sort == "" {
		f.Sort = portal.SortOrderDate
	}
	switch q.values.Get("dir") {
	case "":
		// The default sort (order date) is newest first; any other sort
		// named without a direction is ascending.
		f.Desc = f.Sort == portal.SortOrderDate
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
	list, total, err := s.Orders.FindOrders(r.Context(), cur.user, f)
	if err != nil {
		return err
	}
	out := api.OrderList{Orders: make([]api.OrderSummary, 0, len(list)), Total: total, Page: checked.Page,
		PageSize: checked.PageSize, TotalPages: pages(total, checked.PageSize),
		TotalIsLowerBound: strings.TrimSpace(f.Search) != "" && total >= portal.SearchCountLimit}
	for _, o := range list {
		out.Orders = append(out.Orders, toAPIOrderSummary(o))
	}
	for _, st := range portal.OrderFilterStatuses() {
		out.Statuses = append(out.Statuses, toAPIStatus(st))
	}
	return writePrivateJSON(w, out)
}

// handleOrderGet answers one order of the customer's: another account's
// order is 404 like one that does not exist.
func (s *Server) handleOrderGet(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	o, err := s.Orders.FindOrderByID(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	out := api.OrderDetail{
		OrderSummary:      toAPIOrderSummary(o.OrderSummary),
		RequestedDate:     apiDatePtr(o.RequestedDate),
		EstimatedShipDate: apiDatePtr(o.EstimatedShipDate),
		Timeline:          make([]api.TimelineStep, 0, len(o.Timeline)),
		Lines:             make([]api.OrderLine, 0, len(o.Lines)),
		Subtotal:          toAPIMoney(o.Subtotal),
		Processing:        toAPIMoney(o.Processing),
		Freight:           toAPIMoney(o.Freight),
		Tax:               toAPIMoney(o.Tax),
		Shipments:         make([]api.Shipment, 0, len(o.Shipments)),
		Support:           supportContacts(r, o.Location),
	}
	for _, t := range o.Timeline {
		out.Timeline = append(out.Timeline, api.TimelineStep{ID: t.ID, Label: t.Label, Icon: t.Icon, State: t.State, At: t.At})
	}
	for _, l := range o.Lines {
		out.Lines = append(out.Lines, api.OrderLine{LineNo: l.LineNo, ProductID: l.ProductID, ProductCode: l.ProductCode, Description: l.Description,
			Quantity: l.Quantity, UOM: l.UOM, UnitPrice: toAPIMoney(l.UnitPrice), Total: toAPIMoney(l.Total),
			Status: toAPIStatus(l.Status), ProcessingNotes: l.ProcessingNotes, Dimensions: l.Dimensions, Grade: l.Grade,
			HeatNumber: l.HeatNumber, HasMTR: l.HasMTR})
	}
	for _, sh := range o.Shipments {
		out.Shipments = append(out.Shipments, toAPIShipment(sh))
	}
	if o.ShippingAddress != nil {
		a := toAPIAddress(o.ShippingAddress)
		out.ShippingAddress = &a
	}
	return writePrivateJSON(w, out)
}

// handleShipmentList answers a page of the customer's shipments.
func (s *Server) handleShipmentList(w http.ResponseWriter, r *http.Request) error {
	q := queryParser{values: r.URL.Query()}
	f := portal.ShipmentFilter{Statuses: q.list("status"), Page: q.int("page"), PageSize: q.int("page_size")}
	checked := f
	if err := q.err(checked.Validate); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	list, total, err := s.Orders.FindShipments(r.Context(), cur.user, f)
	if err != nil {
		return err
	}
	out := api.ShipmentList{Shipments: make([]api.Shipment, 0, len(list)), Total: total, Page: checked.Page,
		PageSize: checked.PageSize, TotalPages: pages(total, checked.PageSize)}
	for _, sh := range list {
		out.Shipments = append(out.Shipments, toAPIShipment(sh))
	}
	for _, st := range portal.CustomerShipmentStatuses() {
		out.Statuses = append(out.Statuses, toAPIStatus(st))
	}
	return writePrivateJSON(w, out)
}

// handleShipmentGet answers one of the customer's shipments.
func (s *Server) handleShipmentGet(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	sh, err := s.Orders.FindShipmentByID(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPIShipment(*sh))
}

// handleAccountOverview answers the account screen's overview.
func (s *Server) handleAccountOverview(w http.ResponseWriter, r *http.Request) error {
	cur, _ := userFrom(r.Context())
	a, err := s.Orders.AccountOverview(r.Context(), cur.user)
	if err != nil {
		return err
	}
	c := a.Company
	out := api.AccountOverview{
		Company: api.Company{Name: c.Name, AccountNumber: c.AccountNumber, Type: c.Type, PaymentTerms: c.PaymentTerms,
			Email: c.Email, Phone: c.Phone},
		Summary:   toAPIAccountSummary(a.Summary),
		Contacts:  make([]api.Contact, 0, len(a.Contacts)),
		Addresses: make([]api.Address, 0, len(a.Addresses)),
		SalesRep:  toAPISalesRep(a.SalesRep),
	}
	for _, p := range a.Contacts {
		out.Contacts = append(out.Contacts, api.Contact{Name: p.Name, Email: p.Email, Phone: p.Phone, Role: p.Role})
	}
	for i := range a.Addresses {
		out.Addresses = append(out.Addresses, toAPIAddress(&a.Addresses[i]))
	}
	return writePrivateJSON(w, out)
}

// handlePaymentList answers a page of the account's payment history.
func (s *Server) handlePaymentList(w http.ResponseWriter, r *http.Request) error {
	q := queryParser{values: r.URL.Query()}
	f := portal.PaymentFilter{From: q.date("from"), To: q.date("to"), Statuses: q.list("status"),
		Page: q.int("page"), PageSize: q.int("page_size")}
	checked := f
	if err := q.err(checked.Validate); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	list, total, err := s.Orders.FindPayments(r.Context(), cur.user, f)
	if err != nil {
		return err
	}
	out := api.PaymentList{Payments: make([]api.Payment, 0, len(list)), Total: total, Page: checked.Page,
		PageSize: checked.PageSize, TotalPages: pages(total, checked.PageSize)}
	for _, p := range list {
		out.Payments = append(out.Payments, api.Payment{ID: p.ID, Reference: p.Reference, Method: p.Method, Status: p.Status,
			Amount: toAPIMoney(p.Amount), ReceivedOn: apiDate(p.ReceivedOn), InvoiceID: p.InvoiceID, InvoiceNumber: p.InvoiceNumber})
	}
	return writePrivateJSON(w, out)
}

// writePrivateJSON answers 200 with a customer's own data, which no cache
// may keep.
func writePrivateJSON(w http.ResponseWriter, v any) error {
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, v)
}

// supportContacts is the "Need help?" card: the tenant's support e-mail,
// the phone of the site the order ships from (else the tenant's), and chat
// when the tenant has it.
func supportContacts(r *http.Request, loc *portal.Location) api.SupportContacts {
	t, _ := tenants.FromContext(r.Context())
	out := api.SupportContacts{Email: t.Branding.SupportEmail, Phone: t.Branding.SupportPhone, ChatEnabled: t.Settings.ChatEnabled}
	if loc != nil && loc.Phone != "" {
		out.Phone = loc.Phone
	}
	return out
}

func pages(total, size int) int {
	if size <= 0 {
		return 0
	}
	return (total + size - 1) / size
}

func toAPIMoney(m portal.Money) api.Money { return api.Money{Amount: m.Amount, Currency: m.Currency} }

func toAPIStatus(st portal.Status) api.Status {
	return api.Status{Code: st.Code, Label: st.Label, Color: st.Color, Icon: st.Icon, Progress: st.Progress,
		Description: st.Description}
}

// apiDate formats a date (a time at UTC midnight) as YYYY-MM-DD.
func apiDate(t time.Time) api.Date {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.DateOnly)
}

func apiDatePtr(t *time.Time) api.Date {
	if t == nil {
		return ""
	}
	return apiDate(*t)
}

func toAPIOrderSummary(o portal.OrderSummary) api.OrderSummary {
	return api.OrderSummary{ID: o.ID, OrderNumber: o.OrderNumber, PONumber: o.PONumber, OrderDate: apiDate(o.OrderDate),
		Status: toAPIStatus(o.Status), LineCount: o.LineCount, Total: toAPIMoney(o.Total), InvoiceID: o.InvoiceID}
}

func toAPIShipment(sh portal.Shipment) api.Shipment {
	out := api.Shipment{ID: sh.ID, ShipmentNumber: sh.ShipmentNumber, OrderID: sh.OrderID, OrderNumber: sh.OrderNumber,
		Status: toAPIStatus(sh.Status), ShowTracking: sh.Status.ShowTracking, Carrier: sh.Carrier,
		TrackingNumber: sh.TrackingNumber, TrackingURL: sh.TrackingURL, ShipDate: apiDatePtr(sh.ShipDate),
		EstimatedDelivery: apiDatePtr(sh.EstimatedDelivery), DeliveredAt: sh.DeliveredAt}
	for _, l := range sh.Lines {
		out.Lines = append(out.Lines, api.ShipmentLine{LineNo: l.LineNo, Description: l.Description, Quantity: l.Quantity, UOM: l.UOM})
	}
	return out
}

func toAPIAccountSummary(a portal.AccountSummary) api.AccountSummary {
	return api.AccountSummary{AccountNumber: a.AccountNumber, CompanyName: a.CompanyName, PaymentTerms: a.PaymentTerms,
		CreditLimit: toAPIMoney(a.CreditLimit), AvailableCredit: toAPIMoney(a.AvailableCredit), CreditLevel: a.CreditLevel,
		OpenBalance: toAPIMoney(a.OpenBalance), TotalOrders: a.TotalOrders, LifetimeSales: toAPIMoney(a.LifetimeSales),
		OnHold: a.Status == "on_hold"}
}

func toAPISalesRep(r *portal.SalesRep) *api.SalesRep {
	if r == nil {
		return nil
	}
	return &api.SalesRep{Name: r.Name, Email: r.Email, Phone: r.Phone}
}

// queryParser reads a list's query parameters, collecting one field error
// per malformed parameter so the 400 names all of them at once.
type queryParser struct {
	values url.Values
	fields []portal.FieldError
}

func (q *queryParser) fail(field, msg string) {
	q.fields = append(q.fields, portal.FieldError{Field: field, Message: msg})
}

// err is the EINVALID error naming every bad parameter, or nil: those that
// did not parse and those the filter's validate (run on a copy of the
// filter, which it fills with defaults) rejects, so one answer names them
// all.
func (q *queryParser) err(validate func() error) error {
	var pe *portal.Error
	if err := validate(); errors.As(err, &pe) && pe.Code == portal.EINVALID {
		q.fields = append(q.fields, pe.Fields...)
	} else if err != nil {
		return err
	}
	if len(q.fields) == 0 {
		return nil
	}
	return &portal.Error{Code: portal.EINVALID, Message: "Check the query.", Fields: q.fields}
}

// list is a parameter given comma separated, repeated, or both, without
// empty items.
func (q *queryParser) list(name string) []string {
	var out []string
	for _, raw := range q.values[name] {
		for _, v := range strings.Split(raw, ",") {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
	}
	return out
}

// int is a positive whole number, 0 when absent.
func (q *queryParser) int(name string) int {
	v := q.values.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		q.fail(name, "Must be a whole number from 1.")
		return 0
	}
	return n
}

// date is a YYYY-MM-DD date at UTC midnight, nil when absent.
func (q *queryParser) date(name string) *time.Time {
	v := q.values.Get(name)
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		q.fail(name, "Must be a date, YYYY-MM-DD.")
		return nil
	}
	return &t
}

// bool is true or false, false when absent.
func (q *queryParser) bool(name string) bool {
	switch q.values.Get(name) {
	case "", "false":
		return false
	case "true":
		return true
	default:
		q.fail(name, "Must be true or false.")
		return false
	}
}
