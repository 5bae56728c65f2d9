package http

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"mime"
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

// E-commerce authentication (Access.Ecommerce).
const (
	// AuthAPIKey: an API key with the ecommerce scope, or a customer token
	// (which stands for the key that obtained it).
	AuthAPIKey = "api_key"
	// AuthCustomerToken: only a customer token.
	AuthCustomerToken = "customer_token"
)

// perMinute is a rate limit of n requests a minute per API key.
func perMinute(n int) portal.RateLimit { return portal.RateLimit{N: n, Per: time.Minute} }

// storefront is the access of an api_key route of the e-commerce API.
func storefront(limit int) Access {
	return Access{Scope: portal.ScopeEcommerce, Ecommerce: AuthAPIKey, RateLimit: perMinute(limit)}
}

// shopper is the access of a customer_token route: the token's user must
// also hold p, as in the portal.
func shopper(limit int, p policies.Permission) Access {
	return Access{Scope: portal.ScopeEcommerce, Ecommerce: AuthCustomerToken, Permission: p, RateLimit: perMinute(limit)}
}

//go:embed openapi.json
var openAPIDocument []byte

// ecommerceRoutes registers the e-commerce API of spec 000 §5 with the
// spec's authentication and rate limits, the customer token flow and the
// OpenAPI document that describes them.
func (s *Server) ecommerceRoutes(r chi.Router) {
	s.api(r, "GET", api.PathOpenAPI, public, s.handleOpenAPI)
	s.api(r, "POST", api.PathEcommerceCustomerTokens, storefront(300), s.handleCustomerTokenIssue)
	s.api(r, "DELETE", api.PathEcommerceCustomerTokens, shopper(300, policies.ProfileRead), s.handleCustomerTokenRevoke)
	s.api(r, "GET", api.PathEcommerceProducts, storefront(100), s.handleEcomProducts)
	s.api(r, "GET", api.PathEcommerceProducts+"/{product_id}", storefront(200), s.handleEcomProduct)
	s.api(r, "GET", api.PathEcommerceProducts+"/{product_id}/availability", storefront(500), s.handleEcomAvailability)
	s.api(r, "POST", api.PathEcommerceCartPrice, shopper(100, policies.CatalogPrice), s.handleEcomCartPrice)
	s.api(r, "POST", api.PathEcommerceOrders, shopper(20, policies.OrdersCreate), s.handleEcomOrderCreate)
	s.api(r, "GET", api.PathEcommerceOrders+"/{order_id}", shopper(100, policies.OrdersRead), s.handleEcomOrder)
	s.api(r, "GET", api.PathEcommerceOrders, shopper(50, policies.OrdersRead), s.handleEcomOrders)
	s.api(r, "POST", api.PathEcommerceQuotes, shopper(10, policies.QuotesRequest), s.handleEcomQuote)
	s.api(r, "GET", api.PathEcommerceCustomers+"/{customer_id}", shopper(50, policies.DashboardRead), s.handleEcomCustomer)
	s.api(r, "GET", api.PathEcommerceDocuments+"/{document_id}", shopper(100, policies.DocumentsRead), s.handleEcomDocument)
}

type shopperKey struct{}

func shopperFrom(ctx context.Context) *portal.Shopper {
	sh, _ := ctx.Value(shopperKey{}).(*portal.Shopper)
	return sh
}

