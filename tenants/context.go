package tenants

import "context"

type contextKey struct{}

// NewContext returns a copy of ctx carrying t. Only the HTTP tenant
// middleware, the API-key middleware and background workers call it.
func NewContext(ctx context.Context, t *Tenant) context.Context {
	return context.WithValue(ctx, contextKey{}, t)
}

// FromContext returns the tenant ctx carries, if any.
func FromContext(ctx context.Context) (*Tenant, bool) {
	t, ok := ctx.Value(contextKey{}).(*Tenant)
	return t, ok && t != nil
}
