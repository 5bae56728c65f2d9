package portal

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Purchase lists (spec 001 "Saved Lists"): a customer user's saved lists of
// products, shared with the account's team to read or to edit, added to
// the cart whole.

// List sharing.
const (
	ListPrivate  = "private"
	ListTeamRead = "team_read"
	ListTeamEdit = "team_edit"
)

// MaxPurchaseLists bounds one account's lists.
const MaxPurchaseLists = 200

// PurchaseList is a list as its reader sees it.
type PurchaseList struct {
	ID, Name, Sharing  string
	OwnerID, OwnerName string
	ItemCount          int
	UpdatedAt          time.Time
	// CanEdit is true when the reader may change it: the owner, or a
	// teammate of a team_edit list.
	CanEdit bool
	Items   []PurchaseListItem // only in the detail
}

// PurchaseListItem is one line of a list.
type PurchaseListItem struct {
	ID string
	CartLineInput
	Code, Name string
	Available  bool // the product is still sold
}

// PurchaseListInput creates or renames a list, or changes its sharing.
// Initial, on create only, fills the new list in the same transaction:
// lines, an order's lines or the cart (or nothing, the zero value).
type PurchaseListInput struct {
	Name    *string
	Sharing *string
	Initial ListItemsAdd
}

// Validate checks the set fields.
func (in *PurchaseListInput) Validate(create bool) error {
	var fields []FieldError
	if create && in.Name == nil {
		in.Name = new(string)
	}
	if in.Name != nil {
		*in.Name = strings.TrimSpace(*in.Name)
		if *in.Name == "" || utf8.RuneCountInString(*in.Name) > 100 {
			fields = append(fields, FieldError{Field: "name", Message: "Name the list (at most 100 characters)."})
		}
	}
	if in.Sharing != nil && *in.Sharing != ListPrivate && *in.Sharing != ListTeamRead && *in.Sharing != ListTeamEdit {
		fields = append(fields, FieldError{Field: "sharing", Message: "Choose private, team_read or team_edit."})
	}
	return invalid(fields)
}

// ListItemsAdd adds to a list: lines, the lines of one of the account's
// orders (LineNos: only those lines; none: every product line), or the
// actor's cart.
type ListItemsAdd struct {
	Items       []CartLineInput
	FromOrderID string
	LineNos     []int
	FromCart    bool
}

// Empty reports whether in names nothing to add.
func (in *ListItemsAdd) Empty() bool {
	return len(in.Items) == 0 && in.FromOrderID == "" && !in.FromCart && len(in.LineNos) == 0
}

// Validate checks that in names exactly one source, that line numbers
// come only with an order and are line numbers, and the lines given.
func (in *ListItemsAdd) Validate() error {
	sources := 0
	for _, set := range []bool{len(in.Items) > 0, in.FromOrderID != "", in.FromCart} {
		if set {
			sources++
		}
	}
	if sources != 1 {
		return &Error{Code: EINVALID, Message: "Add items, an order or the cart.",
			Fields: []FieldError{{Field: "items", Message: "Send items, from_order_id or from_cart (one of them)."}}}
	}
	if len(in.LineNos) > 0 && in.FromOrderID == "" {
		return &Error{Code: EINVALID, Message: "Line numbers pick lines of an order.",
			Fields: []FieldError{{Field: "line_nos", Message: "Send line_nos only with from_order_id."}}}
	}
	if len(in.LineNos) > MaxCartLines {
		return &Error{Code: EINVALID, Message: "Too many lines.",
			Fields: []FieldError{{Field: "line_nos", Message: "Pick at most " + strconv.Itoa(MaxCartLines) + " lines."}}}
	}
	for i, n := range in.LineNos {
		if n < 1 {
			return &Error{Code: EINVALID, Message: "Check the line numbers.",
				Fields: []FieldError{{Field: "line_nos[" + strconv.Itoa(i) + "]", Message: "Line numbers start at 1."}}}
		}
	}
	if len(in.Items) > 0 {
		return ValidateCartLines("items", in.Items)
	}
	return nil
}

// PurchaseListService keeps purchase lists. Another customer's list, and a
// teammate's private list, are ENOTFOUND; a list shared read-only is
// EFORBIDDEN to change.
type PurchaseListService interface {
	PurchaseLists(ctx context.Context, actor *User) ([]PurchaseList, error)
	PurchaseList(ctx context.Context, actor *User, id string) (*PurchaseList, error)
	CreatePurchaseList(ctx context.Context, actor *User, in PurchaseListInput) (*PurchaseList, error)
	UpdatePurchaseList(ctx context.Context, actor *User, id string, in PurchaseListInput) (*PurchaseList, error)
	DeletePurchaseList(ctx context.Context, actor *User, id string) error
	AddToPurchaseList(ctx context.Context, actor *User, id string, in ListItemsAdd) (*PurchaseList, error)
	RemoveFromPurchaseList(ctx context.Context, actor *User, id, itemID string) (*PurchaseList, error)
	// AddListToCart adds every line still sold to the actor's cart.
	AddListToCart(ctx context.Context, actor *User, id string) (*Cart, error)
}
