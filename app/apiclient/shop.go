package apiclient

import (
	"context"
	"net/url"

	"example.com/portal/backend/api"
)

// ShopFacets returns the shop's categories, forms and grades and whether
// prices show (GET /api/v1/shop/categories).
func (c *Client) ShopFacets(ctx context.Context) (api.ShopFacets, error) {
	var f api.ShopFacets
	err := c.getJSON(ctx, api.PathShopCategories, &f)
	return f, err
}

// ShopProducts returns a page of the shop's products (GET
// /api/v1/shop/products; query search, category_id, form, grade,
// in_stock, page, page_size).
func (c *Client) ShopProducts(ctx context.Context, query url.Values) (api.ShopProductList, error) {
	var l api.ShopProductList
	err := c.getJSON(ctx, withQuery(api.PathShopProducts, query), &l)
	return l, err
}

// ShopProduct returns one product's page (GET /api/v1/shop/products/{id});
// a product the viewer may not see is an *Error with CodeNotFound.
func (c *Client) ShopProduct(ctx context.Context, id string) (api.ShopProductDetail, error) {
	var d api.ShopProductDetail
	err := c.getJSON(ctx, api.PathShopProducts+"/"+url.PathEscape(id), &d)
	return d, err
}
