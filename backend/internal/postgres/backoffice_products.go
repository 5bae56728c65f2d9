package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

// boProductCols are written by a product upsert, in this order.
var boProductCols = []string{"code", "name", "description", "form", "grade", "dimensions", "stock_uom", "pricing_uom",
	"currency", "list_price_minor", "low_stock_level", "lead_time_days", "active"}

// UpsertProducts implements portal.BackOfficeService. Unlike the other
// batches, the whole batch is one multi-row INSERT … ON CONFLICT … DO
// UPDATE … WHERE … IS DISTINCT FROM (created, updated and unchanged told
// apart by RETURNING xmax = 0): rows are validated in Go first, and only
// when the database still refuses the statement are the rows applied one
// by one in savepoints, so that the bad one is named. A changed list price
// writes price.changed.
func (s *BackOfficeService) UpsertProducts(ctx context.Context, rows []portal.ProductInput) ([]portal.RowResult, error) {
	out := make([]portal.RowResult, len(rows))
	now := s.db.Now().UTC()
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		seen := make(map[string]bool, len(rows))
		var catExt []string
		for i, in := range rows {
			out[i] = portal.RowResult{Index: i, ExternalID: in.ExternalID}
			f := in.Validate()
			if len(f) == 0 && seen[in.ExternalID] {
				f = []portal.FieldError{{Field: "external_id", Message: "Appears more than once in the batch."}}
			}
			if len(f) > 0 {
				out[i].Status, out[i].Errors = portal.RowError, f
				continue
			}
			seen[in.ExternalID] = true
			catExt = append(catExt, in.CategoryExternalIDs...)
		}
		cats := map[string]string{}
		if len(catExt) > 0 {
			var list []struct{ Ext, ID string }
			if err := tx.NewRaw(`SELECT external_id AS ext, id::text AS id FROM product_categories WHERE external_id IN (?)`,
				bun.In(catExt)).Scan(ctx, &list); err != nil {
				return err
			}
			for _, c := range list {
				cats[c.Ext] = c.ID
			}
		}
		var good []int
		for i, in := range rows {
			if out[i].Status == portal.RowError {
				continue
			}
			for j, c := range in.CategoryExternalIDs {
				if cats[c] == "" {
					out[i].Status = portal.RowError
					out[i].Errors = append(out[i].Errors, portal.FieldError{Field: fmt.Sprintf("category_external_ids[%d]", j),
						Message: fmt.Sprintf("No category with external id %q.", c)})
				}
			}
			if out[i].Status != portal.RowError {
				good = append(good, i)
			}
		}
		if len(good) == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, "SAVEPOINT bo_bulk"); err != nil {
			return err
		}
		err := upsertProductsTx(ctx, tx, now, rows, good, cats, out)
		var pe *pgconn.PgError
		if err == nil {
			_, err = tx.ExecContext(ctx, "RELEASE SAVEPOINT bo_bulk")
			return err
		}
		if !errors.As(err, &pe) {
			return err
		}
		// The database refused the batch: find the rows it refuses.
		if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT bo_bulk"); err != nil {
			return err
		}
		for _, i := range good {
			err := boSavepoint(ctx, tx, &out[i], func() (string, string, error) {
				if err := upsertProductsTx(ctx, tx, now, rows, []int{i}, cats, out); err != nil {
					return "", "", err
				}
				return out[i].Status, out[i].ID, nil
			})
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: boUpsert products: %w", err)
	}
	return out, nil
}

