package apiclient

import (
	"context"
	"net/url"

	"example.com/portal/backend/api"
)

// Invoices returns a page of the customer's invoices (GET /api/v1/invoices;
// query as api.PathInvoices documents).
func (c *Client) Invoices(ctx context.Context, query url.Values) (api.InvoiceList, error) {
	var l api.InvoiceList
	err := c.getJSON(ctx, withQuery(api.PathInvoices, query), &l)
	return l, err
}

// Invoice returns one invoice with its payments (GET /api/v1/invoices/{id}).
func (c *Client) Invoice(ctx context.Context, id string) (api.InvoiceDetail, error) {
	var d api.InvoiceDetail
	err := c.getJSON(ctx, api.PathInvoices+"/"+url.PathEscape(id), &d)
	return d, err
}

// PayInvoices starts paying the invoices by card (POST
// /api/v1/card-payments): the answer carries what Stripe.js needs.
func (c *Client) PayInvoices(ctx context.Context, ids []string) (api.CardPayment, error) {
	var p api.CardPayment
	err := c.do(ctx, "POST", api.PathCardPayments, api.CardPaymentRequest{InvoiceIDs: ids}, &p)
	return p, err
}
