package pwa

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"strings"
	"testing"

	"example.com/portal/app/brand"
)

func TestGeneratedIcons(t *testing.T) {
	s := mustNew(t, mustWebDir(t, fakeWasm("a")))
	for _, tc := range []struct {
		path string
		size int
	}{{icon192Path, 192}, {icon512Path, 512}} {
		rec := do(t, s, acmeTenant(), "GET", tc.path, nil)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/png" || rec.Header().Get("ETag") == "" {
			t.Fatalf("GET %s: %d %v", tc.path, rec.Code, rec.Header())
		}
		img, err := png.Decode(bytes.NewReader(rec.Body.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != tc.size || b.Dy() != tc.size {
			t.Errorf("%s is %v, want %dx%d", tc.path, b, tc.size, tc.size)
		}
		// Full-bleed primary colour (maskable), a white mark in the middle.
		if got := rgbaAt(img, 2, 2); got != (color.RGBA{0xc0, 0x39, 0x2b, 0xff}) {
			t.Errorf("%s corner = %v, want Acme red", tc.path, got)
		}
		if !hasPixel(img, color.RGBA{0xff, 0xff, 0xff, 0xff}) {
			t.Errorf("%s has no initials (no white pixel)", tc.path)
		}
		if !hasPixel(img, color.RGBA{0xf1, 0xc4, 0x0f, 0xff}) {
			t.Errorf("%s has no accent bar", tc.path)
		}
	}
	beta := do(t, s, betaTenant(), "GET", icon192Path, nil)
	if img, err := png.Decode(bytes.NewReader(beta.Body.Bytes())); err != nil || rgbaAt(img, 2, 2) != (color.RGBA{0x1f, 0x6f, 0xeb, 0xff}) {
		t.Errorf("beta's generated icon is not in Beta blue (err %v)", err)
	}

	svg := do(t, s, acmeTenant(), "GET", iconSVGPath, nil)
	if svg.Code != 200 || svg.Header().Get("Content-Type") != "image/svg+xml" ||
		!strings.Contains(svg.Body.String(), `fill="#c0392b"`) || !strings.Contains(svg.Body.String(), ">AM</text>") {
		t.Errorf("icon.svg: %d %s", svg.Code, svg.Body)
	}
}

func TestIconWithoutDrawableInitials(t *testing.T) {
	// A name Go Bold cannot draw still gets an icon (a disc), not an error.
	b := brand.Brand{Name: "株式会社", PrimaryColor: "#1f4e79", AccentColor: "#d9822b"}
	p, err := iconPNG(b, 192)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(p))
	if err != nil {
		t.Fatal(err)
	}
	if got := rgbaAt(img, 96, 96); got != (color.RGBA{0xd9, 0x82, 0x2b, 0xff}) {
		t.Errorf("centre = %v, want the accent disc", got)
	}
}

func rgbaAt(img image.Image, x, y int) color.RGBA {
	return color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)
}

func hasPixel(img image.Image, c color.RGBA) bool {
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if rgbaAt(img, x, y) == c {
				return true
			}
		}
	}
	return false
}

func TestThemeContrast(t *testing.T) {
	for bg, want := range map[string]string{
		"#ffffff": dark, "#fff5f3": dark, "#f1c40f": dark,
		"#000000": light, "#1f4e79": light, "#c0392b": light,
	} {
		if got := onColor(bg); got != want {
			t.Errorf("onColor(%s) = %s, want %s", bg, got, want)
		}
	}
}

func TestStaticFiles(t *testing.T) {
	dir := mustWebDir(t, fakeWasm("a"))
	mustWrite(t, filepath.Join(dir, "tenants", "beta", "logo.svg"), []byte("<svg/>"))
	mustWrite(t, filepath.Join(dir, ".env"), []byte("SECRET=1"))
	mustWrite(t, filepath.Join(dir, "tenants", ".git", "config"), []byte("x"))
	mustWrite(t, filepath.Join(dir, "robots.txt"), []byte("User-agent: *\nDisallow: /\n"))
	s := mustNew(t, dir)
	beta := betaTenant()

	css := do(t, s, beta, "GET", "/web/portal.css", nil)
	if css.Code != 200 || !strings.HasPrefix(css.Header().Get("Content-Type"), "text/css") ||
		css.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("portal.css: %d %v", css.Code, css.Header())
	}
	// Served by us, not by go-app (whose ETag is the Handler Version).
	if css.Header().Get("ETag") == `"`+s.site(beta).handler.Version+`"` {
		t.Error("portal.css went through go-app's file server")
	}
	if rec := do(t, s, beta, "GET", "/web/tenants/beta/logo.svg", nil); rec.Code != 200 || rec.Body.String() != "<svg/>" {
		t.Errorf("tenant logo: %d %q", rec.Code, rec.Body)
	}
	if rec := do(t, s, beta, "GET", "/robots.txt", nil); rec.Code != 200 || !strings.Contains(rec.Body.String(), "Disallow") {
		t.Errorf("robots.txt: %d %q", rec.Code, rec.Body)
	}
	for _, p := range []string{"/web/", "/web/tenants/", "/web/tenants/beta", "/web/.env", "/web/tenants/.git/config",
		"/web/../go.mod", "/web/missing.css"} {
		if rec := do(t, s, beta, "GET", p, nil); rec.Code != 404 {
			t.Errorf("GET %s = %d, want 404", p, rec.Code)
		}
	}
	if rec := do(t, s, beta, "POST", "/web/portal.css", nil); rec.Code != 405 {
		t.Errorf("POST /web/portal.css = %d, want 405", rec.Code)
	}
}
