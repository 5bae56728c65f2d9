package apiclient

import (
	"context"
	"net/url"

	"example.com/portal/backend/api"
)

// PaymentMethods lists the account's saved cards (GET /api/v1/payment-methods).
func (c *Client) PaymentMethods(ctx context.Context) (api.PaymentMethodList, error) {
	var l api.PaymentMethodList
	err := c.getJSON(ctx, api.PathPaymentMethods, &l)
	return l, err
}

// StartCardSetup asks for a SetupIntent to save a card with Stripe.js
// (POST /api/v1/payment-methods/setup).
func (c *Client) StartCardSetup(ctx context.Context) (api.CardSetup, error) {
	var s api.CardSetup
	err := c.do(ctx, "POST", api.PathCardSetups, struct{}{}, &s)
	return s, err
}

// SetDefaultPaymentMethod makes a saved card the default.
func (c *Client) SetDefaultPaymentMethod(ctx context.Context, id string) error {
	return c.do(ctx, "POST", api.PathPaymentMethods+"/"+url.PathEscape(id)+"/default", struct{}{}, nil)
}

// RemovePaymentMethod removes a saved card.
func (c *Client) RemovePaymentMethod(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", api.PathPaymentMethods+"/"+url.PathEscape(id), nil, nil)
}

// PayWithSavedCard pays the invoices with a saved card, confirmed by the
// server (POST /api/v1/card-payments with payment_method_id).
func (c *Client) PayWithSavedCard(ctx context.Context, ids []string, paymentMethodID string) (api.CardPayment, error) {
	var p api.CardPayment
	err := c.do(ctx, "POST", api.PathCardPayments, api.CardPaymentRequest{InvoiceIDs: ids, PaymentMethodID: paymentMethodID}, &p)
	return p, err
}

// Receipts returns a page of the account's receipts (GET /api/v1/receipts).
func (c *Client) Receipts(ctx context.Context, query url.Values) (api.PaymentList, error) {
	var l api.PaymentList
	err := c.getJSON(ctx, withQuery(api.PathReceipts, query), &l)
	return l, err
}

// CreditNotes returns a page of the account's credit notes (GET
// /api/v1/credit-notes).
func (c *Client) CreditNotes(ctx context.Context, query url.Values) (api.CreditNoteList, error) {
	var l api.CreditNoteList
	err := c.getJSON(ctx, withQuery(api.PathCreditNotes, query), &l)
	return l, err
}
