package pdfdoc

import (
	"strconv"
	"strings"

	"example.com/portal/backend/internal/portal"
)

// Money is the portal's amount in integer minor units of an ISO 4217
// currency; never a float.
type Money = portal.Money

// minorDigits is the number of decimal places of a currency's minor unit.
func minorDigits(cur string) int {
	switch strings.ToUpper(cur) {
	case "JPY", "KRW", "CLP", "ISK", "VND":
		return 0
	case "BHD", "KWD", "OMR", "JOD", "TND":
		return 3
	}
	return 2
}

var symbols = map[string]string{"USD": "$", "CAD": "CA$", "EUR": "€", "GBP": "£", "JPY": "¥", "AUD": "A$", "MXN": "MX$"}

// FormatMoney formats m with its currency's symbol (or code), thousands
// separators and the currency's minor digits, using integer arithmetic only.
func FormatMoney(m Money) string {
	a := m.Amount
	neg := a < 0
	u := uint64(a)
	if neg {
		u = uint64(-a)
	}
	d := minorDigits(m.Currency)
	div := uint64(1)
	for range d {
		div *= 10
	}
	whole := strconv.FormatUint(u/div, 10)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	cur := strings.ToUpper(m.Currency)
	if s, ok := symbols[cur]; ok {
		b.WriteString(s)
	} else if cur != "" {
		b.WriteString(cur + " ")
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if d > 0 {
		frac := strconv.FormatUint(u%div, 10)
		b.WriteByte('.')
		b.WriteString(strings.Repeat("0", d-len(frac)) + frac)
	}
	return b.String()
}