// requireShopper authenticates an e-commerce request (API key or customer
// token, as a declares), checks the token user's permission, and counts
// the request against the route's rate limit for the key: 401 without a
// credential the route takes, 403 for a key without the ecommerce scope or
// a user whose role lacks the permission, 429 past the limit.
func (s *Server) requireShopper(a Access, endpoint string, next func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	return func(w http.ResponseWriter, r *http.Request) error {
		scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		token = strings.TrimSpace(token)
		unauthorized := func(msg string) error {
			w.Header().Set("WWW-Authenticate", `Bearer realm="ecommerce"`)
			return portal.Errorf(portal.EUNAUTHORIZED, "%s", msg)
		}
		if !strings.EqualFold(scheme, "Bearer") || token == "" || s.APIKeys == nil || s.Ecommerce == nil {
			if a.Ecommerce == AuthCustomerToken {
				return unauthorized("Send a customer token as Authorization: Bearer ct_…; see POST " + api.PathEcommerceCustomerTokens + ".")
			}
			return unauthorized("Send the tenant's e-commerce API key as Authorization: Bearer <key>.")
		}
		var sh *portal.Shopper
		if strings.HasPrefix(token, portal.CustomerTokenPrefix) {
			var err error
			if sh, err = s.Ecommerce.AuthenticateCustomerToken(r.Context(), token); err != nil {
				if portal.ErrorCode(err) == portal.EUNAUTHORIZED {
					w.Header().Set("WWW-Authenticate", `Bearer realm="ecommerce", error="invalid_token"`)
				}
				return err
			}
			t, _ := tenants.FromContext(r.Context())
			if a.Permission != (policies.Permission{}) && (s.Authz == nil || !s.Authz.Allowed(t.ID, sh.User.Role, a.Permission)) {
				return portal.Errorf(portal.EFORBIDDEN, "The customer user's role does not allow this.")
			}
		} else {
			if a.Ecommerce == AuthCustomerToken {
				return unauthorized("This endpoint acts for one customer: send a customer token (POST " + api.PathEcommerceCustomerTokens + " issues one), not the API key.")
			}
			k, err := s.APIKeys.AuthenticateAPIKey(r.Context(), token)
			if err != nil {
				if portal.ErrorCode(err) == portal.EUNAUTHORIZED {
					w.Header().Set("WWW-Authenticate", `Bearer realm="ecommerce", error="invalid_token"`)
				}
				return err
			}
			if !k.HasScope(portal.ScopeEcommerce) {
				return portal.Errorf(portal.EFORBIDDEN, "This API key lacks the ecommerce scope.")
			}
			sh = &portal.Shopper{APIKey: k}
		}
		if a.RateLimit.N > 0 && s.RateLimiter != nil {
			d, err := s.RateLimiter.Take(r.Context(), sh.APIKey.ID, endpoint, a.RateLimit)
			if err != nil {
				return err
			}
			reset := int(math.Ceil(d.ResetIn.Seconds()))
			h := w.Header()
			h.Set("RateLimit-Limit", strconv.Itoa(d.Limit))
			h.Set("RateLimit-Remaining", strconv.Itoa(d.Remaining))
			h.Set("RateLimit-Reset", strconv.Itoa(reset))
			h.Set("RateLimit-Policy", fmt.Sprintf("%d;w=%d", a.RateLimit.N, int(a.RateLimit.Per.Seconds())))
			if !d.Allowed {
				h.Set("Retry-After", strconv.Itoa(max(1, reset)))
				return portal.Errorf(portal.ERATELIMITED, "More than %d requests a minute to %s with this key; retry in %d s.",
					a.RateLimit.N, endpoint, max(1, reset))
			}
		}
		return next(w, r.WithContext(context.WithValue(r.Context(), shopperKey{}, sh)))
	}
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	_, err := w.Write(openAPIDocument)
	return err
}

func (s *Server) handleCustomerTokenIssue(w http.ResponseWriter, r *http.Request) error {
	var in api.CustomerTokenRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	sh := shopperFrom(r.Context())
	if sh.User != nil {
		return portal.Errorf(portal.EFORBIDDEN, "Customer tokens are issued to the API key, not to another token.")
	}
	t, token, err := s.Ecommerce.IssueCustomerToken(r.Context(), sh.APIKey, in.Email, clientOf(r))
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, api.CustomerTokenIssued{AccessToken: token, TokenType: "Bearer",
		ExpiresIn: int(portal.CustomerTokenLifetime.Seconds()), ExpiresAt: t.ExpiresAt.UTC().Format(time.RFC3339),
		CustomerID: t.CustomerID, UserID: t.UserID})
}

func (s *Server) handleCustomerTokenRevoke(w http.ResponseWriter, r *http.Request) error {
	if err := s.Ecommerce.RevokeCustomerToken(r.Context(), shopperFrom(r.Context())); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// queryParams reads query parameters, collecting one field error per bad one.
type queryParams struct {
	q      url.Values
	fields []portal.FieldError
}

func (p *queryParams) int(name string) int {
	v := p.q.Get(name)
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		p.fields = append(p.fields, portal.FieldError{Field: name, Message: "Give a whole number from 1."})
		return -1
	}
	return n
}

func (p *queryParams) bool(name string) bool {
	switch p.q.Get(name) {
	case "", "false", "0":
		return false
	case "true", "1":
		return true
	}
	p.fields = append(p.fields, portal.FieldError{Field: name, Message: "Give true or false."})
	return false
}

