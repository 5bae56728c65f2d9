package postgres

import (
	"context"
	"fmt"
	"io"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// The e-commerce API's customer side: cart prices, orders, quotes, the
// account and documents, always of the customer token's own customer.

// pricingRequest is what priceItemsTx prices: the lines of a cart, an
// order, a reorder or a quote, for one customer at one moment.
type pricingRequest struct {
	Field      string // the lines' field in the request, for errors: items, line_items
	CustomerID string // "" for a guest
	PromoCode  string // "" for none
	Items      []portal.CartItem
	At         time.Time
	// ShipTo, when not nil, estimates freight and tax for it
	// (portal.EstimateFreightTax under the tenant's settings); nil: both
	// zero, not estimated.
	ShipTo *portal.ShipTo
}

// priceItemsTx prices r's lines through portal.PriceFor: the one pricing
// path of the shop, the cart, checkout, reorder, quotes and the e-commerce
// API. It reads everything in a fixed number of statements whatever the
// number of lines (the products the customer may see, their pricing data,
// their configuration, the promo code). A product that is unknown,
// inactive or not the customer's to see (another customer's exclusive
// product, any exclusive product for a guest) is a field error of its
// line, as are processing options the product does not offer and
// required dimensions missing or out of range. A promo code that does
// not apply is a field error of promo_code. With a ship-to, freight and
// tax are estimated (one statement more: the customer's tax exemption and
// the saved address's country and region); an address that is not one of
// the customer's shipping addresses is a field error of
// shipping_address_id.
func priceItemsTx(ctx context.Context, tx bun.Tx, r pricingRequest) (*portal.CartPrice, error) {
	field, items := r.Field, r.Items
	ids := make([]string, 0, len(items))
	for i := range items {
		ids = append(ids, strings.ToLower(items[i].ProductID))
	}
	products, err := visibleProductsTx(ctx, tx, r.CustomerID, ids)
	if err != nil {
		return nil, err
	}
	found := make([]string, 0, len(products))
	for id := range products {
		found = append(found, id)
	}
	pricing, err := loadPricingTx(ctx, tx, r.CustomerID, found, r.At)
	if err != nil {
		return nil, err
	}
	configs, err := productConfigTx(ctx, tx, found)
	if err != nil {
		return nil, err
	}
	out := &portal.CartPrice{Items: make([]portal.CartLine, 0, len(items))}
	var fields []portal.FieldError
	currency := ""
	for i := range items {
		it := &items[i]
		at := field + "[" + strconv.Itoa(i) + "]."
		p := products[strings.ToLower(it.ProductID)]
		if p == nil {
			fields = append(fields, portal.FieldError{Field: at + "product_id", Message: "No such product."})
			continue
		}
		if it.UOM != "" && it.UOM != p.PricingUOM {
			fields = append(fields, portal.FieldError{Field: at + "uom", Message: "This product is sold per " + p.PricingUOM + "."})
			continue
		}
		if currency == "" {
			currency = p.ListPrice.Currency
		} else if currency != p.ListPrice.Currency {
			fields = append(fields, portal.FieldError{Field: at + "product_id",
				Message: "Priced in " + p.ListPrice.Currency + ", the other lines in " + currency + "."})
			continue
		}
		l := portal.CartLine{ProductID: p.ID, Code: p.Code, Name: p.Name, QuantityMilli: it.QuantityMilli(), UOM: p.PricingUOM,
			ListPrice: p.ListPrice, Processing: portal.Money{Currency: currency}}
		cfg := configs[p.ID]
		if cfg == nil {
			cfg = &productConfig{}
		}
		var bad []portal.FieldError
		l.ProcessingCodes, l.Processing.Amount, bad = lineProcessing(at, cfg, it.Processing)
		fields = append(fields, bad...)
		l.DimensionsMilli, bad = lineDimensions(at, cfg, it.Dimensions)
		fields = append(fields, bad...)
		l.Price = portal.PriceFor(p, pricing[p.ID], it.QuantityMilli(), r.At)
		if q := it.QuantityMilli(); l.Price.Unit.Amount > 0 && q > (math.MaxInt64-500)/l.Price.Unit.Amount {
			fields = append(fields, portal.FieldError{Field: at + "quantity", Message: "Too large an amount to price."})
			continue
		}
		l.Total = portal.Money{Amount: portal.LineTotal(l.Price.Unit.Amount, it.QuantityMilli()), Currency: currency}
		if out.Subtotal.Amount > math.MaxInt64/2-l.Total.Amount || out.Processing.Amount > math.MaxInt64/2-l.Processing.Amount {
			fields = append(fields, portal.FieldError{Field: at + "quantity", Message: "Too large an amount to price."})
			continue
		}
		out.Subtotal.Amount += l.Total.Amount
		out.Processing.Amount += l.Processing.Amount
		out.Items = append(out.Items, l)
	}
	if len(fields) > 0 {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Check the highlighted lines.", Fields: fields}
	}
	out.Subtotal.Currency, out.Processing.Currency, out.Freight.Currency, out.Tax.Currency = currency, currency, currency, currency
	out.Discount = portal.Money{Currency: currency}
	if code := strings.TrimSpace(r.PromoCode); code != "" {
		c, err := promoCodeTx(ctx, tx, code)
		if err != nil {
			return nil, err
		}
		d, problem := portal.PromoDiscount(c, out.Subtotal, r.At)
		if problem != "" {
			return nil, &portal.Error{Code: portal.EINVALID, Message: problem, Fields: []portal.FieldError{{Field: "promo_code", Message: problem}}}
		}
		out.Discount, out.PromoCode = d, c.Code
	}
	if r.ShipTo != nil {
		goods := portal.Money{Amount: out.Subtotal.Amount + out.Processing.Amount - out.Discount.Amount, Currency: currency}
		est, err := estimateFreightTaxTx(ctx, tx, r.CustomerID, r.ShipTo, goods)
		if err != nil {
			return nil, err
		}
		out.Freight, out.Tax, out.Estimate = est.Freight, est.Tax, est
	}
	out.GrandTotal = portal.Money{Amount: out.Subtotal.Amount + out.Processing.Amount + out.Freight.Amount + out.Tax.Amount - out.Discount.Amount,
		Currency: currency}
	return out, nil
}

var errShipToNotYours = &portal.Error{Code: portal.EINVALID, Message: "Choose one of your shipping addresses.",
	Fields: []portal.FieldError{{Field: "shipping_address_id", Message: "Not one of your shipping addresses."}}}

// estimateFreightTaxTx estimates freight and tax of goods shipped to to
// for customerID ("" for a guest): the saved address's country and region
// and the customer's tax exemption are read in one statement.
func estimateFreightTaxTx(ctx context.Context, tx bun.Tx, customerID string, to *portal.ShipTo, goods portal.Money) (*portal.FreightTax, error) {
	if err := to.Validate(); err != nil {
		return nil, err
	}
	ship, exempt := *to, false
	switch {
	case ship.AddressID != "" && customerID == "":
		return nil, errShipToNotYours
	case ship.AddressID != "":
		var found bool
		if err := tx.QueryRowContext(ctx, `SELECT c.tax_exempt, a.id IS NOT NULL, coalesce(a.country, ''), coalesce(a.region, '')
			FROM customers c LEFT JOIN addresses a ON a.customer_id = c.id AND a.id = ? AND a.kind = 'shipping'
			WHERE c.id = ?`, ship.AddressID, customerID).Scan(&exempt, &found, &ship.Country, &ship.Region); err != nil {
			return nil, err
		}
		if !found {
			return nil, errShipToNotYours
		}
	case customerID != "":
		if err := tx.QueryRowContext(ctx, `SELECT tax_exempt FROM customers WHERE id = ?`, customerID).Scan(&exempt); err != nil {
			return nil, err
		}
	}
	var settings *tenants.Settings
	if tn, ok := tenants.FromContext(ctx); ok {
		settings = &tn.Settings
	}
	est := portal.EstimateFreightTax(settings, ship, goods, exempt)
	return &est, nil
}

// lineProcessing checks a line's processing codes against what the
// product offers and adds up their charges.
func lineProcessing(at string, cfg *productConfig, codes []string) ([]string, int64, []portal.FieldError) {
	var fields []portal.FieldError
	var total int64
	seen := map[string]bool{}
	out := make([]string, 0, len(codes))
	for j, code := range codes {
		var opt *portal.ProcessingOption
		for k := range cfg.Processing {
			if cfg.Processing[k].Code == code {
				opt = &cfg.Processing[k]
			}
		}
		switch {
		case opt == nil:
			fields = append(fields, portal.FieldError{Field: at + "processing[" + strconv.Itoa(j) + "]", Message: "This product does not offer this processing."})
		case seen[code]:
			fields = append(fields, portal.FieldError{Field: at + "processing[" + strconv.Itoa(j) + "]", Message: "Chosen twice."})
		default:
			seen[code] = true
			total += opt.Charge.Amount
			out = append(out, code)
		}
	}
	return out, total, fields
}

// lineDimensions checks a line's dimensions: each the product requires,
// given and within its limits, and no others.
func lineDimensions(at string, cfg *productConfig, dims map[string]string) (map[string]int64, []portal.FieldError) {
	var fields []portal.FieldError
	var out map[string]int64
	for _, d := range cfg.Dimensions {
		v, given := dims[d.Name]
		milli, ok := portal.ParseQuantity(strings.TrimSpace(v))
		switch {
		case !given || strings.TrimSpace(v) == "":
			fields = append(fields, portal.FieldError{Field: at + "dimensions." + d.Name, Message: "Enter the " + strings.ToLower(d.Label) + "."})
		case !ok:
			fields = append(fields, portal.FieldError{Field: at + "dimensions." + d.Name, Message: "Give a number with at most 3 decimals."})
		case milli < d.MinMilli || milli > d.MaxMilli:
			fields = append(fields, portal.FieldError{Field: at + "dimensions." + d.Name, Message: "Give " + portal.FormatQuantity(d.MinMilli) +
				" to " + portal.FormatQuantity(d.MaxMilli) + " " + d.Unit + "."})
		default:
			if out == nil {
				out = map[string]int64{}
			}
			out[d.Name] = milli
		}
	}
	for _, name := range slices.Sorted(maps.Keys(dims)) {
		if !slices.ContainsFunc(cfg.Dimensions, func(d portal.RequiredDimension) bool { return d.Name == name }) {
			fields = append(fields, portal.FieldError{Field: at + "dimensions." + name, Message: "This product takes no such dimension."})
		}
	}
	return out, fields
}

// shippingAddressTx checks that id is a shipping address of customerID.
func shippingAddressTx(ctx context.Context, tx bun.Tx, customerID, id string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM addresses WHERE id = ? AND customer_id = ? AND kind = 'shipping'`,
		id, customerID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errNoShipTo
	}
	return nil
}

// PriceCart implements portal.EcommerceService.
func (s *EcommerceService) PriceCart(ctx context.Context, sh *portal.Shopper, in portal.CartInput) (*portal.CartPrice, error) {
	if sh.CustomerID() == "" {
		return nil, errNeedsToken
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *portal.CartPrice
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		if in.ShippingAddressID != "" {
			if err := shippingAddressTx(ctx, tx, sh.CustomerID(), in.ShippingAddressID); err != nil {
				return err
			}
		}
		var err error
		out, err = priceItemsTx(ctx, tx, pricingRequest{Field: "items", CustomerID: sh.CustomerID(), Items: in.Items, At: s.db.Now(),
			PromoCode: in.PromoCode, ShipTo: in.ShipTo()})
		return err
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: price cart: %w", err)
	}
	return out, nil
}

// nextNumberTx takes the tenant's next number of kind this year, e.g.
// SO-2026-0019 for prefix SO.
func nextNumberTx(ctx context.Context, tx bun.Tx, kind, prefix string, now time.Time) (string, error) {
	year := now.UTC().Year()
	var n int64
	err := tx.QueryRowContext(ctx, `INSERT INTO number_counters (tenant_id, kind, period, last_value)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, 1)
		ON CONFLICT (tenant_id, kind, period) DO UPDATE SET last_value = number_counters.last_value + 1
		RETURNING last_value`, kind, year).Scan(&n)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%d-%04d", prefix, year, n), nil
}

// CreateOrder implements portal.EcommerceService. The order is the
// ERP's to confirm: it starts pending review, priced by portal.PriceFor.
func (s *EcommerceService) CreateOrder(ctx context.Context, sh *portal.Shopper, in portal.EcommerceOrderInput) (*portal.EcommerceOrderCreated, error) {
	if sh.CustomerID() == "" {
		return nil, errNeedsToken
	}
	now := s.db.Now().UTC()
	in.Now = now
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if !strings.EqualFold(in.CustomerID, sh.CustomerID()) {
		return nil, errNoEcomCustomer
	}
	out := &portal.EcommerceOrderCreated{ID: uuid.Must(uuid.NewV7()).String()}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := shippingAddressTx(ctx, tx, in.CustomerID, in.ShippingAddressID); err != nil {
			return err
		}
		// Freight and tax as the cart price estimates them for this
		// address (standard delivery).
		priced, err := priceItemsTx(ctx, tx, pricingRequest{Field: "line_items", CustomerID: in.CustomerID, Items: in.Lines, At: now,
			ShipTo: &portal.ShipTo{Method: portal.ShippingMethods[0], AddressID: in.ShippingAddressID}})
		if err != nil {
			return err
		}
		notes := make([]string, len(in.Lines))
		for i := range in.Lines {
			notes[i] = in.Lines[i].LineNotes
		}
		placed, err := placeOrderTx(ctx, tx, &orderPlacement{ID: out.ID, CustomerID: in.CustomerID, PlacedByID: sh.User.ID,
			Source: "ecommerce", PONumber: in.PONumber, ShipToID: in.ShippingAddressID, RequestedOn: in.RequestedShipDate,
			Notes: in.SpecialInstructions, Priced: priced, LineNotes: notes, OnAccount: true, Now: now})
		if err != nil {
			return err
		}
		out.OrderNumber, out.EstimatedTotal = placed.Number, priced.GrandTotal
		out.Status = placed.CustomerStatus()
		return nil
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: ecommerce order: %w", err)
	}
	return out, nil
}

// Orders implements portal.EcommerceService.
func (s *EcommerceService) Orders(ctx context.Context, sh *portal.Shopper, f portal.EcommerceOrderFilter) ([]portal.OrderSummary, int, error) {
	if sh.CustomerID() == "" {
		return nil, 0, errNeedsToken
	}
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	where, args := "o.customer_id = ? AND o.status <> 'draft'", []any{sh.CustomerID()}
	if f.Status != "" {
		where += " AND o.status IN (?)"
		args = append(args, bun.In(portal.InternalOrderStatuses(f.Status)))
	}
	if f.From != nil {
		where += " AND o.order_date >= ?"
		args = append(args, f.From.Format(time.DateOnly))
	}
	if f.To != nil {
		where += " AND o.order_date <= ?"
		args = append(args, f.To.Format(time.DateOnly))
	}
	var out []portal.OrderSummary
	var total int
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM orders o WHERE "+where, args...).Scan(&total); err != nil {
			return err
		}
		var err error
		out, err = querySummaries(ctx, tx, "SELECT "+orderSummaryColumns+" FROM orders o WHERE "+where+
			" ORDER BY o.order_date DESC, o.order_number DESC LIMIT ? OFFSET ?", append(args, f.PageSize, (f.Page-1)*f.PageSize)...)
		return err
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: ecommerce orders: %w", err)
	}
	return out, total, nil
}

// Order implements portal.EcommerceService: the portal's order detail of
// the token's customer, and the order's documents.
func (s *EcommerceService) Order(ctx context.Context, sh *portal.Shopper, id string) (*portal.EcommerceOrder, error) {
	if sh.CustomerID() == "" {
		return nil, errNeedsToken
	}
	o, err := s.orders.FindOrderByID(ctx, sh.User, id)
	if err != nil {
		return nil, err
	}
	out := &portal.EcommerceOrder{Order: o, Documents: []portal.Document{}}
	err = s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id::text, type, name, content_type, size_bytes, created_at FROM documents
			WHERE customer_id = ? AND order_id = ? AND expires_at > ? ORDER BY created_at, id`, sh.CustomerID(), o.ID, s.db.Now())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d := portal.Document{CustomerID: sh.CustomerID(), OrderID: o.ID, OrderNumber: o.OrderNumber}
			if err := rows.Scan(&d.ID, &d.Type, &d.Name, &d.ContentType, &d.SizeBytes, &d.CreatedAt); err != nil {
				return err
			}
			out.Documents = append(out.Documents, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: ecommerce order documents: %w", err)
	}
	return out, nil
}

