package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

var errNoBackOfficeOrder = portal.Errorf(portal.ENOTFOUND, "No order with this external id.")

// boOrder is what status changes and events need of an order.
type boOrder struct {
	id, number, status, customerID string
	promised                       sql.NullTime
	total                          int64
}

// boLockOrderTx finds and locks the order with external id ext; ok is false
// when there is none.
func boLockOrderTx(ctx context.Context, tx bun.Tx, ext string) (o boOrder, ok bool, err error) {
	err = tx.QueryRowContext(ctx, `SELECT id::text, order_number, status, customer_id::text, promised_date, total_minor
		FROM orders WHERE external_id = ? FOR UPDATE`, ext).Scan(&o.id, &o.number, &o.status, &o.customerID, &o.promised, &o.total)
	if errors.Is(err, sql.ErrNoRows) {
		return o, false, nil
	}
	return o, err == nil, err
}

// boTransitionTx moves o to status to, as OrderTransitionAllowed permits,
// with its history row and its events (order.status_changed, and
// order.confirmed on confirmation).
func boTransitionTx(ctx context.Context, tx bun.Tx, now time.Time, o boOrder, to, note string) error {
	if !portal.OrderTransitionAllowed(o.status, to) {
		return portal.TransitionConflict(o.status, to)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = ?, updated_at = ? WHERE id = ?`, to, now, o.id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO order_status_history (tenant_id, id, order_id, status, changed_at, note)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?)`, uuid.Must(uuid.NewV7()).String(), o.id, to, now, note); err != nil {
		return err
	}
	evs := []boEvent{{"order.status_changed", o.id, map[string]any{"order_id": o.id, "order_number": o.number,
		"previous_status": o.status, "new_status": to, "changed_at": now}}}
	if to == portal.OrderConfirmed {
		evs = append(evs, boConfirmedEvent(o, now))
	}
	return insertOutboxEvents(ctx, tx, now, evs...)
}

func boConfirmedEvent(o boOrder, now time.Time) boEvent {
	var ship any
	if o.promised.Valid {
		ship = o.promised.Time.Format(time.DateOnly)
	}
	return boEvent{"order.confirmed", o.id, map[string]any{"order_id": o.id, "order_number": o.number, "confirmed_at": now,
		"estimated_ship_date": ship, "confirmed_total": decimalMinor(o.total)}}
}

// SetOrderStatus implements portal.BackOfficeService.
func (s *BackOfficeService) SetOrderStatus(ctx context.Context, ext string, in portal.OrderStatusInput) (*portal.RowResult, error) {
	if !portal.ValidOrderStatus(in.Status) {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Unknown order status.",
			Fields: []portal.FieldError{{Field: "status", Message: "Unknown order status."}}}
	}
	if len(in.Note) > 1000 {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "The note is too long.",
			Fields: []portal.FieldError{{Field: "note", Message: "At most 1000 characters."}}}
	}
	res := &portal.RowResult{ExternalID: ext}
	now := s.db.Now().UTC()
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		o, ok, err := boLockOrderTx(ctx, tx, ext)
		switch {
		case err != nil:
			return err
		case !ok:
			return errNoBackOfficeOrder
		}
		res.ID = o.id
		if o.status == in.Status {
			res.Status = portal.RowUnchanged
			return nil
		}
		res.Status = portal.RowUpdated
		return boTransitionTx(ctx, tx, now, o, in.Status, in.Note)
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: set order status: %w", err)
	}
	return res, nil
}

// boOrderCols are written by an order upsert, in this order (status only
// when the order is created; afterwards it moves by transitions).
var boOrderCols = []string{"customer_id", "order_number", "po_number", "source", "order_date", "requested_date", "promised_date",
	"ship_to_id", "location_id", "currency", "subtotal_minor", "tax_minor", "freight_minor", "processing_minor", "total_minor",
	"coc_required", "notes"}

