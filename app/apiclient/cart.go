package apiclient

import (
	"context"

	"example.com/portal/backend/api"
)

// Cart returns the signed-in user's priced cart (GET /api/v1/cart).
func (c *Client) Cart(ctx context.Context) (api.Cart, error) {
	var out api.Cart
	err := c.getJSON(ctx, api.PathCart, &out)
	return out, err
}

// AddCartItems adds lines to the cart (POST /api/v1/cart/items) and
// returns the cart as it now is.
func (c *Client) AddCartItems(ctx context.Context, in api.CartItemsAdd) (api.Cart, error) {
	var out api.Cart
	err := c.do(ctx, "POST", api.PathCartItems, in, &out)
	return out, err
}
