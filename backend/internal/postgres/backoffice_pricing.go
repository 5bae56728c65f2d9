package postgres

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

var _ portal.CatalogSync = (*BackOfficeService)(nil)

// The back office's pricing and catalog batches (portal.CatalogSync):
// entities with an ERP id are upserts (boUpsert); sets that belong to a
// product or a customer (breaks, assignments, images, options, dimensions,
// related products) are replaced whole, and compared first so that
// sending the same set again is unchanged and writes nothing.

// boProductID resolves a product's external id.
func boProductID(ctx context.Context, tx bun.Tx, field, ext string) (string, error) {
	id, err := boRefID(ctx, tx, "products", field, "product", ext, "")
	if err != nil {
		return "", err
	}
	return id.(string), nil
}

// replaceSetTx makes the rows of table whose keyCol is key exactly rows
// (values of cols), unless they already are: fp is the SQL rendering of a
// row that fingerprint renders in Go; the sets compare as their sorted
// fingerprints. It reports whether it wrote.
func replaceSetTx(ctx context.Context, tx bun.Tx, table, keyCol, key, fp string, cols []string, rows [][]any, fingerprint func([]any) string) (bool, error) {
	var have string
	if err := tx.QueryRowContext(ctx, "SELECT coalesce(string_agg("+fp+`, '|' ORDER BY (`+fp+`) COLLATE "C"), '') FROM `+table+
		" WHERE "+keyCol+" = ?", key).Scan(&have); err != nil {
		return false, err
	}
	want := make([]string, len(rows))
	for i, r := range rows {
		want[i] = fingerprint(r)
	}
	slices.Sort(want)
	if have == strings.Join(want, "|") {
		return false, nil
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM "+table+" WHERE "+keyCol+" = ?", key); err != nil {
		return false, err
	}
	if len(rows) == 0 {
		return true, nil
	}
	var sb strings.Builder
	args := make([]any, 0, len(rows)*(len(cols)+1))
	sb.WriteString("INSERT INTO " + table + " (tenant_id, " + keyCol + ", " + strings.Join(cols, ", ") + ") VALUES ")
	ph := "(current_setting('app.tenant_id')::uuid, ?" + strings.Repeat(", ?", len(cols)) + ")"
	for i, r := range rows {
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(ph)
		args = append(append(args, key), r...)
	}
	_, err := tx.ExecContext(ctx, sb.String(), args...)
	return true, err
}

func fpJoin(r []any) string {
	parts := make([]string, len(r))
	for i, v := range r {
		parts[i] = fmt.Sprint(v)
	}
	return strings.Join(parts, "\t")
}

func setStatus(changed bool) string {
	if changed {
		return portal.RowUpdated
	}
	return portal.RowUnchanged
}

// UpsertContractPrices implements portal.CatalogSync.
func (s *BackOfficeService) UpsertContractPrices(ctx context.Context, rows []portal.ContractPriceInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			cust, err := boRefID(ctx, tx, "customers", "customer_external_id", "customer", in.CustomerExternalID, "")
			if err != nil {
				return "", "", err
			}
			prod, err := boProductID(ctx, tx, "product_external_id", in.ProductExternalID)
			if err != nil {
				return "", "", err
			}
			before, err := contractPriceTx(ctx, tx, in.ExternalID)
			if err != nil {
				return "", "", err
			}
			status, id, err := boUpsert{table: "customer_prices", cols: []string{"customer_id", "product_id", "min_quantity_milli", "unit_price_minor", "valid_from", "valid_to"},
				vals: []any{cust, prod, portal.Milli(in.MinQuantity), in.UnitPrice, nullable(in.ValidFrom), nullable(in.ValidTo)}}.exec(ctx, tx, now, in.ExternalID)
			if err != nil || status == portal.RowUnchanged {
				return status, id, err
			}
			evs, err := contractPriceEvents(ctx, tx, now, before, &contractPriceRow{Customer: cust.(string), Product: prod,
				MinQtyMilli: portal.Milli(in.MinQuantity), Unit: in.UnitPrice, From: in.ValidFrom, To: in.ValidTo})
			if err != nil {
				return "", "", err
			}
			return status, id, insertOutboxEvents(ctx, tx, now, evs...)
		})
}

