package portal

import (
	"context"
	"strings"
	"unicode/utf8"
)

// The shop (spec 001 Shop, spec 002 Product Catalog, Price Visibility):
// the catalog as one customer, or a guest, may see it, with that
// customer's prices.

// Price visibility settings of a tenant (tenants.Settings.PriceVisibility).
const (
	PricesPublic        = "public"         // guests see list prices
	PricesLoginRequired = "login_required" // guests see no prices (the default)
)

// ShopViewer is who looks at the shop: a customer (CustomerID set), or a
// guest of a tenant that lets guests browse. ShowPrices is false for a
// guest of a tenant that hides prices until sign-in (and for a role
// without catalog:price).
type ShopViewer struct {
	CustomerID string
	ShowPrices bool
}

// Guest reports whether the viewer is not signed in.
func (v ShopViewer) Guest() bool { return v.CustomerID == "" }

// ShopFilter is GET /api/v1/shop/products's parameters.
type ShopFilter struct {
	Search      string // words matched against code, name, grade, form and dimensions
	CategoryID  string // the category and its descendants
	Form, Grade string
	InStockOnly bool
	Page        int
	PageSize    int
}

// Validate checks the filter, naming each bad query parameter.
func (f *ShopFilter) Validate() error {
	var fields []FieldError
	f.Search = strings.TrimSpace(f.Search)
	if !utf8.ValidString(f.Search) || strings.ContainsRune(f.Search, 0) || utf8.RuneCountInString(f.Search) > 100 {
		fields = append(fields, FieldError{Field: "search", Message: "Search for at most 100 characters of text."})
	}
	if f.CategoryID != "" && !ValidUUID(f.CategoryID) {
		fields = append(fields, FieldError{Field: "category_id", Message: "Give a category id (a UUID)."})
	}
	for name, v := range map[string]string{"form": f.Form, "grade": f.Grade} {
		if len(v) > 50 || !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			fields = append(fields, FieldError{Field: name, Message: "Give at most 50 characters."})
		}
	}
	if f.Page == 0 {
		f.Page = 1
	}
	if f.Page < 1 || f.Page > 10_000 {
		fields = append(fields, FieldError{Field: "page", Message: "Pages count from 1."})
	}
	if f.PageSize == 0 {
		f.PageSize = 24
	}
	if f.PageSize < 1 || f.PageSize > 100 {
		fields = append(fields, FieldError{Field: "page_size", Message: "Ask for 1 to 100 a page."})
	}
	return invalid(fields)
}

// SearchWords are the lower-cased words of the search; a product matches
// when its text contains every one.
func (f *ShopFilter) SearchWords() []string {
	words := strings.Fields(strings.ToLower(f.Search))
	if len(words) > 8 {
		words = words[:8]
	}
	return words
}

// ShopCategory is a category of the shop's browse.
type ShopCategory struct {
	ID, Slug, Name, ParentID string
	ProductCount             int // products the viewer sees in it (direct links)
}

// ShopFacets are the browse and filter choices: the categories, and the
// forms and grades of the products the viewer sees.
type ShopFacets struct {
	Categories    []ShopCategory
	Forms, Grades []string
}

// ProductImage is a picture of a product.
type ProductImage struct{ URL, Alt string }

// ProcessingOption is processing a product may be ordered with; Charge
// is added once per line that selects it.
type ProcessingOption struct {
	Code, Name string
	Charge     Money
}

// RequiredDimension is a dimension the customer enters to order the
// product, in Unit, from MinMilli to MaxMilli (thousandths).
type RequiredDimension struct {
	Name, Label, Unit  string
	MinMilli, MaxMilli int64
}

// ShopProduct is a product as a shop list shows it. Price is the
// viewer's unit price of one pricing unit; nil when prices are hidden.
type ShopProduct struct {
	CatalogProduct
	Price *Price
}

// LocationAvailability is a product's stock at one of the tenant's sites.
type LocationAvailability struct {
	LocationID, Code, Name string
	QuantityAvailable      int64 // thousandths
}

// ShopProductDetail is the product page.
type ShopProductDetail struct {
	ShopProduct
	Images             []ProductImage
	Locations          []LocationAvailability
	ProcessingOptions  []ProcessingOption
	RequiredDimensions []RequiredDimension
	// PriceSteps are the viewer's unit prices by quantity (PriceSteps);
	// nil when prices are hidden.
	PriceSteps []PriceStep
	Related    []ShopProduct
}

// ShopService is the shop's catalog. Every call runs under the tenant of
// ctx and shows only what v may see: a customer's products follow its
// products display (standard and exclusive, or exclusive only), a guest
// sees no exclusive product; anything else answers ENOTFOUND.
type ShopService interface {
	ShopFacets(ctx context.Context, v ShopViewer) (*ShopFacets, error)
	// ShopProducts lists matching products by code. Errors: EINVALID.
	ShopProducts(ctx context.Context, v ShopViewer, f ShopFilter) ([]ShopProduct, int, error)
	// ShopProduct is one product's page. Errors: ENOTFOUND.
	ShopProduct(ctx context.Context, v ShopViewer, id string) (*ShopProductDetail, error)
}