func (p *queryParams) date(name string) *time.Time {
	v := p.q.Get(name)
	if v == "" {
		return nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		p.fields = append(p.fields, portal.FieldError{Field: name, Message: "Give a date as YYYY-MM-DD."})
		return nil
	}
	return &t
}

// merge returns the parse errors together with err's field errors, so one
// 400 names every bad parameter.
func (p *queryParams) merge(err error) error {
	if len(p.fields) == 0 {
		return err
	}
	fields := p.fields
	if pe, ok := err.(*portal.Error); ok {
		fields = append(fields, pe.Fields...)
	}
	return &portal.Error{Code: portal.EINVALID, Message: "Check the highlighted parameters.", Fields: fields}
}

// dec renders minor units as the e-commerce API's decimal (two places).
func dec(minor int64) json.Number {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return json.Number(fmt.Sprintf("%s%d.%02d", sign, minor/100, minor%100))
}

func qty(milli int64) json.Number {
	if milli < 0 {
		return json.Number("-" + portal.FormatQuantity(-milli))
	}
	return json.Number(portal.FormatQuantity(milli))
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func optDate(t *time.Time) *string {
	if t == nil || t.IsZero() {
		return nil
	}
	return optString(t.UTC().Format(time.DateOnly))
}

func toEcomProduct(p *portal.CatalogProduct) api.EcomProduct {
	out := api.EcomProduct{ProductID: p.ID, Code: p.Code, Name: p.Name, Description: p.Description, Form: p.Form,
		Grade: p.Grade, Dimensions: p.Dimensions, PricingUOM: p.PricingUOM, ImageURL: optString(p.ImageURL)}
	if p.CategoryID != "" {
		out.Category = &api.EcomCategory{ID: p.CategoryID, Name: p.CategoryName}
	}
	return out
}

func pagination(total, page, size int) api.EcomPagination {
	return api.EcomPagination{Total: total, Page: page, PageSize: size, TotalPages: pages(total, size)}
}

func (s *Server) handleEcomProducts(w http.ResponseWriter, r *http.Request) error {
	p := &queryParams{q: r.URL.Query()}
	f := portal.CatalogFilter{CustomerID: shopperFrom(r.Context()).CustomerID(), CategoryID: p.q.Get("category_id"), Search: p.q.Get("search"), InStockOnly: p.bool("in_stock_only"),
		Page: p.int("page"), PageSize: p.int("page_size")}
	list, total, err := s.Ecommerce.Products(r.Context(), f)
	if err := p.merge(err); err != nil {
		return err
	}
	_ = f.Validate() // the defaults the service applied, for the answer
	out := api.EcomProductList{Products: make([]api.EcomProduct, 0, len(list)), Pagination: pagination(total, f.Page, f.PageSize)}
	for i := range list {
		out.Products = append(out.Products, toEcomProduct(&list[i]))
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleEcomProduct(w http.ResponseWriter, r *http.Request) error {
	sh := shopperFrom(r.Context())
	if sh.User != nil {
		// Price visibility: a role (or tenant) without catalog:price sees
		// list prices only.
		t, _ := tenants.FromContext(r.Context())
		if s.Authz == nil || !s.Authz.Allowed(t.ID, sh.User.Role, policies.CatalogPrice) {
			sh = &portal.Shopper{APIKey: sh.APIKey}
		}
	}
	d, err := s.Ecommerce.Product(r.Context(), sh, chi.URLParam(r, "product_id"))
	if err != nil {
		return err
	}
	p := &d.Product
	out := api.EcomProductDetail{
		Product: api.EcomProductFull{EcomProduct: toEcomProduct(p), StockUOM: p.StockUOM},
		Availability: api.EcomAvailability{InStock: p.QuantityAvailable > 0, Level: p.AvailabilityLevel(),
			QuantityAvailable: qty(p.QuantityAvailable), LeadTimeDays: p.LeadTimeDays},
		Pricing: api.EcomPricing{Currency: p.ListPrice.Currency, ListPrice: dec(p.ListPrice.Amount),
			QuantityBreaks: []api.EcomQuantityBreak{}},
		ProcessingOptions: d.ProcessingOptions, RelatedProducts: d.RelatedProducts,
	}
	if d.CustomerPrice != nil {
		cp := dec(d.CustomerPrice.Unit.Amount)
		out.Pricing.CustomerPrice, out.Pricing.PriceSource = &cp, d.CustomerPrice.Source
	}
	// The quantity breaks: each quantity from which the caller's unit
	// price changes (the first step, from 0, is the price of one unit).
	for _, st := range d.QuantityBreaks {
		if st.MinQuantityMilli > 0 {
			out.Pricing.QuantityBreaks = append(out.Pricing.QuantityBreaks, api.EcomQuantityBreak{MinQuantity: qty(st.MinQuantityMilli),
				UnitPrice: dec(st.Price.Unit.Amount)})
		}
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleEcomAvailability(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	c, err := s.Ecommerce.Availability(r.Context(), chi.URLParam(r, "product_id"),
		portal.AvailabilityQuery{Quantity: q.Get("quantity"), LocationID: q.Get("location_id")})
	if err != nil {
		return err
	}
	out := api.EcomAvailabilityCheck{Available: c.Available, QuantityAvailable: qty(c.QuantityAvailable),
		Locations: make([]api.EcomLocationStock, 0, len(c.Locations)), LeadTimeDays: c.LeadTimeDays, NextAvailableDate: optDate(c.NextAvailableDate)}
	for _, l := range c.Locations {
		out.Locations = append(out.Locations, api.EcomLocationStock{LocationID: l.LocationID, QuantityAvailable: qty(l.QuantityAvailable)})
	}
	return writePrivateJSON(w, out)
}

// rawNumber is a JSON number, or a JSON string holding one, as text; ""
// for anything else (the service then names the field).
func rawNumber(m json.RawMessage) string {
	var s string
	if json.Unmarshal(m, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(m, &n) == nil {
		return n.String()
	}
	return ""
}

func derefString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (s *Server) handleEcomCartPrice(w http.ResponseWriter, r *http.Request) error {
	var in api.CartPriceRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cart := portal.CartInput{ShippingAddressID: derefString(in.ShippingAddressID), ShippingMethod: derefString(in.ShippingMethod),
		ShipCountry: derefString(in.ShipCountry), ShipRegion: derefString(in.ShipRegion), PromoCode: derefString(in.PromoCode)}
	for _, it := range in.Items {
		cart.Items = append(cart.Items, portal.CartItem{ProductID: it.ProductID, Quantity: rawNumber(it.Quantity), UOM: it.UOM, Processing: it.Processing})
	}
	c, err := s.Ecommerce.PriceCart(r.Context(), shopperFrom(r.Context()), cart)
	if err != nil {
		return err
	}
	out := api.CartPriced{Currency: c.GrandTotal.Currency, Items: make([]api.EcomCartLine, 0, len(c.Items)), Subtotal: dec(c.Subtotal.Amount),
		ProcessingTotal: dec(c.Processing.Amount), FreightEstimate: dec(c.Freight.Amount), TaxEstimate: dec(c.Tax.Amount),
		GrandTotal: dec(c.GrandTotal.Amount), ValidForMinutes: int(portal.CartPriceValidity.Minutes()), Discount: dec(c.Discount.Amount),
		PromoCode: c.PromoCode, FreightTaxEstimated: c.Estimate != nil}
	if c.Estimate != nil {
		out.TaxRate = portal.FormatQuantity(c.Estimate.TaxRateMilli)
	}
	for _, l := range c.Items {
		out.Items = append(out.Items, api.EcomCartLine{ProductID: l.ProductID, Code: l.Code, Name: l.Name, Quantity: qty(l.QuantityMilli),
			UOM: l.UOM, ListPrice: dec(l.ListPrice.Amount), UnitPrice: dec(l.Price.Unit.Amount), PriceSource: l.Price.Source,
			ProcessingTotal: dec(l.Processing.Amount), LineTotal: dec(l.Total.Amount)})
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleEcomOrderCreate(w http.ResponseWriter, r *http.Request) error {
	var in api.EcomOrderRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	o := portal.EcommerceOrderInput{CustomerID: in.CustomerID, PONumber: derefString(in.PONumber), ShippingAddressID: in.ShippingAddressID,
		RequestedShipDate: derefString(in.RequestedShipDate), SpecialInstructions: derefString(in.SpecialInstructions)}
	for _, l := range in.LineItems {
		o.Lines = append(o.Lines, portal.CartItem{ProductID: l.ProductID, Quantity: rawNumber(l.Quantity), UOM: l.UOM,
			Processing: l.Processing, LineNotes: derefString(l.LineNotes)})
	}
	c, err := s.Ecommerce.CreateOrder(r.Context(), shopperFrom(r.Context()), o)
	if err != nil {
		return err
	}
	if c.Status == portal.AwaitingApproval { // order approvals (issue 8): tell the account's Admins
		s.NotifyApproversLater(r, c.ID)
	}
	w.Header().Set("Location", api.PathEcommerceOrders+"/"+c.ID)
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, api.EcomOrderCreated{OrderID: c.ID, OrderNumber: c.OrderNumber, Status: c.Status.Code,
		Currency: c.EstimatedTotal.Currency, EstimatedTotal: dec(c.EstimatedTotal.Amount), EstimatedShipDate: optDate(c.EstimatedShipDate),
		ConfirmationURL: portalURL(r, "/portal/orders/"+c.ID)})
}

// portalURL is the absolute address of a portal page on the request's host.
func portalURL(r *http.Request, path string) string {
	scheme := "http"
	if r.TLS != nil || remoteFrom(r).https {
		scheme = "https"
	}
	return scheme + "://" + r.Host + path
}

func toEcomOrderSummary(o portal.OrderSummary) api.EcomOrderSummary {
	return api.EcomOrderSummary{OrderID: o.ID, OrderNumber: o.OrderNumber, PONumber: o.PONumber, OrderDate: o.OrderDate.UTC().Format(time.DateOnly),
		Status: o.Status.Code, StatusLabel: o.Status.Label, LineCount: o.LineCount, Currency: o.Total.Currency, Total: dec(o.Total.Amount)}
}

func (s *Server) handleEcomOrders(w http.ResponseWriter, r *http.Request) error {
	p := &queryParams{q: r.URL.Query()}
	f := portal.EcommerceOrderFilter{Status: p.q.Get("status"), From: p.date("from_date"), To: p.date("to_date"),
		Page: p.int("page"), PageSize: p.int("page_size")}
	list, total, err := s.Ecommerce.Orders(r.Context(), shopperFrom(r.Context()), f)
	if err := p.merge(err); err != nil {
		return err
	}
	_ = f.Validate()
	out := api.EcomOrderList{Orders: make([]api.EcomOrderSummary, 0, len(list)), Pagination: pagination(total, f.Page, f.PageSize)}
	for _, o := range list {
		out.Orders = append(out.Orders, toEcomOrderSummary(o))
	}
	return writePrivateJSON(w, out)
}

func toEcomAddress(a *portal.Address) *api.EcomAddress {
	if a == nil {
		return nil
	}
	return &api.EcomAddress{AddressID: a.ID, Kind: a.Kind, Label: a.Label, Line1: a.Line1, Line2: a.Line2, City: a.City,
		Region: a.Region, PostalCode: a.PostalCode, Country: a.Country, IsDefault: a.IsDefault}
}

func (s *Server) handleEcomOrder(w http.ResponseWriter, r *http.Request) error {
	d, err := s.Ecommerce.Order(r.Context(), shopperFrom(r.Context()), chi.URLParam(r, "order_id"))
	if err != nil {
		return err
	}
	o := d.Order
	out := api.EcomOrderDetail{
		Order: api.EcomOrderFull{EcomOrderSummary: toEcomOrderSummary(o.OrderSummary), RequestedDate: optDate(o.RequestedDate),
			EstimatedShipDate: optDate(o.EstimatedShipDate), Subtotal: dec(o.Subtotal.Amount), ProcessingTotal: dec(o.Processing.Amount),
			Freight: dec(o.Freight.Amount), Tax: dec(o.Tax.Amount), ShippingAddress: toEcomAddress(o.ShippingAddress)},
		LineItems: make([]api.EcomOrderLine, 0, len(o.Lines)), Shipments: make([]api.EcomShipment, 0, len(o.Shipments)),
		Documents: make([]api.EcomDocument, 0, len(d.Documents)),
	}
	for _, l := range o.Lines {
		out.LineItems = append(out.LineItems, api.EcomOrderLine{LineID: l.ID, LineNo: l.LineNo, ProductCode: l.ProductCode,
			Description: l.Description, Grade: l.Grade, Dimensions: l.Dimensions, Quantity: json.Number(l.Quantity), UOM: l.UOM,
			UnitPrice: dec(l.UnitPrice.Amount), LineTotal: dec(l.Total.Amount), Status: l.Status.Code, StatusLabel: l.Status.Label,
			ProcessingNotes: l.ProcessingNotes, HeatNumber: l.HeatNumber, HasMTR: l.HasMTR})
	}
	for _, sh := range o.Shipments {
		out.Shipments = append(out.Shipments, api.EcomShipment{ShipmentID: sh.ID, ShipmentNumber: sh.ShipmentNumber, Status: sh.Status.Code,
			StatusLabel: sh.Status.Label, Carrier: sh.Carrier, TrackingNumber: sh.TrackingNumber, TrackingURL: sh.TrackingURL,
			ShipDate: optDate(sh.ShipDate), EstimatedDelivery: optDate(sh.EstimatedDelivery)})
	}
	for _, doc := range d.Documents {
		out.Documents = append(out.Documents, api.EcomDocument{DocumentID: doc.ID, DocumentType: doc.Type, Name: doc.Name,
			ContentType: doc.ContentType, SizeBytes: doc.SizeBytes, CreatedAt: doc.CreatedAt.UTC().Format(time.RFC3339),
			DownloadURL: api.PathEcommerceDocuments + "/" + doc.ID})
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleEcomQuote(w http.ResponseWriter, r *http.Request) error {
	var in api.EcomQuoteRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	q := portal.QuoteRequestInput{CustomerID: in.CustomerID, NeededByDate: derefString(in.NeededByDate),
		SpecialInstructions: derefString(in.SpecialInstructions)}
	for _, l := range in.LineItems {
		q.Lines = append(q.Lines, portal.QuoteRequestLine{ProductID: derefString(l.ProductID), ProductDescription: l.ProductDescription,
			Quantity: rawNumber(l.Quantity), UOM: l.UOM, ProcessingRequirements: derefString(l.ProcessingRequirements)})
	}
	c, err := s.Ecommerce.RequestQuote(r.Context(), shopperFrom(r.Context()), q)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, api.EcomQuoteCreated{QuoteID: c.ID, QuoteNumber: c.QuoteNumber, Status: c.Status,
		ExpectedResponseDate: c.ExpectedResponseDate.Format(time.DateOnly)})
}

func (s *Server) handleEcomCustomer(w http.ResponseWriter, r *http.Request) error {
	sh := shopperFrom(r.Context())
	a, err := s.Ecommerce.Customer(r.Context(), sh, chi.URLParam(r, "customer_id"))
	if err != nil {
		return err
	}
	out := api.EcomCustomer{
		Customer: api.EcomCustomerAccount{CustomerID: sh.CustomerID(), AccountNumber: a.Company.AccountNumber, CompanyName: a.Company.Name,
			Type: a.Company.Type, Status: a.Summary.Status, Email: a.Company.Email, Phone: a.Company.Phone},
		Addresses: []api.EcomAddress{}, Contacts: []api.EcomContact{},
		Credit: api.EcomCredit{Currency: a.Summary.CreditLimit.Currency, CreditLimit: dec(a.Summary.CreditLimit.Amount),
			AvailableCredit: dec(a.Summary.AvailableCredit.Amount), PaymentTerms: a.Summary.PaymentTerms},
	}
	for i := range a.Addresses {
		if a.Addresses[i].Kind == "shipping" {
			out.Addresses = append(out.Addresses, *toEcomAddress(&a.Addresses[i]))
		}
	}
	for _, c := range a.Contacts {
		out.Contacts = append(out.Contacts, api.EcomContact{Name: c.Name, Email: c.Email, Phone: c.Phone, Role: c.Role})
	}
	if a.SalesRep != nil {
		out.AssignedRep = &api.EcomRep{Name: a.SalesRep.Name, Email: a.SalesRep.Email, Phone: a.SalesRep.Phone}
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleEcomDocument(w http.ResponseWriter, r *http.Request) error {
	d, body, err := s.Ecommerce.OpenDocument(r.Context(), shopperFrom(r.Context()), chi.URLParam(r, "document_id"))
	if err != nil {
		return err
	}
	defer body.Close()
	w.Header().Set("Content-Type", d.ContentType)
	w.Header().Set("Content-Length", strconv.FormatInt(d.SizeBytes, 10))
	w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": d.Name}))
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = io.Copy(w, body)
	if err != nil {
		s.Logger.WarnContext(r.Context(), "document download cut short", "request_id", RequestIDFrom(r.Context()), "error", err.Error())
	}
	return nil
}
