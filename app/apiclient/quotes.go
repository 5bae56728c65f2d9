package apiclient

import (
	"context"
	"net/url"

	"example.com/portal/backend/api"
)

// Quotes lists the account's quotes and the user's drafts.
func (c *Client) Quotes(ctx context.Context) (api.QuoteList, error) {
	var out api.QuoteList
	err := c.getJSON(ctx, api.PathQuotes, &out)
	return out, err
}

// Quote returns one quote (CodeNotFound for another account's).
func (c *Client) Quote(ctx context.Context, id string) (api.Quote, error) {
	var out api.Quote
	err := c.getJSON(ctx, api.PathQuotes+"/"+url.PathEscape(id), &out)
	return out, err
}

// SaveQuoteDraft saves in as a new draft (id "") or over draft id;
// CodeConflict for a sixth draft.
func (c *Client) SaveQuoteDraft(ctx context.Context, id string, in api.QuoteRequest) (api.Quote, error) {
	var out api.Quote
	if id == "" {
		err := c.do(ctx, "POST", api.PathQuoteDrafts, in, &out)
		return out, err
	}
	err := c.do(ctx, "PUT", api.PathQuoteDrafts+"/"+url.PathEscape(id), in, &out)
	return out, err
}

// DeleteQuoteDraft deletes a draft.
func (c *Client) DeleteQuoteDraft(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", api.PathQuoteDrafts+"/"+url.PathEscape(id), nil, nil)
}

// SubmitQuote submits a request (in.DraftID: that draft).
func (c *Client) SubmitQuote(ctx context.Context, in api.QuoteRequest) (api.Quote, error) {
	var out api.Quote
	err := c.do(ctx, "POST", api.PathQuotes, in, &out)
	return out, err
}

// AcceptQuote accepts a quoted quote into an order.
func (c *Client) AcceptQuote(ctx context.Context, id string, in api.QuoteAccept) (api.QuoteAccepted, error) {
	var out api.QuoteAccepted
	err := c.do(ctx, "POST", api.PathQuotes+"/"+url.PathEscape(id)+"/accept", in, &out)
	return out, err
}

// DeclineQuote declines a quoted quote.
func (c *Client) DeclineQuote(ctx context.Context, id, reason string) (api.Quote, error) {
	var out api.Quote
	err := c.do(ctx, "POST", api.PathQuotes+"/"+url.PathEscape(id)+"/decline", api.QuoteDecline{Reason: reason}, &out)
	return out, err
}

// QuoteProducts searches the catalog for the quote builder.
func (c *Client) QuoteProducts(ctx context.Context, search string) (api.QuoteProductList, error) {
	var out api.QuoteProductList
	err := c.getJSON(ctx, api.PathQuoteProducts+"?"+url.Values{"search": {search}}.Encode(), &out)
	return out, err
}

// RecentQuoteProducts lists the products the account ordered recently.
func (c *Client) RecentQuoteProducts(ctx context.Context) (api.QuoteProductList, error) {
	var out api.QuoteProductList
	err := c.getJSON(ctx, api.PathQuoteRecentProducts, &out)
	return out, err
}

// QuoteFromOrder returns an order's lines as quote items.
func (c *Client) QuoteFromOrder(ctx context.Context, orderID string) (api.QuoteProductList, error) {
	var out api.QuoteProductList
	err := c.getJSON(ctx, api.PathQuoteFromOrder+"/"+url.PathEscape(orderID), &out)
	return out, err
}

// StaffQuotes lists the staff's queue (status "" for every status).
func (c *Client) StaffQuotes(ctx context.Context, status string) (api.QuoteList, error) {
	var out api.QuoteList
	path := api.PathStaffQuotes
	if status != "" {
		path += "?" + url.Values{"status": {status}}.Encode()
	}
	err := c.getJSON(ctx, path, &out)
	return out, err
}

// StaffQuote returns one quote for the staff.
func (c *Client) StaffQuote(ctx context.Context, id string) (api.Quote, error) {
	var out api.Quote
	err := c.getJSON(ctx, api.PathStaffQuotes+"/"+url.PathEscape(id), &out)
	return out, err
}

// ReviewQuote marks a submitted quote under review.
func (c *Client) ReviewQuote(ctx context.Context, id string) (api.Quote, error) {
	var out api.Quote
	err := c.do(ctx, "POST", api.PathStaffQuotes+"/"+url.PathEscape(id)+"/review", nil, &out)
	return out, err
}

// RespondQuote prices and sends a quote.
func (c *Client) RespondQuote(ctx context.Context, id string, in api.QuoteRespond) (api.Quote, error) {
	var out api.Quote
	err := c.do(ctx, "POST", api.PathStaffQuotes+"/"+url.PathEscape(id)+"/respond", in, &out)
	return out, err
}
