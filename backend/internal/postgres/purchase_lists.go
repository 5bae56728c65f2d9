package postgres

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

// PurchaseListService implements portal.PurchaseListService. A list is
// its owner's; sharing opens it to the account's other users, to read or
// to edit. Whom a list is visible to is one WHERE clause (listVisible), so
// another customer's list and a teammate's private one are both "no such
// list".
type PurchaseListService struct {
	db   *DB
	cart *CartService
}

var _ portal.PurchaseListService = (*PurchaseListService)(nil)

// NewPurchaseListService returns the lists, adding to carts through cart.
func NewPurchaseListService(db *DB, cart *CartService) *PurchaseListService {
	return &PurchaseListService{db: db, cart: cart}
}

var (
	errNoList       = portal.Errorf(portal.ENOTFOUND, "No such purchase list.")
	errListReadOnly = portal.Errorf(portal.EFORBIDDEN, "This list is shared with you to read only.")
	errNoListItem   = portal.Errorf(portal.ENOTFOUND, "No such line in the list.")
)

// listVisible is the condition on purchase_lists l that the actor (arguments
// customer id, user id) may read it.
const listVisible = `l.customer_id = ? AND (l.owner_id = ? OR l.sharing <> 'private')`

const listColumns = `l.id::text, l.name, l.sharing, l.owner_id::text, u.name, l.updated_at,
	(SELECT count(*) FROM purchase_list_items i WHERE i.tenant_id = l.tenant_id AND i.list_id = l.id)`

const listFrom = ` FROM purchase_lists l JOIN users u ON u.tenant_id = l.tenant_id AND u.id = l.owner_id`

func scanList(row interface{ Scan(...any) error }, actor *portal.User) (portal.PurchaseList, error) {
	var l portal.PurchaseList
	err := row.Scan(&l.ID, &l.Name, &l.Sharing, &l.OwnerID, &l.OwnerName, &l.UpdatedAt, &l.ItemCount)
	l.CanEdit = l.OwnerID == actor.ID || l.Sharing == portal.ListTeamEdit
	return l, err
}

// PurchaseLists implements portal.PurchaseListService.
func (s *PurchaseListService) PurchaseLists(ctx context.Context, actor *portal.User) ([]portal.PurchaseList, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	out := []portal.PurchaseList{}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+listColumns+listFrom+` WHERE `+listVisible+` ORDER BY l.updated_at DESC, l.id LIMIT ?`,
			actor.CustomerID, actor.ID, portal.MaxPurchaseLists)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			l, err := scanList(rows, actor)
			if err != nil {
				return err
			}
			out = append(out, l)
		}
		return rows.Err()
	})
	return out, wrapCartErr("purchase lists", err)
}

// listTx reads one list the actor may read, with its items; forEdit
// locks it and requires that the actor may change it.
func listTx(ctx context.Context, tx bun.Tx, actor *portal.User, id string, forEdit bool) (*portal.PurchaseList, error) {
	if !portal.ValidUUID(id) {
		return nil, errNoList
	}
	q := `SELECT ` + listColumns + listFrom + ` WHERE l.id = ? AND ` + listVisible
	if forEdit {
		q += " FOR UPDATE OF l"
	}
	l, err := scanList(tx.QueryRowContext(ctx, q, id, actor.CustomerID, actor.ID), actor)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoList
	}
	if err != nil {
		return nil, err
	}
	if forEdit && !l.CanEdit {
		return nil, errListReadOnly
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+cartLineColumns+` FROM purchase_list_items WHERE list_id = ? ORDER BY created_at, id`, id)
	if err != nil {
		return nil, err
	}
	lines, err := scanCartLines(rows)
	if err != nil {
		return nil, err
	}
	l.Items = make([]portal.PurchaseListItem, 0, len(lines))
	for _, v := range lines {
		it := portal.PurchaseListItem{ID: v.ID, CartLineInput: v.CartLineInput}
		if err := tx.QueryRowContext(ctx, `SELECT code, name, active FROM products WHERE id = ?`, v.ProductID).
			Scan(&it.Code, &it.Name, &it.Available); err != nil {
			return nil, err
		}
		l.Items = append(l.Items, it)
	}
	return &l, nil
}

// PurchaseList implements portal.PurchaseListService.
func (s *PurchaseListService) PurchaseList(ctx context.Context, actor *portal.User, id string) (*portal.PurchaseList, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	var out *portal.PurchaseList
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = listTx(ctx, tx, actor, id, false)
		return err
	})
	return out, wrapCartErr("purchase list", err)
}

