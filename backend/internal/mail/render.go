package mail

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"math"
	"net/url"
	"path"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	texttemplate "text/template"
	"time"

	"example.com/portal/tenants"
)

// Kinds of message Render knows, one template file each
// (templates/<kind>.tmpl), with the data type it takes.
const (
	KindPasswordReset         = "password_reset"          // PasswordReset
	KindInvitation            = "invitation"              // Invitation
	KindAccessRequestReceived = "access_request_received" // AccessRequestReceived
	KindAccessRequestApproved = "access_request_approved" // AccessRequestApproved
	KindAccessRequestRejected = "access_request_rejected" // AccessRequestRejected
	KindMFACode               = "mfa_code"                // MFACode
	KindDocumentShared        = "document_shared"         // DocumentShared
)

// Base is embedded in the data of every kind.
type Base struct {
	// BaseURL is the origin of the tenant's portal, e.g.
	// https://acme-metals.portal.example. Mail clients fetch images
	// without a page to resolve against, so the logo is made absolute
	// from it. Required.
	BaseURL string
	// RecipientName greets the reader ("Hello Maria,"); empty: "Hello,".
	RecipientName string
}

func (b Base) base() Base { return b }

// PasswordReset is the data of KindPasswordReset.
type PasswordReset struct {
	Base
	Link    string        // absolute URL of the reset page, token included
	Expires time.Duration // how long Link works, e.g. time.Hour
}

// Invitation is the data of KindInvitation: a customer admin (or the
// distributor's staff) invited someone into a customer account.
type Invitation struct {
	Base
	InviterName string // empty: "You have been invited"
	CompanyName string // the customer account joined
	Role        string // role in the account, e.g. "buyer"; optional
	Link        string // absolute URL that accepts the invitation
	Expires     time.Duration
	Staff       bool // joining the distributor's own staff (CompanyName is the distributor)
}

// AccessRequestReceived is the data of KindAccessRequestReceived: the
// acknowledgement to someone who asked for access to a customer account.
type AccessRequestReceived struct {
	Base
	CompanyName string
}

// AccessRequestApproved is the data of KindAccessRequestApproved.
type AccessRequestApproved struct {
	Base
	CompanyName string
	Role        string // optional
	Link        string // absolute URL of the sign-in page
}

// AccessRequestRejected is the data of KindAccessRequestRejected.
type AccessRequestRejected struct {
	Base
	CompanyName string
	Reason      string // optional, shown as written by the reviewer
}

// MFACode is the data of KindMFACode.
type MFACode struct {
	Base
	Code    string // six digits
	Expires time.Duration
}

// kindData is what every kind's data satisfies; validate reports missing
// or malformed fields before any template runs, so a caller's mistake is an
// error naming the field, not an e-mail with an empty link.
type kindData interface {
	base() Base
	kind() string
	validate() error
}

func (PasswordReset) kind() string         { return KindPasswordReset }
func (Invitation) kind() string            { return KindInvitation }
func (AccessRequestReceived) kind() string { return KindAccessRequestReceived }
func (AccessRequestApproved) kind() string { return KindAccessRequestApproved }
func (AccessRequestRejected) kind() string { return KindAccessRequestRejected }
func (MFACode) kind() string               { return KindMFACode }
func (DocumentShared) kind() string        { return KindDocumentShared }

// DocumentShared is the data of KindDocumentShared: a customer user sends
// one of the account's documents, attached, with an optional note.
type DocumentShared struct {
	Base
	SenderName, SenderEmail, CompanyName string
	DocumentName, DocumentType           string
	Note                                 string // the sender's own words, at most 1,000 characters
}

func (d DocumentShared) validate() error {
	return errors.Join(required("sender name", d.SenderName), required("document name", d.DocumentName))
}

func (d PasswordReset) validate() error {
	return errors.Join(checkLink("link", d.Link), checkExpiry(d.Expires))
}

func (d Invitation) validate() error {
	return errors.Join(checkLink("link", d.Link), checkExpiry(d.Expires), required("company name", d.CompanyName))
}

func (d AccessRequestReceived) validate() error {
	return required("company name", d.CompanyName)
}

func (d AccessRequestApproved) validate() error {
	return errors.Join(checkLink("link", d.Link), required("company name", d.CompanyName))
}

func (d AccessRequestRejected) validate() error {
	return required("company name", d.CompanyName)
}

var sixDigits = regexp.MustCompile(`^[0-9]{6}$`)

