package postgres

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// QuoteService implements portal.QuoteService: the portal's quote builder,
// drafts, acceptance into an order, and the staff's pricing.
type QuoteService struct {
	db *DB
	// Docs generates the quote PDF as soon as a quote is sent (nil: the
	// documents job generates it on its next run).
	Docs *DocumentStore
}

var _ portal.QuoteService = (*QuoteService)(nil)

// NewQuoteService returns the service over db.
func NewQuoteService(db *DB, docs *DocumentStore) *QuoteService {
	return &QuoteService{db: db, Docs: docs}
}

var (
	errNoQuote      = portal.Errorf(portal.ENOTFOUND, "No such quote.")
	errStaffOnly    = portal.Errorf(portal.EFORBIDDEN, "Only the tenant's staff answer quotes.")
	errTooManyDraft = portal.Errorf(portal.ECONFLICT, "You have %d quote drafts already: submit or delete one first.", portal.MaxQuoteDrafts)
	errNotDraft     = portal.Errorf(portal.ECONFLICT, "This quote was submitted already.")
)

func customerOnly(actor *portal.User) error {
	if actor.Staff() {
		return errNoCustomer
	}
	return nil
}

// quoteLinesTx checks in's products and turns its lines into records with
// the product's name and unit.
func quoteLinesTx(ctx context.Context, tx bun.Tx, in *portal.QuoteInput) ([]quoteLineRecord, error) {
	var fields []portal.FieldError
	out := make([]quoteLineRecord, 0, len(in.Lines))
	for i, l := range in.Lines {
		p, err := catalogProductTx(ctx, tx, l.ProductID)
		if portal.ErrorCode(err) == portal.ENOTFOUND {
			fields = append(fields, portal.FieldError{Field: "lines[" + strconv.Itoa(i) + "].product_id", Message: "No such product."})
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, quoteLineRecord{ProductID: p.ID, Description: p.Name, QuantityMilli: l.QuantityMilli(),
			UOM: cmp.Or(l.UOM, p.PricingUOM), Processing: l.Processing})
	}
	if len(fields) > 0 {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Check the highlighted items.", Fields: fields}
	}
	return out, nil
}

// lockDraftsTx serialises one user's draft writes, so two tabs cannot both
// save a fifth draft.
func lockDraftsTx(ctx context.Context, tx bun.Tx, userID string) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended('quote-drafts:' || ?, 0))`, userID)
	return err
}

// draftTx locks the actor's quote id and reports whether it is still a
// draft: ENOTFOUND when it is not the actor's.
func draftTx(ctx context.Context, tx bun.Tx, actor *portal.User, id string) (bool, error) {
	if !portal.ValidUUID(id) {
		return false, errNoQuote
	}
	var status string
	err := tx.QueryRowContext(ctx, `SELECT status FROM quotes WHERE id = ? AND customer_id = ? AND requested_by_id = ? FOR UPDATE`,
		id, actor.CustomerID, actor.ID).Scan(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false, errNoQuote
	}
	return status == portal.QuoteDraft, err
}

// SaveDraft implements portal.QuoteService.
func (s *QuoteService) SaveDraft(ctx context.Context, actor *portal.User, id string, in portal.QuoteInput) (*portal.Quote, error) {
	if err := customerOnly(actor); err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	in.Now = now
	if err := in.Validate(false); err != nil {
		return nil, err
	}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		lines, err := quoteLinesTx(ctx, tx, &in)
		if err != nil {
			return err
		}
		if id != "" {
			draft, err := draftTx(ctx, tx, actor, id)
			if err != nil {
				return err
			}
			if !draft {
				return errNotDraft
			}
			if _, err := tx.ExecContext(ctx, `UPDATE quotes SET quote_type = ?, needed_by_date = ?, special_instructions = ?, updated_at = ?
				WHERE id = ?`, in.Type, nullable(in.NeededByDate), in.SpecialInstructions, now, id); err != nil {
				return err
			}
			return replaceQuoteLinesTx(ctx, tx, id, lines)
		}
		if err := lockDraftsTx(ctx, tx, actor.ID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM quotes WHERE requested_by_id = ? AND status = 'draft'`, actor.ID).Scan(&n); err != nil {
			return err
		}
		if n >= portal.MaxQuoteDrafts {
			return errTooManyDraft
		}
		id = uuid.Must(uuid.NewV7()).String()
		_, err = insertQuoteTx(ctx, tx, &quoteRecord{ID: id, CustomerID: actor.CustomerID, RequestedByID: actor.ID, Status: portal.QuoteDraft,
			Source: "portal", Type: in.Type, NeededBy: in.NeededByDate, Instructions: in.SpecialInstructions, Lines: lines, Now: now})
		return err
	})
	if err != nil {
		return nil, wrapQuoteErr("save quote draft", err)
	}
	return s.Quote(ctx, actor, id)
}

