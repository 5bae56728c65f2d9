package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// Checkout: the cart becomes an order through placeOrderTx (source
// portal), and the cart empties, in one transaction.
//
// Submitting twice (a double click, a retry after a lost answer) places
// one order: the client sends a random idempotency key with each checkout;
// checkouts of one user queue on a transaction lock, and the second finds
// the first's checkout_orders row and answers its order.
//
// By card, the order is placed and a PaymentIntent for its total (the
// server's price, never the client's) is created in the same transaction,
// with a Stripe idempotency key made of the client's key: the browser then
// confirms it with Stripe.js, as for invoices. The order is the ERP's to
// confirm (pending review) either way.
//
// With a saved card (payment_method_id; the HTTP layer lets only roles
// with payment_methods:read name one) the intent is created unconfirmed
// with the account's Stripe Customer and card, and confirmed by the
// server once the order is committed (confirmSavedCard), as invoice
// payments are. A declined card leaves the order placed and unpaid: its
// payment is requires_payment_method, the confirmation says so and offers
// the card form for the same intent, and Stripe's events move it on.

var errEmptyCart = &portal.Error{Code: portal.EINVALID, Message: "Your cart is empty.",
	Fields: []portal.FieldError{{Field: "cart", Message: "Add products before checking out."}}}

var errGuestCheckoutOff = portal.Errorf(portal.ENOTFOUND, "This portal does not take guest orders.")

// checkoutAddress is an address as checkout_orders keeps it.
type checkoutAddress struct {
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	Region     string `json:"region,omitempty"`
	PostalCode string `json:"postal_code,omitempty"`
	Country    string `json:"country"`
	SavedID    string `json:"saved_id,omitempty"`
}

func toCheckoutAddress(a portal.PostalAddress, savedID string) checkoutAddress {
	return checkoutAddress{Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region, PostalCode: a.PostalCode,
		Country: a.Country, SavedID: savedID}
}

// savedAddressTx reads one of the customer's addresses of kind.
func savedAddressTx(ctx context.Context, tx bun.Tx, customerID, kind, id string) (*portal.SavedAddress, error) {
	var a portal.SavedAddress
	err := tx.QueryRowContext(ctx, `SELECT id::text, label, line1, line2, city, region, postal_code, country, is_default
		FROM addresses WHERE customer_id = ? AND kind = ? AND (id = ? OR ? = '' AND is_default)
		ORDER BY is_default DESC, id LIMIT 1`, customerID, kind, nullable(id), id).
		Scan(&a.ID, &a.Label, &a.Line1, &a.Line2, &a.City, &a.Region, &a.PostalCode, &a.Country, &a.Default)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &a, err
}

// CheckoutOptions implements portal.CartService.
func (s *CartService) CheckoutOptions(ctx context.Context, actor *portal.User) (*portal.CheckoutOptions, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	tn, _ := tenants.FromContext(ctx)
	out := &portal.CheckoutOptions{ShippingMethods: portal.ShippingMethods, BillingAddresses: []portal.SavedAddress{},
		ShippingAddresses: []portal.SavedAddress{}, CardPayments: tn != nil && tn.Settings.StripeAccount != "" && s.gateway != nil}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		var available int64
		var currency string
		if err := tx.QueryRowContext(ctx, `SELECT c.po_required, c.payment_terms, c.currency, c.credit_limit_minor - coalesce((SELECT sum(i.total_minor - i.paid_minor)
				FROM customer_invoice_sums i WHERE i.tenant_id = c.tenant_id AND i.customer_id = c.id AND i.status IN ('open', 'partially_paid')), 0)
			FROM customers c WHERE c.id = ?`, actor.CustomerID).Scan(&out.PORequired, &out.PaymentTerms, &currency, &available); err != nil {
			return err
		}
		out.AvailableCredit = portal.Money{Amount: max(available, 0), Currency: currency}
		rows, err := tx.QueryContext(ctx, `SELECT id::text, kind, label, line1, line2, city, region, postal_code, country, is_default
			FROM addresses WHERE customer_id = ? ORDER BY is_default DESC, label, id`, actor.CustomerID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a portal.SavedAddress
			var kind string
			if err := rows.Scan(&a.ID, &kind, &a.Label, &a.Line1, &a.Line2, &a.City, &a.Region, &a.PostalCode, &a.Country, &a.Default); err != nil {
				return err
			}
			if kind == "billing" {
				out.BillingAddresses = append(out.BillingAddresses, a)
			} else {
				out.ShippingAddresses = append(out.ShippingAddresses, a)
			}
		}
		return rows.Err()
	})
	return out, wrapCartErr("checkout options", err)
}

