// Package definitions holds declarative tenant definitions: one YAML file per
// distributor with its name, host names, branding, settings and, for demo
// tenants, a compact description of demo data that demo*.go expands. The
// operator command applies them; the two demo distributors ship embedded.
//
// Decoding is strict (an unknown or misspelt field is an error naming it)
// because a silently ignored "primary_colour:" would leave a tenant's portal
// unbranded with nobody noticing until a customer does.
package definitions

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
	"time"
	_ "time/tzdata" // settings.time_zone validates on hosts without a zoneinfo database

	"go.yaml.in/yaml/v3"

	"example.com/portal/tenants"
)

//go:embed *.yaml
var embedded embed.FS

// Definition is one tenant as written in its YAML file.
type Definition struct {
	Slug   string         `yaml:"slug"`
	Name   string         `yaml:"name"`
	Status tenants.Status `yaml:"status"` // empty means active
	// Hosts are custom domains only; "<slug>.<base domain>" is implied and
	// added by Tenant, so one file works under any base domain.
	Hosts    []string         `yaml:"hosts"`
	Branding tenants.Branding `yaml:"branding"`
	Settings tenants.Settings `yaml:"settings"`
	// SSO, when present, lets users sign in with the tenant's own OpenID
	// Connect provider (see tenants.SSO).
	SSO *tenants.SSO `yaml:"sso,omitempty"`
	// Demo, when present, describes demo data (see Demo and DemoData).
	Demo *Demo `yaml:"demo,omitempty"`

	// File is where the definition was read from, for error messages.
	File string `yaml:"-"`
}

// Load returns the embedded definitions (the demo distributors), sorted by
// slug. They are part of the binary, so an error here is a build defect.
func Load() ([]Definition, error) {
	return loadFS(embedded, ".")
}

// LoadDir returns the definitions in dir's *.yaml and *.yml files (not its
// subdirectories), sorted by slug: operators keep their own tenants there.
func LoadDir(dir string) ([]Definition, error) {
	return loadFS(os.DirFS(dir), ".")
}

func loadFS(fsys fs.FS, dir string) ([]Definition, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("definitions: %w", err)
	}
	var (
		defs []Definition
		errs []error
	)
	for _, e := range entries {
		ext := path.Ext(e.Name())
		if e.IsDir() || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			errs = append(errs, fmt.Errorf("definitions: %w", err))
			continue
		}
		d, err := Parse(e.Name(), data)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		// The file name is how an operator finds a tenant's definition.
		if want := strings.TrimSuffix(e.Name(), ext); d.Slug != want {
			errs = append(errs, fmt.Errorf("%s: slug %q: must match the file name %q", e.Name(), d.Slug, want))
			continue
		}
		defs = append(defs, d)
	}
	sort.Slice(defs, func(i, j int) bool { return defs[i].Slug < defs[j].Slug })
	errs = append(errs, checkUnique(defs)...)
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return defs, nil
}

// checkUnique reports host names claimed by two definitions: applying both
// would make the second fail half-way.
func checkUnique(defs []Definition) []error {
	var errs []error
	owner := map[string]string{}
	for _, d := range defs {
		for _, h := range d.Hosts {
			if o, ok := owner[h]; ok && o != d.Slug {
				errs = append(errs, fmt.Errorf("%s: hosts: %q is also claimed by %s", d.File, h, o))
			}
			owner[h] = d.Slug
		}
	}
	return errs
}

// Parse decodes one definition strictly (unknown fields are errors) and
// validates it. name labels errors (usually the file name).
func Parse(name string, data []byte) (Definition, error) {
	var d Definition
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&d); err != nil {
		if errors.Is(err, io.EOF) {
			return Definition{}, fmt.Errorf("%s: empty definition", name)
		}
		return Definition{}, fmt.Errorf("%s: %w", name, err)
	}
	var extra any
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return Definition{}, fmt.Errorf("%s: one YAML document per file, found more", name)
	}
	if d.Status == "" {
		d.Status = tenants.StatusActive
	}
	d.File = name
	if err := d.Validate(); err != nil {
		return Definition{}, err
	}
	return d, nil
}

