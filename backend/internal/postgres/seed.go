package postgres

import (
	"context"
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"example.com/portal/backend/internal/password"
	"example.com/portal/tenants/definitions"
)

// SeedStats reports what SeedDemo did, per table, for the operator command
// to print.
type SeedStats struct {
	Tables    []TableStats  // in the order they are written
	Hashed    int           // passwords hashed (users whose stored hash did not verify)
	Passwords time.Duration // spent verifying and hashing passwords (argon2id is slow on purpose)
	Elapsed   time.Duration // the whole apply, passwords included
}

// TableStats counts one table's rows in a seed.
type TableStats struct {
	Table   string
	Rows    int   // rows in the dataset
	Written int64 // rows inserted or changed; 0 when the table already matched
	Pruned  int64 // stale generated rows removed (see SeedDemo)
}

// Rows returns the dataset's row count for table, 0 for an unknown table.
func (s SeedStats) Rows(table string) int {
	for _, t := range s.Tables {
		if t.Table == table {
			return t.Rows
		}
	}
	return 0
}

// Written is the number of rows inserted or changed over all tables.
func (s SeedStats) Written() int64 {
	var n int64
	for _, t := range s.Tables {
		n += t.Written
	}
	return n
}

// String renders the stats on one line: the rows per table, then what the
// apply changed.
func (s SeedStats) String() string {
	var b strings.Builder
	var pruned int64
	for i, t := range s.Tables {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d %s", t.Rows, t.Table)
		pruned += t.Pruned
	}
	fmt.Fprintf(&b, "; %d rows written, %d pruned, %d passwords hashed, %s (%s on passwords)",
		s.Written(), pruned, s.Hashed, s.Elapsed.Round(time.Millisecond), s.Passwords.Round(time.Millisecond))
	return b.String()
}

// seedChunk bounds the rows of one INSERT: bun inlines the values, so this
// keeps a statement around a few hundred kilobytes.
const seedChunk = 500

// SeedDemo loads the demo dataset d into the tenant tenantID (a row of
// tenants) in one transaction under the tenant's row-level security: all of
// it or none.
//
// It is idempotent. Rows are upserted on their primary key and only rows
// that differ are written, so loading the same dataset again writes nothing
// and changes no counts; loading one generated at a later moment moves its
// dates. A user whose stored password hash still verifies against the demo
// password keeps it (argon2id is slow on purpose); others get hash(password).
// Generated children of the dataset's orders, shipments and products that
// the dataset no longer has (order lines, status history, shipment lines,
// category links) are removed, so a changed definition converges. Rows
// outside the dataset are never touched, except that an order, shipment or
// invoice number the dataset assigns elsewhere is moved out of the way.
func (db *DB) SeedDemo(ctx context.Context, tenantID string, d *definitions.Dataset, hash func(string) (string, error)) (SeedStats, error) {
	if hash == nil {
		return SeedStats{}, fmt.Errorf("postgres: seed demo data of %s: no password hash function", d.Slug)
	}
	start := time.Now()
	var stats SeedStats
	err := db.InTx(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		for _, t := range seedOrder {
			stats.Tables = append(stats.Tables, TableStats{Table: t})
		}
		s := &seeder{tx: tx, tenant: tenantID, stats: &stats}
		pwStart := time.Now()
		users, hashed, err := s.passwords(ctx, d.Users, hash)
		if err != nil {
			return err
		}
		stats.Hashed, stats.Passwords = hashed, time.Since(pwStart)
		return s.run(ctx, d, users)
	})
	stats.Elapsed = time.Since(start)
	if err != nil {
		return stats, fmt.Errorf("postgres: seed demo data of %s: %w", d.Slug, err)
	}
	return stats, nil
}

// seedOrder is the order SeedDemo writes the tables in: parents first.
var seedOrder = []string{"sales_reps", "locations", "customers", "users", "addresses",
	"product_categories", "products", "product_category_links", "orders", "order_lines",
	"order_status_history", "shipments", "shipment_lines", "invoices", "number_counters"}

type seeder struct {
	tx     bun.Tx
	tenant string
	stats  *SeedStats
}

