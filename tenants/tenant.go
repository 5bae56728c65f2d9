// Package tenants holds tenant identity: who a distributor is, how its
// portal looks, and how a request finds it. It is a leaf package (standard
// library only) so that both the server and the Wasm UI can use it.
//
// The declarative definitions that the operator applies live beside it in
// tenants/definitions; the demo distributors are two of them.
package tenants

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Status is a tenant's lifecycle state.
type Status string

// Tenant statuses. A suspended tenant's portal answers 403.
const (
	StatusActive    Status = "active"
	StatusSuspended Status = "suspended"
)

// Tenant is a distributor with its own branded portal.
type Tenant struct {
	ID       string   // UUID
	Slug     string   // sub-domain label, e.g. "acme-metals"
	Name     string   // display name, e.g. "Acme Metals"
	Status   Status   //
	Hosts    []string // host names (lower case, no port) that resolve to the tenant
	Branding Branding
	Settings Settings
	SSO      *SSO // nil: no single sign-on
}

// Branding is how a tenant's portal looks and whom its customers contact.
type Branding struct {
	ShortName       string `json:"short_name" yaml:"short_name"`             // home-screen label of the installed PWA
	LogoURL         string `json:"logo_url" yaml:"logo_url"`                 // path under /web or absolute URL
	IconURL         string `json:"icon_url" yaml:"icon_url"`                 // 192x192 PNG
	IconLargeURL    string `json:"icon_large_url" yaml:"icon_large_url"`     // 512x512 PNG
	PrimaryColor    string `json:"primary_color" yaml:"primary_color"`       // header, buttons: #rrggbb
	AccentColor     string `json:"accent_color" yaml:"accent_color"`         // links, highlights: #rrggbb
	BackgroundColor string `json:"background_color" yaml:"background_color"` // page background: #rrggbb
	SupportEmail    string `json:"support_email" yaml:"support_email"`
	SupportPhone    string `json:"support_phone" yaml:"support_phone"`
}

// Settings are a tenant's feature switches and regional defaults.
type Settings struct {
	MFARequired bool   `json:"mfa_required" yaml:"mfa_required"` // every customer user must use a second factor
	ChatEnabled bool   `json:"chat_enabled" yaml:"chat_enabled"` // live chat entry on support cards
	TimeZone    string `json:"time_zone" yaml:"time_zone"`       // IANA name; dates are shown in it
	Currency    string `json:"currency" yaml:"currency"`         // ISO 4217 default currency
	Locale      string `json:"locale" yaml:"locale"`             // BCP 47, e.g. "en-US"
	// SelfRegistration lets visitors sign up themselves (spec 002, storefront
	// tenants); without it they request access and staff decide.
	SelfRegistration bool `json:"self_registration" yaml:"self_registration"`
	// RegistrationApproval keeps a self-registered customer pending until
	// staff approve it.
	RegistrationApproval bool `json:"registration_approval" yaml:"registration_approval"`
	// StripeAccount is the tenant's Stripe connected account (acct_…),
	// which every card payment goes to; empty: the portal takes no card
	// payments. An account id is not a secret: Stripe.js is given it too.
	StripeAccount string `json:"stripe_account" yaml:"stripe_account"`
	// Checkout (issue 8): GuestCheckout lets visitors order without an
	// account (spec 002 "Guest Checkout"), paying by card; their orders
	// belong to the tenant's guest customer (account number GUEST).
	GuestCheckout bool `json:"guest_checkout" yaml:"guest_checkout"`
	// QuotesMode (spec 002 "Quotes Mode"): the portal and the e-commerce
	// API take quote requests instead of orders; an order is placed only
	// by accepting a quote (quotes feature).
	QuotesMode bool `json:"quotes_mode" yaml:"quotes_mode"`
	// Shop (issue 8, spec 002 Price Visibility). GuestBrowse lets visitors
	// who are not signed in browse the shop (never exclusive products);
	// PriceVisibility is what they see of prices: "public" (list prices)
	// or "login_required" (none; the default, also for "").
	GuestBrowse     bool   `json:"guest_browse" yaml:"guest_browse"`
	PriceVisibility string `json:"price_visibility" yaml:"price_visibility"`
	// Freight and tax estimates (issue 8, portal.EstimateFreightTax).
	// Freight is the flat freight of each shipping method (standard,
	// express, pickup; a method not listed ships at no estimated freight).
	// TaxRates are sales tax rates in thousandths of a percent (8250 is
	// 8.25 %) keyed by "COUNTRY-REGION" ("US-IL"), falling back to
	// "COUNTRY" ("US"); a ship-to of neither is not taxed. FreightTaxable
	// taxes the freight too.
	Freight        map[string]FreightRate `json:"freight,omitempty" yaml:"freight"`
	TaxRates       map[string]int64       `json:"tax_rates,omitempty" yaml:"tax_rates"`
	FreightTaxable bool                   `json:"freight_taxable" yaml:"freight_taxable"`
}

