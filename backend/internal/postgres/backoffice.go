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
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

var _ portal.BackOfficeService = (*BackOfficeService)(nil)

// BackOfficeService applies what the tenant's ERP pushes. A batch runs in
// one tenant transaction and each row in its own savepoint: a row the
// database rejects is rolled back to its savepoint (nothing of it stays,
// including its outbox events) and reported, and the next row goes on.
type BackOfficeService struct {
	db *DB
}

// NewBackOfficeService returns the back-office service over db (app role).
func NewBackOfficeService(db *DB) *BackOfficeService { return &BackOfficeService{db: db} }

// batch applies n rows: validate (in Go, no round trip) then apply, each in
// a savepoint. apply answers the row's status and id.
func (s *BackOfficeService) batch(ctx context.Context, n int, extID func(i int) string, validate func(i int) []portal.FieldError,
	apply func(ctx context.Context, tx bun.Tx, now time.Time, i int) (status, id string, err error)) ([]portal.RowResult, error) {
	out := make([]portal.RowResult, n)
	now := s.db.Now().UTC()
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for i := range n {
			r := &out[i]
			*r = portal.RowResult{Index: i, ExternalID: extID(i)}
			if f := validate(i); len(f) > 0 {
				r.Status, r.Errors = portal.RowError, f
				continue
			}
			if err := boSavepoint(ctx, tx, r, func() (string, string, error) { return apply(ctx, tx, now, i) }); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: back-office batch: %w", err)
	}
	return out, nil
}

// boSavepoint runs fn in a savepoint: on a row error (a domain error, or a
// constraint or data error of the database) it rolls back to it and
// records the error in r; any other error fails the batch.
func boSavepoint(ctx context.Context, tx bun.Tx, r *portal.RowResult, fn func() (string, string, error)) error {
	if _, err := tx.ExecContext(ctx, "SAVEPOINT bo_row"); err != nil {
		return err
	}
	status, id, err := fn()
	if err == nil {
		r.Status, r.ID = status, id
		_, err := tx.ExecContext(ctx, "RELEASE SAVEPOINT bo_row")
		return err
	}
	fields, ok := boRowErrorFields(err)
	if !ok {
		return err
	}
	if _, err := tx.ExecContext(ctx, "ROLLBACK TO SAVEPOINT bo_row"); err != nil {
		return err
	}
	r.Status, r.Errors = portal.RowError, fields
	return nil
}

// boRowErrorFields tells errors of one row from failures of the batch: domain
// errors, and integrity (23) or data (22) errors of PostgreSQL, whose
// constraint names the field.
func boRowErrorFields(err error) ([]portal.FieldError, bool) {
	var de *portal.Error
	if errors.As(err, &de) {
		if len(de.Fields) > 0 {
			return de.Fields, true
		}
		return []portal.FieldError{{Field: "row", Message: de.Message}}, true
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) || (!strings.HasPrefix(pe.Code, "23") && !strings.HasPrefix(pe.Code, "22")) {
		return nil, false
	}
	field, msg := boConstraintField(pe.TableName, pe.ConstraintName), "Rejected by the database."
	switch pe.Code {
	case "23505":
		msg = "Already used by another record."
	case "23503":
		msg = "Refers to a record that does not exist or is still referred to."
	case "23514":
		msg = "Not an allowed value."
	}
	return []portal.FieldError{{Field: field, Message: msg}}, true
}

// boConstraintField guesses the input field from a constraint name of the
// schema's conventions: <table>_tenant_id_<column>_key (unique) and
// <table>_<column>_check.
func boConstraintField(table, constraint string) string {
	c := strings.TrimPrefix(constraint, table+"_")
	c = strings.TrimPrefix(c, "tenant_id_")
	for _, suffix := range []string{"_key", "_check", "_fkey"} {
		if strings.HasSuffix(c, suffix) {
			c = strings.TrimSuffix(c, suffix)
			c = strings.TrimSuffix(c, "_minor")
			return c
		}
	}
	return "row"
}

// boUnknownRef is the row error of an external id that names nothing.
func boUnknownRef(field, what, ext string) error {
	return &portal.Error{Code: portal.EINVALID, Message: "Unknown reference.",
		Fields: []portal.FieldError{{Field: field, Message: fmt.Sprintf("No %s with external id %q.", what, ext)}}}
}

// boRefID resolves the external id ext of table to its id; "" resolves to nil
// (no reference). extra narrows the match (e.g. "AND customer_id = ?").
func boRefID(ctx context.Context, tx bun.Tx, table, field, what, ext, extra string, args ...any) (any, error) {
	if ext == "" {
		return nil, nil
	}
	var id string
	err := tx.QueryRowContext(ctx, "SELECT id::text FROM "+table+" WHERE external_id = ? "+extra,
		append([]any{ext}, args...)...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, boUnknownRef(field, what, ext)
	}
	return id, err
}