func (d MFACode) validate() error {
	var err error
	if !sixDigits.MatchString(d.Code) {
		err = errors.New("code: must be six digits")
	}
	return errors.Join(err, checkExpiry(d.Expires))
}

//go:embed templates/*.tmpl
var templateFS embed.FS

// kindSet is one kind's parsed templates: "subject" and "text" run as text,
// "layout" (which calls the kind's "html") as HTML.
type kindSet struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// sets holds every kind's templates, parsed once from the embedded files. A
// broken template fails every test of this package at init.
var sets = mustParse(KindPasswordReset, KindInvitation, KindAccessRequestReceived,
	KindAccessRequestApproved, KindAccessRequestRejected, KindMFACode, KindDocumentShared)

func mustParse(kinds ...string) map[string]kindSet {
	funcs := map[string]any{"duration": humanDuration, "button": newButton, "tel": telNumber}
	m := make(map[string]kindSet, len(kinds))
	for _, k := range kinds {
		files := []string{"templates/layout.tmpl", "templates/" + k + ".tmpl"}
		m[k] = kindSet{
			text: texttemplate.Must(texttemplate.New(k).Funcs(funcs).ParseFS(templateFS, files...)),
			html: htmltemplate.Must(htmltemplate.New(k).Funcs(funcs).ParseFS(templateFS, files...)),
		}
	}
	return m
}

// view is what the templates see.
type view struct {
	Subject string // rendered subject, for the HTML <title>
	Tenant  brand
	Data    any
}

// brand is the tenant's branding as e-mail needs it: colours checked,
// images absolute and in a format mail clients display.
type brand struct {
	Name         string
	LogoURL      string // absolute raster logo, shown alone; or ""
	IconURL      string // absolute PNG icon, shown beside Name when there is no LogoURL; or ""
	Primary      string // header and button background, #rrggbb
	OnPrimary    string // text on Primary, black or white for contrast
	Accent       string // links, #rrggbb
	SupportEmail string
	SupportPhone string
}

// button is a call to action in the HTML body: {{template "button"
// (button $.Tenant .Data.Link "Reset password")}}.
type button struct {
	URL, Label       string
	Color, TextColor string
}

func newButton(b brand, url, label string) button {
	return button{URL: url, Label: label, Color: b.Primary, TextColor: b.OnPrimary}
}

// Colours used when a tenant's colour is missing or not #rrggbb; the same as
// app/brand's defaults, so the e-mail matches the portal's look.
const (
	defaultPrimary = "#1f4e79"
	defaultAccent  = "#d9822b"
)

// generatedIconPath is the 192 px PNG icon the portal generates from each
// tenant's brand and serves on the tenant's host (backend/internal/pwa).
const generatedIconPath = "/web/icon-192.png"

// Render returns the subject, plain-text body and HTML body of a message of
// the given kind (one of the Kind constants) for tenant t. data must be the
// kind's data type (value or pointer). Values in data are escaped in the HTML
// body by html/template; the text body is text/template output as is. The
// subject is collapsed to one line.
func Render(kind string, data any, t *tenants.Tenant) (subject, text, html string, err error) {
	defer func() {
		if err != nil {
			err = fmt.Errorf("mail: render %s: %w", kind, err)
		}
	}()
	set, ok := sets[kind]
	if !ok {
		return "", "", "", errors.New("unknown kind")
	}
	if t == nil {
		return "", "", "", errors.New("tenant: required")
	}
	d, ok := data.(kindData)
	if ok && reflect.ValueOf(data).Kind() == reflect.Pointer && reflect.ValueOf(data).IsNil() {
		ok = false
	}
	if !ok || d.kind() != kind {
		return "", "", "", fmt.Errorf("data: got %T, want the kind's data type", data)
	}
	if err := d.validate(); err != nil {
		return "", "", "", err
	}
	b, err := brandOf(t, d.base().BaseURL)
	if err != nil {
		return "", "", "", err
	}

	v := view{Tenant: b, Data: data}
	var buf bytes.Buffer
	if err := set.text.ExecuteTemplate(&buf, "subject", v); err != nil {
		return "", "", "", err
	}
	v.Subject = strings.Join(strings.Fields(buf.String()), " ")
	buf.Reset()
	if err := set.text.ExecuteTemplate(&buf, "text", v); err != nil {
		return "", "", "", err
	}
	text = tidyText(buf.String())
	buf.Reset()
	if err := set.html.ExecuteTemplate(&buf, "layout", v); err != nil {
		return "", "", "", err
	}
	return v.Subject, text, buf.String(), nil
}