// UpsertOrders implements portal.BackOfficeService. A new order writes
// order.created (with its source); a status that differs from the stored
// one is a transition, refused (as a row error naming both statuses) when
// OrderTransitionAllowed refuses it. Lines are keyed by line number; lines
// the ERP no longer sends are removed (refused while shipped).
func (s *BackOfficeService) UpsertOrders(ctx context.Context, rows []portal.BackOfficeOrderInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			cust, err := boRefID(ctx, tx, "customers", "customer_external_id", "customer", in.CustomerExternalID, "")
			if err != nil {
				return "", "", err
			}
			shipTo, err := boRefID(ctx, tx, "addresses", "ship_to_external_id", "address of this customer", in.ShipToExternalID, "AND customer_id = ?", cust)
			if err != nil {
				return "", "", err
			}
			location, err := boRefID(ctx, tx, "locations", "location_external_id", "location", in.LocationExternalID, "")
			if err != nil {
				return "", "", err
			}
			vals := []any{cust, in.OrderNumber, in.PONumber, boDefault(in.Source, "internal"), in.OrderDate, nullable(in.RequestedDate),
				nullable(in.PromisedDate), shipTo, location, boDefault(in.Currency, "USD"), in.Subtotal, in.Tax, in.Freight, in.Processing,
				in.Total, in.COCRequired, in.Notes}
			o, exists, err := boLockOrderTx(ctx, tx, in.ExternalID)
			if err != nil {
				return "", "", err
			}
			if !exists {
				return boCreateOrderTx(ctx, tx, now, in, vals)
			}
			set := make([]string, len(boOrderCols))
			for k, c := range boOrderCols {
				set[k] = c + " = ?"
			}
			cmp := "(" + strings.Join(boOrderCols, ", ") + ") IS DISTINCT FROM (" + boTypedPlaceholders(boOrderCols, boOrderColTypes) + ")"
			res, err := tx.ExecContext(ctx, "UPDATE orders SET "+strings.Join(set, ", ")+", updated_at = ? WHERE id = ? AND "+cmp,
				append(append(append([]any{}, vals...), now, o.id), vals...)...)
			if err != nil {
				return "", "", err
			}
			n, _ := res.RowsAffected()
			changed := n > 0
			linesChanged, err := boOrderLinesTx(ctx, tx, o.id, in.Lines, true)
			if err != nil {
				return "", "", err
			}
			changed = changed || linesChanged
			if in.Status != "" && in.Status != o.status {
				// The transition's events need the order as now written.
				if o, _, err = boLockOrderTx(ctx, tx, in.ExternalID); err != nil {
					return "", "", err
				}
				if err := boTransitionTx(ctx, tx, now, o, in.Status, ""); err != nil {
					return "", "", err
				}
				changed = true
			}
			if changed {
				return portal.RowUpdated, o.id, nil
			}
			return portal.RowUnchanged, o.id, nil
		})
}

// boOrderColTypes types the placeholders of the row comparison of an order
// update.
var boOrderColTypes = map[string]string{"customer_id": "uuid", "ship_to_id": "uuid", "location_id": "uuid",
	"order_date": "date", "requested_date": "date", "promised_date": "date", "subtotal_minor": "bigint", "tax_minor": "bigint",
	"freight_minor": "bigint", "processing_minor": "bigint", "total_minor": "bigint", "coc_required": "boolean"}

func boTypedPlaceholders(cols []string, types map[string]string) string {
	ph := make([]string, len(cols))
	for k, c := range cols {
		ph[k] = "?::" + boDefault(types[c], "text")
	}
	return strings.Join(ph, ", ")
}