// boUpsert is an idempotent write keyed by (tenant_id, external_id): created,
// updated when some column differs, unchanged (no write at all) otherwise.
type boUpsert struct {
	table string
	cols  []string
	vals  []any
	touch bool // the table has updated_at
}

func (u boUpsert) exec(ctx context.Context, tx bun.Tx, now time.Time, ext string) (status, id string, err error) {
	set := make([]string, len(u.cols))
	old := make([]string, len(u.cols))
	exc := make([]string, len(u.cols))
	for i, c := range u.cols {
		set[i] = c + " = EXCLUDED." + c
		old[i] = u.table + "." + c
		exc[i] = "EXCLUDED." + c
	}
	if u.touch {
		set = append(set, "updated_at = EXCLUDED.updated_at")
	}
	cols, ph := strings.Join(u.cols, ", "), strings.TrimSuffix(strings.Repeat("?, ", len(u.cols)), ", ")
	args := append([]any{uuid.Must(uuid.NewV7()).String(), ext}, u.vals...)
	if u.touch {
		cols, ph = cols+", created_at, updated_at", ph+", ?, ?"
		args = append(args, now, now)
	}
	q := "INSERT INTO " + u.table + " (tenant_id, id, external_id, " + cols + ") VALUES (current_setting('app.tenant_id')::uuid, ?, ?, " + ph +
		") ON CONFLICT (tenant_id, external_id) DO UPDATE SET " + strings.Join(set, ", ") +
		" WHERE (" + strings.Join(old, ", ") + ") IS DISTINCT FROM (" + strings.Join(exc, ", ") + ") RETURNING id::text, (xmax = 0)"
	var created bool
	err = tx.QueryRowContext(ctx, q, args...).Scan(&id, &created)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		err = tx.QueryRowContext(ctx, "SELECT id::text FROM "+u.table+" WHERE external_id = ?", ext).Scan(&id)
		return portal.RowUnchanged, id, err
	case err != nil:
		return "", "", err
	case created:
		return portal.RowCreated, id, nil
	default:
		return portal.RowUpdated, id, nil
	}
}

// boEvent is one outbox row of a spec 000 section 5 event.
type boEvent struct {
	typ, subject string
	payload      map[string]any
}

// insertOutboxEvents writes events to the outbox in the caller's transaction, so
// they exist exactly when the change does.
func insertOutboxEvents(ctx context.Context, tx bun.Tx, now time.Time, evs ...boEvent) error {
	if len(evs) == 0 {
		return nil
	}
	var sb strings.Builder
	args := make([]any, 0, len(evs)*5)
	sb.WriteString("INSERT INTO outbox_events (tenant_id, id, event_type, subject_id, payload, occurred_at) VALUES ")
	for i, e := range evs {
		p, err := json.Marshal(e.payload)
		if err != nil {
			return err
		}
		if i > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(current_setting('app.tenant_id')::uuid, ?, ?, ?, ?::jsonb, ?)")
		args = append(args, uuid.Must(uuid.NewV7()).String(), e.typ, e.subject, string(p), now)
	}
	_, err := tx.ExecContext(ctx, sb.String(), args...)
	return err
}

