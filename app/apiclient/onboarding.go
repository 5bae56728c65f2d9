package apiclient

import (
	"context"
	"net/url"

	"example.com/portal/backend/api"
)

// RequestAccess sends a visitor's access request (POST
// /api/v1/access-requests) and returns the server's message, the same
// whether or not the address has an account. Refusals are *Error:
// CodeInvalid with Fields, CodeRateLimited.
func (c *Client) RequestAccess(ctx context.Context, in api.AccessRequestCreate) (api.Accepted, error) {
	var out api.Accepted
	err := c.do(ctx, "POST", api.PathAccessRequests, in, &out)
	return out, err
}

// AccessRequests lists the staff queue, pending first; status "" is all.
func (c *Client) AccessRequests(ctx context.Context, status string) ([]api.AccessRequest, error) {
	path := api.PathAccessRequests
	if status != "" {
		path += "?" + url.Values{"status": {status}}.Encode()
	}
	var out []api.AccessRequest
	err := c.do(ctx, "GET", path, nil, &out)
	return out, err
}

// ApproveAccessRequest approves request id (CodeConflict once decided).
func (c *Client) ApproveAccessRequest(ctx context.Context, id string, in api.AccessRequestApprove) (api.AccessRequest, error) {
	var out api.AccessRequest
	err := c.do(ctx, "POST", api.PathAccessRequests+"/"+url.PathEscape(id)+"/approve", in, &out)
	return out, err
}

// RejectAccessRequest rejects request id with a reason for the requester.
func (c *Client) RejectAccessRequest(ctx context.Context, id, reason string) (api.AccessRequest, error) {
	var out api.AccessRequest
	err := c.do(ctx, "POST", api.PathAccessRequests+"/"+url.PathEscape(id)+"/reject", api.AccessRequestReject{Reason: reason}, &out)
	return out, err
}

// SignUp self-registers and signs in (POST /api/v1/registration).
func (c *Client) SignUp(ctx context.Context, in api.SignUp) (api.RegistrationStatus, error) {
	var out api.RegistrationStatus
	err := c.do(ctx, "POST", api.PathRegistration, in, &out)
	return out, err
}

// Registration returns the signed-in user's registration state.
func (c *Client) Registration(ctx context.Context) (api.RegistrationStatus, error) {
	var out api.RegistrationStatus
	err := c.getJSON(ctx, api.PathRegistration, &out)
	return out, err
}

// CompleteProfile completes the self-registered customer's profile.
func (c *Client) CompleteProfile(ctx context.Context, in api.RegistrationProfile) (api.RegistrationStatus, error) {
	var out api.RegistrationStatus
	err := c.do(ctx, "PUT", api.PathRegistrationProfile, in, &out)
	return out, err
}

// Registrations lists self-registered customers awaiting approval (staff).
func (c *Client) Registrations(ctx context.Context) ([]api.Registration, error) {
	var out []api.Registration
	err := c.getJSON(ctx, api.PathRegistrations, &out)
	return out, err
}

// ApproveRegistration activates a self-registered customer (staff).
func (c *Client) ApproveRegistration(ctx context.Context, customerID string) (api.Registration, error) {
	var out api.Registration
	err := c.do(ctx, "POST", api.PathRegistrations+"/"+url.PathEscape(customerID)+"/approve", nil, &out)
	return out, err
}