// DeleteDraft implements portal.QuoteService.
func (s *QuoteService) DeleteDraft(ctx context.Context, actor *portal.User, id string) error {
	if err := customerOnly(actor); err != nil {
		return err
	}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		draft, err := draftTx(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		if !draft {
			return errNotDraft
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM quotes WHERE id = ?`, id)
		return err
	})
	return wrapQuoteErr("delete quote draft", err)
}

// Submit implements portal.QuoteService.
func (s *QuoteService) Submit(ctx context.Context, actor *portal.User, draftID string, in portal.QuoteInput) (*portal.Quote, error) {
	if err := customerOnly(actor); err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	in.Now = now
	if err := in.Validate(true); err != nil {
		return nil, err
	}
	id := draftID
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		lines, err := quoteLinesTx(ctx, tx, &in)
		if err != nil {
			return err
		}
		if draftID == "" {
			id = uuid.Must(uuid.NewV7()).String()
			_, err := insertQuoteTx(ctx, tx, &quoteRecord{ID: id, CustomerID: actor.CustomerID, RequestedByID: actor.ID,
				Status: portal.QuoteSubmitted, Source: "portal", Type: in.Type, NeededBy: in.NeededByDate,
				Instructions: in.SpecialInstructions, Lines: lines, Now: now})
			return err
		}
		draft, err := draftTx(ctx, tx, actor, draftID)
		if err != nil {
			return err
		}
		if !draft {
			return errNotDraft
		}
		if _, err := tx.ExecContext(ctx, `UPDATE quotes SET quote_type = ?, needed_by_date = ?, special_instructions = ? WHERE id = ?`,
			in.Type, nullable(in.NeededByDate), in.SpecialInstructions, draftID); err != nil {
			return err
		}
		if err := replaceQuoteLinesTx(ctx, tx, draftID, lines); err != nil {
			return err
		}
		_, err = submitDraftTx(ctx, tx, draftID, actor.CustomerID, len(lines), now)
		return err
	})
	if err != nil {
		return nil, wrapQuoteErr("submit quote", err)
	}
	return s.Quote(ctx, actor, id)
}

// Accept implements portal.QuoteService. The quote's row is locked first,
// so two acceptances at once make one order: the second finds the quote
// accepted and answers the same order.
func (s *QuoteService) Accept(ctx context.Context, actor *portal.User, id string, in portal.QuoteAcceptance) (*portal.QuoteAcceptResult, error) {
	if err := customerOnly(actor); err != nil {
		return nil, err
	}
	if !portal.ValidUUID(id) {
		return nil, errNoQuote
	}
	if in.ShippingAddressID != "" && !portal.ValidUUID(in.ShippingAddressID) {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Check the shipping address.",
			Fields: []portal.FieldError{{Field: "shipping_address_id", Message: "Give an address id (a UUID)."}}}
	}
	now := s.db.Now().UTC()
	out := &portal.QuoteAcceptResult{}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		q, err := lockQuoteTx(ctx, tx, "q.customer_id = ? AND q.status <> 'draft'", id, actor.CustomerID)
		if err != nil {
			return err
		}
		switch {
		case q.Status == portal.QuoteAccepted:
			out.OrderID = q.OrderID
			return nil
		case q.Status != portal.QuoteQuoted:
			return portal.Errorf(portal.ECONFLICT, "Only a quote that is ready can be accepted; this one is %s.", quoteLabel(q.Status))
		case !q.Acceptable(now):
			return portal.Errorf(portal.ECONFLICT, "This quote expired on %s: request a new one.", q.ValidUntil.Format(time.DateOnly))
		}
		if in.ShippingAddressID != "" {
			if err := shippingAddressTx(ctx, tx, actor.CustomerID, in.ShippingAddressID); err != nil {
				return err
			}
		}
		priced, notes, err := quotedPriceTx(ctx, tx, q)
		if err != nil {
			return err
		}
		out.OrderID = uuid.Must(uuid.NewV7()).String()
		placed, err := placeOrderTx(ctx, tx, &orderPlacement{ID: out.OrderID, CustomerID: actor.CustomerID, PlacedByID: actor.ID,
			Source: "portal", PONumber: in.PONumber, ShipToID: in.ShippingAddressID, RequestedOn: dateString(q.NeededByDate),
			Notes: cmp.Or(q.SpecialInstructions, "Quote "+q.Number), Priced: priced, LineNotes: notes, OnAccount: true,
			AcceptedQuote: true, Now: now})
		if err != nil {
			return err
		}
		out.OrderNumber, out.AwaitingApproval = placed.Number, placed.PendingApproval
		if placed.OverCredit {
			out.CreditWarning = portal.CreditReviewWarning
		}
		_, err = tx.ExecContext(ctx, `UPDATE quotes SET status = 'accepted', order_id = ?, decided_by_id = ?, decided_at = ?, updated_at = ?
			WHERE id = ?`, out.OrderID, actor.ID, now, now, id)
		return err
	})
	if err != nil {
		return nil, wrapQuoteErr("accept quote", err)
	}
	if out.Quote, err = s.Quote(ctx, actor, id); err != nil {
		return nil, err
	}
	out.OrderNumber = out.Quote.OrderNumber
	return out, nil
}

// quotedPriceTx is the quote's lines at their quoted prices, as the
// portal.CartPrice placeOrderTx writes: not repriced.
func quotedPriceTx(ctx context.Context, tx bun.Tx, q *portal.Quote) (*portal.CartPrice, []string, error) {
	if err := quoteLinesOfTx(ctx, tx, q); err != nil {
		return nil, nil, err
	}
	cur := *q.Total
	out := &portal.CartPrice{Subtotal: *q.Subtotal, GrandTotal: *q.Total, Processing: portal.Money{Currency: cur.Currency},
		Freight: portal.Money{Currency: cur.Currency}, Tax: portal.Money{Currency: cur.Currency}}
	notes := make([]string, 0, len(q.Lines))
	for _, l := range q.Lines {
		if l.ProductID == "" || l.UnitPrice == nil {
			return nil, nil, portal.Errorf(portal.EUNPROCESSABLE,
				"Line %d is not a catalog product: ask your sales rep to place this order.", l.LineNo)
		}
		out.Items = append(out.Items, portal.CartLine{ProductID: l.ProductID, Code: l.ProductCode, Name: l.Description,
			QuantityMilli: l.QuantityMilli, UOM: l.UOM, ListPrice: *l.UnitPrice, Price: portal.Price{Unit: *l.UnitPrice, Source: "quote"},
			Processing: portal.Money{Currency: cur.Currency}, Total: *l.Total})
		notes = append(notes, l.Processing)
	}
	return out, notes, nil
}

// Decline implements portal.QuoteService.
func (s *QuoteService) Decline(ctx context.Context, actor *portal.User, id, reason string) (*portal.Quote, error) {
	if err := customerOnly(actor); err != nil {
		return nil, err
	}
	if !portal.ValidUUID(id) {
		return nil, errNoQuote
	}
	if len([]rune(reason)) > 1000 {
		return nil, &portal.Error{Code: portal.EINVALID, Message: "Keep the reason short.",
			Fields: []portal.FieldError{{Field: "reason", Message: "Keep it to 1,000 characters."}}}
	}
	now := s.db.Now().UTC()
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		q, err := lockQuoteTx(ctx, tx, "q.customer_id = ? AND q.status <> 'draft'", id, actor.CustomerID)
		if err != nil {
			return err
		}
		if q.Status != portal.QuoteQuoted {
			return portal.Errorf(portal.ECONFLICT, "Only a quote that is ready can be declined; this one is %s.", quoteLabel(q.Status))
		}
		_, err = tx.ExecContext(ctx, `UPDATE quotes SET status = 'declined', decline_reason = ?, decided_by_id = ?, decided_at = ?,
			updated_at = ? WHERE id = ?`, reason, actor.ID, now, now, id)
		return err
	})
	if err != nil {
		return nil, wrapQuoteErr("decline quote", err)
	}
	return s.Quote(ctx, actor, id)
}

// Review implements portal.QuoteService.
func (s *QuoteService) Review(ctx context.Context, actor *portal.User, id string) (*portal.Quote, error) {
	if !actor.Staff() {
		return nil, errStaffOnly
	}
	if !portal.ValidUUID(id) {
		return nil, errNoQuote
	}
	now := s.db.Now().UTC()
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		scope, args := staffScope(actor, "q.customer_id")
		q, err := lockQuoteTx(ctx, tx, "q.status <> 'draft' AND "+scope, id, args...)
		if err != nil {
			return err
		}
		if q.Status == portal.QuoteUnderReview {
			return nil
		}
		if q.Status != portal.QuoteSubmitted {
			return portal.Errorf(portal.ECONFLICT, "This quote is %s: only a submitted quote goes under review.", quoteLabel(q.Status))
		}
		_, err = tx.ExecContext(ctx, `UPDATE quotes SET status = 'under_review', reviewed_at = ?, updated_at = ? WHERE id = ?`, now, now, id)
		return err
	})
	if err != nil {
		return nil, wrapQuoteErr("review quote", err)
	}
	return s.StaffQuote(ctx, actor, id)
}

// Respond implements portal.QuoteService: every line priced in one
// transaction with the status, the totals and quote.responded.
func (s *QuoteService) Respond(ctx context.Context, actor *portal.User, id string, in portal.QuoteResponse) (*portal.Quote, []portal.QuoteRecipient, error) {
	if !actor.Staff() {
		return nil, nil, errStaffOnly
	}
	if !portal.ValidUUID(id) {
		return nil, nil, errNoQuote
	}
	now := s.db.Now().UTC()
	in.Now = now
	if err := in.Validate(); err != nil {
		return nil, nil, err
	}
	var recipients []portal.QuoteRecipient
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		scope, args := staffScope(actor, "q.customer_id")
		q, err := lockQuoteTx(ctx, tx, "q.status <> 'draft' AND "+scope, id, args...)
		if err != nil {
			return err
		}
		if q.Status != portal.QuoteSubmitted && q.Status != portal.QuoteUnderReview {
			return portal.Errorf(portal.ECONFLICT, "This quote is %s already.", quoteLabel(q.Status))
		}
		if err := quoteLinesOfTx(ctx, tx, q); err != nil {
			return err
		}
		prices := map[int]int64{}
		for _, l := range in.Lines {
			prices[l.LineNo] = l.UnitPrice
		}
		var fields []portal.FieldError
		for i, l := range in.Lines {
			if l.LineNo > len(q.Lines) {
				fields = append(fields, portal.FieldError{Field: "lines[" + strconv.Itoa(i) + "].line_no", Message: "No such line."})
			}
		}
		for _, l := range q.Lines {
			if _, ok := prices[l.LineNo]; !ok {
				fields = append(fields, portal.FieldError{Field: "lines", Message: "Line " + strconv.Itoa(l.LineNo) + " has no price."})
			}
		}
		if len(fields) > 0 {
			return &portal.Error{Code: portal.EINVALID, Message: "Price every line of the quote.", Fields: fields}
		}
		currency, err := quoteCurrencyTx(ctx, tx, id)
		if err != nil {
			return err
		}
		var subtotal int64
		for _, l := range q.Lines {
			total := portal.LineTotal(prices[l.LineNo], l.QuantityMilli)
			subtotal += total
			if _, err := tx.ExecContext(ctx, `UPDATE quote_lines SET unit_price_minor = ?, line_total_minor = ? WHERE quote_id = ? AND line_no = ?`,
				prices[l.LineNo], total, id, l.LineNo); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE quotes SET status = 'quoted', currency = ?, subtotal_minor = ?, total_minor = ?,
				valid_until = ?, response_notes = ?, priced_by_id = ?, priced_at = ?, updated_at = ? WHERE id = ?`,
			currency, subtotal, subtotal, in.ValidUntil, in.Notes, actor.ID, now, now, id); err != nil {
			return err
		}
		if err := insertOutboxEvents(ctx, tx, now, boEvent{"quote.responded", id, map[string]any{"quote_id": id,
			"quote_number": q.Number, "quoted_total": decimalMinor(subtotal), "currency": currency, "valid_until": in.ValidUntil,
			"quote_document_url": "/api/v1/quotes/" + id + "/document"}}); err != nil {
			return err
		}
		recipients, err = quoteRecipientsTx(ctx, tx, q)
		return err
	})
	if err != nil {
		return nil, nil, wrapQuoteErr("respond to quote", err)
	}
	if s.Docs != nil && s.Docs.Renderer != nil {
		// The PDF now, so the customer has it with the e-mail; if this
		// fails, the documents job makes it on its next run.
		if t, ok := tenants.FromContext(ctx); ok {
			_ = s.Docs.GenerateQuote(ctx, t, id)
		}
	}
	q, err := s.StaffQuote(ctx, actor, id)
	return q, recipients, err
}

