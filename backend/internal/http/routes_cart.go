package http

import (
	"context"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// cartRoutes are the signed-in user's cart, quick order and checkout, and
// a guest's checkout. Filling the cart needs CartManage; placing the order
// OrdersCreate (Viewers and Finance users do neither). The guest routes
// are public, like access requests: CSRF-protected by the API's
// cross-origin check, answering 404 unless the tenant takes guest orders,
// and rate-limited per client network in the database.
func (s *Server) cartRoutes(r chi.Router) {
	s.api(r, "GET", api.PathCart, needs(policies.CartManage), s.handleCartGet)
	s.api(r, "DELETE", api.PathCart, needs(policies.CartManage), s.handleCartEmpty)
	s.api(r, "POST", api.PathCartItems, needs(policies.CartManage), s.handleCartAdd)
	s.api(r, "PATCH", api.PathCartItems+"/{line_id}", needs(policies.CartManage), s.handleCartLineUpdate)
	s.api(r, "DELETE", api.PathCartItems+"/{line_id}", needs(policies.CartManage), s.handleCartLineRemove)
	s.api(r, "POST", api.PathCartQuickOrder, needs(policies.CartManage), s.handleQuickOrder)
	s.api(r, "GET", api.PathCheckoutOptions, needs(policies.OrdersCreate), s.handleCheckoutOptions)
	s.api(r, "POST", api.PathCheckout, needs(policies.OrdersCreate), s.handleCheckout)
	s.api(r, "POST", api.PathGuestCart, public, s.handleGuestCartPrice)
	s.api(r, "POST", api.PathGuestCheckout, public, s.handleGuestCheckout)
}

func fromAPICartItems(items []api.CartItemInput) []portal.CartLineInput {
	out := make([]portal.CartLineInput, len(items))
	for i, it := range items {
		out[i] = portal.CartLineInput{ProductID: it.ProductID, Quantity: it.Quantity, UOM: it.UOM, Dimensions: it.Dimensions,
			Processing: it.Processing, Notes: it.Notes}
	}
	return out
}

func toAPICart(c *portal.Cart) api.Cart {
	out := api.Cart{Lines: make([]api.CartLine, 0, len(c.Lines)), ItemCount: c.ItemCount, Subtotal: toAPIMoney(c.Subtotal),
		Discount: toAPIMoney(c.Discount), Total: toAPIMoney(c.Total)}
	for _, l := range c.Lines {
		out.Lines = append(out.Lines, api.CartLine{ID: l.ID, ProductID: l.ProductID, Code: l.Code, Name: l.Name, Quantity: l.Quantity,
			UOM: l.UOM, Dimensions: l.Dimensions, Processing: l.Processing, Notes: l.Notes, ListPrice: toAPIMoney(l.ListPrice),
			UnitPrice: toAPIMoney(l.UnitPrice), PriceSource: l.Source, Total: toAPIMoney(l.Total), Problem: l.Problem})
	}
	return out
}

func (s *Server) cart() (portal.CartService, error) {
	if s.Cart == nil {
		return nil, errNotFound
	}
	return s.Cart, nil
}

// handleCartGet answers the cart, priced now; ?promo_code= prices it with
// a promo code.
func (s *Server) handleCartGet(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cart()
	if err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	c, err := svc.Cart(r.Context(), cur.user, r.URL.Query().Get("promo_code"))
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPICart(c))
}

func (s *Server) handleCartEmpty(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cart()
	if err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	if err := svc.EmptyCart(r.Context(), cur.user); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleCartAdd(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cart()
	if err != nil {
		return err
	}
	var in api.CartItemsAdd
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	c, err := svc.AddToCart(r.Context(), cur.user, fromAPICartItems(in.Items))
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPICart(c))
}

func (s *Server) handleCartLineUpdate(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cart()
	if err != nil {
		return err
	}
	var in api.CartLineUpdate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	c, err := svc.UpdateCartLine(r.Context(), cur.user, chi.URLParam(r, "line_id"), portal.CartLineUpdate{Quantity: in.Quantity,
		UOM: in.UOM, Dimensions: in.Dimensions, Processing: in.Processing, Notes: in.Notes})
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPICart(c))
}

func (s *Server) handleCartLineRemove(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cart()
	if err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	c, err := svc.RemoveCartLine(r.Context(), cur.user, chi.URLParam(r, "line_id"))
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPICart(c))
}