// brandOf maps t's branding to e-mail branding, resolving image URLs
// against baseURL.
func brandOf(t *tenants.Tenant, baseURL string) (brand, error) {
	base, err := url.Parse(baseURL)
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return brand{}, fmt.Errorf("base URL %q: must be an absolute http(s) URL", baseURL)
	}
	tb := t.Branding
	b := brand{
		Name:         strings.TrimSpace(t.Name),
		Primary:      tb.PrimaryColor,
		Accent:       tb.AccentColor,
		SupportEmail: strings.TrimSpace(tb.SupportEmail),
		SupportPhone: strings.TrimSpace(tb.SupportPhone),
	}
	if !tenants.ValidColor(b.Primary) {
		b.Primary = defaultPrimary
	}
	if !tenants.ValidColor(b.Accent) {
		b.Accent = defaultAccent
	}
	b.OnPrimary = textOn(b.Primary)

	// Gmail and Outlook do not display SVG, the usual logo format; a
	// raster logo is used as is, otherwise the tenant's PNG icon (its own,
	// or the one the portal generates) goes beside the name.
	if logo := absolute(base, tb.LogoURL); logo != "" && !strings.EqualFold(path.Ext(strings.SplitN(logo, "?", 2)[0]), ".svg") {
		b.LogoURL = logo
	} else if icon := absolute(base, tb.IconURL); icon != "" {
		b.IconURL = icon
	} else {
		b.IconURL = absolute(base, generatedIconPath)
	}
	return b, nil
}

// absolute resolves ref against base; "" when ref is empty or does not
// resolve to an http(s) URL.
func absolute(base *url.URL, ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	u = base.ResolveReference(u)
	if u.Scheme != "https" && u.Scheme != "http" {
		return ""
	}
	return u.String()
}

// textOn returns black or white, whichever contrasts more with the #rrggbb
// colour bg (WCAG relative luminance), so a tenant with a light primary
// colour still gets a readable button.
func textOn(bg string) string {
	lum := 0.0
	for i, weight := range []float64{0.2126, 0.7152, 0.0722} {
		v, _ := strconv.ParseUint(bg[1+2*i:3+2*i], 16, 8)
		c := float64(v) / 255
		if c <= 0.04045 {
			c /= 12.92
		} else {
			c = math.Pow((c+0.055)/1.055, 2.4)
		}
		lum += weight * c
	}
	// Contrast with white is 1.05/(L+0.05), with black (L+0.05)/0.05.
	if 1.05/(lum+0.05) >= (lum+0.05)/0.05 {
		return "#ffffff"
	}
	return "#000000"
}

// humanDuration writes d as the templates say it: "1 hour", "10 minutes",
// "2 days". It rejects durations that are not whole minutes, which would
// read badly and point to a unit mistake.
func humanDuration(d time.Duration) (string, error) {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + one + "s"
	}
	switch {
	case d <= 0 || d%time.Minute != 0:
		return "", fmt.Errorf("duration %s: must be a positive whole number of minutes", d)
	case d%(24*time.Hour) == 0:
		return unit(int64(d/(24*time.Hour)), "day"), nil
	case d%time.Hour == 0:
		return unit(int64(d/time.Hour), "hour"), nil
	default:
		return unit(int64(d/time.Minute), "minute"), nil
	}
}

// tidyText trims trailing spaces and runs of blank lines that template
// actions leave behind, so the text body reads as written.
func tidyText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := make([]string, 0, len(lines))
	blank := false
	for _, l := range lines {
		if l != "-- " { // the signature delimiter keeps its space
			l = strings.TrimRight(l, " \t")
		}
		if l == "" {
			if !blank && len(out) > 0 {
				out = append(out, "")
			}
			blank = true
			continue
		}
		blank = false
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}

// telNumber is a phone number as written ("+1 312-555-0100") reduced to
// what a tel: URI takes: the leading plus and the digits. (The template
// writes "tel:" itself; html/template would reject the scheme in a value.)
func telNumber(phone string) string {
	var b strings.Builder
	for i, r := range phone {
		if r >= '0' && r <= '9' || r == '+' && i == 0 {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func checkLink(field, v string) error {
	u, err := url.Parse(v)
	if v == "" || err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("%s %q: must be an absolute http(s) URL", field, v)
	}
	return nil
}

func checkExpiry(d time.Duration) error {
	if _, err := humanDuration(d); err != nil {
		return fmt.Errorf("expires: %w", err)
	}
	return nil
}

func required(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("%s: required", field)
	}
	return nil
}