// CreatePurchaseList implements portal.PurchaseListService.
func (s *PurchaseListService) CreatePurchaseList(ctx context.Context, actor *portal.User, in portal.PurchaseListInput) (*portal.PurchaseList, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if err := in.Validate(true); err != nil {
		return nil, err
	}
	if !in.Initial.Empty() {
		if err := in.Initial.Validate(); err != nil {
			return nil, err
		}
	}
	sharing := portal.ListPrivate
	if in.Sharing != nil {
		sharing = *in.Sharing
	}
	id := uuid.Must(uuid.NewV7()).String()
	var out *portal.PurchaseList
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM purchase_lists WHERE customer_id = ?`, actor.CustomerID).Scan(&n); err != nil {
			return err
		}
		if n >= portal.MaxPurchaseLists {
			return portal.Errorf(portal.ECONFLICT, "Your account has %d lists, the most it can keep; delete one first.", n)
		}
		now := s.db.Now()
		if _, err := tx.ExecContext(ctx, `INSERT INTO purchase_lists (tenant_id, id, customer_id, owner_id, name, sharing, created_at, updated_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?)`, id, actor.CustomerID, actor.ID, *in.Name, sharing, now, now); err != nil {
			return err
		}
		// The first items go in with the list: a bad line or another
		// account's order leaves no empty list behind.
		if !in.Initial.Empty() {
			if err := addListItemsTx(ctx, tx, actor, id, in.Initial, now); err != nil {
				return err
			}
		}
		var err error
		out, err = listTx(ctx, tx, actor, id, false)
		return err
	})
	return out, wrapCartErr("create purchase list", err)
}

// UpdatePurchaseList implements portal.PurchaseListService. Only the owner
// changes who a list is shared with.
func (s *PurchaseListService) UpdatePurchaseList(ctx context.Context, actor *portal.User, id string, in portal.PurchaseListInput) (*portal.PurchaseList, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if err := in.Validate(false); err != nil {
		return nil, err
	}
	var out *portal.PurchaseList
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		l, err := listTx(ctx, tx, actor, id, true)
		if err != nil {
			return err
		}
		if in.Sharing != nil && l.OwnerID != actor.ID {
			return portal.Errorf(portal.EFORBIDDEN, "Only the list's owner changes whom it is shared with.")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE purchase_lists SET name = coalesce(?, name), sharing = coalesce(?, sharing), updated_at = ? WHERE id = ?`,
			in.Name, in.Sharing, s.db.Now(), id); err != nil {
			return err
		}
		out, err = listTx(ctx, tx, actor, id, false)
		return err
	})
	return out, wrapCartErr("update purchase list", err)
}

// DeletePurchaseList implements portal.PurchaseListService: the owner's only.
func (s *PurchaseListService) DeletePurchaseList(ctx context.Context, actor *portal.User, id string) error {
	if actor.CustomerID == "" {
		return errNoCustomer
	}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		l, err := listTx(ctx, tx, actor, id, true)
		if err != nil {
			return err
		}
		if l.OwnerID != actor.ID {
			return portal.Errorf(portal.EFORBIDDEN, "Only the list's owner deletes it.")
		}
		_, err = tx.ExecContext(ctx, `DELETE FROM purchase_lists WHERE id = ?`, id)
		return err
	})
	return wrapCartErr("delete purchase list", err)
}

// AddToPurchaseList implements portal.PurchaseListService: lines given, an
// order's lines (of the actor's account) or the actor's cart.
func (s *PurchaseListService) AddToPurchaseList(ctx context.Context, actor *portal.User, id string, in portal.ListItemsAdd) (*portal.PurchaseList, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var out *portal.PurchaseList
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := listTx(ctx, tx, actor, id, true); err != nil {
			return err
		}
		if err := addListItemsTx(ctx, tx, actor, id, in, s.db.Now()); err != nil {
			return err
		}
		var err error
		out, err = listTx(ctx, tx, actor, id, false)
		return err
	})
	return out, wrapCartErr("add to purchase list", err)
}