// SetPriceBreaks implements portal.CatalogSync.
func (s *BackOfficeService) SetPriceBreaks(ctx context.Context, rows []portal.PriceBreaksInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ProductExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			prod, err := boProductID(ctx, tx, "product_external_id", in.ProductExternalID)
			if err != nil {
				return "", "", err
			}
			set := make([][]any, len(in.Breaks))
			for k, b := range in.Breaks {
				set[k] = []any{portal.Milli(b.MinQuantity), b.UnitPrice}
			}
			before, err := priceBreaksTx(ctx, tx, prod)
			if err != nil {
				return "", "", err
			}
			changed, err := replaceSetTx(ctx, tx, "product_price_breaks", "product_id", prod, `min_quantity_milli || E'\t' || unit_price_minor`,
				[]string{"min_quantity_milli", "unit_price_minor"}, set, fpJoin)
			if err != nil || !changed {
				return setStatus(changed), prod, err
			}
			after := make(map[int64]int64, len(set))
			for _, b := range in.Breaks {
				after[portal.Milli(b.MinQuantity)] = b.UnitPrice
			}
			evs, err := priceBreakEvents(ctx, tx, now, prod, before, after)
			if err != nil {
				return "", "", err
			}
			return setStatus(changed), prod, insertOutboxEvents(ctx, tx, now, evs...)
		})
}

// UpsertPromotions implements portal.CatalogSync.
func (s *BackOfficeService) UpsertPromotions(ctx context.Context, rows []portal.PromotionInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			prod, err := boProductID(ctx, tx, "product_external_id", in.ProductExternalID)
			if err != nil {
				return "", "", err
			}
			var bp, unit any
			if in.PercentOffBP != 0 {
				bp = in.PercentOffBP
			}
			if in.UnitPrice != nil {
				unit = *in.UnitPrice
			}
			starts, _ := time.Parse(time.RFC3339, in.StartsAt)
			ends, _ := time.Parse(time.RFC3339, in.EndsAt)
			before, err := promotionTx(ctx, tx, in.ExternalID)
			if err != nil {
				return "", "", err
			}
			status, id, err := boUpsert{table: "promotions", cols: []string{"product_id", "name", "percent_off_bp", "unit_price_minor", "starts_at", "ends_at"},
				vals: []any{prod, in.Name, bp, unit, starts.UTC(), ends.UTC()}}.exec(ctx, tx, now, in.ExternalID)
			if err != nil || status == portal.RowUnchanged {
				return status, id, err
			}
			after := &promotionRow{ID: id, Product: prod, StartsAt: starts, EndsAt: ends}
			if in.PercentOffBP != 0 {
				after.PercentOffBP = sql.NullInt64{Int64: int64(in.PercentOffBP), Valid: true}
			}
			if in.UnitPrice != nil {
				after.Unit = sql.NullInt64{Int64: *in.UnitPrice, Valid: true}
			}
			evs, err := promotionEvents(ctx, tx, now, before, after)
			if err != nil {
				return "", "", err
			}
			return status, id, insertOutboxEvents(ctx, tx, now, evs...)
		})
}

// UpsertPromoCodes implements portal.CatalogSync. How often a code was
// used is the portal's count (checkout), never overwritten by the ERP.
func (s *BackOfficeService) UpsertPromoCodes(ctx context.Context, rows []portal.PromoCodeInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			var bp, amount, limit any
			if in.PercentOffBP != 0 {
				bp = in.PercentOffBP
			}
			if in.AmountOff != 0 {
				amount = in.AmountOff
			}
			if in.UsageLimit != 0 {
				limit = in.UsageLimit
			}
			starts, _ := time.Parse(time.RFC3339, in.StartsAt)
			ends, _ := time.Parse(time.RFC3339, in.EndsAt)
			return boUpsert{table: "promo_codes", cols: []string{"code", "description", "percent_off_bp", "amount_off_minor", "currency",
				"starts_at", "ends_at", "min_order_minor", "usage_limit", "active"},
				vals: []any{strings.ToUpper(in.Code), in.Description, bp, amount, boDefault(in.Currency, "USD"), starts.UTC(), ends.UTC(),
					in.MinOrder, limit, in.Active == nil || *in.Active}}.exec(ctx, tx, now, in.ExternalID)
		})
}

