package api

import (
	"strconv"
	"strings"
)

// The portal shop (issue 8; spec 001 Shop, spec 002 Product Catalog,
// Price Visibility). Signed-in customer users with catalog:read browse it;
// guests too when the tenant's settings.guest_browse is on, then without
// exclusive products, and without prices when settings.price_visibility
// is login_required. Another customer's exclusive product answers 404.
const (
	// PageShop is the shop's screen; PageShop + "/{id}" a product's.
	PageShop = "/portal/shop"
	// PathShopCategories: GET ShopFacets (categories, forms, grades).
	PathShopCategories = "/api/v1/shop/categories"
	// PathShopProducts: GET ShopProductList; parameters search (words
	// matched in code, name, grade, form and dimensions), category_id (and
	// its descendants), form, grade, in_stock (true), page, page_size
	// (default 24, at most 100). + "/{id}": GET ShopProductDetail.
	PathShopProducts = "/api/v1/shop/products"
)

// Price sources of ShopPrice.Source.
const (
	PriceSourceList      = "list"
	PriceSourceContract  = "contract"
	PriceSourceBreak     = "break"
	PriceSourcePromotion = "promotion"
)

// ShopCategory is a category to browse; ParentID "" for a top one.
type ShopCategory struct {
	ID           string `json:"id"`
	Slug         string `json:"slug"`
	Name         string `json:"name"`
	ParentID     string `json:"parent_id,omitempty"`
	ProductCount int    `json:"product_count"`
}

// ShopFacets are the shop's browse and filter choices, and what the
// viewer is shown: PricesVisible false means no prices anywhere (a
// guest of a tenant that hides them); Guest, not signed in.
type ShopFacets struct {
	Categories    []ShopCategory `json:"categories"`
	Forms         []string       `json:"forms"`
	Grades        []string       `json:"grades"`
	PricesVisible bool           `json:"prices_visible"`
	Guest         bool           `json:"guest"`
}

// ShopPrice is the viewer's unit price and where it came from (list,
// contract, break, promotion; Promotion names the promotion).
type ShopPrice struct {
	UnitPrice Money  `json:"unit_price"`
	Source    string `json:"source"`
	Promotion string `json:"promotion,omitempty"`
}

// ShopPriceStep is the viewer's unit price from MinQuantity (a decimal of
// the pricing unit; "0" for the first step) up to the next step's.
type ShopPriceStep struct {
	MinQuantity string `json:"min_quantity"`
	ShopPrice
}

// ShopProduct is a result card: Price and ListPrice are absent when
// prices are hidden; Price is for one pricing unit.
type ShopProduct struct {
	ID                string     `json:"id"`
	Code              string     `json:"code"`
	Name              string     `json:"name"`
	Description       string     `json:"description"`
	CategoryID        string     `json:"category_id,omitempty"`
	CategoryName      string     `json:"category_name,omitempty"`
	Form              string     `json:"form"`
	Grade             string     `json:"grade"`
	Dimensions        string     `json:"dimensions"`
	PricingUOM        string     `json:"pricing_uom"`
	StockUOM          string     `json:"stock_uom"`
	ImageURL          string     `json:"image_url,omitempty"`
	ListPrice         *Money     `json:"list_price,omitempty"`
	Price             *ShopPrice `json:"price,omitempty"`
	Availability      string     `json:"availability"` // in_stock | low_stock | out_of_stock
	QuantityAvailable string     `json:"quantity_available"`
	LeadTimeDays      int        `json:"lead_time_days"`
	Exclusive         bool       `json:"exclusive"`
}

// ShopProductList is a page of results, by product code.
type ShopProductList struct {
	Products   []ShopProduct `json:"products"`
	Total      int           `json:"total"`
	Page       int           `json:"page"`
	PageSize   int           `json:"page_size"`
	TotalPages int           `json:"total_pages"`
}

// ShopImage is a picture of a product.
type ShopImage struct {
	URL string `json:"url"`
	Alt string `json:"alt"`
}

// ShopLocationStock is a product's stock at one site.
type ShopLocationStock struct {
	LocationID        string `json:"location_id"`
	Code              string `json:"code"`
	Name              string `json:"name"`
	QuantityAvailable string `json:"quantity_available"`
}

// ShopProcessingOption is processing the product can be ordered with;
// its code goes into CartItemInput.Processing. Charge is per line.
type ShopProcessingOption struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Charge Money  `json:"charge"`
}

// ShopDimension is a dimension the customer must enter
// (CartItemInput.Dimensions[Name]), from Min to Max in Unit.
type ShopDimension struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Unit  string `json:"unit"`
	Min   string `json:"min"`
	Max   string `json:"max"`
}

// ShopProductDetail is the product page. PriceSteps (absent when prices
// are hidden) give the viewer's unit price at any quantity: UnitPriceAt.
type ShopProductDetail struct {
	ShopProduct
	Images             []ShopImage            `json:"images"`
	Locations          []ShopLocationStock    `json:"locations"`
	ProcessingOptions  []ShopProcessingOption `json:"processing_options"`
	RequiredDimensions []ShopDimension        `json:"required_dimensions"`
	PriceSteps         []ShopPriceStep        `json:"price_steps,omitempty"`
	Related            []ShopProduct          `json:"related"`
}

// ParseQuantityMilli reads a positive decimal of at most three places as
// thousandths (the server's rule for quantities), ok false otherwise.
func ParseQuantityMilli(s string) (int64, bool) {
	s = strings.TrimSpace(s)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 11 || len(frac) > 3 || (dot && frac == "") {
		return 0, false
	}
	for _, c := range whole + frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac+strings.Repeat("0", 3-len(frac)), 10, 64)
	return w*1000 + f, w*1000+f > 0
}

// FormatQuantityMilli renders thousandths as a decimal without trailing
// zeros ("12", "2.5").
func FormatQuantityMilli(milli int64) string {
	s := strconv.FormatInt(milli/1000, 10)
	if f := milli % 1000; f != 0 {
		s += strings.TrimRight("."+strconv.FormatInt(1000+f, 10)[1:], "0")
	}
	return s
}

// UnitPriceAt is the unit price of steps at quantityMilli: the last step
// whose minimum it reaches (the server's portal.UnitPriceAt).
func UnitPriceAt(steps []ShopPriceStep, quantityMilli int64) (ShopPrice, bool) {
	var p ShopPrice
	ok := false
	for _, s := range steps {
		if m, good := ParseQuantityMilli(s.MinQuantity); s.MinQuantity == "0" || (good && m <= quantityMilli) {
			p, ok = s.ShopPrice, true
		}
	}
	return p, ok
}

// LineTotal is unit × quantity (thousandths) rounded half up to the minor
// unit, as the server computes a line.
func LineTotal(unit, quantityMilli int64) int64 { return (unit*quantityMilli + 500) / 1000 }
