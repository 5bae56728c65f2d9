package apiclient

import (
	"context"
	"net/url"

	"example.com/portal/backend/api"
)

// Profile returns the signed-in user's profile (GET /api/v1/me/profile).
func (c *Client) Profile(ctx context.Context) (api.Profile, error) {
	var p api.Profile
	err := c.getJSON(ctx, api.PathMyProfile, &p)
	return p, err
}

// UpdateProfile changes the user's name or phone (PATCH
// /api/v1/me/profile). A refusal is an *Error with Fields naming "name" or
// "phone".
func (c *Client) UpdateProfile(ctx context.Context, in api.ProfileUpdate) (api.Profile, error) {
	var p api.Profile
	err := c.do(ctx, "PATCH", api.PathMyProfile, in, &p)
	return p, err
}

// Addresses lists the customer account's addresses (GET /api/v1/addresses).
func (c *Client) Addresses(ctx context.Context) ([]api.Address, error) {
	var list []api.Address
	err := c.getJSON(ctx, api.PathAddresses, &list)
	return list, err
}

// SaveAddress adds an address (id "") or replaces one (POST or PUT
// /api/v1/addresses). A refusal is an *Error with Fields naming the inputs.
func (c *Client) SaveAddress(ctx context.Context, id string, in api.AddressInput) (api.Address, error) {
	var a api.Address
	if id == "" {
		return a, c.do(ctx, "POST", api.PathAddresses, in, &a)
	}
	return a, c.do(ctx, "PUT", api.PathAddresses+"/"+url.PathEscape(id), in, &a)
}

// DeleteAddress removes an address (DELETE /api/v1/addresses/{id}).
func (c *Client) DeleteAddress(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", api.PathAddresses+"/"+url.PathEscape(id), nil, nil)
}

// SetDefaultAddress makes an address the default of its kind (POST
// /api/v1/addresses/{id}/default).
func (c *Client) SetDefaultAddress(ctx context.Context, id string) (api.Address, error) {
	var a api.Address
	err := c.do(ctx, "POST", api.PathAddresses+"/"+url.PathEscape(id)+"/default", nil, &a)
	return a, err
}

// Notifications lists the user's notification preferences (GET
// /api/v1/me/notifications).
func (c *Client) Notifications(ctx context.Context) ([]api.NotificationPreference, error) {
	var list []api.NotificationPreference
	err := c.getJSON(ctx, api.PathMyNotifications, &list)
	return list, err
}

// SetNotifications stores some preferences and returns all (PUT
// /api/v1/me/notifications).
func (c *Client) SetNotifications(ctx context.Context, prefs []api.NotificationPreference) ([]api.NotificationPreference, error) {
	var list []api.NotificationPreference
	err := c.do(ctx, "PUT", api.PathMyNotifications, api.NotificationPreferences{Preferences: prefs}, &list)
	return list, err
}

// Sessions lists the signed-in user's sessions (GET /api/v1/me/sessions).
func (c *Client) Sessions(ctx context.Context) ([]api.Session, error) {
	var list []api.Session
	err := c.getJSON(ctx, api.PathMySessions, &list)
	return list, err
}

// EndSession ends one of the user's sessions (DELETE
// /api/v1/me/sessions/{id}).
func (c *Client) EndSession(ctx context.Context, id string) error {
	return c.do(ctx, "DELETE", api.PathMySessions+"/"+url.PathEscape(id), nil, nil)
}

// ChangePassword changes the user's password (PUT /api/v1/me/password); the
// server ends the user's other sessions. A refusal is an *Error with Fields
// naming "current_password" or "password".
func (c *Client) ChangePassword(ctx context.Context, current, next string) error {
	return c.do(ctx, "PUT", api.PathMyPassword, api.PasswordChange{CurrentPassword: current, Password: next}, nil)
}

// Users lists the users of the customer account (GET /api/v1/users).
func (c *Client) Users(ctx context.Context, staff bool) ([]api.AccountUser, error) {
	var list []api.AccountUser
	err := c.getJSON(ctx, usersPath(staff), &list)
	return list, err
}

// usersPath is where the users of the caller's account are: their
// customer's, or for a tenant admin the staff.
func usersPath(staff bool) string {
	if staff {
		return api.PathStaffUsers
	}
	return api.PathUsers
}

// ResendInvitation mails an invited user a new link (POST
// …/users/{id}/invitation); the old one stops working.
func (c *Client) ResendInvitation(ctx context.Context, staff bool, id string) error {
	return c.do(ctx, "POST", usersPath(staff)+"/"+url.PathEscape(id)+"/invitation", nil, nil)
}

// EndUserSessions signs a user of the account out everywhere (DELETE
// …/users/{id}/sessions).
func (c *Client) EndUserSessions(ctx context.Context, staff bool, id string) error {
	return c.do(ctx, "DELETE", usersPath(staff)+"/"+url.PathEscape(id)+"/sessions", nil, nil)
}

// InviteUser invites a user (POST /api/v1/users). A refusal is an *Error:
// CodeInvalid with Fields, CodeConflict when the address has an account.
func (c *Client) InviteUser(ctx context.Context, staff bool, in api.Invite) (api.AccountUser, error) {
	var u api.AccountUser
	err := c.do(ctx, "POST", usersPath(staff), in, &u)
	return u, err
}

// UpdateUser changes a user's role or status (PATCH /api/v1/users/{id}). An
// account's last Admin cannot be demoted or deactivated: CodeConflict.
func (c *Client) UpdateUser(ctx context.Context, staff bool, id string, in api.UserUpdate) (api.AccountUser, error) {
	var u api.AccountUser
	err := c.do(ctx, "PATCH", usersPath(staff)+"/"+url.PathEscape(id), in, &u)
	return u, err
}

// AuditEvents lists the account's security events, newest first (GET
// /api/v1/audit-events; the server's default page of 50).
func (c *Client) AuditEvents(ctx context.Context) ([]api.AuditEvent, error) {
	var list []api.AuditEvent
	err := c.getJSON(ctx, api.PathAuditEvents, &list)
	return list, err
}
