package pwa

import (
	"bytes"
	"fmt"
	"html"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"log/slog"
	"net/http"
	"strconv"
	"sync"

	"example.com/portal/app/brand"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// The generated icon: a full-bleed square in the primary colour with the
// tenant's initials and a short bar in the accent colour under them. The
// mark stays inside the central circle of radius 0.4 × size, the safe zone
// of a maskable icon, so the 512 px icon doubles as the maskable one.
const (
	markMaxWidth  = 0.56 // of the icon size: widest initials
	markMaxHeight = 0.30 // cap height of the initials
	barWidth      = 0.28
	barHeight     = 0.035
	barGap        = 0.06 // between initials and bar
)

// iconCache renders a site's PNG icons on first request and keeps them.
type iconCache struct {
	brand brand.Brand

	once192, once512 sync.Once
	png192, png512   []byte
	etag192, etag512 string
	err192, err512   error
}

// serveIcon serves /web/icon-192.png or /web/icon-512.png.
func (st *site) serveIcon(w http.ResponseWriter, r *http.Request, log *slog.Logger) {
	c := &st.icons
	var body []byte
	var etag string
	var err error
	if r.URL.Path == icon512Path {
		c.once512.Do(func() { c.png512, c.err512 = iconPNG(c.brand, 512); c.etag512 = etagOf(c.png512) })
		body, etag, err = c.png512, c.etag512, c.err512
	} else {
		c.once192.Do(func() { c.png192, c.err192 = iconPNG(c.brand, 192); c.etag192 = etagOf(c.png192) })
		body, etag, err = c.png192, c.etag192, c.err192
	}
	if err != nil {
		log.Error("generating icon failed", "tenant", c.brand.Slug, "path", r.URL.Path, "error", err.Error())
		http.Error(w, "icon unavailable", http.StatusInternalServerError)
		return
	}
	serveBytes(w, r, "image/png", body, etag)
}

var (
	boldOnce sync.Once
	boldFont *opentype.Font
	boldErr  error
)

// iconPNG draws the tenant's icon at size × size pixels.
func iconPNG(b brand.Brand, size int) ([]byte, error) {
	boldOnce.Do(func() { boldFont, boldErr = opentype.Parse(gobold.TTF) })
	if boldErr != nil {
		return nil, fmt.Errorf("parse icon font: %w", boldErr)
	}
	fg, accent := rgb(onColor(b.PrimaryColor)), rgb(b.AccentColor)
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	draw.Draw(img, img.Bounds(), image.NewUniform(rgb(b.PrimaryColor)), image.Point{}, draw.Src)

	s := float64(size)
	text := brand.Initials(b.Name)
	if text == "" || !hasGlyphs(boldFont, text) {
		// No letters the font can draw (e.g. a name in a script Go Bold
		// lacks): a plain accent disc instead.
		drawDisc(img, s/2, s/2, 0.18*s, accent)
		return encodePNG(img)
	}

	face, ink, err := fitText(boldFont, text, markMaxWidth*s, markMaxHeight*s)
	if err != nil {
		return nil, err
	}
	defer face.Close()
	inkW := float64(ink.Max.X-ink.Min.X) / 64
	inkH := float64(ink.Max.Y-ink.Min.Y) / 64
	groupH := inkH + barGap*s + barHeight*s
	top := (s - groupH) / 2
	// Place the pen so the ink box lands centred horizontally at top.
	dotX := s/2 - inkW/2 - float64(ink.Min.X)/64
	dotY := top - float64(ink.Min.Y)/64
	d := font.Drawer{Dst: img, Src: image.NewUniform(fg), Face: face, Dot: fixed.Point26_6{
		X: fixed.Int26_6(dotX * 64), Y: fixed.Int26_6(dotY * 64)}}
	d.DrawString(text)

	barTop := top + inkH + barGap*s
	bar := image.Rect(int(s/2-barWidth*s/2), int(barTop), int(s/2+barWidth*s/2), int(barTop+barHeight*s+0.5))
	draw.Draw(img, bar, image.NewUniform(accent), image.Point{}, draw.Over)
	return encodePNG(img)
}

// fitText returns a face of f at the largest size where text's ink fits in
// maxW × maxH pixels, and the ink bounds relative to the pen.
func fitText(f *opentype.Font, text string, maxW, maxH float64) (font.Face, fixed.Rectangle26_6, error) {
	size := maxH * 1.4 // a first guess: cap height is about 0.7 em
	for range 3 {
		face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
		if err != nil {
			return nil, fixed.Rectangle26_6{}, fmt.Errorf("icon font face: %w", err)
		}
		ink, _ := font.BoundString(face, text)
		w := float64(ink.Max.X-ink.Min.X) / 64
		h := float64(ink.Max.Y-ink.Min.Y) / 64
		scale := min(maxW/w, maxH/h)
		if scale > 0.98 && scale < 1.02 || w == 0 || h == 0 {
			return face, ink, nil
		}
		face.Close()
		size *= scale
	}
	face, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fixed.Rectangle26_6{}, fmt.Errorf("icon font face: %w", err)
	}
	ink, _ := font.BoundString(face, text)
	return face, ink, nil
}