// Tenant returns the tenant d defines, with the sub-domain host
// "<slug>.<baseDomain>" first (when baseDomain is set) and the custom hosts
// after it. The ID is empty: the database assigns it.
func (d Definition) Tenant(baseDomain string) tenants.Tenant {
	var hosts []string
	seen := map[string]bool{}
	add := func(h string) {
		if h != "" && !seen[h] {
			seen[h] = true
			hosts = append(hosts, h)
		}
	}
	if tenants.NormalizeHost(baseDomain) != "" {
		add(tenants.SubdomainHost(d.Slug, baseDomain))
	}
	for _, h := range d.Hosts {
		add(h)
	}
	status := d.Status
	if status == "" {
		status = tenants.StatusActive
	}
	return tenants.Tenant{
		Slug:     d.Slug,
		Name:     d.Name,
		Status:   status,
		Hosts:    hosts,
		Branding: d.Branding,
		Settings: d.Settings,
		SSO:      d.SSO,
	}
}

// Validate reports every field of d that cannot be applied, one error per
// field, each prefixed with the file name and naming the field.
func (d Definition) Validate() error {
	t := d.Tenant("")
	var errs []error
	if err := t.Validate(); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, d.validateBranding()...)
	errs = append(errs, d.validateSettings()...)
	if d.Demo != nil {
		errs = append(errs, d.Demo.validate(d)...)
	}
	if len(errs) == 0 {
		return nil
	}
	name := d.File
	if name == "" {
		name = d.Slug
	}
	// Flatten joined errors so that each line names its file.
	var lines []string
	for _, e := range errs {
		lines = append(lines, strings.Split(e.Error(), "\n")...)
	}
	sort.Strings(lines)
	out := make([]error, len(lines))
	for i, l := range lines {
		out[i] = fmt.Errorf("%s: %s", name, l)
	}
	return errors.Join(out...)
}

func (d Definition) validateBranding() []error {
	var errs []error
	b := d.Branding
	if strings.TrimSpace(b.ShortName) == "" {
		errs = append(errs, errors.New("branding.short_name: required (the installed app's home-screen label)"))
	} else if len([]rune(b.ShortName)) > 12 {
		errs = append(errs, fmt.Errorf("branding.short_name %q: at most 12 characters, or home screens cut it", b.ShortName))
	}
	for field, u := range map[string]string{
		"branding.logo_url":       b.LogoURL,
		"branding.icon_url":       b.IconURL,
		"branding.icon_large_url": b.IconLargeURL,
	} {
		if u != "" && !strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "https://") {
			errs = append(errs, fmt.Errorf("%s %q: must be a path starting with / or an https:// URL", field, u))
		}
	}
	if b.LogoURL == "" {
		errs = append(errs, errors.New("branding.logo_url: required"))
	}
	if b.SupportEmail != "" && !validEmail(b.SupportEmail) {
		errs = append(errs, fmt.Errorf("branding.support_email %q: not an e-mail address", b.SupportEmail))
	}
	return errs
}

func (d Definition) validateSettings() []error {
	var errs []error
	s := d.Settings
	if s.TimeZone == "" {
		errs = append(errs, errors.New("settings.time_zone: required (an IANA name such as America/Chicago)"))
	} else if _, err := time.LoadLocation(s.TimeZone); err != nil {
		errs = append(errs, fmt.Errorf("settings.time_zone %q: unknown time zone", s.TimeZone))
	}
	if !validCurrency(s.Currency) {
		errs = append(errs, fmt.Errorf("settings.currency %q: must be an ISO 4217 code such as USD", s.Currency))
	}
	if s.Locale != "" && !localeRE.MatchString(s.Locale) {
		errs = append(errs, fmt.Errorf("settings.locale %q: must be a BCP 47 tag such as en-US", s.Locale))
	}
	return errs
}
