package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

// CartService implements portal.CartService: the server-side cart of each
// signed-in customer user, quick order, and checkout (checkout.go).
//
// The cart keeps products, quantities and configurations, never prices:
// every read prices it through priceItemsTx, the one pricing path, so a
// changed price or a product no longer sold shows at once.
type CartService struct {
	db      *DB
	gateway portal.CardGateway
}

var _ portal.CartService = (*CartService)(nil)

// NewCartService returns the cart; gateway pays checkouts by card (nil:
// no card payments).
func NewCartService(db *DB, gateway portal.CardGateway) *CartService {
	return &CartService{db: db, gateway: gateway}
}

var errNoCartLine = portal.Errorf(portal.ENOTFOUND, "No such line in your cart.")

const cartLineColumns = `id::text, product_id::text, quantity_milli, uom, dimensions::text, array_to_json(processing)::text, notes`

// scanCartLines reads rows of cartLineColumns (purchase list items too).
func scanCartLines(rows *sql.Rows) ([]portal.CartLineView, error) {
	defer rows.Close()
	var out []portal.CartLineView
	for rows.Next() {
		var l portal.CartLineView
		var q int64
		var dims, proc string
		if err := rows.Scan(&l.ID, &l.ProductID, &q, &l.UOM, &dims, &proc, &l.Notes); err != nil {
			return nil, err
		}
		l.SetQuantityMilli(q)
		if err := json.Unmarshal([]byte(dims), &l.Dimensions); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(proc), &l.Processing); err != nil {
			return nil, err
		}
		if len(l.Dimensions) == 0 {
			l.Dimensions = nil
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// cartLinesTx reads the user's cart in the order lines were added;
// forUpdate locks them (checkout).
func cartLinesTx(ctx context.Context, tx bun.Tx, userID string, forUpdate bool) ([]portal.CartLineView, error) {
	q := `SELECT ` + cartLineColumns + ` FROM cart_lines WHERE user_id = ? ORDER BY created_at, id`
	if forUpdate {
		q += " FOR UPDATE"
	}
	rows, err := tx.QueryContext(ctx, q, userID)
	if err != nil {
		return nil, err
	}
	return scanCartLines(rows)
}

// priceLinesTx prices lines through priceItemsTx. A line that cannot be
// priced now (a product no longer sold, a unit changed) keeps its place
// with its Problem set, and the others are priced without it; priced is
// the pricing of the lines without a problem, in order.
func priceLinesTx(ctx context.Context, tx bun.Tx, customerID, promo string, shipTo *portal.ShipTo, lines []portal.CartLineView,
	at time.Time) (*portal.Cart, *portal.CartPrice, error) {
	ok := make([]int, 0, len(lines)) // indexes into lines of the lines priced
	for i := range lines {
		lines[i].Problem = ""
		ok = append(ok, i)
	}
	var priced *portal.CartPrice
	for attempt := 0; ; attempt++ {
		items := make([]portal.CartItem, len(ok))
		for k, i := range ok {
			items[k] = lines[i].PricingItem()
		}
		var err error
		if len(items) == 0 {
			priced = &portal.CartPrice{}
			break
		}
		priced, err = priceItemsTx(ctx, tx, pricingRequest{Field: "lines", CustomerID: customerID, PromoCode: promo, Items: items, At: at, ShipTo: shipTo})
		var pe *portal.Error
		if err == nil {
			break
		}
		if !errors.As(err, &pe) || pe.Code != portal.EINVALID || len(pe.Fields) == 0 || attempt > 2 {
			return nil, nil, err
		}
		bad := map[int]string{}
		for _, f := range pe.Fields {
			n, ok := lineIndex(f.Field, "lines")
			if !ok {
				return nil, nil, err // about the whole cart (a promo code, say)
			}
			if bad[n] == "" {
				bad[n] = f.Message
			}
		}
		kept := ok[:0:0]
		for k, i := range ok {
			if msg, isBad := bad[k]; isBad {
				lines[i].Problem = msg
				continue
			}
			kept = append(kept, i)
		}
		ok = kept
	}
	cart := &portal.Cart{Lines: lines, Subtotal: priced.Subtotal, Freight: priced.Freight, Tax: priced.Tax, Estimate: priced.Estimate,
		Total: priced.GrandTotal}
	if len(lines) == 0 {
		cart.Lines = []portal.CartLineView{}
	}
	for k, i := range ok {
		p := priced.Items[k]
		l := &cart.Lines[i]
		l.Code, l.Name, l.UOM, l.ListPrice, l.UnitPrice, l.Source, l.Total = p.Code, p.Name, p.UOM, p.ListPrice, p.Price.Unit, p.Price.Source, p.Total
	}
	cart.ItemCount = len(ok)
	// What the pricing path takes off the lines' sum (a promo code) is
	// the discount.
	if d := priced.Subtotal.Amount + priced.Processing.Amount + priced.Freight.Amount + priced.Tax.Amount - priced.GrandTotal.Amount; d > 0 {
		cart.Discount = portal.Money{Amount: d, Currency: priced.GrandTotal.Currency}
	} else {
		cart.Discount = portal.Money{Currency: priced.GrandTotal.Currency}
	}
	return cart, priced, nil
}

// lineIndex reads n from "field[n]…" (n ≥ 0).
func lineIndex(f, field string) (int, bool) {
	rest, ok := strings.CutPrefix(f, field+"[")
	if !ok {
		return 0, false
	}
	num, _, ok := strings.Cut(rest, "]")
	n, err := strconv.Atoi(num)
	return n, ok && err == nil && n >= 0
}

// namesForCart fills the name and code of lines that could not be priced.
func namesForCart(ctx context.Context, tx bun.Tx, lines []portal.CartLineView) error {
	for i := range lines {
		if lines[i].Code != "" {
			continue
		}
		if err := tx.QueryRowContext(ctx, `SELECT code, name FROM products WHERE id = ?`, lines[i].ProductID).
			Scan(&lines[i].Code, &lines[i].Name); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	return nil
}

// cartTx reads and prices the user's cart.
func (s *CartService) cartTx(ctx context.Context, tx bun.Tx, actor *portal.User, promo string, shipTo *portal.ShipTo) (*portal.Cart, error) {
	lines, err := cartLinesTx(ctx, tx, actor.ID, false)
	if err != nil {
		return nil, err
	}
	cart, _, err := priceLinesTx(ctx, tx, actor.CustomerID, promo, shipTo, lines, s.db.Now())
	if err != nil {
		return nil, err
	}
	return cart, namesForCart(ctx, tx, cart.Lines)
}

// Cart implements portal.CartService.
func (s *CartService) Cart(ctx context.Context, actor *portal.User, promo string, shipTo *portal.ShipTo) (*portal.Cart, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	promo = strings.ToUpper(strings.TrimSpace(promo))
	if len(promo) > 40 {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Check the promo code.",
			Fields: []portal.FieldError{{Field: "promo_code", Message: "Keep the promo code to 40 characters."}}}
	}
	if shipTo != nil {
		if err := shipTo.Validate(); err != nil {
			return nil, err
		}
	}
	var out *portal.Cart
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = s.cartTx(ctx, tx, actor, promo, shipTo)
		return err
	})
	return out, wrapCartErr("cart", err)
}

