package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// Upload stores a document the tenant's ERP uploads, resolving the ERP's
// ids to the order, shipment and lines it belongs to before any byte is
// stored: a name that resolves to nothing is EUNPROCESSABLE naming the
// field, and nothing is written.
func (s *DocumentStore) Upload(ctx context.Context, in portal.DocumentUpload, body io.Reader, size int64) (*portal.Document, error) {
	t, ok := tenants.FromContext(ctx)
	if !ok {
		return nil, errors.New("documents: upload without a tenant")
	}
	if !slices.Contains(portal.UploadTypes, in.Type) {
		return nil, invalidField("type", "one of "+strings.Join(portal.UploadTypes, ", "))
	}
	nd := portal.NewDocument{Type: in.Type, ContentType: "application/pdf", HeatNumber: strings.TrimSpace(in.HeatNumber)}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		switch in.Type {
		case "mtr", "coc":
			if in.OrderExternalID == "" {
				return invalidField("order_external_id", "required for "+in.Type)
			}
			var number string
			err := tx.QueryRowContext(ctx, `SELECT id, customer_id, order_number FROM orders WHERE external_id = ?`, in.OrderExternalID).
				Scan(&nd.OrderID, &nd.CustomerID, &number)
			if errors.Is(err, sql.ErrNoRows) {
				return unprocessable("order_external_id", "no order "+in.OrderExternalID)
			}
			if err != nil {
				return err
			}
			if in.Type == "coc" {
				nd.Name = "COC-" + number + ".pdf"
				return nil
			}
			if nd.HeatNumber == "" {
				return invalidField("heat_number", "required for a mill test report")
			}
			nd.Name = "MTR-" + nd.HeatNumber + ".pdf"
			return s.mtrLines(ctx, tx, &nd, in.LineNos)
		default: // pod, bill_of_lading
			if in.ShipmentExternalID == "" {
				return invalidField("shipment_external_id", "required for "+in.Type)
			}
			var number, tracking string
			err := tx.QueryRowContext(ctx, `SELECT s.id, o.id, o.customer_id, s.shipment_number, s.tracking_number
				FROM shipments s JOIN orders o ON o.tenant_id = s.tenant_id AND o.id = s.order_id WHERE s.external_id = ?`,
				in.ShipmentExternalID).Scan(&nd.ShipmentID, &nd.OrderID, &nd.CustomerID, &number, &tracking)
			if errors.Is(err, sql.ErrNoRows) {
				return unprocessable("shipment_external_id", "no shipment "+in.ShipmentExternalID)
			}
			if err != nil {
				return err
			}
			if in.Type == "pod" {
				nd.Name = "POD-" + cmp.Or(tracking, number) + ".pdf"
			} else {
				nd.Name = "BOL-" + cmp.Or(strings.TrimSpace(in.Number), number) + ".pdf"
			}
			return nil
		}
	})
	if err != nil {
		return nil, err
	}
	return s.Create(ctx, t.ID, nd, body, size)
}

// mtrLines sets the lines an MTR covers: the given line numbers, each of
// which must carry the heat, or else every line of the order that does.
func (s *DocumentStore) mtrLines(ctx context.Context, tx bun.Tx, nd *portal.NewDocument, lineNos []int) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, line_no, heat_number FROM order_lines WHERE order_id = ? ORDER BY line_no`, nd.OrderID)
	if err != nil {
		return err
	}
	defer rows.Close()
	type line struct {
		id   string
		heat string
	}
	lines := map[int]line{}
	var carrying []string
	for rows.Next() {
		var l line
		var no int
		if err := rows.Scan(&l.id, &no, &l.heat); err != nil {
			return err
		}
		lines[no] = l
		if strings.EqualFold(l.heat, nd.HeatNumber) {
			carrying = append(carrying, l.id)
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(lineNos) == 0 {
		if len(carrying) == 0 {
			return unprocessable("heat_number", "no line of the order carries heat "+nd.HeatNumber)
		}
		nd.OrderLineIDs = carrying
		return nil
	}
	for _, no := range lineNos {
		l, ok := lines[no]
		switch {
		case !ok:
			return unprocessable("line_nos", fmt.Sprintf("the order has no line %d", no))
		case !strings.EqualFold(l.heat, nd.HeatNumber):
			return unprocessable("line_nos", fmt.Sprintf("line %d does not carry heat %s", no, nd.HeatNumber))
		}
		nd.OrderLineIDs = append(nd.OrderLineIDs, l.id)
	}
	return nil
}

func invalidField(field, msg string) error {
	return &portal.Error{Code: portal.EINVALID, Message: "Invalid " + field + ".", Fields: []portal.FieldError{{Field: field, Message: msg}}}
}

func unprocessable(field, msg string) error {
	return &portal.Error{Code: portal.EUNPROCESSABLE, Message: "Unknown " + field + ".", Fields: []portal.FieldError{{Field: field, Message: msg}}}
}
