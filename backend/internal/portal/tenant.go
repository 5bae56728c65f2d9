package portal

import (
	"context"

	"example.com/portal/tenants"
)

// ErrTenantNotFound is returned when no tenant matches a host or slug.
var ErrTenantNotFound = &Error{Code: ENOTFOUND, Message: "No such tenant."}

// TenantFinder resolves the tenant of a request. Implementations return
// ErrTenantNotFound for unknown hosts and slugs.
type TenantFinder interface {
	FindTenantByHost(ctx context.Context, host string) (*tenants.Tenant, error)
	FindTenantBySlug(ctx context.Context, slug string) (*tenants.Tenant, error)
	// FindTenantByStripeAccount finds the tenant whose connected account
	// a card processor's event names.
	FindTenantByStripeAccount(ctx context.Context, account string) (*tenants.Tenant, error)
}