// handleQuickOrder adds lines by product code, typed or as CSV.
func (s *Server) handleQuickOrder(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cart()
	if err != nil {
		return err
	}
	var in api.QuickOrder
	if err := decodeJSONMax(w, r, &in, portal.MaxQuickOrderCSV+maxJSONBody); err != nil {
		return err
	}
	field, lines := "lines", make([]portal.QuickOrderLine, 0, len(in.Lines))
	switch {
	case in.CSV != "" && len(in.Lines) > 0:
		return &portal.Error{Code: portal.EINVALID, Message: "Send lines or a CSV, not both.",
			Fields: []portal.FieldError{{Field: "csv", Message: "Send lines or a CSV, not both."}}}
	case in.CSV != "":
		if lines, err = portal.ParseQuickOrderCSV(in.CSV); err != nil {
			return err
		}
		field = "csv"
	default:
		for _, l := range in.Lines {
			lines = append(lines, portal.QuickOrderLine{Code: l.Code, Quantity: l.Quantity})
		}
	}
	cur, _ := userFrom(r.Context())
	c, err := svc.QuickOrder(r.Context(), cur.user, field, lines)
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPICart(c))
}

func (s *Server) handleCheckoutOptions(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cart()
	if err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	o, err := svc.CheckoutOptions(r.Context(), cur.user)
	if err != nil {
		return err
	}
	out := api.CheckoutOptions{BillingAddresses: toAPIAddresses(o.BillingAddresses, true), ShippingAddresses: toAPIAddresses(o.ShippingAddresses, false),
		PORequired: o.PORequired, PaymentTerms: o.PaymentTerms, AvailableCredit: toAPIMoney(o.AvailableCredit),
		CardPayments: o.CardPayments && s.StripePublishableKey != ""}
	for _, m := range o.ShippingMethods {
		out.ShippingMethods = append(out.ShippingMethods, api.ShippingMethod{Code: m, Label: portal.ShippingMethodLabel(m)})
	}
	return writePrivateJSON(w, out)
}

func toAPIAddresses(as []portal.SavedAddress, billing bool) []api.Address {
	out := make([]api.Address, 0, len(as))
	for _, a := range as {
		kind := "shipping"
		if billing {
			kind = "billing"
		}
		out = append(out, api.Address{ID: a.ID, Kind: kind, Label: a.Label, IsDefault: a.Default, Line1: a.Line1,
			Line2: a.Line2, City: a.City, Region: a.Region, PostalCode: a.PostalCode, Country: a.Country})
	}
	return out
}

func fromAPIAddressPtr(a *api.PostalAddress) *portal.PostalAddress {
	if a == nil {
		return nil
	}
	p := fromAPIAddress(*a)
	return &p
}

func (s *Server) toAPIConfirmation(c *portal.CheckoutResult) api.CheckoutConfirmation {
	out := api.CheckoutConfirmation{OrderID: c.OrderID, OrderNumber: c.OrderNumber, Status: c.Status,
		EstimatedShipDate: apiDate(c.EstimatedShipDate), Total: toAPIMoney(c.Total), PONumber: c.PONumber,
		ShippingMethod: c.ShippingMethod, Payment: c.Payment, CreditWarning: c.CreditWarning, Replayed: c.Replayed}
	if c.Card != nil {
		out.Card = &api.CardPayment{PaymentIntentID: c.Card.PaymentIntentID, ClientSecret: c.Card.ClientSecret,
			PublishableKey: s.StripePublishableKey, StripeAccount: c.Card.StripeAccount, Amount: toAPIMoney(c.Card.Amount),
			Status: c.Card.Status, Invoices: []api.InvoiceSummary{}}
	}
	return out
}

// mayUseSavedCards says whether the signed-in user may pay an order
// with one of the account's saved cards: the permission that lists them.
func (s *Server) mayUseSavedCards(r *http.Request) bool {
	t, ok := tenants.FromContext(r.Context())
	cur, signedIn := userFrom(r.Context())
	return ok && signedIn && s.Authz != nil && s.Authz.Allowed(t.ID, cur.user.Role, policies.PaymentMethodsRead)
}

