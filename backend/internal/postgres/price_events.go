package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

// price.changed (spec 000 §5) for every kind of price the back office
// pushes: the list price (upsertProductsTx), a customer's contract price,
// a list-price quantity break and a promotion. Each is written in the
// transaction (and row savepoint) of the change, only when a price the
// shop offers actually changed: a batch pushed again writes none. The
// spec's fields come first; the fields after them say which price of the
// product it is (the customer, the quantity, the promotion). old_price is
// null for a price that did not exist before, new_price for one that no
// longer exists.
const (
	priceTypeList      = "list"
	priceTypeContract  = "contract"
	priceTypeBreak     = "quantity_break"
	priceTypePromotion = "promotion"
)

// priceProduct is what every price.changed names of its product.
type priceProduct struct {
	ID, Code  string
	ListPrice int64
}

func priceProductTx(ctx context.Context, tx bun.Tx, id string) (priceProduct, error) {
	p := priceProduct{ID: id}
	err := tx.QueryRowContext(ctx, `SELECT code, list_price_minor FROM products WHERE id = ?`, id).Scan(&p.Code, &p.ListPrice)
	return p, err
}

// priceChangedEvent is a price.changed of p; old or new nil renders null.
func priceChangedEvent(p priceProduct, typ string, old, new *int64, effective time.Time, extra map[string]any) boEvent {
	payload := map[string]any{"product_id": p.ID, "product_code": p.Code, "price_type": typ,
		"old_price": decimalMinorOrNil(old), "new_price": decimalMinorOrNil(new), "effective_date": effective.UTC().Format(time.DateOnly)}
	maps.Copy(payload, extra)
	return boEvent{"price.changed", p.ID, payload}
}

func decimalMinorOrNil(v *int64) any {
	if v == nil {
		return nil
	}
	return decimalMinor(*v)
}

// decimalMilli renders thousandths (a quantity) as a JSON decimal.
func decimalMilli(v int64) json.Number {
	return json.Number(strconv.FormatFloat(float64(v)/1000, 'f', -1, 64))
}

// laterDay is the later of the UTC date of now and day ("" or
// YYYY-MM-DD): a price takes effect today at the earliest.
func laterDay(now time.Time, day string) time.Time {
	if d, err := time.Parse(time.DateOnly, day); err == nil && d.After(now) {
		return d
	}
	return now
}

// contractPriceRow is a customer_prices row as price.changed compares it.
type contractPriceRow struct {
	Customer, Product string
	MinQtyMilli, Unit int64
	From, To          string // YYYY-MM-DD or ""
}

// contractPriceTx locks and reads the contract price ext (nil: none yet).
func contractPriceTx(ctx context.Context, tx bun.Tx, ext string) (*contractPriceRow, error) {
	var r contractPriceRow
	err := tx.QueryRowContext(ctx, `SELECT customer_id::text, product_id::text, min_quantity_milli, unit_price_minor,
			coalesce(valid_from::text, ''), coalesce(valid_to::text, '') FROM customer_prices WHERE external_id = ? FOR UPDATE`, ext).
		Scan(&r.Customer, &r.Product, &r.MinQtyMilli, &r.Unit, &r.From, &r.To)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &r, err
}

// contractPriceEvents are the price.changed events of a contract price
// going from before to after (either nil: none). Any change of the row is
// a change of what the customer is offered (its price, its quantity or its
// dates); one that moves it to another customer or product ends the old
// price and starts a new one.
func contractPriceEvents(ctx context.Context, tx bun.Tx, now time.Time, before, after *contractPriceRow) ([]boEvent, error) {
	if before != nil && after != nil && *before == *after {
		return nil, nil
	}
	event := func(r *contractPriceRow, old, new *int64) (boEvent, error) {
		p, err := priceProductTx(ctx, tx, r.Product)
		if err != nil {
			return boEvent{}, err
		}
		extra := map[string]any{"customer_id": r.Customer, "min_quantity": decimalMilli(r.MinQtyMilli),
			"valid_from": nullable(r.From), "valid_to": nullable(r.To)}
		effective := now
		if new != nil {
			effective = laterDay(now, r.From)
		}
		return priceChangedEvent(p, priceTypeContract, old, new, effective, extra), nil
	}
	var evs []boEvent
	if before != nil && (after == nil || before.Customer != after.Customer || before.Product != after.Product) {
		ev, err := event(before, &before.Unit, nil)
		if err != nil {
			return nil, err
		}
		evs, before = append(evs, ev), nil
	}
	if after != nil {
		var old *int64
		if before != nil {
			old = &before.Unit
		}
		ev, err := event(after, old, &after.Unit)
		if err != nil {
			return nil, err
		}
		evs = append(evs, ev)
	}
	return evs, nil
}

