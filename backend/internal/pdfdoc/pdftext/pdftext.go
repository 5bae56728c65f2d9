// Package pdftext reads the text of the PDFs pdfdoc writes back, for
// tests: pdfcpu parses and validates the file, and the strings its content
// streams show are decoded from fpdf's UTF-16BE (Identity-H).
package pdftext

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/pdfcpu/pdfcpu/pkg/api"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu"
	"github.com/pdfcpu/pdfcpu/pkg/pdfcpu/model"
)

// Pages parses pdf with pdfcpu and returns each page's text: the strings
// shown by the content stream, decoded from fpdf's UTF-16BE (Identity-H).
func Pages(t testing.TB, pdf []byte) []string {
	t.Helper()
	conf := model.NewDefaultConfiguration()
	ctx, err := api.ReadContext(bytes.NewReader(pdf), conf)
	if err != nil {
		t.Fatalf("pdfcpu read: %v", err)
	}
	if err := api.ValidateContext(ctx); err != nil {
		t.Fatalf("pdfcpu validate: %v", err)
	}
	var out []string
	for p := 1; p <= ctx.PageCount; p++ {
		r, err := pdfcpu.ExtractPageContent(ctx, p)
		if err != nil {
			t.Fatalf("page %d content: %v", p, err)
		}
		b, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, showText(b))
	}
	return out
}

// showText collects the literal strings of a content stream, one a line.
func showText(c []byte) string {
	var sb strings.Builder
	for i := 0; i < len(c); i++ {
		if c[i] != '(' {
			continue
		}
		var raw []byte
		depth := 1
		for i++; i < len(c) && depth > 0; i++ {
			ch := c[i]
			switch {
			case ch == '\\' && i+1 < len(c):
				i++
				switch e := c[i]; e {
				case 'n':
					raw = append(raw, '\n')
				case 'r':
					raw = append(raw, '\r')
				case 't':
					raw = append(raw, '\t')
				case 'b':
					raw = append(raw, '\b')
				case 'f':
					raw = append(raw, '\f')
				default:
					if e >= '0' && e <= '7' {
						v := 0
						for k := 0; k < 3 && i < len(c) && c[i] >= '0' && c[i] <= '7'; k++ {
							v = v*8 + int(c[i]-'0')
							i++
						}
						i--
						raw = append(raw, byte(v))
					} else {
						raw = append(raw, e)
					}
				}
			case ch == '(':
				depth++
				raw = append(raw, ch)
			case ch == ')':
				depth--
				if depth > 0 {
					raw = append(raw, ch)
				}
			default:
				raw = append(raw, ch)
			}
		}
		i--
		u := make([]uint16, 0, len(raw)/2)
		for k := 0; k+1 < len(raw); k += 2 {
			u = append(u, uint16(raw[k])<<8|uint16(raw[k+1]))
		}
		sb.WriteString(string(utf16.Decode(u)))
		sb.WriteByte('\n')
	}
	return sb.String()
}