// upsertProductsTx writes rows[idx] in one statement, sets their results,
// replaces their category links (when the row names categories) and writes
// price.changed for changed list prices.
func upsertProductsTx(ctx context.Context, tx bun.Tx, now time.Time, rows []portal.ProductInput, idx []int,
	cats map[string]string, out []portal.RowResult) error {
	exts := make([]string, len(idx))
	for k, i := range idx {
		exts[k] = rows[i].ExternalID
	}
	type existing struct {
		ID, Currency string
		Price        int64
	}
	before := make(map[string]existing, len(idx))
	var list []struct {
		Ext, ID, Currency string
		Price             int64
	}
	if err := tx.NewRaw(`SELECT external_id AS ext, id::text AS id, currency, list_price_minor AS price FROM products WHERE external_id IN (?)`,
		bun.In(exts)).Scan(ctx, &list); err != nil {
		return err
	}
	for _, p := range list {
		before[p.Ext] = existing{p.ID, p.Currency, p.Price}
	}

	var sb strings.Builder
	args := make([]any, 0, len(idx)*(len(boProductCols)+4))
	sb.WriteString("INSERT INTO products (tenant_id, id, external_id, " + strings.Join(boProductCols, ", ") + ", created_at, updated_at) VALUES ")
	row := "(current_setting('app.tenant_id')::uuid" + strings.Repeat(", ?", len(boProductCols)+4) + ")"
	for k, i := range idx {
		in := rows[i]
		if k > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString(row)
		args = append(args, uuid.Must(uuid.NewV7()).String(), in.ExternalID, in.Code, in.Name, in.Description, in.Form, in.Grade,
			in.Dimensions, in.StockUOM, in.PricingUOM, boDefault(in.Currency, "USD"), in.ListPrice, boQty(in.LowStockLevel),
			in.LeadTimeDays, in.Active == nil || *in.Active, now, now)
	}
	set, old, exc := make([]string, len(boProductCols)), make([]string, len(boProductCols)), make([]string, len(boProductCols))
	for k, c := range boProductCols {
		set[k], old[k], exc[k] = c+" = EXCLUDED."+c, "products."+c, "EXCLUDED."+c
	}
	sb.WriteString(" ON CONFLICT (tenant_id, external_id) DO UPDATE SET " + strings.Join(set, ", ") + ", updated_at = EXCLUDED.updated_at WHERE (" +
		strings.Join(old, ", ") + ") IS DISTINCT FROM (" + strings.Join(exc, ", ") + ") RETURNING external_id, id::text, (xmax = 0) AS created")
	var written []struct {
		ExternalID, ID string
		Created        bool
	}
	if err := tx.NewRaw(sb.String(), args...).Scan(ctx, &written); err != nil {
		return err
	}
	status := make(map[string]string, len(written))
	ids := make(map[string]string, len(idx))
	for _, w := range written {
		ids[w.ExternalID] = w.ID
		status[w.ExternalID] = portal.RowUpdated
		if w.Created {
			status[w.ExternalID] = portal.RowCreated
		}
	}
	var evs []boEvent
	for _, i := range idx {
		in := rows[i]
		r := &out[i]
		r.Status, r.ID = status[in.ExternalID], ids[in.ExternalID]
		if r.Status == "" {
			r.Status, r.ID = portal.RowUnchanged, before[in.ExternalID].ID
		}
		if b, ok := before[in.ExternalID]; ok && r.Status == portal.RowUpdated && b.Price != in.ListPrice {
			evs = append(evs, priceChangedEvent(priceProduct{ID: r.ID, Code: in.Code}, priceTypeList, &b.Price, &in.ListPrice, now, nil))
		}
	}
	if err := replaceCategoryLinksTx(ctx, tx, rows, idx, cats, out); err != nil {
		return err
	}
	return insertOutboxEvents(ctx, tx, now, evs...)
}

// replaceCategoryLinksTx makes the links of each row that names categories
// exactly those; a row whose only change is its categories is updated.
func replaceCategoryLinksTx(ctx context.Context, tx bun.Tx, rows []portal.ProductInput, idx []int, cats map[string]string, out []portal.RowResult) error {
	var pids []string
	var pairs []string
	var args []any
	for _, i := range idx {
		if rows[i].CategoryExternalIDs == nil {
			continue // absent: the links stay as they are
		}
		pids = append(pids, out[i].ID)
		for _, c := range rows[i].CategoryExternalIDs {
			pairs = append(pairs, "(?::uuid, ?::uuid)")
			args = append(args, out[i].ID, cats[c])
		}
	}
	if len(pids) == 0 {
		return nil
	}
	changed := map[string]bool{}
	var got []string
	q := `DELETE FROM product_category_links WHERE product_id IN (?)`
	qargs := []any{bun.In(pids)}
	if len(pairs) > 0 {
		q += ` AND (product_id, category_id) NOT IN (` + strings.Join(pairs, ", ") + `)`
		qargs = append(qargs, args...)
	}
	if err := tx.NewRaw(q+` RETURNING product_id::text`, qargs...).Scan(ctx, &got); err != nil {
		return err
	}
	if len(pairs) > 0 {
		var added []string
		if err := tx.NewRaw(`INSERT INTO product_category_links (tenant_id, product_id, category_id)
			SELECT current_setting('app.tenant_id')::uuid, p, c FROM (VALUES `+strings.Join(pairs, ", ")+`) v(p, c)
			ON CONFLICT DO NOTHING RETURNING product_id::text`, args...).Scan(ctx, &added); err != nil {
			return err
		}
		got = append(got, added...)
	}
	for _, id := range got {
		changed[id] = true
	}
	for _, i := range idx {
		if changed[out[i].ID] && out[i].Status == portal.RowUnchanged {
			out[i].Status = portal.RowUpdated
		}
	}
	return nil
}
