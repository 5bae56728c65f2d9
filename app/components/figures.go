package components

import (
	"strconv"
	"strings"
	"time"

	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// currencySymbols are the prefixes of the currencies the tenants bill in;
// any other currency is written with its code ("SEK 12.00").
var currencySymbols = map[string]string{"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£", "AUD": "A$", "MXN": "MX$"}

// zeroDecimal are ISO 4217 currencies without minor units.
var zeroDecimal = map[string]bool{"JPY": true, "KRW": true, "CLP": true, "ISK": true}

// FormatMoney writes an amount in minor units of its currency as people read
// it, "$1,234.56" or "-CA$0.05". It is the one place the UI formats money;
// it works on the integer, so no float ever rounds a cent.
func FormatMoney(m api.Money) string {
	cur := strings.ToUpper(m.Currency)
	sign := ""
	amount := m.Amount
	if amount < 0 {
		sign, amount = "-", -amount
	}
	var num string
	if zeroDecimal[cur] {
		num = groupThousands(amount)
	} else {
		num = groupThousands(amount/100) + "." + twoDigits(amount%100)
	}
	if sym, ok := currencySymbols[cur]; ok {
		return sign + sym + num
	}
	if cur == "" {
		return sign + num
	}
	return sign + cur + " " + num
}

func twoDigits(n int64) string {
	if n < 10 {
		return "0" + strconv.FormatInt(n, 10)
	}
	return strconv.FormatInt(n, 10)
}

// groupThousands writes n (not negative) with commas between thousands.
func groupThousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	head := len(s) % 3
	if head > 0 {
		b.WriteString(s[:head])
	}
	for i := head; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// MoneyText is an amount as a span the stylesheet aligns (tabular figures).
func MoneyText(m api.Money) app.HTMLSpan {
	return app.Span().Class("money").Text(FormatMoney(m))
}

// FormatDate writes an API calendar date ("2026-03-14") as "Mar 14, 2026";
// "" stays "", and text that is not a date is shown as it came.
func FormatDate(d api.Date) string {
	if d == "" {
		return ""
	}
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return d
	}
	return t.Format("Jan 2, 2006")
}

// FormatDay writes an instant as its calendar day in the browser's zone,
// "Mar 14, 2026"; nil is "".
func FormatDay(t *time.Time) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.Local().Format("Jan 2, 2006")
}

// chipColors are the colours the API's Status may name; anything else
// renders grey rather than an unstyled class.
var chipColors = map[string]bool{"grey": true, "blue": true, "orange": true, "green": true, "yellow": true, "red": true}

// StatusChip renders a customer-facing status exactly as the API describes
// it: label, colour, icon (as data-icon) and description as the tooltip. The
// UI never maps statuses itself; the table lives in the backend.
func StatusChip(s api.Status) app.HTMLSpan {
	color := s.Color
	if !chipColors[color] {
		color = "grey"
	}
	chip := app.Span().Class("chip chip--"+color).DataSet("status", s.Code).DataSet("icon", s.Icon).Text(s.Label)
	if s.Description != "" {
		chip = chip.Title(s.Description)
	}
	return chip
}
