package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"example.com/portal/tenants/definitions"
)

// shopDemo writes the demo's customer pricing and processing options
// (issue 8): upserts by primary key that rewrite only rows that differ,
// so loading the demo again converges and writes nothing new.
func (s *seeder) shopDemo(ctx context.Context, d *definitions.Dataset) error {
	pr := d.Pricing
	t := s.tenant
	type table struct {
		name, cols, conflict, set string
		rows                      [][]any
	}
	var tables []table
	breaks := table{name: "product_price_breaks", cols: "tenant_id, product_id, min_quantity_milli, unit_price_minor",
		conflict: "tenant_id, product_id, min_quantity_milli", set: "unit_price_minor"}
	for _, b := range pr.Breaks {
		breaks.rows = append(breaks.rows, []any{t, b.ProductID, int64(b.MinQuantity), b.UnitPrice})
	}
	contract := table{name: "customer_prices", cols: "tenant_id, id, external_id, customer_id, product_id, min_quantity_milli, unit_price_minor",
		conflict: "tenant_id, id", set: "external_id, customer_id, product_id, min_quantity_milli, unit_price_minor"}
	for _, c := range pr.Contract {
		contract.rows = append(contract.rows, []any{t, c.ID, c.ExternalID, c.CustomerID, c.ProductID, int64(c.MinQuantity), c.UnitPrice})
	}
	promos := table{name: "promotions", cols: "tenant_id, id, external_id, product_id, name, percent_off_bp, starts_at, ends_at",
		conflict: "tenant_id, id", set: "external_id, product_id, name, percent_off_bp, starts_at, ends_at"}
	for _, p := range pr.Promotions {
		promos.rows = append(promos.rows, []any{t, p.ID, p.ExternalID, p.ProductID, p.Name, p.PercentOffBP, p.StartsAt, p.EndsAt})
	}
	codes := table{name: "promo_codes", cols: "tenant_id, id, external_id, code, description, percent_off_bp, currency, starts_at, ends_at, min_order_minor, usage_limit",
		conflict: "tenant_id, id", set: "external_id, code, description, percent_off_bp, currency, starts_at, ends_at, min_order_minor, usage_limit"}
	for _, c := range pr.PromoCodes {
		codes.rows = append(codes.rows, []any{t, c.ID, c.ExternalID, c.Code, c.Description, c.PercentOffBP, c.Currency, c.StartsAt, c.EndsAt,
			c.MinOrder, c.UsageLimit})
	}
	opts := table{name: "product_processing_options", cols: "tenant_id, product_id, code, name, charge_minor",
		conflict: "tenant_id, product_id, code", set: "name, charge_minor"}
	for _, o := range pr.Processing {
		opts.rows = append(opts.rows, []any{t, o.ProductID, o.Code, o.Name, o.Charge})
	}
	tables = append(tables, breaks, contract, promos, codes, opts)
	for _, tb := range tables {
		n := len(strings.Split(tb.cols, ","))
		set := strings.Split(tb.set, ", ")
		mine, theirs, assign := make([]string, len(set)), make([]string, len(set)), make([]string, len(set))
		for i, c := range set {
			mine[i], theirs[i], assign[i] = tb.name+"."+c, "EXCLUDED."+c, c+" = EXCLUDED."+c
		}
		ph := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
		st := TableStats{Table: tb.name, Rows: len(tb.rows)}
		for chunk := range slices.Chunk(tb.rows, 500) {
			var args []any
			vals := make([]string, len(chunk))
			for i, r := range chunk {
				vals[i] = ph
				args = append(args, r...)
			}
			res, err := s.tx.ExecContext(ctx, "INSERT INTO "+tb.name+" ("+tb.cols+") VALUES "+strings.Join(vals, ", ")+
				" ON CONFLICT ("+tb.conflict+") DO UPDATE SET "+strings.Join(assign, ", ")+
				" WHERE ("+strings.Join(mine, ", ")+") IS DISTINCT FROM ("+strings.Join(theirs, ", ")+")", args...)
			if err != nil {
				return fmt.Errorf("%s: %w", tb.name, err)
			}
			w, _ := res.RowsAffected()
			st.Written += w
		}
		s.addStats(st)
	}
	return nil
}
