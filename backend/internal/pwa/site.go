package pwa

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"example.com/portal/app/brand"
	"example.com/portal/tenants"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Fixed paths of the per-tenant generated assets. They are the same for
// every tenant and answered per host, so the shared pages and the service
// worker need no tenant-specific URLs.
const (
	themePath   = "/web/theme.css"
	icon192Path = "/web/icon-192.png"
	icon512Path = "/web/icon-512.png"
	iconSVGPath = "/web/icon.svg"
)

// generatorRevision is part of every Version. Bump it when this package
// changes what it generates (theme CSS, icons, Handler fields) without the
// wasm or the tenant changing, so installed apps pick the change up.
const generatorRevision = "1"

// site is one tenant's PWA: its go-app Handler and generated assets.
type site struct {
	key     string // hash of everything the site is built from
	brand   brand.Brand
	handler *app.Handler

	themeCSS  []byte
	themeETag string

	iconSVG     []byte
	iconSVGETag string

	manifest     []byte
	manifestETag string

	icons iconCache
}

// site returns the tenant's site, building it on first use and rebuilding
// it when the tenant's name, branding or settings changed (a go-app
// Handler cannot be changed once it has served).
func (s *Server) site(t *tenants.Tenant) *site {
	key := siteKey(t)
	id := t.ID
	if id == "" {
		id = "slug:" + t.Slug
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if st, ok := s.sites[id]; ok && st.key == key {
		return st
	}
	st := s.buildSite(t, key)
	s.sites[id] = st
	return st
}

// siteKey hashes the tenant fields a site is built from. Status and the
// other hosts are not among them: they decide whether a request gets here,
// not what it gets.
func siteKey(t *tenants.Tenant) string {
	b, _ := json.Marshal(struct {
		Slug, Name, Domain string
		Branding           tenants.Branding
		Settings           tenants.Settings
		SSOLabel           string // the login page shows it
	}{t.Slug, t.Name, canonicalHost(t), t.Branding, t.Settings, brand.FromTenant(t).SSOLabel})
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func (s *Server) buildSite(t *tenants.Tenant, key string) *site {
	b := brand.FromTenant(t)
	st := &site{key: key, brand: b}
	st.themeCSS = themeCSS(b)
	st.themeETag = etagOf(st.themeCSS)
	st.iconSVG = iconSVG(b)
	st.iconSVGETag = etagOf(st.iconSVG)
	st.icons.brand = b

	// Icons: the tenant's own when set, generated ones otherwise. Maskable
	// is set explicitly: go-app defaults it to the 192 px icon but declares
	// it 512x512 and uses it as the apple-touch-icon (goapp-notes §4.5). The
	// generated 512 px icon keeps its mark inside the maskable safe zone.
	icon := app.Icon{Default: icon192Path, Large: icon512Path, Maskable: icon512Path, SVG: iconSVGPath}
	small, large := t.Branding.IconURL, t.Branding.IconLargeURL
	custom := small != "" || large != ""
	if custom {
		// A tenant that set one size gets it in both slots rather than a
		// mix of its icon and ours.
		if small == "" {
			small = large
		}
		if large == "" {
			large = small
		}
		icon.Default, icon.Large, icon.Maskable = small, large, large

		// go-app uses Icon.SVG as the favicon and falls back to go-app's own
		// logo when it is empty: with the tenant's own icons, the favicon is
		// their small PNG. (The manifest is ours, so it does not list it as
		// an SVG; see manifest.go.)
		icon.SVG = small
	}

	lang := t.Settings.Locale
	if lang == "" {
		lang = "en"
	}
	description := "Customer portal of " + b.Name + ": orders, shipments, invoices, documents and support."
	st.manifest = manifestJSON(b, icon, !custom, lang, description)
	st.manifestETag = etagOf(st.manifest)
	version := hashHex(s.wasm.version, s.styleDigest, key, st.themeETag, generatorRevision)[:16]
	st.handler = &app.Handler{
		Name:            b.Name,
		ShortName:       b.ShortName,
		Title:           b.Name,
		Domain:          canonicalHost(t), // og:url of shared links
		Description:     description,
		ThemeColor:      b.PrimaryColor,
		BackgroundColor: b.BackgroundColor,
		Icon:            icon,
		Styles:          []string{"/web/portal.css", themePath},
		// The pre-rendered start page is cached too, so the installed app
		// opens from the service worker's cache.
		CacheableResources: []string{"/portal"},
		// Public branding only: go-app writes Env into app.js for any visitor.
		Env:               b.EnvVars(),
		StartURL:          "/portal",
		Lang:              lang,
		LoadingLabel:      "Loading " + b.ShortName + "… {progress}%",
		Version:           version,
		WasmContentLength: strconv.Itoa(len(s.wasm.raw)),
		Resources:         resolver{wasmURL: s.wasm.url()},
	}
	return st
}

// resolver is the Handler's ResourceResolver. It maps the wasm to its
// versioned URL and leaves every other path alone, like go-app's LocalDir
// does for non-/web paths. It is deliberately not an http.Handler: go-app
// then does not serve /web/ itself (Handler.ServeHTTP only delegates /web/
// to a resolver that is one), so Server.ServeHTTP serves /web/ and the
// wasm goes out precompressed with immutable caching.
type resolver struct {
	wasmURL string
}

// Resolve implements app.ResourceResolver.
func (r resolver) Resolve(p string) string {
	switch {
	case p == "" || p == "/":
		return "/"
	case p == "/web/app.wasm" || p == "web/app.wasm":
		return r.wasmURL
	default:
		return p
	}
}

// canonicalHost is the host shared links point to: the tenant's first
// host name.
func canonicalHost(t *tenants.Tenant) string {
	if len(t.Hosts) == 0 {
		return ""
	}
	return t.Hosts[0]
}

// hashHex is the hex SHA-256 of parts joined by newlines.
func hashHex(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		io.WriteString(h, p)
		io.WriteString(h, "\n")
	}
	return hex.EncodeToString(h.Sum(nil))
}

// etagOf is a strong ETag for b.
func etagOf(b []byte) string {
	sum := sha256.Sum256(b)
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

// fileDigest fingerprints <dir>/<name>, or returns "" when it cannot be
// read (the file is then simply not part of the version).
func fileDigest(dir, name string) string {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