// FreightRate is a shipping method's flat freight, in minor units of the
// order's currency, waived from FreeOverMinor on (0: never waived).
type FreightRate struct {
	AmountMinor   int64 `json:"amount_minor" yaml:"amount_minor"`
	FreeOverMinor int64 `json:"free_over_minor,omitempty" yaml:"free_over_minor"`
}

// MaxTaxRateMilli is the highest tax rate a tenant may set: 100 %.
const MaxTaxRateMilli = 100_000

var (
	slugRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	colorRE = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

	stripeAccountRE = regexp.MustCompile(`^acct_[A-Za-z0-9]{1,64}$`)
	taxKeyRE        = regexp.MustCompile(`^[A-Z]{2}(-[A-Z0-9]{1,3})?$`)
)

// ValidSlug reports whether s can be a tenant slug: it becomes a DNS label.
func ValidSlug(s string) bool { return slugRE.MatchString(s) }

// ValidColor reports whether s is a #rrggbb colour.
func ValidColor(s string) bool { return colorRE.MatchString(s) }

// Validate reports every field of t that cannot be applied, one error per
// field, joined.
func (t *Tenant) Validate() error {
	var errs []error
	if !ValidSlug(t.Slug) {
		errs = append(errs, fmt.Errorf("slug %q: must be lower-case letters, digits and dashes", t.Slug))
	}
	if strings.TrimSpace(t.Name) == "" {
		errs = append(errs, errors.New("name: required"))
	}
	for _, h := range t.Hosts {
		if NormalizeHost(h) != h || h == "" {
			errs = append(errs, fmt.Errorf("hosts: %q must be a lower-case host name without port", h))
		}
	}
	for field, c := range map[string]string{
		"branding.primary_color":    t.Branding.PrimaryColor,
		"branding.accent_color":     t.Branding.AccentColor,
		"branding.background_color": t.Branding.BackgroundColor,
	} {
		if !ValidColor(c) {
			errs = append(errs, fmt.Errorf("%s %q: must be #rrggbb", field, c))
		}
	}
	if t.SSO != nil {
		if err := t.SSO.Validate(); err != nil {
			errs = append(errs, err)
		}
	}
	if a := t.Settings.StripeAccount; a != "" && !stripeAccountRE.MatchString(a) {
		errs = append(errs, fmt.Errorf("settings.stripe_account %q: must be a Stripe account id, acct_…", a))
	}
	// Shop (issue 8): price visibility.
	if v := t.Settings.PriceVisibility; v != "" && v != "public" && v != "login_required" {
		errs = append(errs, fmt.Errorf("settings.price_visibility %q: must be public or login_required", v))
	}
	// Freight and tax estimates (issue 8).
	for _, m := range sortedKeys(t.Settings.Freight) {
		r := t.Settings.Freight[m]
		if m != "standard" && m != "express" && m != "pickup" {
			errs = append(errs, fmt.Errorf("settings.freight.%s: must be standard, express or pickup", m))
		}
		if r.AmountMinor < 0 || r.FreeOverMinor < 0 || r.AmountMinor > 1e12 || r.FreeOverMinor > 1e15 {
			errs = append(errs, fmt.Errorf("settings.freight.%s: amounts must be 0 or more (minor units)", m))
		}
	}
	for _, k := range sortedKeys(t.Settings.TaxRates) {
		if !taxKeyRE.MatchString(k) {
			errs = append(errs, fmt.Errorf("settings.tax_rates.%s: must be COUNTRY or COUNTRY-REGION, such as US or US-IL", k))
		}
		if r := t.Settings.TaxRates[k]; r < 0 || r > MaxTaxRateMilli {
			errs = append(errs, fmt.Errorf("settings.tax_rates.%s: must be 0 to 100000 (thousandths of a percent)", k))
		}
	}
	if t.Status != StatusActive && t.Status != StatusSuspended {
		errs = append(errs, fmt.Errorf("status %q: must be active or suspended", t.Status))
	}
	return errors.Join(errs...)
}

// sortedKeys are m's keys in order, for errors in a stable order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
