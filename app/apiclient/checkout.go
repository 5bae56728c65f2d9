package apiclient

import (
	"context"
	"net/url"

	"example.com/portal/backend/api"
)

// Checkout, quick order and purchase lists (issue 8).

// CartWithPromo returns the cart priced with a promo code.
func (c *Client) CartWithPromo(ctx context.Context, promo string) (api.Cart, error) {
	var out api.Cart
	err := c.getJSON(ctx, api.PathCart+"?"+url.Values{"promo_code": {promo}}.Encode(), &out)
	return out, err
}

// UpdateCartLine changes one line (PATCH /api/v1/cart/items/{id}).
func (c *Client) UpdateCartLine(ctx context.Context, id string, in api.CartLineUpdate) (api.Cart, error) {
	var out api.Cart
	err := c.do(ctx, "PATCH", api.PathCartItems+"/"+url.PathEscape(id), in, &out)
	return out, err
}

// RemoveCartLine removes one line.
func (c *Client) RemoveCartLine(ctx context.Context, id string) (api.Cart, error) {
	var out api.Cart
	err := c.do(ctx, "DELETE", api.PathCartItems+"/"+url.PathEscape(id), nil, &out)
	return out, err
}

// EmptyCart removes every line.
func (c *Client) EmptyCart(ctx context.Context) error {
	return c.do(ctx, "DELETE", api.PathCart, nil, nil)
}

// QuickOrder adds lines by product code, or from CSV.
func (c *Client) QuickOrder(ctx context.Context, in api.QuickOrder) (api.Cart, error) {
	var out api.Cart
	err := c.do(ctx, "POST", api.PathCartQuickOrder, in, &out)
	return out, err
}

// CheckoutOptions is what the checkout screen offers.
func (c *Client) CheckoutOptions(ctx context.Context) (api.CheckoutOptions, error) {
	var out api.CheckoutOptions
	err := c.getJSON(ctx, api.PathCheckoutOptions, &out)
	return out, err
}

// Checkout places the cart as an order.
func (c *Client) Checkout(ctx context.Context, in api.CheckoutRequest) (api.CheckoutConfirmation, error) {
	var out api.CheckoutConfirmation
	err := c.do(ctx, "POST", api.PathCheckout, in, &out)
	return out, err
}

// PurchaseLists lists the lists the user may read.
func (c *Client) PurchaseLists(ctx context.Context) ([]api.PurchaseList, error) {
	var out []api.PurchaseList
	err := c.getJSON(ctx, api.PathPurchaseLists, &out)
	return out, err
}

// PurchaseList reads one list with its items.
func (c *Client) PurchaseList(ctx context.Context, id string) (api.PurchaseList, error) {
	var out api.PurchaseList
	err := c.getJSON(ctx, api.PathPurchaseLists+"/"+url.PathEscape(id), &out)
	return out, err
}

// CreatePurchaseList creates a list, with its first items when in has
// some.
func (c *Client) CreatePurchaseList(ctx context.Context, in api.PurchaseListCreate) (api.PurchaseList, error) {
	var out api.PurchaseList
	err := c.do(ctx, "POST", api.PathPurchaseLists, in, &out)
	return out, err
}

// UpdatePurchaseList renames a list or changes its sharing.
func (c *Client) UpdatePurchaseList(ctx context.Context, id string, in api.PurchaseListInput) (api.PurchaseList, error) {
	var out api.PurchaseList
	err := c.do(ctx, "PATCH", api.PathPurchaseLists+"/"+url.PathEscape(id), in, &out)
	return out, err
}

// DeletePurchaseList deletes a list.
func (c *Client) DeletePurchaseList(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", api.PathPurchaseLists+"/"+url.PathEscape(id), nil, nil)
}

// AddToPurchaseList adds items, an order's lines or the cart to a list.
func (c *Client) AddToPurchaseList(ctx context.Context, id string, in api.PurchaseListAdd) (api.PurchaseList, error) {
	var out api.PurchaseList
	err := c.do(ctx, "POST", api.PathPurchaseLists+"/"+url.PathEscape(id)+"/items", in, &out)
	return out, err
}

// RemoveFromPurchaseList removes one line of a list.
func (c *Client) RemoveFromPurchaseList(ctx context.Context, id, itemID string) (api.PurchaseList, error) {
	var out api.PurchaseList
	err := c.do(ctx, "DELETE", api.PathPurchaseLists+"/"+url.PathEscape(id)+"/items/"+url.PathEscape(itemID), nil, &out)
	return out, err
}

// AddListToCart adds a whole list to the cart.
func (c *Client) AddListToCart(ctx context.Context, id string) (api.Cart, error) {
	var out api.Cart
	err := c.do(ctx, "POST", api.PathPurchaseLists+"/"+url.PathEscape(id)+"/cart", nil, &out)
	return out, err
}

// PriceGuestCart prices a guest's lines (POST /api/v1/guest/cart/price).
func (c *Client) PriceGuestCart(ctx context.Context, in api.GuestCartPrice) (api.Cart, error) {
	var out api.Cart
	err := c.do(ctx, "POST", api.PathGuestCart, in, &out)
	return out, err
}

// GuestCheckout places a guest's order (POST /api/v1/guest/checkout).
func (c *Client) GuestCheckout(ctx context.Context, in api.GuestCheckoutRequest) (api.CheckoutConfirmation, error) {
	var out api.CheckoutConfirmation
	err := c.do(ctx, "POST", api.PathGuestCheckout, in, &out)
	return out, err
}