// RequestQuote implements portal.EcommerceService.
func (s *EcommerceService) RequestQuote(ctx context.Context, sh *portal.Shopper, in portal.QuoteRequestInput) (*portal.QuoteCreated, error) {
	if sh.CustomerID() == "" {
		return nil, errNeedsToken
	}
	now := s.db.Now().UTC()
	in.Now = now
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if !strings.EqualFold(in.CustomerID, sh.CustomerID()) {
		return nil, errNoEcomCustomer
	}
	q := &portal.QuoteCreated{ID: uuid.Must(uuid.NewV7()).String()}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var fields []portal.FieldError
		for i, l := range in.Lines {
			if l.ProductID == "" {
				continue
			}
			if _, err := catalogProductTx(ctx, tx, l.ProductID); portal.ErrorCode(err) == portal.ENOTFOUND {
				fields = append(fields, portal.FieldError{Field: "line_items[" + strconv.Itoa(i) + "].product_id", Message: "No such product."})
			} else if err != nil {
				return err
			}
		}
		if len(fields) > 0 {
			return &portal.Error{Code: portal.EINVALID, Message: "Check the highlighted lines.", Fields: fields}
		}
		r := &quoteRecord{ID: q.ID, CustomerID: in.CustomerID, RequestedByID: sh.User.ID, Status: portal.QuoteSubmitted,
			Source: "ecommerce", Type: portal.QuoteTypes[0], NeededBy: in.NeededByDate, Instructions: in.SpecialInstructions, Now: now}
		for _, l := range in.Lines {
			r.Lines = append(r.Lines, quoteLineRecord{ProductID: l.ProductID, Description: l.ProductDescription,
				QuantityMilli: l.QuantityMilli(), UOM: l.UOM, Processing: l.ProcessingRequirements})
		}
		created, err := insertQuoteTx(ctx, tx, r)
		if err != nil {
			return err
		}
		q = created
		return nil
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: ecommerce quote: %w", err)
	}
	return q, nil
}

// Customer implements portal.EcommerceService: the account overview of
// the portal, for the token's own customer only.
func (s *EcommerceService) Customer(ctx context.Context, sh *portal.Shopper, id string) (*portal.AccountOverview, error) {
	if sh.CustomerID() == "" {
		return nil, errNeedsToken
	}
	if !strings.EqualFold(id, sh.CustomerID()) {
		return nil, errNoEcomCustomer
	}
	return s.orders.AccountOverview(ctx, sh.User)
}

// OpenDocument implements portal.EcommerceService.
func (s *EcommerceService) OpenDocument(ctx context.Context, sh *portal.Shopper, id string) (*portal.Document, io.ReadCloser, error) {
	if sh.CustomerID() == "" {
		return nil, nil, errNeedsToken
	}
	if s.docs.objects == nil {
		if _, err := s.docs.Document(ctx, sh.User, id); err != nil {
			return nil, nil, err
		}
		return nil, nil, portal.Errorf(portal.EUNAVAILABLE, "The document store is not configured.")
	}
	return s.docs.Open(ctx, sh.User, id, "stream")
}
