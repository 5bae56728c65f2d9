// Package pdfdoc renders the portal's branded PDF documents (invoice, credit
// memo, order confirmation, packing slip, quote, account statement). Pure
// rendering: no database, no HTTP. It uses codeberg.org/go-pdf/fpdf with an
// embedded DejaVu Sans Condensed font so any UTF-8 text prints.
package pdfdoc

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

//go:embed fonts/DejaVuSansCondensed.ttf
var fontTTF []byte

const (
	font    = "dejavu"
	margin  = 15.0
	pageW   = 210.0
	pageH   = 297.0
	bottom  = 20.0
	lineH   = 4.5
	dateFmt = "2006-01-02"
)

type rgb struct{ r, g, b int }

// parseColour reads #rrggbb; "" gives def.
func parseColour(field, s string, def rgb) (rgb, error) {
	if s == "" {
		return def, nil
	}
	if len(s) != 7 || s[0] != '#' {
		return rgb{}, fmt.Errorf("pdfdoc: brand %s %q is not #rrggbb", field, s)
	}
	v, err := strconv.ParseUint(s[1:], 16, 32)
	if err != nil {
		return rgb{}, fmt.Errorf("pdfdoc: brand %s %q is not #rrggbb", field, s)
	}
	return rgb{int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)}, nil
}

type column struct {
	title string
	w     float64
	align string
	cell  func(l Line) string
}

type doc struct {
	pdf             *fpdf.Fpdf
	b               Brand
	primary, accent rgb
	cols            []column
}

func newDoc(b Brand, title, number string, meta [][2]string) (*doc, error) {
	p, err := parseColour("Primary", b.Primary, rgb{0x1f, 0x2d, 0x3d})
	if err != nil {
		return nil, err
	}
	a, err := parseColour("Accent", b.Accent, rgb{0xe8, 0xec, 0xf1})
	if err != nil {
		return nil, err
	}
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, bottom)
	pdf.AddUTF8FontFromBytes(font, "", fontTTF)
	pdf.AliasNbPages("{nb}")
	pdf.SetTitle(title+" "+number, true)
	pdf.SetCreator(b.Name, true)
	d := &doc{pdf: pdf, b: b, primary: p, accent: a}
	logo := ""
	if len(b.Logo) > 0 {
		typ := ""
		switch {
		case bytes.HasPrefix(b.Logo, []byte("\x89PNG\r\n\x1a\n")):
			typ = "PNG"
		case bytes.HasPrefix(b.Logo, []byte{0xff, 0xd8, 0xff}):
			typ = "JPG"
		default:
			return nil, errors.New("pdfdoc: brand Logo is neither PNG nor JPEG")
		}
		logo = "logo"
		pdf.RegisterImageOptionsReader(logo, fpdf.ImageOptions{ImageType: typ}, bytes.NewReader(b.Logo))
		if err := pdf.Error(); err != nil {
			return nil, fmt.Errorf("pdfdoc: brand Logo: %w", err)
		}
	}
	pdf.SetHeaderFunc(func() { d.header(logo, title, number, meta) })
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		pdf.SetFont(font, "", 8)
		pdf.SetTextColor(100, 100, 100)
		pdf.CellFormat(0, 5, fmt.Sprintf("%s %s · Page %d of {nb}", title, number, pdf.PageNo()), "", 0, "C", false, 0, "")
	})
	pdf.AddPage()
	return d, nil
}

