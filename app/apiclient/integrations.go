package apiclient

import (
	"context"
	"net/url"
	"strconv"

	"example.com/portal/backend/api"
)

// The tenant's integration surface, for its admins (staff): API keys and
// webhook endpoints (backend/api/apikeys.go and webhooks.go).

// APIKeys lists the tenant's keys (newest first) and the scopes a key may
// carry.
func (c *Client) APIKeys(ctx context.Context) (api.APIKeyList, error) {
	var out api.APIKeyList
	err := c.getJSON(ctx, api.PathAPIKeys, &out)
	return out, err
}

// CreateAPIKey makes a key; the answer holds its secret, the only time it
// is shown.
func (c *Client) CreateAPIKey(ctx context.Context, in api.CreateAPIKeyRequest) (api.APIKeyCreated, error) {
	var out api.APIKeyCreated
	err := c.do(ctx, "POST", api.PathAPIKeys, in, &out)
	return out, err
}

// RotateAPIKey makes a new key like id; id keeps working 24 hours.
func (c *Client) RotateAPIKey(ctx context.Context, id string) (api.APIKeyCreated, error) {
	var out api.APIKeyCreated
	err := c.do(ctx, "POST", api.PathAPIKeys+"/"+url.PathEscape(id)+"/rotation", nil, &out)
	return out, err
}

// RevokeAPIKey ends key id at once.
func (c *Client) RevokeAPIKey(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", api.PathAPIKeys+"/"+url.PathEscape(id), nil, nil)
}

// Webhooks lists the tenant's endpoints and the events they may take.
func (c *Client) Webhooks(ctx context.Context) (api.WebhookList, error) {
	var out api.WebhookList
	err := c.getJSON(ctx, api.PathWebhooks, &out)
	return out, err
}

// CreateWebhook adds an endpoint; the answer holds its signing secret.
func (c *Client) CreateWebhook(ctx context.Context, in api.WebhookRequest) (api.WebhookCreated, error) {
	var out api.WebhookCreated
	err := c.do(ctx, "POST", api.PathWebhooks, in, &out)
	return out, err
}

// UpdateWebhook changes endpoint id (fields left nil stay); with
// RotateSecret the answer holds the new secret.
func (c *Client) UpdateWebhook(ctx context.Context, id string, in api.WebhookRequest) (api.WebhookCreated, error) {
	var out api.WebhookCreated
	err := c.do(ctx, "PUT", api.PathWebhooks+"/"+url.PathEscape(id), in, &out)
	return out, err
}

// DeleteWebhook removes endpoint id.
func (c *Client) DeleteWebhook(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", api.PathWebhooks+"/"+url.PathEscape(id), nil, nil)
}

// TestWebhook sends endpoint id a signed test event now.
func (c *Client) TestWebhook(ctx context.Context, id string) (api.WebhookTestResult, error) {
	var out api.WebhookTestResult
	err := c.do(ctx, "POST", api.PathWebhooks+"/"+url.PathEscape(id)+"/test", nil, &out)
	return out, err
}

// WebhookDeliveries lists endpoint id's latest attempts, newest first.
func (c *Client) WebhookDeliveries(ctx context.Context, id string, limit int) ([]api.WebhookDelivery, error) {
	var out api.WebhookDeliveryList
	err := c.getJSON(ctx, withQuery(api.PathWebhooks+"/"+url.PathEscape(id)+"/deliveries", url.Values{"limit": {strconv.Itoa(limit)}}), &out)
	return out.Deliveries, err
}

// ReplayDelivery sends the event of one attempt of endpoint id again.
func (c *Client) ReplayDelivery(ctx context.Context, id, delivery string) error {
	return c.do(ctx, "POST", api.PathWebhooks+"/"+url.PathEscape(id)+"/deliveries/"+url.PathEscape(delivery)+"/replay", nil, nil)
}
