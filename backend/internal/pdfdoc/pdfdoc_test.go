package pdfdoc

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"example.com/portal/backend/internal/pdfdoc/pdftext"
	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// pages is each page's text (see pdftext).
func pages(t *testing.T, pdf []byte) []string {
	t.Helper()
	return pdftext.Pages(t, pdf)
}

func usd(a int64) Money { return Money{Amount: a, Currency: "USD"} }

func brand(t *testing.T, logo bool) Brand {
	b := Brand{Name: "Acme Steel Supply", Primary: "#0a3d62", Accent: "#eaf2f8", Address: "1 Mill Road, Gary IN 46402",
		Phone: "+1 219 555 0100", Email: "ar@acme.example"}
	if logo {
		img := image.NewRGBA(image.Rect(0, 0, 40, 20))
		for x := range 40 {
			for y := range 20 {
				img.Set(x, y, color.RGBA{10, 61, 98, 255})
			}
		}
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		b.Logo = buf.Bytes()
	}
	return b
}

func lines(n int) []Line {
	ls := make([]Line, n)
	for i := range ls {
		ls[i] = Line{ProductCode: fmt.Sprintf("P-%04d", i), Description: fmt.Sprintf("Line %d hot rolled plate", i),
			Quantity: "12.5", Unit: "ft", Grade: "A36", Heat: "H123", Dimensions: "1/2\" x 48\" x 96\"",
			UnitPrice: usd(1234), Total: usd(15425)}
	}
	ls[0].Description = "Größe Ø 20 mm — łódź 東京 Ελληνικά: a long description that must wrap over several lines of the description column without breaking the table layout at all"
	return ls
}

func invoiceDoc(n int) InvoiceDoc {
	return InvoiceDoc{Number: "INV-100234", OrderNumber: "SO-5521", PONumber: "PO-77", IssueDate: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC),
		DueDate: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), PaymentTerms: "Net 30",
		Customer: Party{Name: "Buyer Fab LLC"}, BillTo: Party{Name: "Buyer Fab AP", Lines: []string{"PO Box 9", "Chicago IL"}},
		ShipTo: Party{Name: "Buyer Fab Plant 2", Lines: []string{"200 Dock St"}}, Lines: lines(n),
		Totals:     Totals{Subtotal: usd(123456789), Processing: usd(2500), Freight: usd(9900), Tax: usd(700), Total: usd(123471889)},
		AmountPaid: usd(100000), AmountDue: usd(123371889)}
}

func all(pp []string) string { return strings.Join(pp, "\n") }

func mustContain(t *testing.T, text string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("PDF text lacks %q", w)
		}
	}
}

func TestInvoiceTextAndLogo(t *testing.T) {
	var buf bytes.Buffer
	d := invoiceDoc(5)
	if err := Invoice(&buf, brand(t, true), d); err != nil {
		t.Fatal(err)
	}
	text := all(pages(t, buf.Bytes()))
	mustContain(t, text, "No. INV-100234", "$1,234,567.89", "$25.00", "$99.00", "$7.00", "$1,234,718.89", "$1,000.00", "$1,233,718.89", "Net 30", "PO: PO-77")
	for _, l := range d.Lines {
		mustContain(t, text, l.ProductCode)
	}
	mustContain(t, text, "Line 4 hot rolled plate", "Größe Ø 20 mm", "東京", "Grade: A36", "12.5 ft", "$12.34", "$154.25")
	imgs, err := api.Images(bytes.NewReader(buf.Bytes()), nil, model.NewDefaultConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) == 0 || len(imgs[0]) == 0 {
		t.Error("logo image not embedded")
	}
	// Without a logo: no image, and Processing absent when zero.
	buf.Reset()
	d.Processing = usd(0)
	if err := Invoice(&buf, brand(t, false), d); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(all(pages(t, buf.Bytes())), "Processing") {
		t.Error("zero processing printed")
	}
	imgs, err = api.Images(bytes.NewReader(buf.Bytes()), nil, model.NewDefaultConfiguration())
	if err != nil {
		t.Fatal(err)
	}
	if len(imgs) > 0 && len(imgs[0]) > 0 {
		t.Error("image present without logo")
	}
}

func TestInvoice300LinesPaginates(t *testing.T) {
	var buf bytes.Buffer
	d := invoiceDoc(300)
	if err := Invoice(&buf, brand(t, true), d); err != nil {
		t.Fatal(err)
	}
	pp := pages(t, buf.Bytes())
	if len(pp) < 5 {
		t.Fatalf("300 lines on %d pages", len(pp))
	}
	for i, p := range pp {
		mustContain(t, p, "Description\nQuantity\nUnit price", fmt.Sprintf("Page %d of %d", i+1, len(pp)), "INV-100234")
	}
	text := all(pp)
	for _, l := range d.Lines[1:] {
		mustContain(t, text, l.Description+"\n")
	}
	mustContain(t, pp[len(pp)-1], "Amount due", "$1,233,718.89")
}