// wrapCartErr keeps domain errors and wraps the others.
func wrapCartErr(what string, err error) error {
	if err == nil || portal.ErrorCode(err) != portal.EINTERNAL {
		return err
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}

// AddToCart implements portal.CartService.
func (s *CartService) AddToCart(ctx context.Context, actor *portal.User, lines []portal.CartLineInput) (*portal.Cart, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if err := portal.ValidateCartLines("items", lines); err != nil {
		return nil, err
	}
	var out *portal.Cart
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := addCartLinesTx(ctx, tx, actor, "items", lines, s.db.Now()); err != nil {
			return err
		}
		var err error
		out, err = s.cartTx(ctx, tx, actor, "", nil)
		return err
	})
	return out, wrapCartErr("add to cart", err)
}

// addCartLinesTx checks lines against the catalog (through the pricing
// path, so a line the cart could not price is refused now, naming
// field[i]) and adds them to the user's cart: a product already there with
// the same configuration adds to its quantity.
func addCartLinesTx(ctx context.Context, tx bun.Tx, actor *portal.User, field string, lines []portal.CartLineInput, now time.Time) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_setting('app.tenant_id') || ' cart ' || ?))`, actor.ID); err != nil {
		return err
	}
	items := make([]portal.CartItem, len(lines))
	for i := range lines {
		items[i] = lines[i].PricingItem()
	}
	priced, err := priceItemsTx(ctx, tx, pricingRequest{Field: field, CustomerID: actor.CustomerID, Items: items, At: now})
	if err != nil {
		return err
	}
	for i := range lines {
		l := &lines[i]
		l.UOM = priced.Items[i].UOM // the unit the product is sold in, so one configuration has one key
		dims, _ := json.Marshal(nonNilMap(l.Dimensions))
		proc, _ := json.Marshal(nonNilSlice(l.Processing))
		if _, err := tx.ExecContext(ctx, `INSERT INTO cart_lines (tenant_id, id, customer_id, user_id, product_id, quantity_milli, uom,
				dimensions, processing, notes, config_key, created_at, updated_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?::jsonb, ARRAY(SELECT jsonb_array_elements_text(?::jsonb)), ?, ?, ?, ?)
			ON CONFLICT (tenant_id, user_id, product_id, config_key) DO UPDATE
			SET quantity_milli = cart_lines.quantity_milli + excluded.quantity_milli,
				notes = CASE WHEN excluded.notes <> '' THEN excluded.notes ELSE cart_lines.notes END, updated_at = excluded.updated_at`,
			uuid.Must(uuid.NewV7()).String(), actor.CustomerID, actor.ID, l.ProductID, l.QuantityMilli(), l.UOM,
			string(dims), string(proc), l.Notes, l.ConfigKey(), now, now); err != nil {
			return err
		}
	}
	var n int
	var most int64
	if err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(max(quantity_milli), 0) FROM cart_lines WHERE user_id = ?`, actor.ID).
		Scan(&n, &most); err != nil {
		return err
	}
	if n > portal.MaxCartLines {
		return &portal.Error{Code: portal.EINVALID, Message: "Your cart is full.",
			Fields: []portal.FieldError{{Field: field, Message: "A cart holds at most " + strconv.Itoa(portal.MaxCartLines) + " lines."}}}
	}
	if most > 1_000_000_000 {
		return &portal.Error{Code: portal.EINVALID, Message: "Too large a quantity.",
			Fields: []portal.FieldError{{Field: field, Message: "A line holds at most 1,000,000."}}}
	}
	return nil
}

func nonNilMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

func nonNilSlice(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// QuickOrder implements portal.CartService.
func (s *CartService) QuickOrder(ctx context.Context, actor *portal.User, field string, in []portal.QuickOrderLine) (*portal.Cart, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if len(in) == 0 || len(in) > portal.MaxCartLines {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Check the lines.",
			Fields: []portal.FieldError{{Field: field, Message: "Send 1 to " + strconv.Itoa(portal.MaxCartLines) + " lines."}}}
	}
	var out *portal.Cart
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var fields []portal.FieldError
		lines := make([]portal.CartLineInput, 0, len(in))
		for i, q := range in {
			at, label := field+"["+strconv.Itoa(i)+"].", "Line "+strconv.Itoa(i+1)+": "
			if q.CSVLine > 0 {
				at, label = "csv.line"+strconv.Itoa(q.CSVLine)+".", "Line "+strconv.Itoa(q.CSVLine)+": "
			}
			code := strings.TrimSpace(q.Code)
			var id string
			err := tx.QueryRowContext(ctx, `SELECT id::text FROM products WHERE lower(code) = lower(?) AND active`, code).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) || code == "" || len(code) > 100 {
				fields = append(fields, portal.FieldError{Field: at + "code", Message: label + "no product with code " + strconv.Quote(code) + "."})
				continue
			}
			if err != nil {
				return err
			}
			l := portal.CartLineInput{ProductID: id, Quantity: q.Quantity}
			if err := portal.ValidateCartLines("x", []portal.CartLineInput{l}); err != nil {
				fields = append(fields, portal.FieldError{Field: at + "quantity", Message: label + "give a quantity greater than 0, with at most 3 decimals."})
				continue
			}
			lines = append(lines, l)
		}
		if len(fields) > 0 {
			return &portal.Error{Code: portal.EINVALID, Message: "Check the highlighted lines; nothing was added.", Fields: fields}
		}
		_ = portal.ValidateCartLines("items", lines) // sets the parsed quantities
		if err := addCartLinesTx(ctx, tx, actor, field, lines, s.db.Now()); err != nil {
			return err
		}
		var err error
		out, err = s.cartTx(ctx, tx, actor, "", nil)
		return err
	})
	return out, wrapCartErr("quick order", err)
}