// estimatedShipDate is the day the order can ship: the longest lead time
// of its products in business days from today (at least one), or the
// requested date when that is later.
func estimatedShipDateTx(ctx context.Context, tx bun.Tx, items []portal.CartLine, now time.Time, requested string) (time.Time, error) {
	days := 1
	for _, it := range items {
		p, err := catalogProductTx(ctx, tx, it.ProductID)
		if err != nil {
			return time.Time{}, err
		}
		days = max(days, p.LeadTimeDays)
	}
	d := portal.AddBusinessDays(dateOnly(now), days)
	if r, err := time.Parse(time.DateOnly, requested); err == nil && r.After(d) {
		d = r
	}
	return d, nil
}

// checkoutRecord is a checkout_orders row.
type checkoutRecord struct {
	orderID, orderNumber, placedBy, email string
	status, shippingMethod, payment       string
	poNumber                              string
	total                                 portal.Money
	intentID, account                     string
	overCredit                            bool
	estimated                             time.Time
}

// findCheckoutTx finds the checkout of customerID with key; nil if none.
func findCheckoutTx(ctx context.Context, tx bun.Tx, customerID, key string) (*checkoutRecord, error) {
	r := &checkoutRecord{}
	err := tx.QueryRowContext(ctx, `SELECT c.order_id::text, o.order_number, coalesce(c.placed_by_id::text, ''), c.contact_email, o.status,
			c.shipping_method, c.payment, o.po_number, o.total_minor, o.currency, coalesce(c.payment_intent_id, ''), coalesce(c.stripe_account, ''),
			c.over_credit, c.estimated_ship_on
		FROM checkout_orders c JOIN orders o ON o.tenant_id = c.tenant_id AND o.id = c.order_id
		WHERE c.customer_id = ? AND c.idempotency_key = ?`, customerID, key).
		Scan(&r.orderID, &r.orderNumber, &r.placedBy, &r.email, &r.status, &r.shippingMethod, &r.payment, &r.poNumber,
			&r.total.Amount, &r.total.Currency, &r.intentID, &r.account, &r.overCredit, &r.estimated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, err
}

// result is the confirmation of r; a card payment is read back from the
// gateway (its client secret is never stored).
func (s *CartService) result(ctx context.Context, r *checkoutRecord) (*portal.CheckoutResult, error) {
	st := customerOrderStatus(r.status)
	out := &portal.CheckoutResult{OrderID: r.orderID, OrderNumber: r.orderNumber, Status: st.Code, EstimatedShipDate: r.estimated,
		Total: r.total, PONumber: r.poNumber, ShippingMethod: r.shippingMethod, Payment: r.payment, Replayed: true, Email: r.email}
	if r.overCredit {
		out.CreditWarning = portal.CreditReviewWarning
	}
	if r.intentID != "" && s.gateway != nil {
		pi, err := s.gateway.GetIntent(ctx, r.account, r.intentID)
		if err != nil {
			return nil, err
		}
		out.Card = &portal.CardPayment{PaymentIntentID: pi.ID, ClientSecret: pi.ClientSecret, StripeAccount: r.account,
			Amount: r.total, Status: pi.Status}
	}
	return out, nil
}

// placement is what Checkout and GuestCheckout hand placeTx.
type placement struct {
	in                 *portal.CheckoutInput
	customerID, userID string
	priced             *portal.CartPrice
	lineNotes          []string
	billing, shipping  checkoutAddress
	shipToID           string
	contact            portal.GuestContact
	guest              bool
	account            string // Stripe connected account, with card
	card               *savedCard
	notes              string
}

// placeTx places the order, creates its PaymentIntent when paid by card,
// and records the checkout.
func (s *CartService) placeTx(ctx context.Context, tx bun.Tx, p placement) (*portal.CheckoutResult, error) {
	now := p.in.Now
	estimated, err := estimatedShipDateTx(ctx, tx, p.priced.Items, now, p.in.RequestedDate)
	if err != nil {
		return nil, err
	}
	orderID := uuid.Must(uuid.NewV7()).String()
	placed, err := placeOrderTx(ctx, tx, &orderPlacement{ID: orderID, CustomerID: p.customerID, PlacedByID: p.userID, Source: "portal",
		PONumber: p.in.PONumber, ShipToID: p.shipToID, RequestedOn: p.in.RequestedDate, Notes: p.notes, Priced: p.priced,
		LineNotes: p.lineNotes, OnAccount: p.in.Payment == portal.PayOnAccount, Now: now})
	if err != nil {
		return nil, err
	}
	if p.priced.PromoCode != "" {
		// One use of the code, counted with the order: the last use of a
		// limited code goes to one order only.
		if err := redeemPromoCodeTx(ctx, tx, p.priced.PromoCode); err != nil {
			return nil, err
		}
	}
	if placed.PendingApproval && p.in.Payment == portal.PayByCard {
		// An order the account's approval rule holds is not charged before
		// an Admin approves it, and a card payment cannot wait that long:
		// nothing is placed (this transaction rolls back).
		return nil, &portal.Error{Code: portal.ECONFLICT, Message: "This order needs an Admin's approval before it is placed; pay it on account.",
			Fields: []portal.FieldError{{Field: "payment", Message: "Orders that need approval are paid on account."}}}
	}
	out := &portal.CheckoutResult{OrderID: orderID, OrderNumber: placed.Number, Status: placed.CustomerStatus().Code, EstimatedShipDate: estimated,
		Total: p.priced.GrandTotal, PONumber: p.in.PONumber, ShippingMethod: p.in.ShippingMethod, Payment: p.in.Payment,
		Email: p.contact.Email, PendingApproval: placed.PendingApproval}
	if placed.OverCredit {
		out.CreditWarning = portal.CreditReviewWarning
	}
	var intentID, account, intentStatus any
	if p.in.Payment == portal.PayByCard {
		tn, _ := tenants.FromContext(ctx)
		in := portal.IntentInput{Account: p.account, Amount: p.priced.GrandTotal,
			IdempotencyKey: "checkout:" + p.customerID + ":" + p.in.IdempotencyKey,
			Description:    "Order " + placed.Number,
			Metadata:       map[string]string{"tenant_id": tn.ID, "order_id": orderID, "order_number": placed.Number}}
		if p.card != nil {
			in.Customer, in.PaymentMethod = p.card.customer, p.card.paymentMethod
		}
		pi, err := s.gateway.CreateIntent(ctx, in)
		if err != nil {
			return nil, err
		}
		if pi.Amount.Amount != p.priced.GrandTotal.Amount {
			return nil, fmt.Errorf("postgres: payment intent %s is for %d, want %d", pi.ID, pi.Amount.Amount, p.priced.GrandTotal.Amount)
		}
		out.Card = &portal.CardPayment{PaymentIntentID: pi.ID, ClientSecret: pi.ClientSecret, StripeAccount: p.account,
			Amount: p.priced.GrandTotal, Status: pi.Status}
		intentID, account, intentStatus = pi.ID, p.account, pi.Status
		if p.card != nil {
			intentStatus = "requires_confirmation" // by confirmSavedCard, once committed
			out.Card.Status = "requires_confirmation"
		}
	}
	billing, _ := json.Marshal(p.billing)
	shipping, _ := json.Marshal(p.shipping)
	if _, err := tx.ExecContext(ctx, `INSERT INTO checkout_orders (tenant_id, id, order_id, customer_id, placed_by_id, idempotency_key, guest,
			contact_name, contact_email, contact_phone, company_name, billing_address, shipping_address, shipping_method, promo_code,
			payment, payment_intent_id, stripe_account, payment_status, over_credit, estimated_ship_on, client_ip, created_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		uuid.Must(uuid.NewV7()).String(), orderID, p.customerID, nullable(p.userID), p.in.IdempotencyKey, p.guest, p.contact.Name, p.contact.Email, p.contact.Phone,
		p.contact.CompanyName, string(billing), string(shipping), p.in.ShippingMethod, p.in.PromoCode, p.in.Payment, intentID, account,
		intentStatus, placed.OverCredit, estimated, clientIP(p.in.Client), now); err != nil {
		return nil, err
	}
	return out, nil
}

// cardAccount is the tenant's connected account for a card checkout.
func (s *CartService) cardAccount(ctx context.Context) (string, error) {
	tn, _ := tenants.FromContext(ctx)
	if tn == nil || tn.Settings.StripeAccount == "" || s.gateway == nil {
		return "", errNoCardPayment
	}
	return tn.Settings.StripeAccount, nil
}

// Checkout implements portal.CartService.
func (s *CartService) Checkout(ctx context.Context, actor *portal.User, in portal.CheckoutInput) (*portal.CheckoutResult, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	in.Now = s.db.Now().UTC()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	account := ""
	if in.Payment == portal.PayByCard {
		var err error
		if account, err = s.cardAccount(ctx); err != nil {
			return nil, err
		}
	}
	var out *portal.CheckoutResult
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		// One checkout of a user at a time: a second submit waits here and
		// then finds the first's order.
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_setting('app.tenant_id') || ' cart ' || ?))`, actor.ID); err != nil {
			return err
		}
		done, err := findCheckoutTx(ctx, tx, actor.CustomerID, in.IdempotencyKey)
		if err != nil {
			return err
		}
		if done != nil {
			if done.placedBy != actor.ID {
				return portal.Errorf(portal.ECONFLICT, "This checkout key was used before; reload the page.")
			}
			out, err = s.result(ctx, done)
			return err
		}
		lines, err := cartLinesTx(ctx, tx, actor.ID, true)
		if err != nil {
			return err
		}
		if len(lines) == 0 {
			return errEmptyCart
		}
		p := placement{in: &in, customerID: actor.CustomerID, userID: actor.ID, account: account,
			contact: portal.GuestContact{Name: actor.Name, Email: actor.Email}, notes: in.Notes}
		if in.PaymentMethodID != "" {
			if p.card, err = lockSavedCard(ctx, tx, actor.CustomerID, in.PaymentMethodID, account); err != nil {
				return err
			}
		}
		if in.BillingAddress != nil {
			p.billing = toCheckoutAddress(*in.BillingAddress, "")
		} else {
			a, err := savedAddressTx(ctx, tx, actor.CustomerID, "billing", in.BillingAddressID)
			if err != nil {
				return err
			}
			if a == nil {
				return &portal.Error{Code: portal.EINVALID, Message: "Choose or enter a billing address.",
					Fields: []portal.FieldError{{Field: "billing_address", Message: "Enter the billing address."}}}
			}
			p.billing = toCheckoutAddress(a.PostalAddress, a.ID)
		}
		if in.ShippingAddress != nil {
			p.shipping = toCheckoutAddress(*in.ShippingAddress, "")
		} else {
			a, err := savedAddressTx(ctx, tx, actor.CustomerID, "shipping", in.ShippingAddressID)
			if err != nil {
				return err
			}
			if a == nil {
				return &portal.Error{Code: portal.EINVALID, Message: "Choose a shipping address.",
					Fields: []portal.FieldError{{Field: "shipping_address_id", Message: "Not one of your shipping addresses."}}}
			}
			p.shipping, p.shipToID = toCheckoutAddress(a.PostalAddress, a.ID), a.ID
		}
		if in.ShippingAddress != nil {
			p.notes = strings.TrimSpace(p.notes + "\nShip to (entered at checkout): " + oneLine(*in.ShippingAddress))
		}
		p.notes = strings.TrimSpace(p.notes + "\nShipping: " + portal.ShippingMethodLabel(in.ShippingMethod))
		cart, priced, err := priceLinesTx(ctx, tx, actor.CustomerID, in.PromoCode, lines, in.Now)
		if err != nil {
			return err
		}
		var fields []portal.FieldError
		for i, l := range cart.Lines {
			if l.Problem != "" {
				fields = append(fields, portal.FieldError{Field: fmt.Sprintf("lines[%d]", i), Message: l.Problem})
			}
			p.lineNotes = append(p.lineNotes, lineNotes(l.CartLineInput))
		}
		if len(fields) > 0 {
			return &portal.Error{Code: portal.EINVALID, Message: "Some lines of your cart cannot be ordered now; change or remove them.", Fields: fields}
		}
		p.priced = priced
		if out, err = s.placeTx(ctx, tx, p); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM cart_lines WHERE user_id = ?`, actor.ID)
		return err
	})
	if err == nil && out.Card != nil && (in.PaymentMethodID != "" || out.Replayed) {
		// A saved card is confirmed now; a replay (a double submit, or a
		// retry after a lost answer) answers the payment as recorded, and
		// confirms a saved card's only if the first submit never did.
		err = s.confirmSavedCard(ctx, out)
	}
	return out, wrapCartErr("checkout", err)
}

// confirmSavedCard confirms the order's saved-card intent at Stripe, only
// once the order and its checkout are committed (as invoice payments do):
// under the checkout row's lock, with a key of the order's own, and only
// while it still needs confirming, so a second submit or a lost answer
// never confirms twice. The answer's status is recorded and returned:
// succeeded or processing, requires_action (3-D Secure, for Stripe.js),
// or requires_payment_method (declined; nothing was charged).
func (s *CartService) confirmSavedCard(ctx context.Context, out *portal.CheckoutResult) error {
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var status, account string
		err := tx.QueryRowContext(ctx, `SELECT payment_status, stripe_account FROM checkout_orders WHERE order_id = ? AND payment_intent_id = ? FOR UPDATE`,
			out.OrderID, out.Card.PaymentIntentID).Scan(&status, &account)
		if err != nil {
			return err
		}
		out.Card.Status = status
		if status != "requires_confirmation" {
			return nil // confirmed by a concurrent submit, or by Stripe's events
		}
		pi, err := s.gateway.ConfirmIntent(ctx, account, out.Card.PaymentIntentID, "checkout-confirm:"+out.OrderID)
		if err != nil {
			return err
		}
		status = pi.Status
		if pi.Declined {
			status = "requires_payment_method"
		}
		if pi.ClientSecret != "" {
			out.Card.ClientSecret = pi.ClientSecret
		}
		out.Card.Status = status
		_, err = tx.ExecContext(ctx, `UPDATE checkout_orders SET payment_status = ? WHERE order_id = ? AND payment_status = 'requires_confirmation'`,
			status, out.OrderID)
		return err
	})
}

// lineNotes is what the order line says of the cart line's configuration.
func lineNotes(l portal.CartLineInput) string {
	var parts []string
	if len(l.Dimensions) > 0 {
		var d []string
		for _, k := range sortedKeys(l.Dimensions) {
			d = append(d, k+" "+l.Dimensions[k])
		}
		parts = append(parts, "Dimensions: "+strings.Join(d, ", "))
	}
	if len(l.Processing) > 0 {
		parts = append(parts, "Processing: "+strings.Join(l.Processing, ", "))
	}
	if l.Notes != "" {
		parts = append(parts, l.Notes)
	}
	return strings.Join(parts, "; ")
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

func oneLine(a portal.PostalAddress) string {
	var parts []string
	for _, s := range []string{a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, ", ")
}

// guestCustomerTx returns the tenant's guest customer, made on the first
// guest order: every guest order belongs to it (no credit, no PO
// requirement); who ordered is in checkout_orders.
func guestCustomerTx(ctx context.Context, tx bun.Tx, now time.Time) (string, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO customers (tenant_id, id, account_number, company_name, type, status, payment_terms,
			credit_limit_minor, created_at, updated_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, 'Guest orders', 'individual', 'active', 'PREPAID', 0, ?, ?)
		ON CONFLICT (tenant_id, account_number) DO NOTHING`, uuid.Must(uuid.NewV7()).String(), portal.GuestAccountNumber, now, now); err != nil {
		return "", err
	}
	var id string
	err := tx.QueryRowContext(ctx, `SELECT id::text FROM customers WHERE account_number = ?`, portal.GuestAccountNumber).Scan(&id)
	return id, err
}

