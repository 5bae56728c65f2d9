package portal

import (
	"strings"
	"testing"
)

func fieldNames(f []FieldError) string {
	var out []string
	for _, e := range f {
		out = append(out, e.Field)
	}
	return strings.Join(out, ",")
}

func TestBackOfficeValidate(t *testing.T) {
	tests := []struct {
		name string
		got  []FieldError
		want string
	}{
		{"good product", ProductInput{ExternalID: "P-1", Code: "A", Name: "A", Form: "plate", StockUOM: "ea", PricingUOM: "ea"}.Validate(), ""},
		{"bad product", ProductInput{ExternalID: " bad", ListPrice: -1, LowStockLevel: 0.0001, CategoryExternalIDs: []string{""}}.Validate(),
			"external_id,code,name,form,stock_uom,pricing_uom,list_price,low_stock_level,category_external_ids[0]"},
		{"order lines", BackOfficeOrderInput{ExternalID: "SO-1", CustomerExternalID: "C-1", OrderNumber: "1", OrderDate: "2026-12-01",
			Status: "shipped", Lines: []BackOfficeOrderLineInput{
				{LineNo: 1, Description: "x", UOM: "ea", Quantity: 1},
				{LineNo: 1, Description: "x", UOM: "ea", Quantity: 0, JobStatus: "lost"}}}.Validate(),
			"lines[1].line_no,lines[1].quantity,lines[1].job_status"},
		{"order dates and status", BackOfficeOrderInput{ExternalID: "SO-1", CustomerExternalID: "C-1", OrderNumber: "1", OrderDate: "12/01/2026",
			Status: "lost", Source: "fax"}.Validate(), "status,source,order_date"},
		{"shipment", BackOfficeShipmentInput{ExternalID: "S", OrderExternalID: "O", ShipmentNumber: "1", Status: "in_transit",
			TrackingURL: "javascript:alert(1)"}.Validate(), "status,tracking_url"},
		{"payment", BackOfficePaymentInput{ExternalID: "P", CustomerExternalID: "C", Reference: "R", Method: "bitcoin", Status: "succeeded",
			ReceivedOn: "2026-12-01"}.Validate(), "method,amount"},
		{"category own parent", CategoryInput{ExternalID: "C", Slug: "Bad Slug", Name: "C", ParentExternalID: "C"}.Validate(), "slug,parent_external_id"},
		{"customer", CustomerInput{ExternalID: "C", AccountNumber: "A", CompanyName: "X", CreditLimit: -5, ProductsDisplay: "all",
			SalesRep: &SalesRepInput{ExternalID: "R", Name: "R", Email: "nobody"}}.Validate(), "credit_limit,products_display,sales_rep.email"},
	}
	for _, tt := range tests {
		if got := fieldNames(tt.got); got != tt.want {
			t.Errorf("%s: fields %q, want %q (%+v)", tt.name, got, tt.want, tt.got)
		}
	}
}

func TestAvailability(t *testing.T) {
	for _, c := range []struct {
		available, low float64
		want           string
	}{{0, 5, "out_of_stock"}, {-3, 5, "out_of_stock"}, {5, 5, "low_stock"}, {5.001, 5, "in_stock"}, {1, 0, "in_stock"}} {
		if got := Availability(c.available, c.low); got != c.want {
			t.Errorf("Availability(%v, %v) = %s, want %s", c.available, c.low, got, c.want)
		}
	}
}

func TestSplitAPIKey(t *testing.T) {
	var random [32]byte
	for i := range random {
		random[i] = byte(255 - i)
	}
	secret := NewAPIKeySecret("pk_bo_Ab3dE9xZ", random)
	if len(secret) != 49 || strings.Trim(secret, base62) != "" {
		t.Fatalf("secret %q", secret)
	}
	if p, s, ok := SplitAPIKey("pk_bo_Ab3dE9xZ." + secret); !ok || p != "pk_bo_Ab3dE9xZ" || s != secret {
		t.Errorf("good key: %q %q %v", p, s, ok)
	}
	typo := secret[:10] + "x" + secret[11:]
	if typo == secret {
		typo = secret[:10] + "y" + secret[11:]
	}
	for _, k := range []string{"", "pk_bo_Ab3dE9xZ", "pk_bo_Ab3dE9xZ.short", "." + secret, strings.Repeat("p", 41) + "." + secret,
		"pk_bo_Ab3dE9xY." + secret, "pk_bo_Ab3dE9xZ." + typo, "pk_bo_Ab3dE9xZ." + strings.Repeat("A", 49)} {
		if _, _, ok := SplitAPIKey(k); ok {
			t.Errorf("%q accepted", k)
		}
	}
}

func TestTransitionConflictNamesBoth(t *testing.T) {
	e := TransitionConflict(OrderInvoiced, OrderShipped)
	if e.Code != ECONFLICT || !strings.Contains(e.Message, "invoiced") || !strings.Contains(e.Message, "shipped") {
		t.Errorf("%+v", e)
	}
}