func boCreateOrderTx(ctx context.Context, tx bun.Tx, now time.Time, in portal.BackOfficeOrderInput, vals []any) (string, string, error) {
	id := uuid.Must(uuid.NewV7()).String()
	status := boDefault(in.Status, portal.OrderPendingReview)
	_, err := tx.ExecContext(ctx, "INSERT INTO orders (tenant_id, id, external_id, status, "+strings.Join(boOrderCols, ", ")+
		", created_at, updated_at) VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?"+strings.Repeat(", ?", len(boOrderCols)+2)+")",
		append(append([]any{id, in.ExternalID, status}, vals...), now, now)...)
	if err != nil {
		return "", "", err
	}
	if _, err := boOrderLinesTx(ctx, tx, id, in.Lines, false); err != nil {
		return "", "", err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO order_status_history (tenant_id, id, order_id, status, changed_at)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?)`, uuid.Must(uuid.NewV7()).String(), id, status, now); err != nil {
		return "", "", err
	}
	o := boOrder{id: id, number: in.OrderNumber, status: status, total: in.Total}
	if in.PromisedDate != "" {
		t, _ := time.Parse(time.DateOnly, in.PromisedDate)
		o.promised = sql.NullTime{Time: t, Valid: true}
	}
	evs := []boEvent{{"order.created", id, map[string]any{"order_id": id, "order_number": in.OrderNumber, "customer_id": vals[0],
		"source": boDefault(in.Source, "internal"), "total": decimalMinor(in.Total), "line_count": len(in.Lines), "created_at": now}}}
	if status == portal.OrderConfirmed {
		evs = append(evs, boConfirmedEvent(o, now))
	}
	return portal.RowCreated, id, insertOutboxEvents(ctx, tx, now, evs...)
}

// boOrderLinesTx writes an order's lines by line number in one statement
// and, for an existing order, removes the lines not sent. A line sent
// without a job status keeps the one it has (queued when new).
func boOrderLinesTx(ctx context.Context, tx bun.Tx, orderID string, lines []portal.BackOfficeOrderLineInput, existing bool) (bool, error) {
	changed := false
	if existing && lines == nil {
		return false, nil // not sent: the lines stay as they are
	}
	if existing {
		nos := []int{0}
		for _, l := range lines {
			nos = append(nos, l.LineNo)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM order_lines WHERE order_id = ? AND line_no NOT IN (?)`, orderID, bun.In(nos))
		if err != nil {
			return false, err
		}
		n, _ := res.RowsAffected()
		changed = n > 0
	}
	if len(lines) == 0 {
		return changed, nil
	}
	var exts []string
	for _, l := range lines {
		if l.ProductExternalID != "" {
			exts = append(exts, l.ProductExternalID)
		}
	}
	products := map[string]string{}
	if len(exts) > 0 {
		var list []struct{ Ext, ID string }
		if err := tx.NewRaw(`SELECT external_id AS ext, id::text AS id FROM products WHERE external_id IN (?)`, bun.In(exts)).Scan(ctx, &list); err != nil {
			return false, err
		}
		for _, p := range list {
			products[p.Ext] = p.ID
		}
	}
	current := map[int]string{}
	if existing {
		var list []struct {
			LineNo    int
			JobStatus string
		}
		if err := tx.NewRaw(`SELECT line_no, job_status FROM order_lines WHERE order_id = ?`, orderID).Scan(ctx, &list); err != nil {
			return false, err
		}
		for _, l := range list {
			current[l.LineNo] = l.JobStatus
		}
	}
	var sb strings.Builder
	var args []any
	sb.WriteString(`INSERT INTO order_lines (tenant_id, id, order_id, line_no, product_id, description, grade, dimensions, quantity, uom,
		unit_price_minor, line_total_minor, job_status, processing_notes, heat_number, has_mtr) VALUES `)
	for k, l := range lines {
		var product any
		if l.ProductExternalID != "" {
			if products[l.ProductExternalID] == "" {
				return false, boUnknownRef(fmt.Sprintf("lines[%d].product_external_id", k), "product", l.ProductExternalID)
			}
			product = products[l.ProductExternalID]
		}
		job := l.JobStatus
		if job == "" {
			job = boDefault(current[l.LineNo], "queued")
		}
		if k > 0 {
			sb.WriteString(", ")
		}
		sb.WriteString("(current_setting('app.tenant_id')::uuid" + strings.Repeat(", ?", 15) + ")")
		args = append(args, uuid.Must(uuid.NewV7()).String(), orderID, l.LineNo, product, l.Description, l.Grade, l.Dimensions,
			boQty(l.Quantity), l.UOM, l.UnitPrice, l.LineTotal, job, l.ProcessingNotes, l.HeatNumber, l.HasMTR)
	}
	cols := []string{"product_id", "description", "grade", "dimensions", "quantity", "uom", "unit_price_minor", "line_total_minor",
		"job_status", "processing_notes", "heat_number", "has_mtr"}
	set, old, exc := make([]string, len(cols)), make([]string, len(cols)), make([]string, len(cols))
	for k, c := range cols {
		set[k], old[k], exc[k] = c+" = EXCLUDED."+c, "order_lines."+c, "EXCLUDED."+c
	}
	sb.WriteString(" ON CONFLICT (tenant_id, order_id, line_no) DO UPDATE SET " + strings.Join(set, ", ") + " WHERE (" +
		strings.Join(old, ", ") + ") IS DISTINCT FROM (" + strings.Join(exc, ", ") + ")")
	res, err := tx.ExecContext(ctx, sb.String(), args...)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return changed || n > 0, nil
}