// boProductIDs resolves many products' external ids, naming the field of
// each unknown one.
func boProductIDs(ctx context.Context, tx bun.Tx, field string, exts []string) ([]string, error) {
	if len(exts) == 0 {
		return nil, nil
	}
	var list []struct{ Ext, ID string }
	if err := tx.NewRaw(`SELECT external_id AS ext, id::text AS id FROM products WHERE external_id IN (?)`, bun.In(exts)).Scan(ctx, &list); err != nil {
		return nil, err
	}
	byExt := make(map[string]string, len(list))
	for _, p := range list {
		byExt[p.Ext] = p.ID
	}
	ids := make([]string, len(exts))
	var fields []portal.FieldError
	for i, e := range exts {
		if ids[i] = byExt[e]; ids[i] == "" {
			fields = append(fields, portal.FieldError{Field: field + "[" + strconv.Itoa(i) + "]", Message: fmt.Sprintf("No product with external id %q.", e)})
		}
	}
	if len(fields) > 0 {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Unknown reference.", Fields: fields}
	}
	return ids, nil
}

// SetCustomerProducts implements portal.CatalogSync.
func (s *BackOfficeService) SetCustomerProducts(ctx context.Context, rows []portal.CustomerProductsInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].CustomerExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			cust, err := boRefID(ctx, tx, "customers", "customer_external_id", "customer", in.CustomerExternalID, "")
			if err != nil {
				return "", "", err
			}
			ids, err := boProductIDs(ctx, tx, "product_external_ids", in.ProductExternalIDs)
			if err != nil {
				return "", "", err
			}
			slices.Sort(ids)
			ids = slices.Compact(ids)
			set := make([][]any, len(ids))
			for k, id := range ids {
				set[k] = []any{id}
			}
			changed, err := replaceSetTx(ctx, tx, "customer_products", "customer_id", cust.(string), "product_id::text", []string{"product_id"}, set, fpJoin)
			return setStatus(changed), cust.(string), err
		})
}

// SetProductDetails implements portal.CatalogSync.
func (s *BackOfficeService) SetProductDetails(ctx context.Context, rows []portal.ProductDetailsInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ProductExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			prod, err := boProductID(ctx, tx, "product_external_id", in.ProductExternalID)
			if err != nil {
				return "", "", err
			}
			changed := false
			if in.Exclusive != nil {
				res, err := tx.ExecContext(ctx, `UPDATE products SET exclusive = ?, updated_at = ? WHERE id = ? AND exclusive <> ?`,
					*in.Exclusive, now, prod, *in.Exclusive)
				if err != nil {
					return "", "", err
				}
				n, _ := res.RowsAffected()
				changed = changed || n > 0
			}
			write := func(table, fp string, cols []string, set [][]any) error {
				c, err := replaceSetTx(ctx, tx, table, "product_id", prod, fp, cols, set, fpJoin)
				changed = changed || c
				return err
			}
			if in.Images != nil {
				set := make([][]any, len(*in.Images))
				for k, im := range *in.Images {
					set[k] = []any{k, im.URL, im.Alt}
				}
				if err := write("product_images", `position || E'\t' || url || E'\t' || alt`, []string{"position", "url", "alt"}, set); err != nil {
					return "", "", err
				}
			}
			if in.ProcessingOptions != nil {
				set := make([][]any, len(*in.ProcessingOptions))
				for k, o := range *in.ProcessingOptions {
					set[k] = []any{o.Code, o.Name, o.Charge, k}
				}
				if err := write("product_processing_options", `code || E'\t' || name || E'\t' || charge_minor || E'\t' || position`,
					[]string{"code", "name", "charge_minor", "position"}, set); err != nil {
					return "", "", err
				}
			}
			if in.RequiredDimensions != nil {
				set := make([][]any, len(*in.RequiredDimensions))
				for k, d := range *in.RequiredDimensions {
					set[k] = []any{d.Name, d.Label, d.Unit, portal.Milli(d.Min), portal.Milli(d.Max), k}
				}
				if err := write("product_required_dimensions", `name || E'\t' || label || E'\t' || unit || E'\t' || min_milli || E'\t' || max_milli || E'\t' || position`,
					[]string{"name", "label", "unit", "min_milli", "max_milli", "position"}, set); err != nil {
					return "", "", err
				}
			}
			if in.RelatedProductExternalIDs != nil {
				ids, err := boProductIDs(ctx, tx, "related_product_external_ids", *in.RelatedProductExternalIDs)
				if err != nil {
					return "", "", err
				}
				set := make([][]any, 0, len(ids))
				seen := map[string]bool{}
				for _, id := range ids {
					if !seen[id] {
						seen[id] = true
						set = append(set, []any{id, len(set)})
					}
				}
				if err := write("product_related", `related_id::text || E'\t' || position`, []string{"related_id", "position"}, set); err != nil {
					return "", "", err
				}
			}
			return setStatus(changed), prod, nil
		})
}
