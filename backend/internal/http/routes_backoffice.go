package http

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
)

// backOffice is the access of the back-office API: a tenant API key with
// the backoffice scope.
var backOffice = Access{Scope: portal.ScopeBackOffice}

// maxBatchBody bounds a batch request's body: 1,000 orders of a few lines
// fit comfortably.
const maxBatchBody = 16 << 20

// backOfficeRoutes registers the back-office API (the tenant's ERP pushing
// its data; see api/backoffice.go for the batch semantics).
func (s *Server) backOfficeRoutes(r chi.Router) {
	s.api(r, "PUT", api.PathBackOfficeCustomers, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeCustomer) ([]portal.RowResult, error) {
		in := make([]portal.CustomerInput, len(rows))
		for i, c := range rows {
			in[i] = portal.CustomerInput{ExternalID: c.ExternalID, AccountNumber: c.AccountNumber, CompanyName: c.CompanyName,
				Type: c.Type, Status: c.Status, PaymentTerms: c.PaymentTerms, Currency: c.Currency, CreditLimit: c.CreditLimit,
				PORequired: c.PORequired, TaxExempt: c.TaxExempt, ProductsDisplay: c.ProductsDisplay, Phone: c.Phone, Email: c.Email}
			if c.SalesRep != nil {
				rep := portal.SalesRepInput(*c.SalesRep)
				in[i].SalesRep = &rep
			}
		}
		return s.BackOffice.UpsertCustomers(ctx, in)
	}))
	s.api(r, "PUT", api.PathBackOfficeAddresses, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeAddress) ([]portal.RowResult, error) {
		return s.BackOffice.UpsertAddresses(ctx, convertRows(rows, func(a api.BackOfficeAddress) portal.BackOfficeAddressInput { return portal.BackOfficeAddressInput(a) }))
	}))
	s.api(r, "PUT", api.PathBackOfficeLocations, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeLocation) ([]portal.RowResult, error) {
		return s.BackOffice.UpsertLocations(ctx, convertRows(rows, func(l api.BackOfficeLocation) portal.LocationInput { return portal.LocationInput(l) }))
	}))
	s.api(r, "PUT", api.PathBackOfficeCategories, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeCategory) ([]portal.RowResult, error) {
		return s.BackOffice.UpsertCategories(ctx, convertRows(rows, func(c api.BackOfficeCategory) portal.CategoryInput { return portal.CategoryInput(c) }))
	}))
	s.api(r, "PUT", api.PathBackOfficeProducts, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeProduct) ([]portal.RowResult, error) {
		return s.BackOffice.UpsertProducts(ctx, convertRows(rows, func(p api.BackOfficeProduct) portal.ProductInput { return portal.ProductInput(p) }))
	}))
	s.api(r, "PUT", api.PathBackOfficeInventory, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeInventory) ([]portal.RowResult, error) {
		return s.BackOffice.UpsertInventory(ctx, convertRows(rows, func(v api.BackOfficeInventory) portal.InventoryInput { return portal.InventoryInput(v) }))
	}))
	s.api(r, "PUT", api.PathBackOfficeOrders, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeOrder) ([]portal.RowResult, error) {
		return s.BackOffice.UpsertOrders(ctx, convertRows(rows, fromAPIBackOfficeOrder))
	}))
	s.api(r, "POST", api.PathBackOfficeOrders+"/{external_id}/status", backOffice, s.handleBackOfficeOrderStatus)
	s.api(r, "POST", api.PathBackOfficeLineStatuses, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeLineStatus) ([]portal.RowResult, error) {
		return s.BackOffice.SetLineStatuses(ctx, convertRows(rows, func(l api.BackOfficeLineStatus) portal.LineStatusInput { return portal.LineStatusInput(l) }))
	}))
	s.api(r, "PUT", api.PathBackOfficeShipments, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeShipment) ([]portal.RowResult, error) {
		return s.BackOffice.UpsertShipments(ctx, convertRows(rows, fromAPIBackOfficeShipment))
	}))
	s.api(r, "PUT", api.PathBackOfficeInvoices, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeInvoice) ([]portal.RowResult, error) {
		return s.BackOffice.UpsertInvoices(ctx, convertRows(rows, func(v api.BackOfficeInvoice) portal.BackOfficeInvoiceInput { return portal.BackOfficeInvoiceInput(v) }))
	}))
	s.api(r, "PUT", api.PathBackOfficePayments, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficePayment) ([]portal.RowResult, error) {
		return s.BackOffice.UpsertPayments(ctx, convertRows(rows, func(v api.BackOfficePayment) portal.BackOfficePaymentInput { return portal.BackOfficePaymentInput(v) }))
	}))
	s.api(r, "PUT", api.PathBackOfficeCreditNotes, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeCreditNote) ([]portal.RowResult, error) {
		return s.BackOffice.UpsertCreditNotes(ctx, convertRows(rows, func(v api.BackOfficeCreditNote) portal.BackOfficeCreditNoteInput {
			return portal.BackOfficeCreditNoteInput(v)
		}))
	}))
}

type apiKeyKey struct{}

// apiKeyFrom returns the API key that authenticated the request, if any.
func apiKeyFrom(ctx context.Context) (*portal.APIKey, bool) {
	k, ok := ctx.Value(apiKeyKey{}).(*portal.APIKey)
	return k, ok
}