// SetLineStatuses implements portal.BackOfficeService. Lines are named by
// their order's external id and their line number.
func (s *BackOfficeService) SetLineStatuses(ctx context.Context, rows []portal.LineStatusInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return fmt.Sprintf("%s#%d", rows[i].OrderExternalID, rows[i].LineNo) },
		func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			order, err := boRefID(ctx, tx, "orders", "order_external_id", "order", in.OrderExternalID, "")
			if err != nil {
				return "", "", err
			}
			var id, cur string
			err = tx.QueryRowContext(ctx, `SELECT id::text, job_status FROM order_lines WHERE order_id = ? AND line_no = ? FOR UPDATE`,
				order, in.LineNo).Scan(&id, &cur)
			if errors.Is(err, sql.ErrNoRows) {
				return "", "", &portal.Error{Code: portal.EINVALID, Message: "Unknown line.",
					Fields: []portal.FieldError{{Field: "line_no", Message: fmt.Sprintf("The order has no line %d.", in.LineNo)}}}
			}
			if err != nil || cur == in.JobStatus {
				return portal.RowUnchanged, id, err
			}
			_, err = tx.ExecContext(ctx, `UPDATE order_lines SET job_status = ? WHERE id = ?`, in.JobStatus, id)
			return portal.RowUpdated, id, err
		})
}

// shippedStatuses are the shipment statuses of a shipment that has left.
func boShipped(s string) bool { return s == "shipped" || s == "out_for_delivery" || s == "delivered" }

// UpsertShipments implements portal.BackOfficeService. The shipment's
// customer is its order's. order.shipped is written when a shipment first
// leaves (shipped, out for delivery or delivered), order.delivered when it
// is first delivered. Lines name their order's line numbers; a shipment
// sent with lines carries exactly those.
func (s *BackOfficeService) UpsertShipments(ctx context.Context, rows []portal.BackOfficeShipmentInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			var orderID, orderNumber, customerID string
			err := tx.QueryRowContext(ctx, `SELECT id::text, order_number, customer_id::text FROM orders WHERE external_id = ?`,
				in.OrderExternalID).Scan(&orderID, &orderNumber, &customerID)
			if errors.Is(err, sql.ErrNoRows) {
				return "", "", boUnknownRef("order_external_id", "order", in.OrderExternalID)
			}
			if err != nil {
				return "", "", err
			}
			var oldStatus string
			err = tx.QueryRowContext(ctx, `SELECT status FROM shipments WHERE external_id = ? FOR UPDATE`, in.ExternalID).Scan(&oldStatus)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return "", "", err
			}
			var delivered any
			if in.DeliveredAt != nil {
				delivered = in.DeliveredAt.UTC()
			}
			st, id, err := boUpsert{table: "shipments", touch: true,
				cols: []string{"order_id", "customer_id", "shipment_number", "status", "carrier", "carrier_type", "tracking_number",
					"tracking_url", "ship_date", "estimated_delivery", "delivered_at", "signed_by", "pod_available"},
				vals: []any{orderID, customerID, in.ShipmentNumber, in.Status, in.Carrier, boDefault(in.CarrierType, "parcel"),
					in.TrackingNumber, in.TrackingURL, nullable(in.ShipDate), nullable(in.EstimatedDelivery), delivered, in.SignedBy,
					in.PODAvailable}}.exec(ctx, tx, now, in.ExternalID)
			if err != nil {
				return "", "", err
			}
			lineIDs, linesChanged, err := boShipmentLinesTx(ctx, tx, id, orderID, in.Lines)
			if err != nil {
				return "", "", err
			}
			if st == portal.RowUnchanged && linesChanged {
				st = portal.RowUpdated
			}
			var evs []boEvent
			if boShipped(in.Status) && !boShipped(oldStatus) {
				shippedAt := now
				if in.ShipDate != "" {
					shippedAt, _ = time.Parse(time.DateOnly, in.ShipDate)
				}
				evs = append(evs, boEvent{"order.shipped", orderID, map[string]any{"order_id": orderID, "order_number": orderNumber,
					"shipment_id": id, "tracking_number": in.TrackingNumber, "carrier": in.Carrier, "tracking_url": in.TrackingURL,
					"shipped_at": shippedAt, "line_items_shipped": lineIDs}})
			}
			if in.Status == "delivered" && oldStatus != "delivered" {
				at := now
				if in.DeliveredAt != nil {
					at = in.DeliveredAt.UTC()
				}
				var signed any
				if in.SignedBy != "" {
					signed = in.SignedBy
				}
				evs = append(evs, boEvent{"order.delivered", orderID, map[string]any{"order_id": orderID, "order_number": orderNumber,
					"shipment_id": id, "delivered_at": at, "signed_by": signed}})
			}
			return st, id, insertOutboxEvents(ctx, tx, now, evs...)
		})
}

