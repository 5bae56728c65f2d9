// Package pwa serves the portal's progressive web app: one shared app.wasm
// and, per tenant, a go-app Handler with the tenant's name, colours, icons
// and manifest, so a customer who installs the portal gets the distributor's
// app.
//
// It owns everything go-app would otherwise get wrong for a multi-tenant
// server (shared/reference/goapp-notes.md §4, §6):
//
//   - one Handler per tenant, built lazily and rebuilt when the tenant's
//     branding changes (a Handler reads its fields once);
//   - Handler.Version derived from the wasm and the tenant's branding, so
//     the service worker updates exactly when either changes;
//   - the request's Host copied into the URL go-app pre-renders from, and a
//     host → brand resolver for the pre-render (app.Getenv is
//     process-global on the server);
//   - app.wasm served precompressed (brotli or gzip) under a versioned URL
//     with immutable caching, instead of go-app's uncompressed file server;
//   - a generated theme stylesheet, generated icons and a web app manifest
//     per tenant.
//
// The tenant comes from the request context (tenants.FromContext), which
// the HTTP tenant middleware sets; requests without one get 404.
package pwa

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"example.com/portal/app/brand"
	"example.com/portal/app/pages"
	"example.com/portal/tenants"
)

// Options configure a Server.
type Options struct {
	// WebDir is the web/ directory: app.wasm (+ .br, .gz), portal.css and
	// tenant assets. Required.
	WebDir string
	// Logger receives warnings (stale precompressed files); nil discards.
	Logger *slog.Logger
}

// Server serves the PWA of every tenant. It is an http.Handler meant to be
// mounted at "/" behind the tenant middleware, after the API routes.
type Server struct {
	webDir string
	log    *slog.Logger
	wasm   *wasmAssets
	// styleDigest fingerprints the shared stylesheet at start-up; it is part
	// of every Version because the service worker caches the stylesheet
	// until the Version changes.
	styleDigest string

	mu    sync.Mutex
	sites map[string]*site // by tenant ID
}

var _ http.Handler = (*Server)(nil)

// New reads <WebDir>/app.wasm (and its precompressed siblings) once and
// returns a Server. A missing app.wasm is an error: the UI has not been
// built.
func New(opts Options) (*Server, error) {
	if opts.WebDir == "" {
		return nil, errors.New("pwa: WebDir is required")
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	wasm, err := loadWasm(opts.WebDir, log)
	if err != nil {
		return nil, err
	}
	s := &Server{
		webDir:      opts.WebDir,
		log:         log,
		wasm:        wasm,
		styleDigest: fileDigest(opts.WebDir, "portal.css"),
		sites:       make(map[string]*site),
	}
	// The same routes as the Wasm binary: go-app 404s unrouted paths and
	// pre-renders routed ones.
	pages.Register()
	installResolverOnce.Do(func() { brand.Resolve = lookupHostBrand })
	log.Info("pwa ready", "wasm_version", wasm.version, "wasm_bytes", len(wasm.raw),
		"wasm_br", wasm.br != nil, "wasm_gz", wasm.gz != nil)
	return s, nil
}

// WasmVersion is the version of the app.wasm being served: the first 16
// hex digits of its SHA-256.
func (s *Server) WasmVersion() string { return s.wasm.version }

// ServeHTTP serves the tenant's PWA: its generated assets, the shared
// app.wasm, files under /web/, and everything else through the tenant's
// go-app Handler (app.js, manifest, service worker, pre-rendered pages).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	t, ok := tenants.FromContext(r.Context())
	if !ok {
		http.NotFound(w, r)
		return
	}
	st := s.site(t)

	p := r.URL.Path
	switch {
	case p == "/manifest.webmanifest" || p == "/manifest.json":
		serveBytes(w, r, "application/manifest+json", st.manifest, st.manifestETag)
	case p == themePath:
		serveBytes(w, r, "text/css; charset=utf-8", st.themeCSS, st.themeETag)
	case p == iconSVGPath:
		serveBytes(w, r, "image/svg+xml", st.iconSVG, st.iconSVGETag)
	case p == icon192Path || p == icon512Path:
		st.serveIcon(w, r, s.log)
	case isWasmPath(p):
		s.wasm.serve(w, r)
	case strings.HasPrefix(p, "/web/"):
		serveStatic(w, r, s.webDir)
	case p == "/robots.txt" || p == "/sitemap.xml" || p == "/ads.txt":
		// go-app proxies these to /web/<name> with an HTTP GET of a URL it
		// builds from the resolver, which fails (500) when the resolver is
		// not a file server, as ours is not. Serve them from WebDir instead.
		r2 := *r
		u := *r.URL
		u.Path = "/web" + p
		r2.URL = &u
		serveStatic(w, &r2, s.webDir)
	default:
		// go-app pre-renders from r.URL, whose Host is empty on a server
		// request; without the host, pages cannot tell which tenant they
		// render for (goapp-notes §3.2). Register the host's brand for the
		// pre-render (brand.Resolve) before delegating.
		hostBrands.Store(tenants.NormalizeHost(r.Host), st.brand)
		r2 := *r
		u := *r.URL
		u.Host = r.Host
		r2.URL = &u
		st.handler.ServeHTTP(w, &r2)
	}
}

// hostBrands maps each host a tenant was served at to its brand, for
// brand.Resolve during pre-rendering. It is process-wide because
// brand.Resolve is: go-app pre-renders with context.Background(), so the
// resolver cannot receive the request. Entries are only added for hosts
// the tenant middleware accepted, so it is bounded by the tenants' hosts.
var (
	hostBrands          sync.Map // normalized host → brand.Brand
	installResolverOnce sync.Once
)

func lookupHostBrand(host string) (brand.Brand, bool) {
	v, ok := hostBrands.Load(host)
	if !ok {
		return brand.Brand{}, false
	}
	return v.(brand.Brand), true
}