// requireAPIKey lets through only requests with a live API key of the
// request's tenant (its host) that has scope: 401 without one (a session
// cookie is not one), 403 when the key lacks the scope. The key itself is
// never logged.
func (s *Server) requireAPIKey(scope string, next func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || token == "" || s.APIKeys == nil {
			w.Header().Set("WWW-Authenticate", `Bearer realm="api"`)
			return portal.Errorf(portal.EUNAUTHORIZED, "Send a tenant API key as Authorization: Bearer <key>.")
		}
		k, err := s.APIKeys.AuthenticateAPIKey(r.Context(), strings.TrimSpace(token))
		if err != nil {
			if portal.ErrorCode(err) == portal.EUNAUTHORIZED {
				w.Header().Set("WWW-Authenticate", `Bearer realm="api", error="invalid_token"`)
			}
			return err
		}
		if !k.HasScope(scope) {
			return portal.Errorf(portal.EFORBIDDEN, "This API key lacks the %s scope.", scope)
		}
		if scope == portal.ScopeBackOffice && s.BackOffice == nil {
			return portal.Errorf(portal.EUNAVAILABLE, "The back-office API is not configured.")
		}
		return next(w, r.WithContext(context.WithValue(r.Context(), apiKeyKey{}, k)))
	}
}

// batchHandler decodes a JSON array of at most MaxBatchRows rows of T,
// applies it and answers the per-row results.
func batchHandler[T any](s *Server, apply func(ctx context.Context, rows []T) ([]portal.RowResult, error)) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		if r.ContentLength > maxBatchBody {
			return portal.Errorf(portal.ETOOLARGE, "The batch is larger than %d MiB; send fewer rows per request.", maxBatchBody>>20)
		}
		var rows []T
		if err := decodeJSONMax(w, r, &rows, maxBatchBody); err != nil {
			return err
		}
		if rows == nil {
			return &portal.Error{Code: portal.EINVALID, Message: "Send a JSON array of rows.",
				Fields: []portal.FieldError{{Field: "body", Message: "Must be a JSON array."}}}
		}
		if len(rows) > portal.MaxBatchRows {
			return portal.Errorf(portal.ETOOLARGE, "A batch takes at most %d rows; this one has %d.", portal.MaxBatchRows, len(rows))
		}
		res, err := apply(r.Context(), rows)
		if err != nil {
			return err
		}
		out := api.BatchResult{Rows: make([]api.RowResult, len(res))}
		for i, rr := range res {
			out.Rows[i] = toAPIRowResult(rr)
			switch rr.Status {
			case portal.RowCreated:
				out.Created++
			case portal.RowUpdated:
				out.Updated++
			case portal.RowUnchanged:
				out.Unchanged++
			default:
				out.Errors++
			}
		}
		w.Header().Set("Cache-Control", "no-store")
		return writeJSON(w, http.StatusOK, out)
	}
}

func toAPIRowResult(rr portal.RowResult) api.RowResult {
	out := api.RowResult{Index: rr.Index, ExternalID: rr.ExternalID, Status: rr.Status, ID: rr.ID}
	for _, f := range rr.Errors {
		out.Errors = append(out.Errors, api.FieldError{Field: f.Field, Message: f.Message})
	}
	return out
}

func convertRows[A, P any](rows []A, conv func(A) P) []P {
	out := make([]P, len(rows))
	for i, r := range rows {
		out[i] = conv(r)
	}
	return out
}

func fromAPIBackOfficeOrder(o api.BackOfficeOrder) portal.BackOfficeOrderInput {
	in := portal.BackOfficeOrderInput{ExternalID: o.ExternalID, CustomerExternalID: o.CustomerExternalID, OrderNumber: o.OrderNumber,
		PONumber: o.PONumber, Status: o.Status, Source: o.Source, OrderDate: o.OrderDate, RequestedDate: o.RequestedDate,
		PromisedDate: o.PromisedDate, ShipToExternalID: o.ShipToExternalID, LocationExternalID: o.LocationExternalID,
		Currency: o.Currency, Subtotal: o.Subtotal, Tax: o.Tax, Freight: o.Freight, Processing: o.Processing, Total: o.Total,
		COCRequired: o.COCRequired, Notes: o.Notes}
	if o.Lines != nil {
		in.Lines = convertRows(o.Lines, func(l api.BackOfficeOrderLine) portal.BackOfficeOrderLineInput {
			return portal.BackOfficeOrderLineInput(l)
		})
	}
	return in
}

func fromAPIBackOfficeShipment(sh api.BackOfficeShipment) portal.BackOfficeShipmentInput {
	in := portal.BackOfficeShipmentInput{ExternalID: sh.ExternalID, OrderExternalID: sh.OrderExternalID, ShipmentNumber: sh.ShipmentNumber,
		Status: sh.Status, Carrier: sh.Carrier, CarrierType: sh.CarrierType, TrackingNumber: sh.TrackingNumber, TrackingURL: sh.TrackingURL,
		ShipDate: sh.ShipDate, EstimatedDelivery: sh.EstimatedDelivery, DeliveredAt: sh.DeliveredAt, SignedBy: sh.SignedBy,
		PODAvailable: sh.PODAvailable}
	if sh.Lines != nil {
		in.Lines = convertRows(sh.Lines, func(l api.BackOfficeShipmentLine) portal.ShipmentLineInput { return portal.ShipmentLineInput(l) })
	}
	return in
}

// handleBackOfficeOrderStatus moves one order (POST
// PathBackOfficeOrders/{external_id}/status): 409 for a transition the
// status model refuses, naming both statuses.
func (s *Server) handleBackOfficeOrderStatus(w http.ResponseWriter, r *http.Request) error {
	var in api.BackOfficeOrderStatus
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	// External ids may hold characters a path segment carries escaped.
	ext, err := url.PathUnescape(chi.URLParam(r, "external_id"))
	if err != nil {
		return errNotFound
	}
	res, err := s.BackOffice.SetOrderStatus(r.Context(), ext, portal.OrderStatusInput(in))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusOK, toAPIRowResult(*res))
}