// boShipmentLinesTx makes the shipment carry exactly lines (nil: leave them)
// and answers the order line ids it carries.
func boShipmentLinesTx(ctx context.Context, tx bun.Tx, shipmentID, orderID string, lines []portal.ShipmentLineInput) ([]string, bool, error) {
	changed := false
	if lines != nil {
		var list []struct {
			LineNo int
			ID     string
		}
		if err := tx.NewRaw(`SELECT line_no, id::text AS id FROM order_lines WHERE order_id = ?`, orderID).Scan(ctx, &list); err != nil {
			return nil, false, err
		}
		byNo := map[int]string{}
		for _, l := range list {
			byNo[l.LineNo] = l.ID
		}
		keep := []string{uuid.Nil.String()}
		for k, l := range lines {
			lid := byNo[l.LineNo]
			if lid == "" {
				return nil, false, &portal.Error{Code: portal.EINVALID, Message: "Unknown line.", Fields: []portal.FieldError{{
					Field: fmt.Sprintf("lines[%d].line_no", k), Message: fmt.Sprintf("The order has no line %d.", l.LineNo)}}}
			}
			keep = append(keep, lid)
			res, err := tx.ExecContext(ctx, `INSERT INTO shipment_lines (tenant_id, shipment_id, order_id, order_line_id, quantity)
				VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?)
				ON CONFLICT (tenant_id, shipment_id, order_line_id) DO UPDATE SET quantity = EXCLUDED.quantity
				WHERE shipment_lines.quantity IS DISTINCT FROM EXCLUDED.quantity`, shipmentID, orderID, lid, boQty(l.Quantity))
			if err != nil {
				return nil, false, err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				changed = true
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM shipment_lines WHERE shipment_id = ? AND order_line_id NOT IN (?)`, shipmentID, bun.In(keep))
		if err != nil {
			return nil, false, err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			changed = true
		}
	}
	ids := []string{}
	err := tx.NewRaw(`SELECT order_line_id::text FROM shipment_lines WHERE shipment_id = ? ORDER BY order_line_id`, shipmentID).Scan(ctx, &ids)
	return ids, changed, err
}

// UpsertInvoices implements portal.BackOfficeService. An invoice's order is
// one of the invoice's customer's orders; a new invoice of an order writes
// order.invoiced.
func (s *BackOfficeService) UpsertInvoices(ctx context.Context, rows []portal.BackOfficeInvoiceInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			cust, err := boRefID(ctx, tx, "customers", "customer_external_id", "customer", in.CustomerExternalID, "")
			if err != nil {
				return "", "", err
			}
			var order any
			var orderNumber string
			if in.OrderExternalID != "" {
				var oid string
				err := tx.QueryRowContext(ctx, `SELECT id::text, order_number FROM orders WHERE external_id = ? AND customer_id = ?`,
					in.OrderExternalID, cust).Scan(&oid, &orderNumber)
				if errors.Is(err, sql.ErrNoRows) {
					return "", "", boUnknownRef("order_external_id", "order of this customer", in.OrderExternalID)
				}
				if err != nil {
					return "", "", err
				}
				order = oid
			}
			st, id, err := boUpsert{table: "invoices", touch: true,
				cols: []string{"customer_id", "order_id", "invoice_number", "status", "invoice_date", "due_date", "currency",
					"subtotal_minor", "tax_minor", "total_minor", "amount_paid_minor"},
				vals: []any{cust, order, in.InvoiceNumber, in.Status, in.InvoiceDate, in.DueDate, boDefault(in.Currency, "USD"),
					in.Subtotal, in.Tax, in.Total, in.AmountPaid}}.exec(ctx, tx, now, in.ExternalID)
			if err != nil || st != portal.RowCreated || order == nil {
				return st, id, err
			}
			return st, id, insertOutboxEvents(ctx, tx, now, boEvent{"order.invoiced", order.(string), map[string]any{
				"order_id": order, "order_number": orderNumber, "invoice_id": id, "invoice_number": in.InvoiceNumber,
				"invoice_total": decimalMinor(in.Total), "invoice_url": portal.InvoicePagePath + id}})
		})
}

// UpsertPayments implements portal.BackOfficeService. A payment may name
// only an invoice of its own customer.
func (s *BackOfficeService) UpsertPayments(ctx context.Context, rows []portal.BackOfficePaymentInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			cust, inv, err := boCustomerInvoice(ctx, tx, in.CustomerExternalID, in.InvoiceExternalID)
			if err != nil {
				return "", "", err
			}
			return boUpsert{table: "payments", touch: true,
				cols: []string{"customer_id", "invoice_id", "reference", "method", "status", "currency", "amount_minor", "received_on"},
				vals: []any{cust, inv, in.Reference, in.Method, in.Status, boDefault(in.Currency, "USD"), in.Amount, in.ReceivedOn}}.exec(ctx, tx, now, in.ExternalID)
		})
}

// UpsertCreditNotes implements portal.BackOfficeService. A credit note may
// name only an invoice of its own customer.
func (s *BackOfficeService) UpsertCreditNotes(ctx context.Context, rows []portal.BackOfficeCreditNoteInput) ([]portal.RowResult, error) {
	return s.batch(ctx, len(rows), func(i int) string { return rows[i].ExternalID }, func(i int) []portal.FieldError { return rows[i].Validate() },
		func(ctx context.Context, tx bun.Tx, now time.Time, i int) (string, string, error) {
			in := rows[i]
			cust, inv, err := boCustomerInvoice(ctx, tx, in.CustomerExternalID, in.InvoiceExternalID)
			if err != nil {
				return "", "", err
			}
			return boUpsert{table: "credit_notes", touch: true,
				cols: []string{"customer_id", "invoice_id", "credit_note_number", "status", "issue_date", "currency", "amount_minor", "remaining_minor", "reason"},
				vals: []any{cust, inv, in.CreditNoteNumber, in.Status, in.IssueDate, boDefault(in.Currency, "USD"), in.Amount, in.RemainingOrDefault(),
					in.Reason}}.exec(ctx, tx, now, in.ExternalID)
		})
}

// boCustomerInvoice resolves a row's customer and, when named, an invoice
// of that customer (a payment or credit note may name no other).
func boCustomerInvoice(ctx context.Context, tx bun.Tx, customerExternalID, invoiceExternalID string) (cust, inv any, err error) {
	if cust, err = boRefID(ctx, tx, "customers", "customer_external_id", "customer", customerExternalID, ""); err != nil {
		return nil, nil, err
	}
	inv, err = boRefID(ctx, tx, "invoices", "invoice_external_id", "invoice of this customer", invoiceExternalID, "AND customer_id = ?", cust)
	return cust, inv, err
}