func hasGlyphs(f *opentype.Font, text string) bool {
	var buf sfnt.Buffer
	for _, r := range text {
		if i, err := f.GlyphIndex(&buf, r); err != nil || i == 0 {
			return false
		}
	}
	return true
}

// drawDisc fills a circle, anti-aliased by 4×4 supersampling of the edge.
func drawDisc(img *image.RGBA, cx, cy, r float64, c color.RGBA) {
	for y := int(cy - r - 1); y <= int(cy+r+1); y++ {
		for x := int(cx - r - 1); x <= int(cx+r+1); x++ {
			n := 0
			for sy := range 4 {
				for sx := range 4 {
					dx := float64(x) + (float64(sx)+0.5)/4 - cx
					dy := float64(y) + (float64(sy)+0.5)/4 - cy
					if dx*dx+dy*dy <= r*r {
						n++
					}
				}
			}
			if n == 0 {
				continue
			}
			a := uint8(n * 255 / 16)
			draw.Draw(img, image.Rect(x, y, x+1, y+1),
				image.NewUniform(color.NRGBA{R: c.R, G: c.G, B: c.B, A: a}), image.Point{}, draw.Over)
		}
	}
}

func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, fmt.Errorf("encode icon: %w", err)
	}
	return buf.Bytes(), nil
}

// rgb parses #rrggbb (brand colours are validated) into an opaque colour.
func rgb(hex string) color.RGBA {
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil || len(hex) != 7 {
		return color.RGBA{A: 0xff}
	}
	return color.RGBA{R: uint8(v >> 16), G: uint8(v >> 8), B: uint8(v), A: 0xff}
}

// iconSVG is the same mark as a scalable favicon. It uses the system's
// sans-serif bold: SVG images cannot load web fonts, and a favicon is small
// enough that the typeface difference from the PNG does not show.
func iconSVG(b brand.Brand) []byte {
	const size = 512
	text := brand.Initials(b.Name)
	var mark string
	if text == "" {
		mark = fmt.Sprintf(`<circle cx="256" cy="256" r="%.0f" fill="%s"/>`, 0.18*size, b.AccentColor)
	} else {
		// Cap height ≈ 0.72 em for common sans fonts; size the em so the cap
		// height matches the PNG's mark, and shrink for wide initials.
		em := markMaxHeight * size / 0.72
		if len([]rune(text)) > 1 {
			em = min(em, markMaxWidth*size/1.45)
		}
		capH := 0.72 * em
		groupH := capH + (barGap+barHeight)*size
		baseline := (size-groupH)/2 + capH
		barTop := baseline + barGap*size
		mark = fmt.Sprintf(`<text x="256" y="%.0f" text-anchor="middle" `+
			`font-family="system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif" font-weight="700" `+
			`font-size="%.0f" fill="%s">%s</text>`+
			`<rect x="%.0f" y="%.0f" width="%.0f" height="%.0f" fill="%s"/>`,
			baseline, em, onColor(b.PrimaryColor), html.EscapeString(text),
			256-barWidth*size/2, barTop, barWidth*size, barHeight*size, b.AccentColor)
	}
	return fmt.Appendf(nil, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d">`+
		`<rect width="%d" height="%d" fill="%s"/>%s</svg>`+"\n",
		size, size, size, size, b.PrimaryColor, mark)
}