// GuestCheckout implements portal.CartService.
func (s *CartService) GuestCheckout(ctx context.Context, in portal.GuestCheckoutInput) (*portal.CheckoutResult, error) {
	tn, _ := tenants.FromContext(ctx)
	if tn == nil || !tn.Settings.GuestCheckout {
		return nil, errGuestCheckoutOff
	}
	in.Now = s.db.Now().UTC()
	if err := in.Validate(); err != nil {
		return nil, err
	}
	account, err := s.cardAccount(ctx)
	if err != nil {
		return nil, err
	}
	var out *portal.CheckoutResult
	limited := false
	err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		lo, hi := clientRange(in.Client)
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_setting('app.tenant_id') || ' guest checkout ' || coalesce(?::text, '')))`, lo); err != nil {
			return err
		}
		customerID, err := guestCustomerTx(ctx, tx, in.Now)
		if err != nil {
			return err
		}
		done, err := findCheckoutTx(ctx, tx, customerID, in.IdempotencyKey)
		if err != nil {
			return err
		}
		if done != nil {
			if done.email != in.Contact.Email {
				return portal.Errorf(portal.ECONFLICT, "This checkout key was used before; reload the page.")
			}
			out, err = s.result(ctx, done)
			return err
		}
		var recent int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM checkout_orders WHERE guest
				AND (client_ip BETWEEN ?::inet AND ?::inet OR ?::inet IS NULL AND client_ip IS NULL) AND created_at > ?`,
			lo, hi, lo, in.Now.Add(-portal.GuestCheckoutWindow)).Scan(&recent); err != nil {
			return err
		}
		if recent >= portal.MaxGuestCheckoutsPerClient {
			limited = true
			return nil
		}
		items := make([]portal.CartItem, len(in.Items))
		notes := make([]string, len(in.Items))
		for i := range in.Items {
			items[i], notes[i] = in.Items[i].PricingItem(), lineNotes(in.Items[i])
		}
		// A guest is priced as a guest (CustomerID ""): list prices, and
		// no product exclusive to an account.
		priced, err := priceItemsTx(ctx, tx, pricingRequest{Field: "items", PromoCode: in.PromoCode, Items: items, At: in.Now})
		if err != nil {
			return err
		}
		c := in.Contact
		contact := "Guest order: " + c.Name + " <" + c.Email + ">"
		if c.Phone != "" {
			contact += ", " + c.Phone
		}
		if c.CompanyName != "" {
			contact += ", " + c.CompanyName
		}
		out, err = s.placeTx(ctx, tx, placement{in: &in.CheckoutInput, customerID: customerID, priced: priced, lineNotes: notes,
			billing: toCheckoutAddress(*in.BillingAddress, ""), shipping: toCheckoutAddress(*in.ShippingAddress, ""),
			contact: c, guest: true, account: account,
			notes: strings.TrimSpace(contact + "\nShip to: " + oneLine(*in.ShippingAddress) + "\nShipping: " +
				portal.ShippingMethodLabel(in.ShippingMethod) + "\n" + in.Notes)})
		return err
	})
	if err != nil {
		return nil, wrapCartErr("guest checkout", err)
	}
	if limited {
		return nil, portal.Errorf(portal.ERATELIMITED, "Too many orders from your network. Try again in an hour, or sign in.")
	}
	return out, nil
}