func TestOtherDocuments(t *testing.T) {
	b := brand(t, false)
	day := time.Date(2026, 11, 3, 0, 0, 0, 0, time.UTC)
	ls := lines(3)
	tot := Totals{Subtotal: usd(46275), Freight: usd(1000), Tax: usd(500), Total: usd(47775)}
	cases := []struct {
		name   string
		render func(io.Writer) error
		want   []string
		absent []string
	}{
		{"credit memo", func(w io.Writer) error {
			return CreditMemo(w, b, CreditMemoDoc{Number: "CM-9", InvoiceNumber: "INV-1", Date: day, Reason: "Damaged in transit", Lines: ls, Totals: tot})
		}, []string{"Credit memo", "CM-9", "Invoice: INV-1", "Damaged in transit", "$477.75"}, nil},
		{"order", func(w io.Writer) error {
			return OrderConfirmation(w, b, OrderDoc{Number: "SO-1", PONumber: "PO-2", OrderDate: day, RequestedDate: &day, Lines: ls, Totals: tot})
		}, []string{"Order confirmation", "SO-1", "Requested: 2026-11-03", "$477.75"}, nil},
		{"packing slip", func(w io.Writer) error {
			return PackingSlip(w, b, PackingSlipDoc{Number: "PS-3", OrderNumber: "SO-1", ShipDate: day, Carrier: "UPS", TrackingNumber: "1Z999",
				ShipTo: Party{Name: "Dock 4"}, Lines: ls})
		}, []string{"Packing slip", "PS-3", "Tracking: 1Z999", "Dock 4", "12.5 ft"}, []string{"$", "Unit price"}},
		{"quote", func(w io.Writer) error {
			return Quote(w, b, QuoteDoc{Number: "Q-4", Date: day, ValidUntil: day.AddDate(0, 0, 30), Lines: ls, Totals: tot})
		}, []string{"Quote", "Q-4", "Valid until: 2026-12-03", "$477.75"}, nil},
		{"statement", func(w io.Writer) error {
			return Statement(w, b, StatementDoc{AccountNumber: "C-100", From: day, To: day.AddDate(0, 1, 0), Customer: Party{Name: "Buyer Fab LLC"},
				Opening: usd(10000), Entries: []StatementEntry{
					{Date: day, Kind: "invoice", Reference: "INV-1", DueDate: &day, Amount: usd(50000)},
					{Date: day.AddDate(0, 0, 5), Kind: "payment", Reference: "CHK 881", Amount: usd(-30000)},
					{Date: day.AddDate(0, 0, 6), Kind: "credit", Reference: "CM-9", Amount: usd(-2500)},
				}})
		}, []string{"Statement", "C-100", "Opening balance", "$100.00", "invoice INV-1", "$600.00", "payment CHK 881", "-$300.00", "$300.00", "credit CM-9", "Closing balance", "$275.00"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := c.render(&buf); err != nil {
				t.Fatal(err)
			}
			text := all(pages(t, buf.Bytes()))
			mustContain(t, text, c.want...)
			if c.name != "statement" {
				mustContain(t, text, ls[1].Description, ls[2].Description, "P-0002")
			}
			for _, a := range c.absent {
				if strings.Contains(text, a) {
					t.Errorf("PDF text has %q", a)
				}
			}
		})
	}
}

func TestBadBrandIsError(t *testing.T) {
	for _, b := range []Brand{{Primary: "red"}, {Accent: "#12345g"}, {Primary: "#1234567"}, {Logo: []byte("GIF89a....")}} {
		var buf bytes.Buffer
		if err := Invoice(&buf, b, invoiceDoc(1)); err == nil {
			t.Errorf("brand %+v: no error", b)
		}
		if buf.Len() != 0 {
			t.Errorf("brand %+v: wrote %d bytes", b, buf.Len())
		}
	}
	err := Statement(io.Discard, Brand{}, StatementDoc{Opening: usd(0), Entries: []StatementEntry{{Amount: Money{Amount: 1, Currency: "EUR"}}}})
	if err == nil {
		t.Error("mixed currencies: no error")
	}
}

func TestFormatMoney(t *testing.T) {
	for m, want := range map[Money]string{
		usd(0): "$0.00", usd(5): "$0.05", usd(-123456): "-$1,234.56", {Amount: 1234, Currency: "JPY"}: "¥1,234",
		{Amount: 1234, Currency: "KWD"}: "KWD 1.234", {Amount: 99, Currency: "EUR"}: "€0.99", {Amount: 100000000, Currency: "CHF"}: "CHF 1,000,000.00",
	} {
		if got := FormatMoney(m); got != want {
			t.Errorf("FormatMoney(%v) = %q, want %q", m, got, want)
		}
	}
}

// BenchmarkInvoice50Lines renders a 50-line branded invoice; reports p95 ms.
func BenchmarkInvoice50Lines(b *testing.B) {
	br := brand(&testing.T{}, true)
	d := invoiceDoc(50)
	var durs []time.Duration
	var size int
	b.ReportAllocs()
	for b.Loop() {
		var buf bytes.Buffer
		start := time.Now()
		if err := Invoice(&buf, br, d); err != nil {
			b.Fatal(err)
		}
		durs = append(durs, time.Since(start))
		size = buf.Len()
	}
	slices.Sort(durs)
	p95 := durs[min(len(durs)-1, len(durs)*95/100)]
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
	b.ReportMetric(float64(size), "pdf-bytes")
}
