// Package brand is the tenant branding the UI renders with: name, logo,
// colours and support contacts. It is public data only; nothing in a Brand
// may ever be secret, because it is written into every page and into app.js.
//
// Where the brand comes from depends on where the UI runs:
//
//   - In the browser, the server put the tenant's brand into the per-tenant
//     go-app Handler.Env, so app.Getenv returns it (FromEnv).
//   - On the server, while go-app pre-renders a page, app.Getenv is
//     process-global: go-app's Handler copies its Env into the process with
//     os.Setenv, so with one Handler per tenant the last tenant initialised
//     wins, and a page for acme.example would render as beta.example. The
//     server therefore resolves the brand from the page's host instead, through
//     the Resolve hook it installs once at start-up.
//
// Current hides the difference from components.
package brand

import (
	"strings"
	"unicode"

	"example.com/portal/tenants"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Brand is what the UI shows of a tenant. All of it is public.
type Brand struct {
	Slug            string
	Name            string // display name, e.g. "Acme Metals"
	ShortName       string // home-screen label; Name when the tenant set none
	LogoURL         string // path under /web or absolute URL; "" when the tenant has no logo
	PrimaryColor    string // #rrggbb
	AccentColor     string // #rrggbb
	BackgroundColor string // #rrggbb
	SupportEmail    string
	SupportPhone    string
	SSOLabel        string // the login page's single sign-on button; "" when the tenant has no SSO
}

// Env variable names under which the server passes a Brand to the browser
// (go-app Handler.Env → app.Getenv). go-app also copies them into the server
// process's environment, so they use a prefix no configuration variable has.
const (
	EnvSlug            = "BRAND_SLUG"
	EnvName            = "BRAND_NAME"
	EnvShortName       = "BRAND_SHORT_NAME"
	EnvLogoURL         = "BRAND_LOGO_URL"
	EnvPrimaryColor    = "BRAND_PRIMARY_COLOR"
	EnvAccentColor     = "BRAND_ACCENT_COLOR"
	EnvBackgroundColor = "BRAND_BACKGROUND_COLOR"
	EnvSupportEmail    = "BRAND_SUPPORT_EMAIL"
	EnvSupportPhone    = "BRAND_SUPPORT_PHONE"
	EnvSSOLabel        = "BRAND_SSO_LABEL"
)

// Colours used when a tenant's colour is missing or not #rrggbb. They match
// the defaults of web/portal.css.
const (
	DefaultPrimaryColor    = "#1f4e79"
	DefaultAccentColor     = "#d9822b"
	DefaultBackgroundColor = "#f5f7fa"
)

// Default is the brand of a page whose tenant is unknown: a neutral portal.
// It only shows up in tests and in a misconfigured server; a real request
// always has a tenant.
func Default() Brand {
	return Brand{
		Name:            "Customer Portal",
		ShortName:       "Customer Portal",
		PrimaryColor:    DefaultPrimaryColor,
		AccentColor:     DefaultAccentColor,
		BackgroundColor: DefaultBackgroundColor,
	}
}

// FromTenant is the public branding of t. It is the one mapping from tenant
// data to UI branding; the server uses it for both Handler.Env and Resolve,
// so the pre-rendered page and the browser agree.
func FromTenant(t *tenants.Tenant) Brand {
	b := Brand{
		Slug:            t.Slug,
		Name:            strings.TrimSpace(t.Name),
		ShortName:       strings.TrimSpace(t.Branding.ShortName),
		LogoURL:         strings.TrimSpace(t.Branding.LogoURL),
		PrimaryColor:    t.Branding.PrimaryColor,
		AccentColor:     t.Branding.AccentColor,
		BackgroundColor: t.Branding.BackgroundColor,
		SupportEmail:    strings.TrimSpace(t.Branding.SupportEmail),
		SupportPhone:    strings.TrimSpace(t.Branding.SupportPhone),
	}
	if t.SSO != nil {
		b.SSOLabel = strings.TrimSpace(t.SSO.ButtonLabel) // the label only: nothing else of SSO is public
	}
	return b.normalized()
}

// normalized fills what a tenant left empty and replaces colours that are
// not #rrggbb, so components never render an empty name and never put
// arbitrary text into a style.
func (b Brand) normalized() Brand {
	d := Default()
	if b.Name == "" {
		b.Name = d.Name
	}
	if b.ShortName == "" {
		b.ShortName = b.Name
	}
	if !tenants.ValidColor(b.PrimaryColor) {
		b.PrimaryColor = d.PrimaryColor
	}
	if !tenants.ValidColor(b.AccentColor) {
		b.AccentColor = d.AccentColor
	}
	if !tenants.ValidColor(b.BackgroundColor) {
		b.BackgroundColor = d.BackgroundColor
	}
	return b
}

// EnvVars returns b as go-app Handler.Env entries, for the browser.
func (b Brand) EnvVars() map[string]string {
	return map[string]string{
		EnvSlug:            b.Slug,
		EnvName:            b.Name,
		EnvShortName:       b.ShortName,
		EnvLogoURL:         b.LogoURL,
		EnvPrimaryColor:    b.PrimaryColor,
		EnvAccentColor:     b.AccentColor,
		EnvBackgroundColor: b.BackgroundColor,
		EnvSupportEmail:    b.SupportEmail,
		EnvSupportPhone:    b.SupportPhone,
		EnvSSOLabel:        b.SSOLabel,
	}
}

// FromEnv reads a Brand through getenv (app.Getenv in the browser).
func FromEnv(getenv func(string) string) Brand {
	return Brand{
		Slug:            getenv(EnvSlug),
		Name:            getenv(EnvName),
		ShortName:       getenv(EnvShortName),
		LogoURL:         getenv(EnvLogoURL),
		PrimaryColor:    getenv(EnvPrimaryColor),
		AccentColor:     getenv(EnvAccentColor),
		BackgroundColor: getenv(EnvBackgroundColor),
		SupportEmail:    getenv(EnvSupportEmail),
		SupportPhone:    getenv(EnvSupportPhone),
		SSOLabel:        getenv(EnvSSOLabel),
	}.normalized()
}

// Resolve returns the brand of the tenant served at host (lower case, no
// port), for pre-rendering on the server. The server sets it once at
// start-up, before it serves a page (backend/internal/pwa does); the Wasm
// binary never sets it. Nil means "unknown tenant": pages render Default.
var Resolve func(host string) (Brand, bool)

// Current is the brand of the page ctx belongs to: from the Handler's Env in
// the browser, from the page's host through Resolve on the server (see the
// package comment for why the server cannot use the Env).
func Current(ctx app.Context) Brand {
	if app.IsClient {
		return FromEnv(app.Getenv)
	}
	return resolveHost(ctx.Page().URL().Host)
}

// Initial is the brand a page can know before it has a context, in OnInit,
// and whether there is one: in the browser the Env, so the first client
// render is already branded and does not flash a neutral header. On the
// server it reports false; OnNav sets the brand (through Current) before the
// page is encoded.
func Initial() (Brand, bool) {
	if app.IsClient {
		return FromEnv(app.Getenv), true
	}
	return Brand{}, false
}

func resolveHost(host string) Brand {
	if Resolve == nil {
		return Default()
	}
	b, ok := Resolve(tenants.NormalizeHost(host))
	if !ok {
		return Default()
	}
	return b.normalized()
}

// Initials returns up to two letters standing for name: the first letter of
// its first two words ("Acme Metals" → "AM", "Northwind" → "N"). Logo
// placeholders and generated icons use it.
func Initials(name string) string {
	var out []rune
	for _, w := range strings.FieldsFunc(name, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		out = append(out, unicode.ToUpper([]rune(w)[0]))
		if len(out) == 2 {
			break
		}
	}
	return string(out)
}