// PriceGuestCart implements portal.CartService.
func (s *CartService) PriceGuestCart(ctx context.Context, lines []portal.CartLineInput, promo string) (*portal.Cart, error) {
	tn, _ := tenants.FromContext(ctx)
	if tn == nil || !tn.Settings.GuestCheckout {
		return nil, errGuestCheckoutOff
	}
	if err := portal.ValidateCartLines("items", lines); err != nil {
		return nil, err
	}
	views := make([]portal.CartLineView, len(lines))
	for i := range lines {
		views[i] = portal.CartLineView{CartLineInput: lines[i]}
	}
	var out *portal.Cart
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if out, _, err = priceLinesTx(ctx, tx, "", strings.ToUpper(strings.TrimSpace(promo)), views, s.db.Now()); err != nil {
			return err
		}
		return namesForCart(ctx, tx, out.Lines)
	})
	return out, wrapCartErr("price guest cart", err)
}

// applyCheckoutIntentTx moves a checkout's card payment on by a Stripe
// event (called by CardPaymentService.ApplyCardEvent for an intent that is
// no invoice payment): forward only, so a payment that succeeded stays
// succeeded. An intent that is no checkout's, or of another connected
// account, changes nothing.
func applyCheckoutIntentTx(ctx context.Context, tx bun.Tx, ev portal.CardEvent) error {
	status := map[string]string{"payment_intent.succeeded": "succeeded", "payment_intent.processing": "processing",
		"payment_intent.payment_failed": "requires_payment_method", "payment_intent.canceled": "canceled"}[ev.Type]
	if status == "" {
		return nil
	}
	_, err := tx.ExecContext(ctx, `UPDATE checkout_orders SET payment_status = ?
		WHERE payment_intent_id = ? AND stripe_account = ? AND payment_status NOT IN ('succeeded', 'canceled')`,
		status, ev.PaymentIntentID, ev.Account)
	if err != nil {
		return fmt.Errorf("postgres: checkout payment status: %w", err)
	}
	return nil
}