// run writes the tables parents first, as the foreign keys require.
func (s *seeder) run(ctx context.Context, d *definitions.Dataset, users []UserRow) error {
	t := s.tenant
	steps := []func() error{
		func() error { return write(ctx, s, "sales_reps", mapRows(d.SalesReps, t, salesRepRow)) },
		func() error { return write(ctx, s, "locations", mapRows(d.Locations, t, locationRow)) },
		func() error { return write(ctx, s, "customers", mapRows(d.Customers, t, customerRow), "created_at") },
		func() error { return write(ctx, s, "users", users, "created_at") },
		func() error { return write(ctx, s, "addresses", mapRows(d.Addresses, t, addressRow)) },
		func() error { return write(ctx, s, "product_categories", mapRows(d.Categories, t, categoryRow)) },
		func() error { return write(ctx, s, "products", mapRows(d.Products, t, productRow), "created_at") },
		func() error {
			return s.prune(ctx, "product_category_links", `DELETE FROM product_category_links
				WHERE tenant_id = ? AND product_id = ANY(?::uuid[])
				AND (product_id, category_id) NOT IN (SELECT * FROM unnest(?::uuid[], ?::uuid[]))`,
				ids(d.Products, func(p definitions.Product) string { return p.ID }),
				ids(d.ProductCategories, func(l definitions.ProductCategory) string { return l.ProductID }),
				ids(d.ProductCategories, func(l definitions.ProductCategory) string { return l.CategoryID }))
		},
		func() error {
			return write(ctx, s, "product_category_links", mapRows(d.ProductCategories, t, categoryLinkRow))
		},
		func() error {
			return freeNumbers(ctx, s, "orders", "order_number", d.Orders, func(o definitions.Order) (string, string) { return o.ID, o.Number })
		},
		func() error { return write(ctx, s, "orders", mapRows(d.Orders, t, orderRow)) },
		func() error { return s.pruneOrderChildren(ctx, d) },
		func() error { return write(ctx, s, "order_lines", mapRows(d.OrderLines, t, orderLineRow)) },
		func() error {
			return write(ctx, s, "order_status_history", mapRows(d.StatusHistory, t, statusChangeRow))
		},
		func() error {
			return freeNumbers(ctx, s, "shipments", "shipment_number", d.Shipments, func(x definitions.Shipment) (string, string) { return x.ID, x.Number })
		},
		func() error { return write(ctx, s, "shipments", mapRows(d.Shipments, t, shipmentRow)) },
		func() error { return write(ctx, s, "shipment_lines", mapRows(d.ShipmentLines, t, shipmentLineRow)) },
		func() error {
			return freeNumbers(ctx, s, "invoices", "invoice_number", d.Invoices, func(x definitions.Invoice) (string, string) { return x.ID, x.Number })
		},
		func() error { return write(ctx, s, "invoices", mapRows(d.Invoices, t, invoiceRow)) },
		func() error { return s.counters(ctx, d.Counters) },
		func() error { return s.shopDemo(ctx, d) }, // shop pricing (issue 8)
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}

// write upserts rows into table in chunks of one INSERT each. On a primary
// key conflict it updates every column except keep (and updated_at, which
// becomes now()), and only when some column differs: rows that already
// match are not rewritten, which is what makes a second load a no-op.
func write[T any](ctx context.Context, s *seeder, table string, rows []T, keep ...string) error {
	st := TableStats{Table: table, Rows: len(rows)}
	if len(rows) > 0 {
		q, err := upsertClause[T](s.tx, keep)
		if err != nil {
			return err
		}
		for chunk := range slices.Chunk(rows, seedChunk) {
			res, err := q(s.tx.NewInsert().Model(&chunk).Returning("NULL")).Exec(ctx)
			if err != nil {
				return fmt.Errorf("%s: %w", table, err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			st.Written += n
		}
	}
	s.addStats(st)
	return nil
}

// upsertClause builds the ON CONFLICT clause of model T from its bun table.
func upsertClause[T any](tx bun.Tx, keep []string) (func(*bun.InsertQuery) *bun.InsertQuery, error) {
	table := tx.Dialect().Tables().Get(reflect.TypeFor[T]())
	if table == nil || len(table.PKs) == 0 {
		return nil, fmt.Errorf("postgres: %T is not a model with a primary key", *new(T))
	}
	var pk, set, mine, theirs []string
	for _, f := range table.PKs {
		pk = append(pk, string(f.SQLName))
	}
	updatedAt := false
	for _, f := range table.DataFields {
		switch {
		case f.Name == "updated_at":
			updatedAt = true
		case slices.Contains(keep, f.Name):
		default:
			set = append(set, fmt.Sprintf("%s = EXCLUDED.%[1]s", f.SQLName))
			mine = append(mine, string(table.SQLAlias)+"."+string(f.SQLName))
			theirs = append(theirs, "EXCLUDED."+string(f.SQLName))
		}
	}
	conflict := "CONFLICT (" + strings.Join(pk, ", ") + ")"
	if len(set) == 0 {
		return func(q *bun.InsertQuery) *bun.InsertQuery { return q.On(conflict + " DO NOTHING") }, nil
	}
	if updatedAt {
		set = append(set, "updated_at = now()")
	}
	where := "(" + strings.Join(mine, ", ") + ") IS DISTINCT FROM (" + strings.Join(theirs, ", ") + ")"
	return func(q *bun.InsertQuery) *bun.InsertQuery {
		return q.On(conflict + " DO UPDATE").Set(strings.Join(set, ", ")).Where(where)
	}, nil
}

func (s *seeder) addStats(st TableStats) {
	for i := range s.stats.Tables {
		if s.stats.Tables[i].Table == st.Table {
			s.stats.Tables[i].Rows += st.Rows
			s.stats.Tables[i].Written += st.Written
			s.stats.Tables[i].Pruned += st.Pruned
			return
		}
	}
	s.stats.Tables = append(s.stats.Tables, st)
}

// prune runs a DELETE of stale generated rows and counts them for table.
func (s *seeder) prune(ctx context.Context, table, query string, args ...any) error {
	full := append([]any{s.tenant}, args...)
	for i, a := range full {
		if list, ok := a.([]string); ok {
			full[i] = pgdialect.Array(list)
		}
	}
	res, err := s.tx.ExecContext(ctx, query, full...)
	if err != nil {
		return fmt.Errorf("prune %s: %w", table, err)
	}
	n, err := res.RowsAffected()
	s.addStats(TableStats{Table: table, Pruned: n})
	return err
}

// pruneOrderChildren removes lines, history entries and shipment lines of
// the dataset's orders and shipments that the dataset no longer has. Stale
// lines go before the upsert, or a line number they hold would collide.
func (s *seeder) pruneOrderChildren(ctx context.Context, d *definitions.Dataset) error {
	orders := ids(d.Orders, func(o definitions.Order) string { return o.ID })
	if err := s.prune(ctx, "shipment_lines", `DELETE FROM shipment_lines
		WHERE tenant_id = ? AND shipment_id = ANY(?::uuid[])
		AND (shipment_id, order_line_id) NOT IN (SELECT * FROM unnest(?::uuid[], ?::uuid[]))`,
		ids(d.Shipments, func(x definitions.Shipment) string { return x.ID }),
		ids(d.ShipmentLines, func(l definitions.ShipmentLine) string { return l.ShipmentID }),
		ids(d.ShipmentLines, func(l definitions.ShipmentLine) string { return l.OrderLineID })); err != nil {
		return err
	}
	if err := s.prune(ctx, "order_status_history", `DELETE FROM order_status_history
		WHERE tenant_id = ? AND order_id = ANY(?::uuid[]) AND id <> ALL(?::uuid[])`,
		orders, ids(d.StatusHistory, func(h definitions.StatusChange) string { return h.ID })); err != nil {
		return err
	}
	// A stale line still on some other shipment stays: deleting it would
	// break that shipment.
	return s.prune(ctx, "order_lines", `DELETE FROM order_lines l
		WHERE l.tenant_id = ? AND l.order_id = ANY(?::uuid[]) AND l.id <> ALL(?::uuid[])
		AND NOT EXISTS (SELECT 1 FROM shipment_lines sl WHERE sl.tenant_id = l.tenant_id AND sl.order_line_id = l.id)`,
		orders, ids(d.OrderLines, func(l definitions.OrderLine) string { return l.ID }))
}

// freeNumbers gives a temporary number ("SO-2026-0003~<id>") to each of the
// dataset's rows already stored under another number than the dataset's.
// Numbers follow the documents' dates, so a load at a later moment can swap
// two numbers; a unique constraint checked row by row would refuse the swap.
func freeNumbers[T any](ctx context.Context, s *seeder, table, column string, rows []T, key func(T) (id, number string)) error {
	if len(rows) == 0 {
		return nil
	}
	idList, numbers := make([]string, len(rows)), make([]string, len(rows))
	for i, r := range rows {
		idList[i], numbers[i] = key(r)
	}
	q := fmt.Sprintf(`UPDATE %[1]s AS t SET %[2]s = t.%[2]s || '~' || t.id::text
		FROM unnest(?::uuid[], ?::text[]) AS v(id, num)
		WHERE t.tenant_id = ? AND t.id = v.id AND t.%[2]s <> v.num`, table, column)
	if _, err := s.tx.ExecContext(ctx, q, pgdialect.Array(idList), pgdialect.Array(numbers), s.tenant); err != nil {
		return fmt.Errorf("%s: free numbers: %w", table, err)
	}
	return nil
}

// counters raises each number counter to at least the dataset's value, never
// lowers it: numbers already handed out must not be handed out again.
func (s *seeder) counters(ctx context.Context, cs []definitions.Counter) error {
	st := TableStats{Table: "number_counters", Rows: len(cs)}
	if len(cs) > 0 {
		rows := mapRows(cs, s.tenant, counterRow)
		res, err := s.tx.NewInsert().Model(&rows).Returning("NULL").
			On("CONFLICT (tenant_id, kind, period) DO UPDATE").
			Set("last_value = EXCLUDED.last_value").
			Where("nc.last_value < EXCLUDED.last_value").
			Exec(ctx)
		if err != nil {
			return fmt.Errorf("number_counters: %w", err)
		}
		if st.Written, err = res.RowsAffected(); err != nil {
			return err
		}
	}
	s.addStats(st)
	return nil
}

func ids[T any](rows []T, id func(T) string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = id(r)
	}
	return out
}

// mapRows converts dataset rows to models of the tenant.
func mapRows[S, R any](rows []S, tenantID string, conv func(string, S) R) []R {
	out := make([]R, len(rows))
	for i, r := range rows {
		out[i] = conv(tenantID, r)
	}
	return out
}

func salesRepRow(t string, r definitions.SalesRep) SalesRepRow {
	return SalesRepRow{TenantID: t, ID: r.ID, Name: r.Name, Email: r.Email, Phone: r.Phone, ExternalID: r.ExternalID}
}

func locationRow(t string, l definitions.Location) LocationRow {
	return LocationRow{TenantID: t, ID: l.ID, Code: l.Code, Name: l.Name, Phone: l.Phone, Email: l.Email,
		Line1: l.Line1, City: l.City, Region: l.Region, PostalCode: l.PostalCode, Country: l.Country, TimeZone: l.TimeZone}
}

func customerRow(t string, c definitions.Customer) CustomerRow {
	return CustomerRow{TenantID: t, ID: c.ID, AccountNumber: c.AccountNumber, CompanyName: c.CompanyName,
		Type: c.Type, Status: c.Status, PaymentTerms: c.PaymentTerms, Currency: c.Currency,
		CreditLimitMinor: c.CreditLimit, PORequired: c.PORequired, TaxExempt: c.TaxExempt, ProductsDisplay: c.ProductsDisplay,
		SalesRepID: c.SalesRepID, Phone: c.Phone, Email: c.Email, ExternalID: c.ExternalID}
}

func addressRow(t string, a definitions.Address) AddressRow {
	return AddressRow{TenantID: t, ID: a.ID, CustomerID: a.CustomerID, Kind: a.Kind, Label: a.Label,
		Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region, PostalCode: a.PostalCode,
		Country: a.Country, IsDefault: a.IsDefault}
}

func categoryRow(t string, c definitions.Category) ProductCategoryRow {
	return ProductCategoryRow{TenantID: t, ID: c.ID, Slug: c.Slug, Name: c.Name, ParentID: c.ParentID}
}

func productRow(t string, p definitions.Product) ProductRow {
	return ProductRow{TenantID: t, ID: p.ID, Code: p.Code, Name: p.Name, Description: p.Description,
		Form: p.Form, Grade: p.Grade, Dimensions: p.Dimensions, DimensionValues: p.DimensionValues,
		StockUOM: p.StockUOM, PricingUOM: p.PricingUOM, WeightPerUnit: p.WeightPerUnit.String(),
		Currency: p.Currency, ListPriceMinor: p.ListPrice, Active: p.Active, ExternalID: p.ExternalID}
}

func categoryLinkRow(t string, l definitions.ProductCategory) ProductCategoryLinkRow {
	return ProductCategoryLinkRow{TenantID: t, ProductID: l.ProductID, CategoryID: l.CategoryID}
}

func orderRow(t string, o definitions.Order) OrderRow {
	return OrderRow{TenantID: t, ID: o.ID, CustomerID: o.CustomerID, OrderNumber: o.Number, PONumber: o.PONumber,
		Status: o.Status, OrderDate: o.OrderDate, RequestedDate: o.RequestedDate, PromisedDate: o.PromisedDate,
		PlacedByID: o.PlacedByID, ShipToID: o.ShipToID, LocationID: o.LocationID, Currency: o.Currency,
		SubtotalMinor: o.Subtotal, TaxMinor: o.Tax, FreightMinor: o.Freight, TotalMinor: o.Total,
		COCRequired: o.COCRequired, Notes: o.Notes, ExternalID: o.ExternalID, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt}
}

func orderLineRow(t string, l definitions.OrderLine) OrderLineRow {
	return OrderLineRow{TenantID: t, ID: l.ID, OrderID: l.OrderID, LineNo: l.LineNo, ProductID: l.ProductID,
		Description: l.Description, Grade: l.Grade, Dimensions: l.Dimension, Quantity: l.Quantity.String(),
		UOM: l.UOM, UnitPriceMinor: l.UnitPrice, LineTotalMinor: l.LineTotal, JobStatus: l.JobStatus,
		ProcessingNotes: l.ProcessingNotes, HeatNumber: l.HeatNumber, HasMTR: l.HasMTR}
}

func statusChangeRow(t string, h definitions.StatusChange) OrderStatusChangeRow {
	return OrderStatusChangeRow{TenantID: t, ID: h.ID, OrderID: h.OrderID, Status: h.Status, ChangedAt: h.ChangedAt, Note: h.Note}
}

func shipmentRow(t string, s definitions.Shipment) ShipmentRow {
	return ShipmentRow{TenantID: t, ID: s.ID, CustomerID: s.CustomerID, OrderID: s.OrderID, ShipmentNumber: s.Number, Status: s.Status,
		Carrier: s.Carrier, CarrierType: s.CarrierType, TrackingNumber: s.TrackingNumber, TrackingURL: s.TrackingURL,
		ShipDate: s.ShipDate, EstimatedDelivery: s.EstimatedDelivery, DeliveredAt: s.DeliveredAt,
		PODAvailable: s.PODAvailable, ExternalID: s.ExternalID, CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt}
}

func shipmentLineRow(t string, l definitions.ShipmentLine) ShipmentLineRow {
	return ShipmentLineRow{TenantID: t, ShipmentID: l.ShipmentID, OrderID: l.OrderID, OrderLineID: l.OrderLineID, Quantity: l.Quantity.String()}
}

func invoiceRow(t string, i definitions.Invoice) InvoiceRow {
	return InvoiceRow{TenantID: t, ID: i.ID, CustomerID: i.CustomerID, OrderID: i.OrderID, InvoiceNumber: i.Number,
		Status: i.Status, InvoiceDate: i.InvoiceDate, DueDate: i.DueDate, Currency: i.Currency,
		SubtotalMinor: i.Subtotal, TaxMinor: i.Tax, TotalMinor: i.Total, AmountPaidMinor: i.AmountPaid,
		ExternalID: i.ExternalID, CreatedAt: i.CreatedAt, UpdatedAt: i.UpdatedAt}
}

func counterRow(t string, c definitions.Counter) NumberCounterRow {
	return NumberCounterRow{TenantID: t, Kind: c.Kind, Period: c.Period, LastValue: c.LastValue}
}

// hashWorkers bounds concurrent argon2id runs: each holds 19 MiB.
const hashWorkers = 4

// passwords returns the users as rows with their password hashes: the stored
// hash where it verifies against the dataset's password (so a second load
// neither rehashes nor rewrites the row), a new one from hash otherwise.
// Verifying costs as much as hashing, so both run on a few cores at once.
func (s *seeder) passwords(ctx context.Context, users []definitions.User, hash func(string) (string, error)) ([]UserRow, int, error) {
	stored := map[string]string{}
	rows, err := s.tx.QueryContext(ctx, `SELECT id::text, password_hash FROM users WHERE tenant_id = ? AND id = ANY(?::uuid[])`,
		s.tenant, pgdialect.Array(ids(users, func(u definitions.User) string { return u.ID })))
	if err != nil {
		return nil, 0, err
	}
	for rows.Next() {
		var id, h string
		if err := rows.Scan(&id, &h); err != nil {
			rows.Close()
			return nil, 0, err
		}
		stored[id] = h
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}

	out := mapRows(users, s.tenant, func(t string, u definitions.User) UserRow {
		return UserRow{TenantID: t, ID: u.ID, CustomerID: u.CustomerID, Email: u.Email, Name: u.Name,
			Phone: u.Phone, Role: u.Role, Status: u.Status, MFAEnabled: u.MFAEnabled}
	})
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		hashed  int
		firstEr error
		sem     = make(chan struct{}, min(hashWorkers, runtime.GOMAXPROCS(0)))
	)
	for i, u := range users {
		if u.Password == "" {
			continue // an SSO-only user
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			if old := stored[u.ID]; old != "" {
				if ok, err := password.Verify(old, u.Password); err == nil && ok {
					out[i].PasswordHash = old
					return
				}
			}
			h, err := hash(u.Password)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && firstEr == nil {
				firstEr = err
			}
			out[i].PasswordHash = h
			hashed++
		}()
	}
	wg.Wait()
	if firstEr != nil {
		return nil, 0, firstEr
	}
	return out, hashed, nil
}
