package postgres

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"example.com/portal/backend/internal/portal"
)

var errNoDocument = portal.Errorf(portal.ENOTFOUND, "No such document.")

// documentColumns and documentFrom read a whole document row with its
// order number; scanDocument scans them.
const documentColumns = `d.id, d.customer_id, d.type, d.name, coalesce(d.order_id::text, ''),
	coalesce(o.order_number, ''), coalesce(d.invoice_id::text, ''), coalesce(d.shipment_id::text, ''), d.heat_number,
	d.object_key, d.content_type, d.size_bytes, d.sha256, d.created_at, d.expires_at`

const documentFrom = ` FROM documents d LEFT JOIN orders o ON o.tenant_id = d.tenant_id AND o.id = d.order_id`

func scanDocument(row interface{ Scan(...any) error }) (*portal.Document, error) {
	var d portal.Document
	err := row.Scan(&d.ID, &d.CustomerID, &d.Type, &d.Name, &d.OrderID, &d.OrderNumber, &d.InvoiceID, &d.ShipmentID, &d.HeatNumber,
		&d.ObjectKey, &d.ContentType, &d.SizeBytes, &d.SHA256, &d.CreatedAt, &d.ExpiresAt)
	return &d, err
}

// Document returns one of the actor's customer's documents in the tenant of
// ctx. Another customer's or another tenant's id is ENOTFOUND, as is any id
// for a staff actor (they have the back-office API).
func (s *DocumentStore) Document(ctx context.Context, actor *portal.User, id string) (*portal.Document, error) {
	docs, err := s.documents(ctx, actor, []string{id})
	if err != nil {
		return nil, err
	}
	return docs[0], nil
}

// documents returns the actor's customer's documents of ids, in their
// order, in one read; any id that is not one of them is ENOTFOUND.
func (s *DocumentStore) documents(ctx context.Context, actor *portal.User, ids []string) ([]*portal.Document, error) {
	if actor == nil || actor.CustomerID == "" {
		return nil, errNoDocument
	}
	for _, id := range ids {
		if _, err := uuid.Parse(id); err != nil {
			return nil, errNoDocument
		}
	}
	byID := make(map[string]*portal.Document, len(ids))
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+documentColumns+documentFrom+` WHERE d.id IN (?) AND d.customer_id = ?`,
			bun.In(ids), actor.CustomerID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d, err := scanDocument(rows)
			if err != nil {
				return err
			}
			byID[d.ID] = d
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	out := make([]*portal.Document, 0, len(ids))
	for _, id := range ids {
		d, ok := byID[id]
		if !ok {
			return nil, errNoDocument
		}
		out = append(out, d)
	}
	return out, nil
}

// Open streams the content of one of the actor's customer's documents and
// records the download (via is stream, link or zip). The caller closes it.
func (s *DocumentStore) Open(ctx context.Context, actor *portal.User, id, via string) (*portal.Document, io.ReadCloser, error) {
	d, err := s.Document(ctx, actor, id)
	if err != nil {
		return nil, nil, err
	}
	rc, _, err := s.objects.Get(ctx, d.ObjectKey)
	switch {
	case errors.Is(err, portal.ErrObjectNotFound):
		return nil, nil, errNoDocument
	case errors.Is(err, portal.ErrObjectStoreUnavailable):
		return nil, nil, portal.Errorf(portal.EUNAVAILABLE, "The document store is unavailable; try again later.")
	case err != nil:
		return nil, nil, err
	}
	if err := s.RecordDownload(ctx, actor, via, d); err != nil {
		rc.Close()
		return nil, nil, err
	}
	return d, rc, nil
}

