package http

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// shopAccess is the access of the shop's routes: a signed-in user with
// catalog:read, or a guest when the tenant lets guests browse.
var shopAccess = Access{Permission: policies.CatalogRead, Guest: true}

// shopRoutes registers the portal shop (api/shop.go).
func (s *Server) shopRoutes(r chi.Router) {
	s.api(r, "GET", api.PathShopCategories, shopAccess, s.handleShopCategories)
	s.api(r, "GET", api.PathShopProducts, shopAccess, s.handleShopProducts)
	s.api(r, "GET", api.PathShopProducts+"/{id}", shopAccess, s.handleShopProduct)
}

// authorizeGuest lets a request without any session through to next
// when the tenant lets guests browse; everything else (signed in, a
// sign-in awaiting its second factor, or a tenant without guests) goes
// through authorize(p) as usual.
func (s *Server) authorizeGuest(p policies.Permission, next func(http.ResponseWriter, *http.Request) error) func(http.ResponseWriter, *http.Request) error {
	signedIn := s.authorize(p, next)
	return func(w http.ResponseWriter, r *http.Request) error {
		_, user := userFrom(r.Context())
		_, pending := pendingFrom(r.Context())
		t, _ := tenants.FromContext(r.Context())
		if !user && !pending && t != nil && t.Settings.GuestBrowse {
			return next(w, r)
		}
		return signedIn(w, r)
	}
}

// shopViewer is who the request shows the shop to: the signed-in user's
// customer, with prices when its role has catalog:price, or a guest, with
// list prices when the tenant's prices are public.
func (s *Server) shopViewer(r *http.Request) portal.ShopViewer {
	t, _ := tenants.FromContext(r.Context())
	cur, ok := userFrom(r.Context())
	if !ok {
		return portal.ShopViewer{ShowPrices: t != nil && t.Settings.PriceVisibility == portal.PricesPublic}
	}
	return portal.ShopViewer{CustomerID: cur.user.CustomerID,
		ShowPrices: s.Authz != nil && s.Authz.Allowed(t.ID, cur.user.Role, policies.CatalogPrice)}
}

func (s *Server) shopService() (portal.ShopService, error) {
	if s.Shop == nil {
		return nil, errNotFound
	}
	return s.Shop, nil
}

func (s *Server) handleShopCategories(w http.ResponseWriter, r *http.Request) error {
	shop, err := s.shopService()
	if err != nil {
		return err
	}
	v := s.shopViewer(r)
	f, err := shop.ShopFacets(r.Context(), v)
	if err != nil {
		return err
	}
	out := api.ShopFacets{Categories: make([]api.ShopCategory, 0, len(f.Categories)), Forms: f.Forms, Grades: f.Grades,
		PricesVisible: v.ShowPrices, Guest: v.Guest()}
	for _, c := range f.Categories {
		out.Categories = append(out.Categories, api.ShopCategory(c))
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleShopProducts(w http.ResponseWriter, r *http.Request) error {
	shop, err := s.shopService()
	if err != nil {
		return err
	}
	p := &queryParams{q: r.URL.Query()}
	f := portal.ShopFilter{Search: p.q.Get("search"), CategoryID: p.q.Get("category_id"), Form: p.q.Get("form"), Grade: p.q.Get("grade"),
		InStockOnly: p.bool("in_stock"), Page: p.int("page"), PageSize: p.int("page_size")}
	list, total, err := shop.ShopProducts(r.Context(), s.shopViewer(r), f)
	if err := p.merge(err); err != nil {
		return err
	}
	_ = f.Validate() // the defaults the service applied
	out := api.ShopProductList{Products: make([]api.ShopProduct, 0, len(list)), Total: total, Page: f.Page, PageSize: f.PageSize,
		TotalPages: pages(total, f.PageSize)}
	for i := range list {
		out.Products = append(out.Products, toAPIShopProduct(&list[i]))
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleShopProduct(w http.ResponseWriter, r *http.Request) error {
	shop, err := s.shopService()
	if err != nil {
		return err
	}
	d, err := shop.ShopProduct(r.Context(), s.shopViewer(r), chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	out := api.ShopProductDetail{ShopProduct: toAPIShopProduct(&d.ShopProduct), Images: make([]api.ShopImage, 0, len(d.Images)),
		Locations: make([]api.ShopLocationStock, 0, len(d.Locations)), ProcessingOptions: make([]api.ShopProcessingOption, 0, len(d.ProcessingOptions)),
		RequiredDimensions: make([]api.ShopDimension, 0, len(d.RequiredDimensions)), Related: make([]api.ShopProduct, 0, len(d.Related))}
	for _, im := range d.Images {
		out.Images = append(out.Images, api.ShopImage(im))
	}
	for _, l := range d.Locations {
		out.Locations = append(out.Locations, api.ShopLocationStock{LocationID: l.LocationID, Code: l.Code, Name: l.Name,
			QuantityAvailable: portal.FormatQuantity(max(l.QuantityAvailable, 0))})
	}
	for _, o := range d.ProcessingOptions {
		out.ProcessingOptions = append(out.ProcessingOptions, api.ShopProcessingOption{Code: o.Code, Name: o.Name, Charge: api.Money(o.Charge)})
	}
	for _, dm := range d.RequiredDimensions {
		out.RequiredDimensions = append(out.RequiredDimensions, api.ShopDimension{Name: dm.Name, Label: dm.Label, Unit: dm.Unit,
			Min: portal.FormatQuantity(dm.MinMilli), Max: portal.FormatQuantity(dm.MaxMilli)})
	}
	for _, st := range d.PriceSteps {
		out.PriceSteps = append(out.PriceSteps, api.ShopPriceStep{MinQuantity: portal.FormatQuantity(st.MinQuantityMilli), ShopPrice: toAPIShopPrice(st.Price)})
	}
	for i := range d.Related {
		out.Related = append(out.Related, toAPIShopProduct(&d.Related[i]))
	}
	return writePrivateJSON(w, out)
}

func toAPIShopPrice(p portal.Price) api.ShopPrice {
	return api.ShopPrice{UnitPrice: api.Money(p.Unit), Source: p.Source, Promotion: p.Promotion}
}

func toAPIShopProduct(p *portal.ShopProduct) api.ShopProduct {
	out := api.ShopProduct{ID: p.ID, Code: p.Code, Name: p.Name, Description: p.Description, CategoryID: p.CategoryID, CategoryName: p.CategoryName,
		Form: p.Form, Grade: p.Grade, Dimensions: p.Dimensions, PricingUOM: p.PricingUOM, StockUOM: p.StockUOM, ImageURL: p.ImageURL,
		Availability: p.AvailabilityLevel(), QuantityAvailable: portal.FormatQuantity(max(p.QuantityAvailable, 0)), LeadTimeDays: p.LeadTimeDays,
		Exclusive: p.Exclusive}
	if p.Price != nil {
		list := api.Money(p.ListPrice)
		price := toAPIShopPrice(*p.Price)
		out.ListPrice, out.Price = &list, &price
	}
	return out
}
