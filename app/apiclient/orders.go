package apiclient

import (
	"context"
	"net/url"

	"example.com/portal/backend/api"
)

// Dashboard returns the signed-in user's dashboard (GET /api/v1/dashboard).
func (c *Client) Dashboard(ctx context.Context) (api.Dashboard, error) {
	var d api.Dashboard
	err := c.getJSON(ctx, api.PathDashboard, &d)
	return d, err
}

// Orders returns a page of the customer's orders (GET /api/v1/orders); query
// holds the parameters api.PathOrders documents. A bad parameter is an
// *Error with CodeInvalid and Fields naming it.
func (c *Client) Orders(ctx context.Context, query url.Values) (api.OrderList, error) {
	var l api.OrderList
	err := c.getJSON(ctx, withQuery(api.PathOrders, query), &l)
	return l, err
}

// Order returns one of the customer's orders (GET /api/v1/orders/{id}); an
// order that does not exist, or is another account's, is an *Error with
// CodeNotFound.
func (c *Client) Order(ctx context.Context, id string) (api.OrderDetail, error) {
	var o api.OrderDetail
	err := c.getJSON(ctx, api.PathOrders+"/"+url.PathEscape(id), &o)
	return o, err
}

// Shipments returns a page of the customer's shipments, newest first (GET
// /api/v1/shipments; query status, page, page_size).
func (c *Client) Shipments(ctx context.Context, query url.Values) (api.ShipmentList, error) {
	var l api.ShipmentList
	err := c.getJSON(ctx, withQuery(api.PathShipments, query), &l)
	return l, err
}

// Shipment returns one shipment with its lines (GET /api/v1/shipments/{id}).
func (c *Client) Shipment(ctx context.Context, id string) (api.Shipment, error) {
	var s api.Shipment
	err := c.getJSON(ctx, api.PathShipments+"/"+url.PathEscape(id), &s)
	return s, err
}

// AccountOverview returns the customer account's overview (GET
// /api/v1/account).
func (c *Client) AccountOverview(ctx context.Context) (api.AccountOverview, error) {
	var a api.AccountOverview
	err := c.getJSON(ctx, api.PathAccount, &a)
	return a, err
}

// Payments returns a page of the payment history (GET /api/v1/payments;
// query from, to, status, page, page_size).
func (c *Client) Payments(ctx context.Context, query url.Values) (api.PaymentList, error) {
	var l api.PaymentList
	err := c.getJSON(ctx, withQuery(api.PathPayments, query), &l)
	return l, err
}

// withQuery is path with query's parameters, if any.
func withQuery(path string, query url.Values) string {
	if len(query) == 0 {
		return path
	}
	return path + "?" + query.Encode()
}
