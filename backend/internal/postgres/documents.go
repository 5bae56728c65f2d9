package postgres

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

// DocumentStore keeps documents: the object in the object store, the row
// (and its MTR order lines) in PostgreSQL. Create writes the object first
// and the row second, removing the object when the transaction fails, so a
// row never names a missing object; an object left behind by a crash is an
// orphan that SweepOrphans removes.
type DocumentStore struct {
	db      *DB
	objects portal.ObjectStore
	// Now is the clock of created_at, expires_at and the retention job.
	Now func() time.Time
	// Renderer renders the documents GenerateDue makes; nil: none.
	Renderer portal.DocumentRenderer
}

// NewDocumentStore returns the store over db and objects.
func NewDocumentStore(db *DB, objects portal.ObjectStore) *DocumentStore {
	return &DocumentStore{db: db, objects: objects, Now: time.Now}
}

// OrphanAge is how old an object without a row must be before the sweep
// removes it (an upload in flight has its row within seconds).
const OrphanAge = time.Hour

// Create stores body (size bytes) as a new document of tenantID and emits
// document.available in the same transaction as the row. A store that does
// not answer is EUNAVAILABLE with nothing written.
func (s *DocumentStore) Create(ctx context.Context, tenantID string, in portal.NewDocument, body io.Reader, size int64) (*portal.Document, error) {
	typ, ok := portal.DocumentTypes[in.Type]
	if !ok {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Unknown document type.", Fields: []portal.FieldError{{Field: "type", Message: "unknown"}}}
	}
	if in.Name == "" {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "A document needs a name.", Fields: []portal.FieldError{{Field: "name", Message: "required"}}}
	}
	if size > portal.MaxDocumentBytes {
		return nil, portal.Errorf(portal.ETOOLARGE, "The document is larger than %d MiB.", portal.MaxDocumentBytes>>20)
	}
	now := s.Now().UTC()
	d := &portal.Document{
		ID: uuid.Must(uuid.NewV7()).String(), CustomerID: in.CustomerID, Type: in.Type, Name: in.Name,
		OrderID: in.OrderID, InvoiceID: in.InvoiceID, ShipmentID: in.ShipmentID, HeatNumber: in.HeatNumber,
		ContentType: in.ContentType, SizeBytes: size, CreatedAt: now,
		ExpiresAt: now.AddDate(0, 0, typ.RetentionDays),
	}
	if d.ContentType == "" {
		d.ContentType = "application/pdf"
	}
	d.ObjectKey = portal.ObjectKey(tenantID, d.ID)
	h := sha256.New()
	counted := &countingReader{r: io.TeeReader(io.LimitReader(body, portal.MaxDocumentBytes+1), h)}
	if err := s.objects.Put(ctx, d.ObjectKey, counted, size, d.ContentType); err != nil {
		_ = s.objects.Remove(context.WithoutCancel(ctx), d.ObjectKey)
		if errors.Is(err, portal.ErrObjectStoreUnavailable) {
			return nil, portal.Errorf(portal.EUNAVAILABLE, "The document store is unavailable; try again later.")
		}
		return nil, fmt.Errorf("documents: put: %w", err)
	}
	if counted.n > portal.MaxDocumentBytes {
		_ = s.objects.Remove(context.WithoutCancel(ctx), d.ObjectKey)
		return nil, portal.Errorf(portal.ETOOLARGE, "The document is larger than %d MiB.", portal.MaxDocumentBytes>>20)
	}
	d.SizeBytes, d.SHA256 = counted.n, hex.EncodeToString(h.Sum(nil))
	err := s.db.InTx(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO documents (tenant_id, id, customer_id, type, name, order_id, invoice_id, shipment_id,
			credit_note_id, quote_id, heat_number, object_key, content_type, size_bytes, sha256, created_at, expires_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.CustomerID, d.Type, d.Name, nullable(d.OrderID), nullable(d.InvoiceID), nullable(d.ShipmentID),
			nullable(in.CreditNoteID), nullable(in.QuoteID), d.HeatNumber, d.ObjectKey, d.ContentType, d.SizeBytes, d.SHA256, d.CreatedAt, d.ExpiresAt)
		if err != nil {
			return err
		}
		for _, line := range in.OrderLineIDs {
			res, err := tx.ExecContext(ctx, `INSERT INTO document_order_lines (tenant_id, document_id, order_id, order_line_id)
				SELECT tenant_id, ?, order_id, id FROM order_lines WHERE id = ?`, d.ID, line)
			if err != nil {
				return err
			}
			if n, err := res.RowsAffected(); err != nil || n != 1 {
				return errors.Join(err, unprocessable("line_nos", "no order line "+line))
			}
		}
		if in.Type == "mtr" && len(in.OrderLineIDs) > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE order_lines SET has_mtr = true WHERE id IN (?) AND NOT has_mtr`,
				bun.In(in.OrderLineIDs)); err != nil {
				return err
			}
		}
		if d.OrderID != "" {
			if err := tx.QueryRowContext(ctx, `SELECT order_number FROM orders WHERE id = ?`, d.OrderID).Scan(&d.OrderNumber); err != nil {
				return err
			}
		}
		payload := map[string]any{
			"document_id": d.ID, "document_type": d.Type, "order_id": nilIfEmpty(d.OrderID),
			"order_number": nilIfEmpty(d.OrderNumber), "shipment_id": nilIfEmpty(d.ShipmentID),
			"download_url": "/api/v1/documents/" + d.ID + "/content", "created_at": d.CreatedAt.Format(time.RFC3339),
		}
		return insertOutboxEvents(ctx, tx, now, boEvent{typ: "document.available", subject: d.ID, payload: payload})
	})
	if err != nil {
		_ = s.objects.Remove(context.WithoutCancel(ctx), d.ObjectKey)
		var pe *portal.Error
		if errors.As(err, &pe) {
			return nil, pe
		}
		return nil, fmt.Errorf("documents: insert: %w", err)
	}
	return d, nil
}

// DeleteExpired deletes the tenant's documents past expires_at (object
// first, then row, so a failure leaves a row to retry rather than a row
// without its object being served) and returns how many it deleted.
func (s *DocumentStore) DeleteExpired(ctx context.Context, tenantID string, limit int) (int, error) {
	type exp struct{ id, key string }
	var due []exp
	err := s.db.InTx(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT id, object_key FROM documents WHERE expires_at <= ? ORDER BY expires_at LIMIT ?`,
			s.Now().UTC(), limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e exp
			if err := rows.Scan(&e.id, &e.key); err != nil {
				return err
			}
			due = append(due, e)
		}
		return rows.Err()
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range due {
		if err := s.objects.Remove(ctx, e.key); err != nil {
			return n, err
		}
		err := s.db.InTx(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM documents WHERE id = ?`, e.id)
			return err
		})
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// SweepOrphans removes the tenant's objects older than OrphanAge that no
// document row names (left by a crash between put and commit).
func (s *DocumentStore) SweepOrphans(ctx context.Context, tenantID string) (int, error) {
	cutoff := s.Now().Add(-OrphanAge)
	var old []string
	err := s.objects.List(ctx, tenantID+"/", func(o portal.ObjectInfo) error {
		if o.LastModified.Before(cutoff) {
			old = append(old, o.Key)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	n := 0
	for _, key := range old {
		var one int
		err := s.db.InTx(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT 1 FROM documents WHERE object_key = ?`, key).Scan(&one)
		})
		if err == nil {
			continue
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return n, err
		}
		if err := s.objects.Remove(ctx, key); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