// debounceAvailability writes inventory.availability_changed debounced per
// product (spec: debounce_minutes 5): the first change opens a window and
// its event waits in the outbox until the window closes
// (portal.AvailabilityDebounce later); changes within the window update
// that event to the latest availability and quantity, keeping the
// availability from before the window as the previous one; a change that
// undoes the window's change drops the event. So at most one event per
// product per window reaches the receivers, saying how availability
// changed over it. The caller holds the product's row lock.
func debounceAvailability(ctx context.Context, tx bun.Tx, now time.Time, productID string, payload map[string]any) error {
	const typ = "inventory.availability_changed"
	var id, previous string
	err := tx.QueryRowContext(ctx, `SELECT id::text, payload->>'previous_availability' FROM outbox_events
		WHERE event_type = ? AND subject_id = ? AND published_at IS NULL AND deliver_after IS NOT NULL FOR UPDATE`, typ, productID).
		Scan(&id, &previous)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		p, err := json.Marshal(payload)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO outbox_events (tenant_id, id, event_type, subject_id, payload, occurred_at, deliver_after)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?::jsonb, ?, ?)`,
			uuid.Must(uuid.NewV7()).String(), typ, productID, string(p), now, now.Add(portal.AvailabilityDebounce))
		return err
	case err != nil:
		return err
	case previous == payload["new_availability"]:
		_, err := tx.ExecContext(ctx, `DELETE FROM outbox_events WHERE id = ?`, id)
		return err
	}
	payload["previous_availability"] = previous
	p, err := json.Marshal(payload)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `UPDATE outbox_events SET payload = ?::jsonb, occurred_at = ? WHERE id = ?`, string(p), now, id)
	return err
}

// decimalMinor renders minor units as the spec's decimal (two places).
func decimalMinor(minor int64) json.Number {
	sign := ""
	if minor < 0 {
		sign, minor = "-", -minor
	}
	return json.Number(fmt.Sprintf("%s%d.%02d", sign, minor/100, minor%100))
}

// boQty renders a quantity for a numeric(14,3) column.
func boQty(v float64) string { return strconv.FormatFloat(v, 'f', 3, 64) }

func boDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// UpsertCustomers implements portal.BackOfficeService. The assigned sales
// rep is upserted with the customer (by its own external id).
func (s *BackOfficeService) UpsertCustomers(ctx context.Context, rows []portal.CustomerInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			var rep any
			repChanged := false
			if r := in.SalesRep; r != nil {
				st, id, err := boUpsert{table: "sales_reps", cols: []string{"name", "email", "phone"},
					vals: []any{r.Name, strings.ToLower(r.Email), r.Phone}}.exec(ctx, tx, now, r.ExternalID)
				if err != nil {
					if f, ok := boRowErrorFields(err); ok && f[0].Field != "row" {
						return "", "", &portal.Error{Code: portal.EINVALID, Message: "Invalid sales rep.",
							Fields: []portal.FieldError{{Field: "sales_rep." + f[0].Field, Message: f[0].Message}}}
					}
					return "", "", err
				}
				rep, repChanged = id, st != portal.RowUnchanged
			}
			st, id, err := boUpsert{table: "customers", touch: true,
				cols: []string{"account_number", "company_name", "type", "status", "payment_terms", "currency", "credit_limit_minor",
					"po_required", "products_display", "sales_rep_id", "phone", "email", "tax_exempt"},
				vals: []any{in.AccountNumber, in.CompanyName, boDefault(in.Type, "business"), boDefault(in.Status, "active"),
					boDefault(in.PaymentTerms, "NET30"), boDefault(in.Currency, "USD"), in.CreditLimit, in.PORequired,
					boDefault(in.ProductsDisplay, "standard_and_exclusive"), rep, in.Phone, in.Email, in.TaxExempt}}.exec(ctx, tx, now, in.ExternalID)
			if err == nil && st == portal.RowUnchanged && repChanged {
				st = portal.RowUpdated
			}
			return st, id, err
		})
}

// UpsertAddresses implements portal.BackOfficeService. A default address
// takes the default from the customer's other addresses of its kind.
func (s *BackOfficeService) UpsertAddresses(ctx context.Context, rows []portal.BackOfficeAddressInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			cust, err := boRefID(ctx, tx, "customers", "customer_external_id", "customer", in.CustomerExternalID, "")
			if err != nil {
				return "", "", err
			}
			st, id, err := boUpsert{table: "addresses",
				cols: []string{"customer_id", "kind", "label", "line1", "line2", "city", "region", "postal_code", "country", "is_default"},
				vals: []any{cust, in.Kind, in.Label, in.Line1, in.Line2, in.City, in.Region, in.PostalCode, in.Country, in.IsDefault}}.exec(ctx, tx, now, in.ExternalID)
			if err == nil && in.IsDefault && st != portal.RowUnchanged {
				_, err = tx.ExecContext(ctx, `UPDATE addresses SET is_default = false WHERE customer_id = ? AND kind = ? AND id <> ? AND is_default`,
					cust, in.Kind, id)
			}
			return st, id, err
		})
}

// UpsertLocations implements portal.BackOfficeService.
func (s *BackOfficeService) UpsertLocations(ctx context.Context, rows []portal.LocationInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			return boUpsert{table: "locations",
				cols: []string{"code", "name", "phone", "email", "line1", "city", "region", "postal_code", "country", "time_zone"},
				vals: []any{in.Code, in.Name, in.Phone, in.Email, in.Line1, in.City, in.Region, in.PostalCode,
					boDefault(in.Country, "US"), boDefault(in.TimeZone, "UTC")}}.exec(ctx, tx, now, in.ExternalID)
		})
}

// UpsertCategories implements portal.BackOfficeService. A parent must be
// synced before (or earlier in the batch than) its children, and no
// category may become its own ancestor.
func (s *BackOfficeService) UpsertCategories(ctx context.Context, rows []portal.CategoryInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			parent, err := boRefID(ctx, tx, "product_categories", "parent_external_id", "category", in.ParentExternalID, "")
			if err != nil {
				return "", "", err
			}
			if parent != nil {
				var cycle bool
				err := tx.QueryRowContext(ctx, `WITH RECURSIVE up(id) AS (
						SELECT ?::uuid UNION SELECT c.parent_id FROM product_categories c JOIN up ON c.id = up.id WHERE c.parent_id IS NOT NULL)
					SELECT EXISTS (SELECT 1 FROM up JOIN product_categories me ON me.id = up.id WHERE me.external_id = ?)`,
					parent, in.ExternalID).Scan(&cycle)
				if err != nil {
					return "", "", err
				}
				if cycle {
					return "", "", &portal.Error{Code: portal.EINVALID, Message: "Category cycle.",
						Fields: []portal.FieldError{{Field: "parent_external_id", Message: "The parent is this category or one of its descendants."}}}
				}
			}
			return boUpsert{table: "product_categories", cols: []string{"slug", "name", "parent_id"},
				vals: []any{in.Slug, in.Name, parent}}.exec(ctx, tx, now, in.ExternalID)
		})
}

// UpsertInventory implements portal.BackOfficeService. When the product's
// availability (its stock available over all locations against its low
// stock level) changes class, inventory.availability_changed is written,
// debounced (debounceAvailability).
func (s *BackOfficeService) UpsertInventory(ctx context.Context, rows []portal.InventoryInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ProductExternalID + "@" + rows[i].LocationExternalID },
		func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			var (
				productID, code, uom string
				low, before          float64
			)
			err := tx.QueryRowContext(ctx, `SELECT p.id::text, p.code, p.stock_uom, p.low_stock_level::float8,
					coalesce((SELECT sum(quantity_available) FROM inventory i WHERE i.tenant_id = p.tenant_id AND i.product_id = p.id), 0)::float8
				FROM products p WHERE p.external_id = ? FOR UPDATE`, in.ProductExternalID).Scan(&productID, &code, &uom, &low, &before)
			if errors.Is(err, sql.ErrNoRows) {
				return "", "", boUnknownRef("product_external_id", "product", in.ProductExternalID)
			}
			if err != nil {
				return "", "", err
			}
			location, err := boRefID(ctx, tx, "locations", "location_external_id", "location", in.LocationExternalID, "")
			if err != nil {
				return "", "", err
			}
			var created bool
			err = tx.QueryRowContext(ctx, `INSERT INTO inventory (tenant_id, product_id, location_id, quantity_on_hand, quantity_available, updated_at)
				VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?)
				ON CONFLICT (tenant_id, product_id, location_id) DO UPDATE SET quantity_on_hand = EXCLUDED.quantity_on_hand,
					quantity_available = EXCLUDED.quantity_available, updated_at = EXCLUDED.updated_at
				WHERE (inventory.quantity_on_hand, inventory.quantity_available) IS DISTINCT FROM (EXCLUDED.quantity_on_hand, EXCLUDED.quantity_available)
				RETURNING (xmax = 0)`, productID, location, boQty(in.QuantityOnHand), boQty(in.QuantityAvailable), now).Scan(&created)
			if errors.Is(err, sql.ErrNoRows) {
				return portal.RowUnchanged, productID, nil
			}
			if err != nil {
				return "", "", err
			}
			var after float64
			if err := tx.QueryRowContext(ctx, `SELECT coalesce(sum(quantity_available), 0)::float8 FROM inventory WHERE product_id = ?`,
				productID).Scan(&after); err != nil {
				return "", "", err
			}
			if was, is := portal.Availability(before, low), portal.Availability(after, low); was == is {
				// An event waiting in its window carries the latest quantity.
				if _, err := tx.ExecContext(ctx, `UPDATE outbox_events SET payload = jsonb_set(payload, '{available_quantity}', ?::jsonb)
					WHERE event_type = 'inventory.availability_changed' AND subject_id = ? AND published_at IS NULL AND deliver_after IS NOT NULL`,
					boQty(after), productID); err != nil {
					return "", "", err
				}
			} else {
				err := debounceAvailability(ctx, tx, now, productID, map[string]any{
					"product_id": productID, "product_code": code, "previous_availability": was, "new_availability": is,
					"available_quantity": json.Number(boQty(after)), "uom": uom})
				if err != nil {
					return "", "", err
				}
			}
			if created {
				return portal.RowCreated, productID, nil
			}
			return portal.RowUpdated, productID, nil
		})
}