// quoteCurrencyTx is the currency a quote is priced in: its products'
// (the catalog has one currency per tenant), else the tenant's default.
func quoteCurrencyTx(ctx context.Context, tx bun.Tx, id string) (string, error) {
	var cur string
	err := tx.QueryRowContext(ctx, `SELECT coalesce((SELECT p.currency FROM quote_lines l JOIN products p ON p.tenant_id = l.tenant_id
			AND p.id = l.product_id WHERE l.quote_id = ? ORDER BY l.line_no LIMIT 1), '')`, id).Scan(&cur)
	if err != nil {
		return "", err
	}
	if cur == "" {
		if t, ok := tenants.FromContext(ctx); ok {
			cur = t.Settings.Currency
		}
	}
	return cmp.Or(cur, "USD"), nil
}

// quoteRecipientsTx is who hears that q was answered: its requester,
// unless they turned quote_responded e-mails off or are no longer active.
func quoteRecipientsTx(ctx context.Context, tx bun.Tx, q *portal.Quote) ([]portal.QuoteRecipient, error) {
	if q.RequestedByID == "" {
		return nil, nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT u.name, u.email FROM users u WHERE u.id = ? AND u.status = 'active'
		AND coalesce((SELECT n.email FROM notification_preferences n WHERE n.user_id = u.id AND n.kind = 'quote_responded'), true)`,
		q.RequestedByID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.QuoteRecipient
	for rows.Next() {
		var r portal.QuoteRecipient
		if err := rows.Scan(&r.Name, &r.Email); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// ExpireDue marks the tenant's quoted quotes whose valid-until day is
// before now's expired, and returns how many.
func (s *QuoteService) ExpireDue(ctx context.Context, tenantID string, now time.Time) (int, error) {
	var n int64
	err := s.db.InTx(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE quotes SET status = 'expired', updated_at = ? WHERE status = 'quoted' AND valid_until < ?`,
			now.UTC(), dateOnly(now).Format(time.DateOnly))
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("postgres: expire quotes: %w", err)
	}
	return int(n), nil
}

func quoteLabel(status string) string {
	if st, ok := portal.QuoteStatus(status); ok {
		return st.Label
	}
	return status
}

func dateString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}

func wrapQuoteErr(what string, err error) error {
	if err == nil || portal.ErrorCode(err) != portal.EINTERNAL {
		return err
	}
	return fmt.Errorf("postgres: %s: %w", what, err)
}
