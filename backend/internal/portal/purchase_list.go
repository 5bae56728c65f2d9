package portal

import (
	"context"
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
type PurchaseListInput struct {
	Name    *string
	Sharing *string
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
// orders, or the actor's cart.
type ListItemsAdd struct {
	Items       []CartLineInput
	FromOrderID string
	FromCart    bool
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