// UpdateCartLine implements portal.CartService. A change that makes the
// line's configuration that of another line of the product merges the
// two.
func (s *CartService) UpdateCartLine(ctx context.Context, actor *portal.User, id string, up portal.CartLineUpdate) (*portal.Cart, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if !portal.ValidUUID(id) {
		return nil, errNoCartLine
	}
	var out *portal.Cart
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+cartLineColumns+` FROM cart_lines WHERE id = ? AND user_id = ? FOR UPDATE`, id, actor.ID)
		if err != nil {
			return err
		}
		found, err := scanCartLines(rows)
		if err != nil {
			return err
		}
		if len(found) == 0 {
			return errNoCartLine
		}
		l := found[0].CartLineInput
		if up.Quantity != nil {
			l.Quantity = *up.Quantity
		}
		if up.UOM != nil {
			l.UOM = *up.UOM
		}
		if up.Dimensions != nil {
			l.Dimensions = up.Dimensions
		}
		if up.Processing != nil {
			l.Processing = up.Processing
		}
		if up.Notes != nil {
			l.Notes = *up.Notes
		}
		if err := portal.ValidateCartLines("line", []portal.CartLineInput{l}); err != nil {
			return renameFields(err, "line[0].", "")
		}
		ls := []portal.CartLineInput{l}
		_ = portal.ValidateCartLines("line", ls)
		l = ls[0]
		priced, err := priceItemsTx(ctx, tx, pricingRequest{Field: "line", CustomerID: actor.CustomerID, Items: []portal.CartItem{l.PricingItem()}, At: s.db.Now()})
		if err != nil {
			return renameFields(err, "line[0].", "")
		}
		l.UOM = priced.Items[0].UOM
		dims, _ := json.Marshal(nonNilMap(l.Dimensions))
		proc, _ := json.Marshal(nonNilSlice(l.Processing))
		// Another line of the product with the new configuration takes
		// this one's quantity.
		res, err := tx.ExecContext(ctx, `UPDATE cart_lines SET quantity_milli = quantity_milli + ?, updated_at = ?
			WHERE user_id = ? AND product_id = ? AND config_key = ? AND id <> ?`,
			l.QuantityMilli(), s.db.Now(), actor.ID, l.ProductID, l.ConfigKey(), id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM cart_lines WHERE id = ?`, id); err != nil {
				return err
			}
		} else if _, err := tx.ExecContext(ctx, `UPDATE cart_lines SET quantity_milli = ?, uom = ?, dimensions = ?::jsonb,
				processing = ARRAY(SELECT jsonb_array_elements_text(?::jsonb)), notes = ?, config_key = ?, updated_at = ? WHERE id = ?`,
			l.QuantityMilli(), l.UOM, string(dims), string(proc), l.Notes, l.ConfigKey(), s.db.Now(), id); err != nil {
			return err
		}
		out, err = s.cartTx(ctx, tx, actor, "", nil)
		return err
	})
	return out, wrapCartErr("update cart line", err)
}

// renameFields rewrites the field names of an EINVALID error that start
// with from.
func renameFields(err error, from, to string) error {
	var pe *portal.Error
	if !errors.As(err, &pe) || len(pe.Fields) == 0 {
		return err
	}
	out := &portal.Error{Code: pe.Code, Message: pe.Message}
	for _, f := range pe.Fields {
		if rest, ok := strings.CutPrefix(f.Field, from); ok {
			f.Field = to + rest
		}
		out.Fields = append(out.Fields, f)
	}
	return out
}

// RemoveCartLine implements portal.CartService.
func (s *CartService) RemoveCartLine(ctx context.Context, actor *portal.User, id string) (*portal.Cart, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if !portal.ValidUUID(id) {
		return nil, errNoCartLine
	}
	var out *portal.Cart
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM cart_lines WHERE id = ? AND user_id = ?`, id, actor.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoCartLine
		}
		out, err = s.cartTx(ctx, tx, actor, "", nil)
		return err
	})
	return out, wrapCartErr("remove cart line", err)
}

// EmptyCart implements portal.CartService.
func (s *CartService) EmptyCart(ctx context.Context, actor *portal.User) error {
	if actor.CustomerID == "" {
		return errNoCustomer
	}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM cart_lines WHERE user_id = ?`, actor.ID)
		return err
	})
	return wrapCartErr("empty cart", err)
}
