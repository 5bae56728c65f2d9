package portal

import (
	"testing"
	"time"
)

func TestParseAndFormatQuantity(t *testing.T) {
	for in, want := range map[string]int64{"2": 2000, "12.5": 12500, "0.125": 125, "007.10": 7100, "1.": -1, ".5": -1, "0": -1,
		"-1": -1, "1.2345": -1, "1e3": -1, "": -1, "１": -1, "123456789012": -1} {
		got, ok := ParseQuantity(in)
		if (want < 0) == ok || (ok && got != want) {
			t.Errorf("ParseQuantity(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
	for in, want := range map[int64]string{2000: "2", 12500: "12.5", 125: "0.125", 7100: "7.1", 120500: "120.5", 0: "0", 1001: "1.001"} {
		if got := FormatQuantity(in); got != want {
			t.Errorf("FormatQuantity(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestLineTotalRoundsHalfUp(t *testing.T) {
	for _, c := range []struct{ unit, qty, want int64 }{{1250, 2500, 3125}, {999, 1500, 1499}, {999, 1001, 1000}, {1, 500, 1}, {1, 499, 0}} {
		if got := LineTotal(c.unit, c.qty); got != c.want {
			t.Errorf("LineTotal(%d, %d) = %d, want %d", c.unit, c.qty, got, c.want)
		}
	}
}

func TestAddBusinessDays(t *testing.T) {
	fri := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	if got := AddBusinessDays(fri, 2); got.Format(time.DateOnly) != "2026-12-08" {
		t.Errorf("Friday + 2 business days = %s", got.Format(time.DateOnly))
	}
}

func TestCatalogFilterDefaultsAndLimits(t *testing.T) {
	f := CatalogFilter{}
	if err := f.Validate(); err != nil || f.Page != 1 || f.PageSize != 50 {
		t.Errorf("defaults: %+v %v", f, err)
	}
	f = CatalogFilter{PageSize: MaxEcommercePageSize + 1, CategoryID: "x"}
	err := f.Validate()
	var e *Error
	if !asError(err, &e) || len(e.Fields) != 2 {
		t.Errorf("limits: %v", err)
	}
}

func asError(err error, e **Error) bool {
	pe, ok := err.(*Error)
	*e = pe
	return ok
}

func TestCustomerTokenShape(t *testing.T) {
	tok := NewCustomerTokenSecret([32]byte{1, 2, 3})
	if !WellFormedCustomerToken(tok) || WellFormedCustomerToken(tok[:len(tok)-1]) || WellFormedCustomerToken("pk_"+tok[3:]) ||
		WellFormedCustomerToken(tok[:10]+"-"+tok[11:]) {
		t.Errorf("token %q shape checks", tok)
	}
}
