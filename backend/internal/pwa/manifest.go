package pwa

import (
	"encoding/json"

	"example.com/portal/app/brand"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The web app manifest is generated here rather than by go-app, whose
// manifest has three flaws for us: it lists Icon.SVG as an SVG of any size
// even when it is the tenant's PNG, it declares Icon.Maskable maskable even
// when it is a tenant's logo that was never drawn for the maskable safe zone
// (Android would crop it), and it writes icons without a purpose as
// "purpose": "" (goapp-notes §4.5). It also has no "id", so an installed app's
// identity would hang on its start URL.

type manifestIcon struct {
	Src     string `json:"src"`
	Type    string `json:"type"`
	Sizes   string `json:"sizes"`
	Purpose string `json:"purpose"`
}

type webManifest struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Description     string         `json:"description"`
	Lang            string         `json:"lang"`
	Scope           string         `json:"scope"`
	StartURL        string         `json:"start_url"`
	Display         string         `json:"display"`
	BackgroundColor string         `json:"background_color"`
	ThemeColor      string         `json:"theme_color"`
	Icons           []manifestIcon `json:"icons"`
}

// manifestJSON is the tenant's manifest. generated says whether icon holds
// this package's generated icons (drawn maskable-safe, with an SVG) or the
// tenant's own PNGs.
func manifestJSON(b brand.Brand, icon app.Icon, generated bool, lang, description string) []byte {
	icons := []manifestIcon{
		{Src: icon.Default, Type: "image/png", Sizes: "192x192", Purpose: "any"},
		{Src: icon.Large, Type: "image/png", Sizes: "512x512", Purpose: "any"},
	}
	if generated {
		icons = append(icons,
			manifestIcon{Src: icon.Maskable, Type: "image/png", Sizes: "512x512", Purpose: "maskable"},
			manifestIcon{Src: icon.SVG, Type: "image/svg+xml", Sizes: "any", Purpose: "any"},
		)
	}
	m := webManifest{
		// One installed app per tenant host; the id keeps it the same app
		// if the start URL ever changes.
		ID:              "/portal",
		Name:            b.Name,
		ShortName:       b.ShortName,
		Description:     description,
		Lang:            lang,
		Scope:           "/",
		StartURL:        "/portal",
		Display:         "standalone",
		BackgroundColor: b.BackgroundColor,
		ThemeColor:      b.PrimaryColor,
		Icons:           icons,
	}
	out, _ := json.Marshal(m) // plain strings: cannot fail
	return out
}