// RecordDownload adds downloads of docs by actor to the customer's
// activity, in one statement. A document without an id (a statement,
// rendered on demand) is recorded by name.
func (s *DocumentStore) RecordDownload(ctx context.Context, actor *portal.User, via string, docs ...*portal.Document) error {
	if len(docs) == 0 {
		return nil
	}
	at := s.Now().UTC()
	values := make([]string, 0, len(docs))
	args := make([]any, 0, 6*len(docs))
	for _, d := range docs {
		values = append(values, "(current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?)")
		args = append(args, uuid.Must(uuid.NewV7()).String(), actor.CustomerID, actor.ID, nullable(d.ID), d.Name, via, at)
	}
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO document_downloads (tenant_id, id, customer_id, user_id, document_id, document_name, via, at)
			VALUES `+strings.Join(values, ", "), args...)
		return err
	})
}

// Documents lists the actor's customer's documents, newest first.
func (s *DocumentStore) Documents(ctx context.Context, actor *portal.User, f portal.DocumentFilter) (*portal.DocumentPage, error) {
	if actor == nil || actor.CustomerID == "" {
		return nil, portal.Errorf(portal.EFORBIDDEN, "Documents belong to a customer.")
	}
	for _, t := range f.Types {
		if _, ok := portal.DocumentTypes[t]; !ok {
			return nil, &portal.Error{Code: portal.EINVALID, Message: "Unknown document type.", Fields: []portal.FieldError{{Field: "type", Message: "unknown: " + t}}}
		}
	}
	if f.OrderID != "" {
		if _, err := uuid.Parse(f.OrderID); err != nil {
			return nil, &portal.Error{Code: portal.EINVALID, Message: "Bad order id.", Fields: []portal.FieldError{{Field: "order_id", Message: "not an id"}}}
		}
	}
	if f.Page < 1 {
		f.Page = 1
	}
	if f.PageSize < 1 || f.PageSize > 100 {
		f.PageSize = 25
	}
	where := []string{"d.customer_id = ?"}
	args := []any{actor.CustomerID}
	if f.Q != "" {
		where = append(where, "(d.name ILIKE ? OR o.order_number ILIKE ?)")
		pat := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(f.Q) + "%"
		args = append(args, pat, pat)
	}
	if len(f.Types) > 0 {
		where = append(where, "d.type IN (?)")
		args = append(args, bun.In(f.Types))
	}
	if !f.From.IsZero() {
		where, args = append(where, "d.created_at >= ?"), append(args, f.From)
	}
	if !f.To.IsZero() {
		where, args = append(where, "d.created_at < ?"), append(args, f.To)
	}
	if f.OrderID != "" {
		where, args = append(where, "d.order_id = ?"), append(args, f.OrderID)
	}
	from := documentFrom + ` WHERE ` + strings.Join(where, " AND ")
	p := &portal.DocumentPage{Page: f.Page, PageSize: f.PageSize, Items: []portal.Document{}}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT count(*)"+from, args...).Scan(&p.Total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT d.id, d.type, d.name, coalesce(d.order_id::text, ''), coalesce(o.order_number, ''),
			d.heat_number, d.content_type, d.size_bytes, d.created_at,
			array(SELECT l.order_line_id::text FROM document_order_lines l WHERE l.tenant_id = d.tenant_id AND l.document_id = d.id
				ORDER BY l.order_line_id)`+from+` ORDER BY d.created_at DESC, d.id DESC LIMIT ? OFFSET ?`,
			append(args, f.PageSize, (f.Page-1)*f.PageSize)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			d := portal.Document{CustomerID: actor.CustomerID}
			if err := rows.Scan(&d.ID, &d.Type, &d.Name, &d.OrderID, &d.OrderNumber, &d.HeatNumber, &d.ContentType, &d.SizeBytes,
				&d.CreatedAt, pgdialect.Array(&d.LineIDs)); err != nil {
				return err
			}
			p.Items = append(p.Items, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// LinkExpiry is how long a presigned download link lives.
const LinkExpiry = 5 * time.Minute

// Link returns a presigned URL of one of the actor's customer's documents,
// valid for expiry (at most LinkExpiry; 0 means LinkExpiry), and records
// the download.
func (s *DocumentStore) Link(ctx context.Context, actor *portal.User, id string, expiry time.Duration, attachment bool) (string, time.Time, error) {
	if expiry <= 0 || expiry > LinkExpiry {
		expiry = LinkExpiry
	}
	d, err := s.Document(ctx, actor, id)
	if err != nil {
		return "", time.Time{}, err
	}
	at := time.Now()
	u, err := s.objects.PresignedGet(ctx, d.ObjectKey, expiry, d.Name, attachment)
	if err != nil {
		return "", time.Time{}, err
	}
	if err := s.RecordDownload(ctx, actor, "link", d); err != nil {
		return "", time.Time{}, err
	}
	return u.String(), at.Add(expiry).UTC(), nil
}