func (d *doc) header(logo, title, number string, meta [][2]string) {
	pdf := d.pdf
	top := margin
	x := margin
	if logo != "" {
		pdf.ImageOptions(logo, margin, top, 0, 14, false, fpdf.ImageOptions{}, 0, "")
		x = margin + 40
	}
	pdf.SetXY(x, top)
	pdf.SetFont(font, "", 14)
	pdf.SetTextColor(d.primary.r, d.primary.g, d.primary.b)
	pdf.CellFormat(80, 6, d.b.Name, "", 2, "L", false, 0, "")
	pdf.SetFont(font, "", 8)
	pdf.SetTextColor(60, 60, 60)
	for _, s := range []string{d.b.Address, strings.TrimSpace(d.b.Phone + "  " + d.b.Email)} {
		if s != "" {
			pdf.SetX(x)
			pdf.MultiCell(80, 3.8, s, "", "L", false)
		}
	}
	// Title block on the right.
	pdf.SetXY(pageW-margin-70, top)
	pdf.SetFont(font, "", 16)
	pdf.SetTextColor(d.primary.r, d.primary.g, d.primary.b)
	pdf.CellFormat(70, 7, title, "", 2, "R", false, 0, "")
	pdf.SetFont(font, "", 9)
	pdf.SetTextColor(30, 30, 30)
	pdf.SetX(pageW - margin - 70)
	pdf.CellFormat(70, 5, "No. "+number, "", 2, "R", false, 0, "")
	for _, kv := range meta {
		if kv[1] == "" {
			continue
		}
		pdf.SetX(pageW - margin - 70)
		pdf.CellFormat(70, 4.5, kv[0]+": "+kv[1], "", 2, "R", false, 0, "")
	}
	y := max(pdf.GetY(), top+22) + 3
	pdf.SetDrawColor(d.primary.r, d.primary.g, d.primary.b)
	pdf.SetLineWidth(0.5)
	pdf.Line(margin, y, pageW-margin, y)
	pdf.SetLineWidth(0.2)
	pdf.SetY(y + 3)
	if d.cols != nil { // inside a table: repeat its header row
		d.tableHeader()
	}
}

// parties prints up to three address blocks side by side.
func (d *doc) parties(blocks ...[2]any) {
	pdf := d.pdf
	var shown []struct {
		label string
		p     Party
	}
	for _, b := range blocks {
		p := b[1].(Party)
		if p.Name != "" || len(p.Lines) > 0 {
			shown = append(shown, struct {
				label string
				p     Party
			}{b[0].(string), p})
		}
	}
	if len(shown) == 0 {
		return
	}
	w := (pageW - 2*margin) / float64(len(shown))
	y0 := pdf.GetY()
	maxY := y0
	for i, s := range shown {
		x := margin + float64(i)*w
		pdf.SetXY(x, y0)
		pdf.SetFont(font, "", 8)
		pdf.SetTextColor(d.primary.r, d.primary.g, d.primary.b)
		pdf.CellFormat(w-4, 4.5, strings.ToUpper(s.label), "", 2, "L", false, 0, "")
		pdf.SetFont(font, "", 9)
		pdf.SetTextColor(20, 20, 20)
		for _, l := range append([]string{s.p.Name}, s.p.Lines...) {
			if l == "" {
				continue
			}
			pdf.SetX(x)
			pdf.MultiCell(w-4, 4.2, l, "", "L", false)
		}
		maxY = max(maxY, pdf.GetY())
	}
	pdf.SetY(maxY + 4)
}

func (d *doc) tableHeader() {
	pdf := d.pdf
	pdf.SetFont(font, "", 8.5)
	pdf.SetFillColor(d.primary.r, d.primary.g, d.primary.b)
	pdf.SetTextColor(255, 255, 255)
	for _, c := range d.cols {
		pdf.CellFormat(c.w, 6, c.title, "", 0, c.align, true, 0, "")
	}
	pdf.Ln(6)
	pdf.SetTextColor(20, 20, 20)
	pdf.SetFont(font, "", 8.5)
}

