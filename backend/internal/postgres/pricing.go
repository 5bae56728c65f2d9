package postgres

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

// What portal.PriceFor prices from, read for many products at once: the
// catalog rows a viewer may see, their pricing data, their configuration
// (processing options, required dimensions) and promo codes. Each loader
// is one statement whatever the number of products.

// visibleSQL is the condition on products p that the viewer may see:
// active, and either standard (when the customer's products display
// shows standard products; always for a guest) or exclusive and assigned
// to the customer. A customer id that is not a customer of the tenant
// sees only standard products, like a guest, never more.
func visibleSQL(customerID string) (string, []any) {
	if customerID == "" || !portal.ValidUUID(customerID) {
		return "p.active AND NOT p.exclusive", nil
	}
	return `p.active AND ((NOT p.exclusive AND coalesce((SELECT c.products_display = 'standard_and_exclusive' FROM customers c WHERE c.id = ?::uuid), true))
		OR (p.exclusive AND EXISTS (SELECT 1 FROM customer_products cp WHERE cp.tenant_id = p.tenant_id AND cp.customer_id = ?::uuid AND cp.product_id = p.id)))`,
		[]any{customerID, customerID}
}

// visibleProductsTx reads the products of ids that the customer may see
// ("" a guest), by id; ids it may not see, or that do not exist, are
// missing from the map.
func visibleProductsTx(ctx context.Context, tx bun.Tx, customerID string, ids []string) (map[string]*portal.CatalogProduct, error) {
	valid := make([]string, 0, len(ids))
	for _, id := range ids {
		if portal.ValidUUID(id) {
			valid = append(valid, strings.ToLower(id))
		}
	}
	out := make(map[string]*portal.CatalogProduct, len(valid))
	if len(valid) == 0 {
		return out, nil
	}
	vis, args := visibleSQL(customerID)
	rows, err := tx.QueryContext(ctx, "SELECT "+catalogColumns+catalogFrom+" WHERE p.id IN (?) AND "+vis, append([]any{bun.In(valid)}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		p, err := scanCatalogProduct(rows)
		if err != nil {
			return nil, err
		}
		out[p.ID] = &p
	}
	return out, rows.Err()
}

// loadPricingTx reads the pricing data of products ids for the customer
// ("" a guest: breaks and promotions only) at the moment at: the
// customer's contract prices not ended before at's date, the list-price
// breaks, and the promotions running at at. One statement.
func loadPricingTx(ctx context.Context, tx bun.Tx, customerID string, ids []string, at time.Time) (map[string]*portal.PricingData, error) {
	out := make(map[string]*portal.PricingData, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	for _, id := range ids {
		out[strings.ToLower(id)] = &portal.PricingData{}
	}
	at = at.UTC()
	q := `SELECT 'b', product_id::text, min_quantity_milli, unit_price_minor, 0, '', '', '', NULL::timestamptz, NULL::timestamptz
			FROM product_price_breaks WHERE product_id IN (?)
		UNION ALL
		SELECT 'p', product_id::text, 0, coalesce(unit_price_minor, 0), coalesce(percent_off_bp, 0), name, '', '', starts_at, ends_at
			FROM promotions WHERE product_id IN (?) AND starts_at <= ? AND ends_at > ?`
	args := []any{bun.In(ids), bun.In(ids), at, at}
	if portal.ValidUUID(customerID) {
		q += `
		UNION ALL
		SELECT 'c', product_id::text, min_quantity_milli, unit_price_minor, 0, '', coalesce(valid_from::text, ''), coalesce(valid_to::text, ''), NULL, NULL
			FROM customer_prices WHERE customer_id = ? AND product_id IN (?) AND (valid_to IS NULL OR valid_to >= ?::date)`
		args = append(args, customerID, bun.In(ids), at.Format(time.DateOnly))
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind, product, name, from, to string
			minQty, unit                  int64
			bp                            int
			starts, ends                  sql.NullTime
		)
		if err := rows.Scan(&kind, &product, &minQty, &unit, &bp, &name, &from, &to, &starts, &ends); err != nil {
			return nil, err
		}
		d := out[product]
		if d == nil {
			continue
		}
		switch kind {
		case "b":
			d.Breaks = append(d.Breaks, portal.QuantityBreak{MinQuantityMilli: minQty, Unit: unit})
		case "p":
			d.Promotions = append(d.Promotions, portal.Promotion{Name: name, PercentOffBP: bp, Unit: unit, StartsAt: starts.Time, EndsAt: ends.Time})
		case "c":
			c := portal.ContractPrice{MinQuantityMilli: minQty, Unit: unit}
			c.ValidFrom, _ = time.Parse(time.DateOnly, from)
			c.ValidTo, _ = time.Parse(time.DateOnly, to)
			d.Contract = append(d.Contract, c)
		}
	}
	return out, rows.Err()
}

// productConfig is what a product may be ordered with.
type productConfig struct {
	Processing []portal.ProcessingOption
	Dimensions []portal.RequiredDimension
}

// productConfigTx reads the processing options and required dimensions
// of products ids, in their order. One statement.
func productConfigTx(ctx context.Context, tx bun.Tx, ids []string) (map[string]*productConfig, error) {
	out := make(map[string]*productConfig, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT 'p', o.product_id::text, o.code, o.name, '', o.charge_minor, p.currency, 0, o.position
			FROM product_processing_options o JOIN products p ON p.tenant_id = o.tenant_id AND p.id = o.product_id WHERE o.product_id IN (?)
		UNION ALL
		SELECT 'd', product_id::text, name, label, unit, min_milli, '', max_milli, position FROM product_required_dimensions WHERE product_id IN (?)
		ORDER BY 1, 2, 9, 3`, bun.In(ids), bun.In(ids))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			kind, product, code, name, unit, currency string
			a, b                                      int64
			pos                                       int
		)
		if err := rows.Scan(&kind, &product, &code, &name, &unit, &a, &currency, &b, &pos); err != nil {
			return nil, err
		}
		c := out[product]
		if c == nil {
			c = &productConfig{}
			out[product] = c
		}
		if kind == "p" {
			c.Processing = append(c.Processing, portal.ProcessingOption{Code: code, Name: name, Charge: portal.Money{Amount: a, Currency: currency}})
		} else {
			c.Dimensions = append(c.Dimensions, portal.RequiredDimension{Name: code, Label: name, Unit: unit, MinMilli: a, MaxMilli: b})
		}
	}
	return out, rows.Err()
}

// promoCodeTx reads the promo code (any case); nil when there is none.
func promoCodeTx(ctx context.Context, tx bun.Tx, code string) (*portal.PromoCode, error) {
	c := &portal.PromoCode{}
	err := tx.QueryRowContext(ctx, `SELECT code, description, coalesce(percent_off_bp, 0), coalesce(amount_off_minor, 0), currency,
			starts_at, ends_at, min_order_minor, coalesce(usage_limit, 0), times_used, active
		FROM promo_codes WHERE code = ?`, strings.ToUpper(strings.TrimSpace(code))).Scan(
		&c.Code, &c.Description, &c.PercentOffBP, &c.AmountOff, &c.Currency, &c.StartsAt, &c.EndsAt, &c.MinOrder, &c.UsageLimit,
		&c.TimesUsed, &c.Active)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return c, nil
}

// redeemPromoCodeTx counts one use of the code by a placed order, in the
// order's transaction: ECONFLICT (field promo_code) when its last use was
// taken meanwhile. Checkout calls it after priceItemsTx accepted the code.
func redeemPromoCodeTx(ctx context.Context, tx bun.Tx, code string) error {
	res, err := tx.ExecContext(ctx, `UPDATE promo_codes SET times_used = times_used + 1
		WHERE code = ? AND active AND (usage_limit IS NULL OR times_used < usage_limit)`, strings.ToUpper(strings.TrimSpace(code)))
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return &portal.Error{Code: portal.ECONFLICT, Message: "The promo code has just been used up.",
			Fields: []portal.FieldError{{Field: "promo_code", Message: "This code has been used up."}}}
	}
	return nil
}