// handleCheckout places the cart as an order: 201 the first time, 200
// with replayed for the same idempotency key again.
func (s *Server) handleCheckout(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cart()
	if err != nil {
		return err
	}
	var in api.CheckoutRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if in.Payment == api.PaymentByCard && s.StripePublishableKey == "" {
		return portal.Errorf(portal.EFORBIDDEN, "This portal does not take card payments.")
	}
	cur, _ := userFrom(r.Context())
	if in.PaymentMethodID != "" && !s.mayUseSavedCards(r) {
		// Paying with a saved card takes the account's cards, which only
		// the roles that read them may use (payment_methods:read: Admin and
		// Finance by default; checkout itself needs orders:create).
		return &portal.Error{Code: portal.EFORBIDDEN, Message: "Your role cannot pay with the account's saved cards; pay on account or with a new card.",
			Fields: []portal.FieldError{{Field: "payment_method_id", Message: "Not allowed for your role."}}}
	}
	c, err := svc.Checkout(r.Context(), cur.user, portal.CheckoutInput{IdempotencyKey: in.IdempotencyKey,
		BillingAddressID: in.BillingAddressID, BillingAddress: fromAPIAddressPtr(in.BillingAddress),
		ShippingAddressID: in.ShippingAddressID, ShippingAddress: fromAPIAddressPtr(in.ShippingAddress),
		ShippingMethod: in.ShippingMethod, PONumber: in.PONumber, PromoCode: in.PromoCode, RequestedDate: in.RequestedDate,
		Notes: in.Notes, Payment: in.Payment, PaymentMethodID: in.PaymentMethodID, Client: clientOf(r)})
	if err != nil {
		return err
	}
	if c.PendingApproval && !c.Replayed {
		s.NotifyApproversLater(r, c.OrderID)
	}
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusCreated
	if c.Replayed {
		status = http.StatusOK
	}
	return writeJSON(w, status, s.toAPIConfirmation(c))
}

func (s *Server) handleGuestCartPrice(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cart()
	if err != nil {
		return err
	}
	var in api.GuestCartPrice
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := svc.PriceGuestCart(r.Context(), fromAPICartItems(in.Items), in.PromoCode)
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPICart(c))
}

// handleGuestCheckout places a guest's order and mails the confirmation
// after the response.
func (s *Server) handleGuestCheckout(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.cart()
	if err != nil {
		return err
	}
	if t, _ := tenants.FromContext(r.Context()); !t.Settings.GuestCheckout {
		return errNotFound // before reading anything: the route does not exist here
	}
	var in api.GuestCheckoutRequest
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	if s.StripePublishableKey == "" {
		return portal.Errorf(portal.EFORBIDDEN, "This portal does not take card payments.")
	}
	contact := portal.GuestContact{Name: in.Contact.Name, Email: in.Contact.Email, Phone: in.Contact.Phone, CompanyName: in.Contact.CompanyName}
	c, err := svc.GuestCheckout(r.Context(), portal.GuestCheckoutInput{CheckoutInput: portal.CheckoutInput{
		IdempotencyKey: in.IdempotencyKey, BillingAddress: fromAPIAddressPtr(in.BillingAddress),
		ShippingAddress: fromAPIAddressPtr(in.ShippingAddress), ShippingMethod: in.ShippingMethod, PONumber: in.PONumber,
		PromoCode: in.PromoCode, RequestedDate: in.RequestedDate, Notes: in.Notes, Client: clientOf(r)},
		Contact: contact, Items: fromAPICartItems(in.Items)})
	if portal.ErrorCode(err) == portal.ERATELIMITED {
		w.Header().Set("Retry-After", strconv.Itoa(int(portal.GuestCheckoutWindow.Seconds())))
	}
	if err != nil {
		return err
	}
	if !c.Replayed && s.CheckoutMail != nil {
		t, _ := tenants.FromContext(r.Context())
		contact.Email = c.Email
		result := *c
		s.mailLater(r, "send guest order confirmation", func(ctx context.Context, base string) error {
			return s.CheckoutMail.SendGuestOrderConfirmation(ctx, t, base, contact, result)
		})
	}
	w.Header().Set("Cache-Control", "no-store")
	status := http.StatusCreated
	if c.Replayed {
		status = http.StatusOK
	}
	return writeJSON(w, status, s.toAPIConfirmation(c))
}