// table prints rows with wrapped cells, breaking pages before a row that
// does not fit; the page header repeats the table header row.
func (d *doc) table(cols []column, rows []Line) {
	pdf := d.pdf
	d.cols = cols
	d.tableHeader()
	pdf.SetAutoPageBreak(false, bottom)
	for i, r := range rows {
		cells := make([][]string, len(cols))
		n := 1
		for j, c := range cols {
			cells[j] = pdf.SplitText(c.cell(r), c.w-2)
			n = max(n, len(cells[j]))
		}
		h := float64(n)*lineH + 1.5
		if pdf.GetY()+h > pageH-bottom {
			pdf.AddPage()
		}
		y := pdf.GetY()
		if i%2 == 1 {
			pdf.SetFillColor(d.accent.r, d.accent.g, d.accent.b)
			pdf.Rect(margin, y, pageW-2*margin, h, "F")
		}
		x := margin
		for j, c := range cols {
			for k, s := range cells[j] {
				pdf.SetXY(x+1, y+0.75+float64(k)*lineH)
				pdf.CellFormat(c.w-2, lineH, s, "", 0, c.align, false, 0, "")
			}
			x += c.w
		}
		pdf.SetXY(margin, y+h)
	}
	d.cols = nil
	pdf.SetAutoPageBreak(true, bottom)
	pdf.Ln(3)
}

// summary prints label/value pairs right-aligned; the last is emphasised
// when strong.
func (d *doc) summary(rows [][2]string, strongLast bool) {
	pdf := d.pdf
	if pdf.GetY()+float64(len(rows))*5.5 > pageH-bottom {
		pdf.AddPage()
	}
	for i, r := range rows {
		pdf.SetX(pageW - margin - 80)
		pdf.SetFont(font, "", 9)
		if strongLast && i == len(rows)-1 {
			pdf.SetFont(font, "", 11)
			pdf.SetTextColor(d.primary.r, d.primary.g, d.primary.b)
		}
		pdf.CellFormat(45, 5.5, r[0], "", 0, "R", false, 0, "")
		pdf.CellFormat(35, 5.5, r[1], "", 1, "R", false, 0, "")
		pdf.SetTextColor(20, 20, 20)
	}
}

func (d *doc) note(label, s string) {
	if s == "" {
		return
	}
	pdf := d.pdf
	pdf.Ln(3)
	pdf.SetFont(font, "", 8)
	pdf.SetTextColor(d.primary.r, d.primary.g, d.primary.b)
	pdf.CellFormat(0, 4.5, strings.ToUpper(label), "", 1, "L", false, 0, "")
	pdf.SetFont(font, "", 9)
	pdf.SetTextColor(20, 20, 20)
	pdf.MultiCell(0, 4.2, s, "", "L", false)
}

func (d *doc) write(w io.Writer) error {
	if err := d.pdf.Error(); err != nil {
		return fmt.Errorf("pdfdoc: %w", err)
	}
	if err := d.pdf.Output(w); err != nil {
		return fmt.Errorf("pdfdoc: %w", err)
	}
	return nil
}

func date(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(dateFmt)
}

func describe(l Line) string {
	s := l.Description
	var extra []string
	for _, kv := range [][2]string{{"Dim", l.Dimensions}, {"Grade", l.Grade}, {"Heat", l.Heat}} {
		if kv[1] != "" {
			extra = append(extra, kv[0]+": "+kv[1])
		}
	}
	if len(extra) > 0 {
		s += "\n" + strings.Join(extra, " · ")
	}
	return s
}

func qty(l Line) string { return strings.TrimSpace(l.Quantity + " " + l.Unit) }

func pricedColumns() []column {
	return []column{
		{"Product", 28, "L", func(l Line) string { return l.ProductCode }},
		{"Description", 74, "L", describe},
		{"Quantity", 24, "R", qty},
		{"Unit price", 26, "R", func(l Line) string { return FormatMoney(l.UnitPrice) }},
		{"Total", 28, "R", func(l Line) string { return FormatMoney(l.Total) }},
	}
}

func totalRows(t Totals) [][2]string {
	rows := [][2]string{{"Subtotal", FormatMoney(t.Subtotal)}}
	if t.Processing.Amount != 0 {
		rows = append(rows, [2]string{"Processing", FormatMoney(t.Processing)})
	}
	rows = append(rows, [2]string{"Freight", FormatMoney(t.Freight)}, [2]string{"Tax", FormatMoney(t.Tax)}, [2]string{"Total", FormatMoney(t.Total)})
	return rows
}
