package components

import (
	"strings"

	"example.com/portal/app/brand"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Footer names the tenant and how its customers reach support.
type Footer struct {
	app.Compo

	Ibrand brand.Brand
}

// NewFooter returns a footer.
func NewFooter() *Footer {
	return &Footer{}
}

// Brand sets the tenant branding.
func (f *Footer) Brand(b brand.Brand) *Footer {
	f.Ibrand = b
	return f
}

// Render implements app.Composer.
func (f *Footer) Render() app.UI {
	help := "Need help? Contact " + f.Ibrand.Name + ":"
	if f.Ibrand.SupportEmail == "" && f.Ibrand.SupportPhone == "" {
		help = "Need help? Contact your " + f.Ibrand.Name + " sales representative."
	}
	return app.Footer().
		Class("portal-footer").
		Body(
			app.P().Class("portal-footer__help").Text(help),
			NewSupportContacts().Brand(f.Ibrand),
		)
}

// SupportContacts lists the tenant's support e-mail and phone as links
// (mailto:, tel:). It renders nothing the tenant did not set.
type SupportContacts struct {
	app.Compo

	Ibrand brand.Brand
}

// NewSupportContacts returns an empty contact list.
func NewSupportContacts() *SupportContacts {
	return &SupportContacts{}
}

// Brand sets the tenant branding the contacts come from.
func (s *SupportContacts) Brand(b brand.Brand) *SupportContacts {
	s.Ibrand = b
	return s
}

// Render implements app.Composer.
func (s *SupportContacts) Render() app.UI {
	b := s.Ibrand
	return app.Ul().
		Class("contacts").
		Body(
			app.If(b.SupportEmail != "", func() app.UI {
				return app.Li().Class("contacts__item").Body(
					app.Span().Class("contacts__label").Text("E-mail "),
					app.A().Href("mailto:"+b.SupportEmail).Text(b.SupportEmail),
				)
			}),
			app.If(b.SupportPhone != "", func() app.UI {
				return app.Li().Class("contacts__item").Body(
					app.Span().Class("contacts__label").Text("Phone "),
					app.A().Href("tel:"+TelURI(b.SupportPhone)).Text(b.SupportPhone),
				)
			}),
		)
}

// TelURI returns the digits of a phone number as written for people
// ("+1 (555) 010-2000") in the form a tel: link needs ("+15550102000").
func TelURI(phone string) string {
	var sb strings.Builder
	for i, r := range strings.TrimSpace(phone) {
		switch {
		case r >= '0' && r <= '9':
			sb.WriteRune(r)
		case r == '+' && i == 0:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}