// priceBreaksTx reads a product's breaks, by minimum quantity.
func priceBreaksTx(ctx context.Context, tx bun.Tx, product string) (map[int64]int64, error) {
	var list []struct{ Min, Unit int64 }
	if err := tx.NewRaw(`SELECT min_quantity_milli AS min, unit_price_minor AS unit FROM product_price_breaks WHERE product_id = ?`,
		product).Scan(ctx, &list); err != nil {
		return nil, err
	}
	out := make(map[int64]int64, len(list))
	for _, b := range list {
		out[b.Min] = b.Unit
	}
	return out, nil
}

// priceBreakEvents is one price.changed per break added, repriced or
// removed, by minimum quantity.
func priceBreakEvents(ctx context.Context, tx bun.Tx, now time.Time, product string, before, after map[int64]int64) ([]boEvent, error) {
	var mins []int64
	for m, u := range before {
		if v, ok := after[m]; !ok || v != u {
			mins = append(mins, m)
		}
	}
	for m := range after {
		if _, ok := before[m]; !ok {
			mins = append(mins, m)
		}
	}
	if len(mins) == 0 {
		return nil, nil
	}
	slices.Sort(mins)
	p, err := priceProductTx(ctx, tx, product)
	if err != nil {
		return nil, err
	}
	evs := make([]boEvent, len(mins))
	for i, m := range mins {
		var old, new *int64
		if u, ok := before[m]; ok {
			old = &u
		}
		if u, ok := after[m]; ok {
			new = &u
		}
		evs[i] = priceChangedEvent(p, priceTypeBreak, old, new, now, map[string]any{"min_quantity": decimalMilli(m)})
	}
	return evs, nil
}

// promotionRow is a promotions row as price.changed compares it (its name
// is not a price: renaming a promotion writes no event).
type promotionRow struct {
	ID, Product      string
	PercentOffBP     sql.NullInt64
	Unit             sql.NullInt64
	StartsAt, EndsAt time.Time
}

func (r *promotionRow) same(o *promotionRow) bool {
	return r.Product == o.Product && r.PercentOffBP == o.PercentOffBP && r.Unit == o.Unit &&
		r.StartsAt.Equal(o.StartsAt) && r.EndsAt.Equal(o.EndsAt)
}

// price is the promotional unit price at the product's list price.
func (r *promotionRow) price(list int64) int64 {
	if r.PercentOffBP.Valid {
		return list - portal.PercentOf(list, min(int(r.PercentOffBP.Int64), 10000))
	}
	return r.Unit.Int64
}

// promotionTx locks and reads promotion ext (nil: none yet).
func promotionTx(ctx context.Context, tx bun.Tx, ext string) (*promotionRow, error) {
	var r promotionRow
	err := tx.QueryRowContext(ctx, `SELECT id::text, product_id::text, percent_off_bp, unit_price_minor, starts_at, ends_at
		FROM promotions WHERE external_id = ? FOR UPDATE`, ext).Scan(&r.ID, &r.Product, &r.PercentOffBP, &r.Unit, &r.StartsAt, &r.EndsAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return &r, err
}

// promotionEvents are the price.changed events of a promotion going from
// before (nil: new) to after: its price or its period changed. Prices are
// at the product's current list price (a percentage promotion's price
// follows it).
func promotionEvents(ctx context.Context, tx bun.Tx, now time.Time, before, after *promotionRow) ([]boEvent, error) {
	if before != nil && before.same(after) {
		return nil, nil
	}
	event := func(r *promotionRow, old *promotionRow, ended bool) (boEvent, error) {
		p, err := priceProductTx(ctx, tx, r.Product)
		if err != nil {
			return boEvent{}, err
		}
		var oldPrice, newPrice *int64
		if old != nil {
			v := old.price(p.ListPrice)
			oldPrice = &v
		}
		effective := now
		if !ended {
			v := r.price(p.ListPrice)
			newPrice = &v
			if r.StartsAt.After(now) {
				effective = r.StartsAt
			}
		}
		var bp any
		if r.PercentOffBP.Valid {
			bp = r.PercentOffBP.Int64
		}
		return priceChangedEvent(p, priceTypePromotion, oldPrice, newPrice, effective, map[string]any{"promotion_id": r.ID,
			"percent_off_bp": bp, "starts_at": r.StartsAt.UTC(), "ends_at": r.EndsAt.UTC()}), nil
	}
	var evs []boEvent
	if before != nil && before.Product != after.Product {
		ev, err := event(before, before, true)
		if err != nil {
			return nil, err
		}
		evs, before = append(evs, ev), nil
	}
	ev, err := event(after, before, false)
	if err != nil {
		return nil, err
	}
	return append(evs, ev), nil
}
