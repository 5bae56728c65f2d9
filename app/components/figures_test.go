package components

import (
	"strings"
	"testing"

	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func TestFormatMoney(t *testing.T) {
	tests := []struct {
		in   api.Money
		want string
	}{
		{api.Money{Amount: 0, Currency: "USD"}, "$0.00"},
		{api.Money{Amount: 5, Currency: "USD"}, "$0.05"},
		{api.Money{Amount: 123456, Currency: "USD"}, "$1,234.56"},
		{api.Money{Amount: 100000000, Currency: "usd"}, "$1,000,000.00"},
		{api.Money{Amount: -250075, Currency: "CAD"}, "-CA$2,500.75"},
		{api.Money{Amount: 1999, Currency: "SEK"}, "SEK 19.99"},
		{api.Money{Amount: 1500, Currency: "JPY"}, "JPY 1,500"},
		{api.Money{Amount: 999, Currency: ""}, "9.99"},
	}
	for _, tt := range tests {
		if got := FormatMoney(tt.in); got != tt.want {
			t.Errorf("FormatMoney(%+v) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFormatDate(t *testing.T) {
	for in, want := range map[string]string{"2026-03-14": "Mar 14, 2026", "": "", "soon": "soon"} {
		if got := FormatDate(in); got != want {
			t.Errorf("FormatDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestStatusChipShowsTheAPIStatus(t *testing.T) {
	html := app.HTMLString(StatusChip(api.Status{Code: "in_production", Label: "In Production", Color: "orange", Icon: "factory", Description: "Being cut"}))
	for _, want := range []string{"chip--orange", `data-status="in_production"`, `data-icon="factory"`, ">In Production<", `title="Being cut"`} {
		if !strings.Contains(html, want) {
			t.Errorf("chip lacks %q: %s", want, html)
		}
	}
	if html := app.HTMLString(StatusChip(api.Status{Label: "X", Color: "purple"})); !strings.Contains(html, "chip--grey") {
		t.Errorf("unknown colour not grey: %s", html)
	}
}
