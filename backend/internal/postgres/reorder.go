package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

var _ portal.ReorderService = (*ReorderService)(nil)

// ReorderService reorders a customer's past orders (issue 8, spec 000
// reorder flow): today's prices through priceItemsTx, the new order through
// placeOrderTx, so approval rules, the PO requirement, the credit check and
// order.created are those of every other channel.
type ReorderService struct {
	db *DB
}

// NewReorderService returns the service over db (app role).
func NewReorderService(db *DB) *ReorderService { return &ReorderService{db: db} }

// sourceOrder is the order being reordered, as reorderTx reads it.
type sourceOrder struct {
	id, number, currency, shipToID string
	lines                          []portal.ReorderLine
	available                      []int64 // each line's product's stock, thousandths
	// inputPos is each line number's index in the request's lines (set
	// by applyReorderInput), for naming fields as the request does.
	inputPos map[int]int
}

// sourceOrderTx reads a visible order of the customer and its lines, each
// with its product's availability and lead time (Discontinued when the
// product is inactive or the line names none).
func sourceOrderTx(ctx context.Context, tx bun.Tx, customerID, id string) (*sourceOrder, error) {
	if !portal.ValidUUID(id) {
		return nil, errNoOrder
	}
	o := &sourceOrder{id: id}
	err := tx.QueryRowContext(ctx, `SELECT order_number, currency, coalesce(ship_to_id::text, '') FROM orders
		WHERE id = ? AND customer_id = ? AND status <> 'draft'`, id, customerID).Scan(&o.number, &o.currency, &o.shipToID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoOrder
	}
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT l.line_no, coalesce(p.id::text, ''), coalesce(p.code, ''), l.description,
			(l.quantity * 1000)::bigint, l.uom, l.unit_price_minor, l.processing_notes, coalesce(p.active, false),
			(coalesce((SELECT sum(i.quantity_available) FROM inventory i WHERE i.tenant_id = p.tenant_id AND i.product_id = p.id), 0) * 1000)::bigint,
			(coalesce(p.low_stock_level, 0) * 1000)::bigint, coalesce(p.lead_time_days, 0)
		FROM order_lines l LEFT JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
		WHERE l.order_id = ? ORDER BY l.line_no`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		l := portal.ReorderLine{Included: true}
		var active bool
		var available, low int64
		if err := rows.Scan(&l.LineNo, &l.ProductID, &l.ProductCode, &l.Description, &l.QuantityMilli, &l.UOM, &l.OriginalPrice.Amount,
			&l.Notes, &active, &available, &low, &l.LeadTimeDays); err != nil {
			return nil, err
		}
		l.OriginalPrice.Currency = o.currency
		cp := portal.CatalogProduct{QuantityAvailable: available, LowStockLevel: low}
		switch {
		case l.ProductID == "" || !active:
			l.Availability, l.Included = portal.Discontinued, false
		default:
			l.Availability = cp.AvailabilityLevel()
		}
		o.lines = append(o.lines, l)
		o.available = append(o.available, available)
	}
	return o, rows.Err()
}

// Reorder implements portal.ReorderService.
func (s *ReorderService) Reorder(ctx context.Context, actor *portal.User, orderID string, in *portal.ReorderInput) (*portal.Reorder, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	now := s.db.Now().UTC()
	if in != nil {
		in.Now = now
		if err := in.Validate(false); err != nil {
			return nil, err
		}
	}
	var out *portal.Reorder
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		o, err := sourceOrderTx(ctx, tx, actor.CustomerID, orderID)
		if err != nil {
			return err
		}
		if in != nil {
			if err := applyReorderInput(o, in.Lines, false); err != nil {
				return err
			}
		}
		out, _, err = priceReorderTx(ctx, tx, actor, o, in, now, false)
		return err
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: reorder: %w", err)
	}
	out.PlacementID = uuid.Must(uuid.NewV7()).String()
	if in != nil && in.PlacementID != "" {
		out.PlacementID = in.PlacementID
	}
	return out, nil
}

// applyReorderInput includes exactly the lines of in at their quantities.
// A line number the order lacks is a field error; so, when placing, is a
// discontinued line.
func applyReorderInput(o *sourceOrder, in []portal.ReorderLineInput, place bool) error {
	byNo := map[int]int{}
	o.inputPos = map[int]int{}
	for i, l := range in {
		o.inputPos[l.LineNo] = i
	}
	for i := range o.lines {
		o.lines[i].Included = false
		byNo[o.lines[i].LineNo] = i
	}
	var fields []portal.FieldError
	for i, l := range in {
		k, ok := byNo[l.LineNo]
		at := "lines[" + strconv.Itoa(i) + "]."
		switch {
		case !ok:
			fields = append(fields, portal.FieldError{Field: at + "line_no", Message: "The order has no line " + strconv.Itoa(l.LineNo) + "."})
		case o.lines[k].Discontinued():
			if place {
				fields = append(fields, portal.FieldError{Field: at + "line_no", Message: "This product is no longer sold."})
			}
		default:
			o.lines[k].Included, o.lines[k].QuantityMilli = true, l.QuantityMilli()
		}
	}
	if len(fields) > 0 {
		return &portal.Error{Code: portal.EINVALID, Message: "Check the highlighted lines.", Fields: fields}
	}
	return nil
}

// priceReorderTx prices o's lines at today's prices for the actor through
// priceItemsTx: the included lines as the order (its summary is theirs),
// the excluded ones only to show their price. It returns the screen and
// the included lines' CartPrice. Freight and tax are estimated for in's
// shipping method and address (in may be nil: standard, to the order's
// address while it is still one of the account's, else the default).
func priceReorderTx(ctx context.Context, tx bun.Tx, actor *portal.User, o *sourceOrder, in *portal.ReorderInput, now time.Time,
	place bool) (*portal.Reorder, *portal.CartPrice, error) {
	out := &portal.Reorder{OrderID: o.id, OrderNumber: o.number, Lines: o.lines, Warnings: []portal.ReorderWarning{},
		ShippingAddresses: []portal.Address{}, ShippingMethod: portal.ShippingMethods[0]}
	// Delivery options: the account's shipping addresses, the one asked
	// for or the order's preselected while it is still one of them.
	addrs, err := addressesTx(ctx, tx, actor.CustomerID)
	if err != nil {
		return nil, nil, err
	}
	want := o.shipToID
	if in != nil && in.ShippingAddressID != "" {
		want = in.ShippingAddressID
	}
	for _, a := range addrs {
		if a.Kind == "shipping" {
			out.ShippingAddresses = append(out.ShippingAddresses, a)
			if strings.EqualFold(a.ID, want) {
				out.ShippingAddressID = a.ID
			}
		}
	}
	if in != nil && in.ShippingAddressID != "" && out.ShippingAddressID == "" {
		return nil, nil, errShipToNotYours
	}
	if out.ShippingAddressID == "" && len(out.ShippingAddresses) > 0 {
		out.ShippingAddressID = out.ShippingAddresses[0].ID // the default comes first
	}
	var shipTo *portal.ShipTo
	if in != nil && in.ShippingMethod != "" {
		out.ShippingMethod = in.ShippingMethod
	}
	switch {
	case in != nil && in.ShippingAddress != nil:
		out.ShippingAddressID, out.ShippingAddress = "", in.ShippingAddress
		shipTo = &portal.ShipTo{Method: out.ShippingMethod, Country: in.ShippingAddress.Country, Region: in.ShippingAddress.Region}
	case out.ShippingAddressID != "":
		shipTo = &portal.ShipTo{Method: out.ShippingMethod, AddressID: out.ShippingAddressID}
	}
	var included, excluded []int
	for i := range o.lines {
		switch l := &o.lines[i]; {
		case l.Discontinued():
		case l.Included:
			included = append(included, i)
		default:
			excluded = append(excluded, i)
		}
	}
	// price prices the lines idx; a line the pricing path refuses (a
	// product the customer may no longer see, or one that now needs
	// options or dimensions the old line does not have) is left out with
	// its reason when showing the screen, and named as the request's
	// field when placing. It returns the lines priced.
	price := func(idx []int, shipTo *portal.ShipTo) ([]int, *portal.CartPrice, error) {
		for {
			if len(idx) == 0 {
				return idx, &portal.CartPrice{}, nil
			}
			in := portal.CartInput{Items: make([]portal.CartItem, len(idx))}
			for k, i := range idx {
				in.Items[k] = portal.CartItem{ProductID: o.lines[i].ProductID, Quantity: portal.FormatQuantity(o.lines[i].QuantityMilli)}
			}
			if err := in.Validate(); err != nil { // sets each item's quantity; the lines are valid already
				return nil, nil, err
			}
			cp, err := priceItemsTx(ctx, tx, pricingRequest{Field: "lines", CustomerID: actor.CustomerID, Items: in.Items, At: now, ShipTo: shipTo})
			refused := refusedLines(err, len(idx))
			if refused == nil {
				return idx, cp, err
			}
			if place {
				return nil, nil, renameLineFields(err.(*portal.Error), func(k int) int { return o.inputPos[o.lines[idx[k]].LineNo] })
			}
			var kept []int
			for k, i := range idx {
				if msg, ok := refused[k]; ok {
					o.lines[i].Problem, o.lines[i].Included = msg, false
				} else {
					kept = append(kept, i)
				}
			}
			idx = kept
		}
	}
	included, priced, err := price(included, shipTo)
	if err != nil {
		return nil, nil, err
	}
	excluded, others, err := price(excluded, nil)
	if err != nil {
		return nil, nil, err
	}
	set := func(idx []int, p *portal.CartPrice) {
		for k, i := range idx {
			l, c := &out.Lines[i], p.Items[k]
			l.CurrentPrice, l.PriceSource, l.Total, l.UOM = c.Price.Unit, c.Price.Source, c.Total, c.UOM
			l.PriceChanged = c.Price.Unit != l.OriginalPrice
		}
	}
	set(included, priced)
	set(excluded, others)
	maxLead := 0
	for i := range out.Lines {
		l := &out.Lines[i]
		if !l.Orderable() {
			l.CurrentPrice, l.Total, l.PriceChanged = portal.Money{Currency: o.currency}, portal.Money{Currency: o.currency}, false
		}
		if l.Availability == portal.InStock && l.QuantityMilli > o.available[i] {
			l.Availability = portal.LowStock // not enough for this line's quantity
		}
		if l.Included {
			maxLead = max(maxLead, l.LeadTimeDays)
		}
		name := orDash(l.ProductCode, l.Description)
		switch {
		case l.Problem != "":
			out.Warnings = append(out.Warnings, portal.ReorderWarning{Type: portal.WarnNeedsOptions, LineNo: l.LineNo,
				Message: name + " cannot be reordered as it was: " + l.Problem + " Order it from the shop or request a quote."})
		case l.Discontinued():
			out.Warnings = append(out.Warnings, portal.ReorderWarning{Type: portal.WarnDiscontinued, LineNo: l.LineNo,
				Message: name + " is no longer available and is left out."})
		case l.Availability == portal.OutOfStock:
			out.Warnings = append(out.Warnings, portal.ReorderWarning{Type: portal.WarnOutOfStock, LineNo: l.LineNo,
				Message: name + " is out of stock; it ships when it is back in stock."})
		}
		if l.PriceChanged {
			out.Warnings = append(out.Warnings, portal.ReorderWarning{Type: portal.WarnPriceChanged, LineNo: l.LineNo,
				Message: fmt.Sprintf("The price of %s changed from %s to %s.", name, moneyText(l.OriginalPrice), moneyText(l.CurrentPrice))})
		}
	}
	cur := o.currency
	if priced.GrandTotal.Currency != "" {
		cur = priced.GrandTotal.Currency
	}
	out.Subtotal, out.Freight, out.Tax, out.GrandTotal = priced.Subtotal, priced.Freight, priced.Tax, priced.GrandTotal
	out.Estimate = priced.Estimate
	for _, m := range []*portal.Money{&out.Subtotal, &out.Freight, &out.Tax, &out.GrandTotal} {
		m.Currency = cur
	}
	out.EarliestDate = dateOnly(now).AddDate(0, 0, maxLead)
	sum, _, _, err := accountSummaryTx(ctx, tx, actor.CustomerID)
	if err != nil {
		return nil, nil, err
	}
	out.AvailableCredit, out.PaymentTerms = sum.AvailableCredit, sum.PaymentTerms
	if err := tx.QueryRowContext(ctx, `SELECT po_required FROM customers WHERE id = ?`, actor.CustomerID).Scan(&out.PORequired); err != nil {
		return nil, nil, err
	}
	if len(included) > 0 && out.AvailableCredit.Amount < out.GrandTotal.Amount {
		out.CreditWarning = portal.CreditReviewWarning
	}
	if len(included) > 0 {
		m, err := approvalRuleTx(ctx, tx, actor.CustomerID, actor.ID, out.GrandTotal)
		if err != nil {
			return nil, nil, err
		}
		out.NeedsApproval = m != nil
	}
	return out, priced, nil
}

func orDash(code, description string) string {
	if code != "" {
		return code
	}
	return description
}

// moneyText is an amount for a warning's text: "$1,234.50" for dollars,
// "1234.50 EUR" otherwise.
func moneyText(m portal.Money) string {
	s := string(decimalMinor(m.Amount))
	if m.Currency == "USD" {
		whole, frac, _ := strings.Cut(s, ".")
		var b strings.Builder
		for i, r := range whole {
			if i > 0 && (len(whole)-i)%3 == 0 && r != '-' {
				b.WriteByte(',')
			}
			b.WriteRune(r)
		}
		return "$" + b.String() + "." + frac
	}
	return s + " " + m.Currency
}

// PlaceReorder implements portal.ReorderService.
func (s *ReorderService) PlaceReorder(ctx context.Context, actor *portal.User, orderID string, in portal.ReorderInput) (*portal.ReorderPlaced, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	now := s.db.Now().UTC()
	in.Now = now
	in.Lines = slices.Clone(in.Lines) // Validate fills them in: not the caller's
	if err := in.Validate(true); err != nil {
		return nil, err
	}
	var out *portal.ReorderPlaced
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		if out, err = placedReorderTx(ctx, tx, actor, in.PlacementID); out != nil || err != nil {
			return err
		}
		o, err := sourceOrderTx(ctx, tx, actor.CustomerID, orderID)
		if err != nil {
			return err
		}
		if err := applyReorderInput(o, in.Lines, true); err != nil {
			return err
		}
		screen, priced, err := priceReorderTx(ctx, tx, actor, o, &in, now, true)
		if err != nil {
			return err
		}
		if in.RequestedDate != "" && in.RequestedDate < screen.EarliestDate.Format(time.DateOnly) {
			return &portal.Error{Code: portal.EINVALID, Message: "Check the requested date.", Fields: []portal.FieldError{{
				Field: "requested_date", Message: "The earliest date is " + screen.EarliestDate.Format(time.DateOnly) + "."}}}
		}
		var notes []string
		for _, l := range o.lines {
			if l.Included {
				notes = append(notes, l.Notes)
			}
		}
		// The order ships where its freight and tax were estimated for: a
		// saved address, or a new one written into the notes for the ERP
		// (as checkout does).
		orderNotes := in.SpecialInstructions
		if in.ShippingAddress != nil {
			orderNotes += "\nShip to (entered at reorder): " + oneLine(*in.ShippingAddress)
		}
		orderNotes = strings.TrimSpace(orderNotes + "\nShipping: " + portal.ShippingMethodLabel(screen.ShippingMethod))
		placed, err := placeOrderTx(ctx, tx, &orderPlacement{ID: in.PlacementID, CustomerID: actor.CustomerID, PlacedByID: actor.ID,
			Source: "portal", PONumber: in.PONumber, ShipToID: screen.ShippingAddressID, RequestedOn: in.RequestedDate,
			Notes: orderNotes, Priced: priced, LineNotes: notes, OnAccount: true, Now: now})
		if err != nil {
			return err
		}
		ship := screen.EarliestDate
		if d, err := time.Parse(time.DateOnly, in.RequestedDate); err == nil && d.After(ship) {
			ship = d
		}
		out = &portal.ReorderPlaced{OrderID: in.PlacementID, OrderNumber: placed.Number, Status: placed.CustomerStatus(),
			Total: priced.GrandTotal, Freight: priced.Freight, Tax: priced.Tax, EstimatedShipDate: ship, AwaitingApproval: placed.PendingApproval}
		if placed.OverCredit {
			out.CreditWarning = portal.CreditReviewWarning
		}
		return nil
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" && pgErr.ConstraintName == "orders_pkey" {
		// A second submit raced the first and lost: the first's order is
		// the answer.
		err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) (err error) {
			out, err = placedReorderTx(ctx, tx, actor, in.PlacementID)
			if out == nil && err == nil {
				err = errPlacementTaken
			}
			return err
		})
	}
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: place reorder: %w", err)
	}
	return out, nil
}

var errPlacementTaken = portal.Errorf(portal.ECONFLICT, "This placement id is taken; reload the reorder screen.")

// placedReorderTx is the order a placement id already placed for the
// actor's customer (a second submit), or nil when there is none. An id
// taken by anything else is ECONFLICT.
func placedReorderTx(ctx context.Context, tx bun.Tx, actor *portal.User, id string) (*portal.ReorderPlaced, error) {
	var customerID, number, status, currency string
	var total, freight, tax int64
	var requested sql.NullTime
	var created time.Time
	err := tx.QueryRowContext(ctx, `SELECT customer_id::text, order_number, status, total_minor, freight_minor, tax_minor, currency, requested_date, created_at
		FROM orders WHERE id = ?`, id).Scan(&customerID, &number, &status, &total, &freight, &tax, &currency, &requested, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if !strings.EqualFold(customerID, actor.CustomerID) {
		return nil, errPlacementTaken
	}
	out := &portal.ReorderPlaced{OrderID: id, OrderNumber: number, Status: customerOrderStatus(status),
		Total: portal.Money{Amount: total, Currency: currency}, Freight: portal.Money{Amount: freight, Currency: currency},
		Tax: portal.Money{Amount: tax, Currency: currency}, EstimatedShipDate: dateOnly(created),
		AwaitingApproval: status == portal.OrderDraft, Replayed: true}
	if requested.Valid {
		out.EstimatedShipDate = requested.Time
	}
	return out, nil
}

// refusedLines reads which of n priced lines the pricing path refused, by
// their index, with the reason: nil unless err is a field error naming
// only lines ("lines[3].product_id").
func refusedLines(err error, n int) map[int]string {
	var pe *portal.Error
	if !errors.As(err, &pe) || pe.Code != portal.EINVALID || len(pe.Fields) == 0 {
		return nil
	}
	out := map[int]string{}
	for _, f := range pe.Fields {
		k, ok := lineIndex(f.Field, "lines")
		if !ok || k >= n {
			return nil
		}
		out[k] = f.Message
	}
	return out
}

// renameLineFields renames err's "lines[k]…" fields to the request's index
// of the same line.
func renameLineFields(err *portal.Error, pos func(k int) int) error {
	out := &portal.Error{Code: err.Code, Message: err.Message}
	for _, f := range err.Fields {
		if k, ok := lineIndex(f.Field, "lines"); ok {
			_, tail, _ := strings.Cut(f.Field, "]")
			f.Field = "lines[" + strconv.Itoa(pos(k)) + "]" + tail
		}
		out.Fields = append(out.Fields, f)
	}
	return out
}
