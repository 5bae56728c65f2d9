package http

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// resolveTenant finds the tenant from the Host header — a sub-domain of the
// base domain, or one of the tenant's custom domains — and puts it in the
// request context, the only way the tenant reaches handlers. An unknown host
// gets a plain 404 that reveals nothing; a suspended tenant gets 403.
func (s *Server) resolveTenant(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t, err := s.lookupTenant(r.Context(), r.Host)
		switch {
		case errors.Is(err, portal.ErrTenantNotFound):
			s.writePlain(w, r, http.StatusNotFound, "Not found", "There is no portal at this address.")
			return
		case err != nil:
			s.Logger.ErrorContext(r.Context(), "resolve tenant", "request_id", RequestIDFrom(r.Context()), "error", err.Error())
			s.writePlain(w, r, http.StatusServiceUnavailable, "Temporarily unavailable", "The portal is temporarily unavailable. Please try again in a moment.")
			return
		}
		if slot, ok := r.Context().Value(tenantSlotKey{}).(*tenantSlot); ok {
			slot.slug = t.Slug
		}
		if t.Status != tenants.StatusActive {
			s.writePlain(w, r, http.StatusForbidden, "Portal unavailable", "This portal is currently unavailable. Please contact your supplier.")
			return
		}
		next.ServeHTTP(w, r.WithContext(tenants.NewContext(r.Context(), t)))
	})
}

// lookupTenant resolves host through the cache.
func (s *Server) lookupTenant(ctx context.Context, host string) (*tenants.Tenant, error) {
	host = tenants.NormalizeHost(host)
	// Anything that is not a host name cannot be a tenant's: refuse it
	// before it costs a query or a cache entry (Host is client-chosen).
	if !tenants.ValidHost(host) {
		return nil, portal.ErrTenantNotFound
	}
	if t, err, ok := s.cache.get(host); ok {
		return t, err
	}
	var (
		t   *tenants.Tenant
		err error
	)
	slug, sub := tenants.SlugFromHost(host, s.BaseDomain)
	if sub {
		t, err = s.Tenants.FindTenantBySlug(ctx, slug)
	}
	// A custom host may also sit under the base domain; the stored host
	// names decide when no slug matched.
	if !sub || errors.Is(err, portal.ErrTenantNotFound) {
		t, err = s.Tenants.FindTenantByHost(ctx, host)
	}
	if err == nil || errors.Is(err, portal.ErrTenantNotFound) {
		s.cache.put(host, t, err)
	}
	return t, err
}

// writePlain answers the requests that have no tenant to brand them: JSON
// problems under /api/, a bare HTML page elsewhere.
func (s *Server) writePlain(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		code := map[int]string{404: api.CodeNotFound, 403: api.CodeForbidden}[status]
		if code == "" {
			code = api.CodeUnavailable
		}
		s.writeProblem(w, r, status, api.Problem{Title: title, Detail: detail, Code: code})
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// title and detail are constants of this file: nothing user-supplied is echoed.
	_, _ = w.Write([]byte(`<!doctype html><html lang="en"><head><meta charset="utf-8">` +
		`<meta name="viewport" content="width=device-width, initial-scale=1"><title>` + title + `</title>` +
		`<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:15vh auto;padding:0 1rem;color:#333}</style>` +
		`</head><body><h1>` + title + `</h1><p>` + detail + `</p></body></html>`))
}

// tenantCache remembers host resolutions, including unknown hosts (so a
// scan of random host names does not become a query each), for ttl. It is
// bounded: when full it is cleared, which is cheap and rare.
type tenantCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	max     int
	entries map[string]tenantCacheEntry
	now     func() time.Time
}

type tenantCacheEntry struct {
	t       *tenants.Tenant
	err     error
	expires time.Time
}

func newTenantCache(ttl time.Duration, max int) *tenantCache {
	return &tenantCache{ttl: ttl, max: max, entries: map[string]tenantCacheEntry{}, now: time.Now}
}

func (c *tenantCache) get(host string) (*tenants.Tenant, error, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[host]
	if !ok || c.now().After(e.expires) {
		return nil, nil, false
	}
	return e.t, e.err, true
}

func (c *tenantCache) put(host string, t *tenants.Tenant, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= c.max {
		clear(c.entries)
	}
	c.entries[host] = tenantCacheEntry{t: t, err: err, expires: c.now().Add(c.ttl)}
}