// addListItemsTx adds a validated in to the list id, which the actor may
// change (its row locked or just created). A product already in the list
// with the same configuration adds to its quantity.
func addListItemsTx(ctx context.Context, tx bun.Tx, actor *portal.User, id string, in portal.ListItemsAdd, now time.Time) error {
	lines := in.Items
	switch {
	case in.FromCart:
		cart, err := cartLinesTx(ctx, tx, actor.ID, false)
		if err != nil {
			return err
		}
		for _, l := range cart {
			lines = append(lines, l.CartLineInput)
		}
	case in.FromOrderID != "":
		var err error
		if lines, err = orderLinesForList(ctx, tx, actor, in.FromOrderID, in.LineNos); err != nil {
			return err
		}
	}
	if len(lines) == 0 {
		return &portal.Error{Code: portal.EINVALID, Message: "Nothing to add.",
			Fields: []portal.FieldError{{Field: "items", Message: "The cart or order has no products to add."}}}
	}
	for i := range lines {
		l := &lines[i]
		var active bool
		var uom string
		err := tx.QueryRowContext(ctx, `SELECT active, pricing_uom FROM products WHERE id = ?`, l.ProductID).Scan(&active, &uom)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && !active && len(in.Items) > 0) {
			return &portal.Error{Code: portal.EINVALID, Message: "Check the highlighted lines.",
				Fields: []portal.FieldError{{Field: "items[" + strconv.Itoa(i) + "].product_id", Message: "No such product."}}}
		}
		if err != nil {
			return err
		}
		if l.UOM == "" {
			l.UOM = uom
		}
		dims, _ := json.Marshal(nonNilMap(l.Dimensions))
		proc, _ := json.Marshal(nonNilSlice(l.Processing))
		if _, err := tx.ExecContext(ctx, `INSERT INTO purchase_list_items (tenant_id, id, list_id, customer_id, product_id, quantity_milli,
				uom, dimensions, processing, notes, config_key, created_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?::jsonb, ARRAY(SELECT jsonb_array_elements_text(?::jsonb)), ?, ?, ?)
			ON CONFLICT (tenant_id, list_id, product_id, config_key) DO UPDATE
			SET quantity_milli = least(purchase_list_items.quantity_milli + excluded.quantity_milli, 1000000000)`,
			uuid.Must(uuid.NewV7()).String(), id, actor.CustomerID, l.ProductID, l.QuantityMilli(), l.UOM, string(dims), string(proc),
			l.Notes, l.ConfigKey(), now); err != nil {
			return err
		}
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM purchase_list_items WHERE list_id = ?`, id).Scan(&n); err != nil {
		return err
	}
	if n > portal.MaxCartLines {
		return &portal.Error{Code: portal.EINVALID, Message: "The list is full.",
			Fields: []portal.FieldError{{Field: "items", Message: "A list holds at most " + strconv.Itoa(portal.MaxCartLines) + " lines."}}}
	}
	_, err := tx.ExecContext(ctx, `UPDATE purchase_lists SET updated_at = ? WHERE id = ?`, now, id)
	return err
}

// orderLinesForList reads the product lines of one of the actor's
// account's orders (another account's is ENOTFOUND), only the lines
// lineNos when some are given: each must be a product line of the order.
func orderLinesForList(ctx context.Context, tx bun.Tx, actor *portal.User, orderID string, lineNos []int) ([]portal.CartLineInput, error) {
	if !portal.ValidUUID(orderID) {
		return nil, errNoOrder
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM orders WHERE id = ? AND customer_id = ? AND status <> 'draft'`,
		orderID, actor.CustomerID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, errNoOrder
	}
	rows, err := tx.QueryContext(ctx, `SELECT l.line_no, l.product_id::text, round(l.quantity * 1000)::bigint, p.pricing_uom FROM order_lines l
		JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
		WHERE l.order_id = ? AND l.product_id IS NOT NULL AND l.quantity > 0 ORDER BY l.line_no`, orderID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []portal.CartLineInput
	found := map[int]bool{}
	for rows.Next() {
		var l portal.CartLineInput
		var no int
		var q int64
		if err := rows.Scan(&no, &l.ProductID, &q, &l.UOM); err != nil {
			return nil, err
		}
		if len(lineNos) > 0 && !slices.Contains(lineNos, no) {
			continue
		}
		found[no] = true
		l.SetQuantityMilli(q)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i, no := range lineNos {
		if !found[no] {
			return nil, &portal.Error{Code: portal.EINVALID, Message: "Check the line numbers.",
				Fields: []portal.FieldError{{Field: "line_nos[" + strconv.Itoa(i) + "]", Message: "Line " + strconv.Itoa(no) + " is not a product line of this order."}}}
		}
	}
	return out, nil
}

// RemoveFromPurchaseList implements portal.PurchaseListService.
func (s *PurchaseListService) RemoveFromPurchaseList(ctx context.Context, actor *portal.User, id, itemID string) (*portal.PurchaseList, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	var out *portal.PurchaseList
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := listTx(ctx, tx, actor, id, true); err != nil {
			return err
		}
		if !portal.ValidUUID(itemID) {
			return errNoListItem
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM purchase_list_items WHERE id = ? AND list_id = ?`, itemID, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errNoListItem
		}
		out, err = listTx(ctx, tx, actor, id, false)
		return err
	})
	return out, wrapCartErr("remove from purchase list", err)
}

// AddListToCart implements portal.PurchaseListService: the lines whose
// products are still sold go to the actor's cart, through the cart's own
// checks.
func (s *PurchaseListService) AddListToCart(ctx context.Context, actor *portal.User, id string) (*portal.Cart, error) {
	if actor.CustomerID == "" {
		return nil, errNoCustomer
	}
	var out *portal.Cart
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		l, err := listTx(ctx, tx, actor, id, false)
		if err != nil {
			return err
		}
		var lines []portal.CartLineInput
		for _, it := range l.Items {
			if it.Available {
				lines = append(lines, it.CartLineInput)
			}
		}
		if len(lines) == 0 {
			return &portal.Error{Code: portal.EINVALID, Message: "Nothing in this list can be ordered now.",
				Fields: []portal.FieldError{{Field: "items", Message: "The list has no products that are still sold."}}}
		}
		if err := addCartLinesTx(ctx, tx, actor, "items", lines, s.db.Now()); err != nil {
			return err
		}
		out, err = s.cart.cartTx(ctx, tx, actor, "")
		return err
	})
	if err != nil && portal.ErrorCode(err) == portal.EINTERNAL {
		return nil, fmt.Errorf("postgres: add list to cart: %w", err)
	}
	return out, err
}
