package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
)

// shopFixture is a tenant with a small catalog, three customers and
// their pricing, all pushed through the back office as the ERP would.
type shopFixture struct {
	d        *pgtest.Database
	ctx      context.Context
	app      *postgres.DB
	owner    *postgres.DB
	bo       *postgres.BackOfficeService
	shop     *postgres.ShopService
	ids      map[string]string // external id -> portal id
	now      time.Time
	category string
}

func mustRows(tb testing.TB, what string) func([]portal.RowResult, error) []portal.RowResult {
	return func(res []portal.RowResult, err error) []portal.RowResult {
		tb.Helper()
		if err != nil {
			tb.Fatalf("%s: %v", what, err)
		}
		for _, r := range res {
			if r.Status == portal.RowError {
				tb.Fatalf("%s: row %d: %+v", what, r.Index, r.Errors)
			}
		}
		return res
	}
}

func newShopFixture(tb testing.TB) *shopFixture {
	tb.Helper()
	d := pgtest.New(tb)
	owner := d.OpenOwner(tb)
	app := d.OpenApp(tb, postgres.Options{})
	ctx, bo := newBackOfficeTenant(tb, d, owner, app, "shop")
	f := &shopFixture{d: d, ctx: ctx, app: app, owner: owner, bo: bo, shop: postgres.NewShopService(app), ids: map[string]string{},
		now: time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)}
	app.Now = func() time.Time { return f.now }
	cats := mustRows(tb, "categories")(bo.UpsertCategories(ctx, []portal.CategoryInput{{ExternalID: "CAT-AL", Slug: "aluminum", Name: "Aluminum"},
		{ExternalID: "CAT-AL-PL", Slug: "aluminum-plate", Name: "Aluminum plate", ParentExternalID: "CAT-AL"}}))
	f.category = cats[0].ID
	products := []portal.ProductInput{
		{ExternalID: "P-1", Code: "AL-PL-025", Name: "Aluminum plate 1/4", Form: "plate", Grade: "6061-T6", Dimensions: `1/4" x 48" x 96"`,
			StockUOM: "ea", PricingUOM: "ea", ListPrice: 1000, LeadTimeDays: 5, CategoryExternalIDs: []string{"CAT-AL-PL"}},
		{ExternalID: "P-2", Code: "AL-PL-050", Name: "Aluminum plate 1/2", Form: "plate", Grade: "5052-H32", Dimensions: `1/2" x 48" x 96"`,
			StockUOM: "ea", PricingUOM: "ea", ListPrice: 2000, CategoryExternalIDs: []string{"CAT-AL-PL"}},
		{ExternalID: "P-3", Code: "AL-RB-100", Name: "Round bar 1 in", Form: "round_bar", Grade: "6061-T6", Dimensions: `1" dia x 144"`,
			StockUOM: "ea", PricingUOM: "ft", ListPrice: 500, CategoryExternalIDs: []string{"CAT-AL"}},
		{ExternalID: "P-4", Code: "SS-SH-304", Name: "Stainless sheet 304", Form: "sheet", Grade: "304", Dimensions: `16 ga x 48" x 120"`,
			StockUOM: "ea", PricingUOM: "ea", ListPrice: 9000},
	}
	for _, r := range mustRows(tb, "products")(bo.UpsertProducts(ctx, products)) {
		f.ids[r.ExternalID] = r.ID
	}
	for _, r := range mustRows(tb, "customers")(bo.UpsertCustomers(ctx, []portal.CustomerInput{
		{ExternalID: "C-A", AccountNumber: "A-1", CompanyName: "Alpha Fab"},
		{ExternalID: "C-B", AccountNumber: "B-1", CompanyName: "Beta Works", ProductsDisplay: "exclusive_only"},
		{ExternalID: "C-C", AccountNumber: "C-1", CompanyName: "Gamma Steel"},
	})) {
		f.ids[r.ExternalID] = r.ID
	}
	yes := true
	images := []portal.ProductImage{{URL: "/web/images/plate.jpg", Alt: "Plate"}}
	opts := []portal.ProcessingOptionInput{{Code: "saw-cut", Name: "Saw cut", Charge: 1500}, {Code: "deburr", Name: "Deburr", Charge: 500}}
	dims := []portal.DimensionInput{{Name: "length", Label: "Length", Unit: "in", Min: 1, Max: 96}}
	related := []string{"P-2"}
	mustRows(tb, "details")(bo.SetProductDetails(ctx, []portal.ProductDetailsInput{
		{ProductExternalID: "P-1", Images: &images, ProcessingOptions: &opts, RequiredDimensions: &dims, RelatedProductExternalIDs: &related},
		{ProductExternalID: "P-3", Exclusive: &yes},
		{ProductExternalID: "P-4", Exclusive: &yes},
	}))
	mustRows(tb, "assignments")(bo.SetCustomerProducts(ctx, []portal.CustomerProductsInput{
		{CustomerExternalID: "C-A", ProductExternalIDs: []string{"P-3"}},
		{CustomerExternalID: "C-B", ProductExternalIDs: []string{"P-4"}},
	}))
	mustRows(tb, "contract")(bo.UpsertContractPrices(ctx, []portal.ContractPriceInput{
		{ExternalID: "CP-1", CustomerExternalID: "C-A", ProductExternalID: "P-1", UnitPrice: 850},
		{ExternalID: "CP-2", CustomerExternalID: "C-A", ProductExternalID: "P-1", MinQuantity: 100, UnitPrice: 700},
		{ExternalID: "CP-3", CustomerExternalID: "C-A", ProductExternalID: "P-2", UnitPrice: 1500, ValidTo: "2026-12-06"},
	}))
	mustRows(tb, "breaks")(bo.SetPriceBreaks(ctx, []portal.PriceBreaksInput{
		{ProductExternalID: "P-1", Breaks: []portal.PriceBreakInput{{MinQuantity: 10, UnitPrice: 900}, {MinQuantity: 50, UnitPrice: 800}}},
	}))
	price := int64(1600)
	mustRows(tb, "promotions")(bo.UpsertPromotions(ctx, []portal.PromotionInput{
		{ExternalID: "PR-1", ProductExternalID: "P-2", Name: "December", UnitPrice: &price, StartsAt: "2026-12-01T00:00:00Z", EndsAt: "2027-01-01T00:00:00Z"},
		{ExternalID: "PR-2", ProductExternalID: "P-1", Name: "Spring", PercentOffBP: 5000, StartsAt: "2027-03-01T00:00:00Z", EndsAt: "2027-04-01T00:00:00Z"},
	}))
	mustRows(tb, "promo codes")(bo.UpsertPromoCodes(ctx, []portal.PromoCodeInput{
		{ExternalID: "PC-1", Code: "winter10", PercentOffBP: 1000, StartsAt: "2026-12-01T00:00:00Z", EndsAt: "2027-01-01T00:00:00Z", MinOrder: 5000, UsageLimit: 1},
		{ExternalID: "PC-2", Code: "OLD", AmountOff: 500, StartsAt: "2026-01-01T00:00:00Z", EndsAt: "2026-02-01T00:00:00Z"},
	}))
	return f
}

func shopCodes(list []portal.ShopProduct) []string {
	out := make([]string, len(list))
	for i, p := range list {
		out[i] = p.Code
	}
	return out
}

// TestShopVisibility: what each customer and a guest sees follows the
// products display and the exclusive assignments; anything else is 404.
func TestShopVisibility(t *testing.T) {
	f := newShopFixture(t)
	a, b, c := portal.ShopViewer{CustomerID: f.ids["C-A"], ShowPrices: true}, portal.ShopViewer{CustomerID: f.ids["C-B"], ShowPrices: true},
		portal.ShopViewer{CustomerID: f.ids["C-C"], ShowPrices: true}
	guest := portal.ShopViewer{}
	for name, tc := range map[string]struct {
		v    portal.ShopViewer
		want []string
	}{
		"standard and its exclusive": {a, []string{"AL-PL-025", "AL-PL-050", "AL-RB-100"}},
		"exclusive only":             {b, []string{"SS-SH-304"}},
		"standard, none assigned":    {c, []string{"AL-PL-025", "AL-PL-050"}},
		"guest":                      {guest, []string{"AL-PL-025", "AL-PL-050"}},
	} {
		list, total, err := f.shop.ShopProducts(f.ctx, tc.v, portal.ShopFilter{})
		if err != nil || total != len(tc.want) || !slices.Equal(shopCodes(list), tc.want) {
			t.Errorf("%s: %v (%d) %v, want %v", name, shopCodes(list), total, err, tc.want)
		}
	}
	for name, tc := range map[string]struct {
		v  portal.ShopViewer
		id string
	}{"another's exclusive": {a, f.ids["P-4"]}, "standard for exclusive only": {b, f.ids["P-1"]}, "exclusive for a guest": {guest, f.ids["P-3"]},
		"unassigned exclusive": {c, f.ids["P-3"]}, "unknown": {a, "0193e4b0-0000-7000-8000-000000000000"}, "malformed": {a, "x'--"}} {
		if _, err := f.shop.ShopProduct(f.ctx, tc.v, tc.id); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("%s: %v, want ENOTFOUND", name, err)
		}
		// Nor can it be priced.
		items := []portal.CartItem{{ProductID: tc.id, Quantity: "1"}}
		_ = (&portal.CartInput{Items: items}).Validate()
		_, err := postgres.PriceItems(f.ctx, f.app, tc.v.CustomerID, "", items, f.now)
		if fe := fieldsOf(err); !fe["items[0].product_id"] {
			t.Errorf("%s: priced (%v)", name, err)
		}
	}
	if _, err := f.shop.ShopProduct(f.ctx, a, f.ids["P-3"]); err != nil {
		t.Errorf("own exclusive: %v", err)
	}
	// Facets follow the same visibility.
	fc, err := f.shop.ShopFacets(f.ctx, b)
	if err != nil || !slices.Equal(fc.Forms, []string{"sheet"}) || !slices.Equal(fc.Grades, []string{"304"}) || len(fc.Categories) != 2 {
		t.Errorf("facets of exclusive only: %+v %v", fc, err)
	}
}

// TestShopSearchAndFilters: words of code, name, grade, form and
// dimensions; a category takes in its descendants; form, grade, stock.
func TestShopSearchAndFilters(t *testing.T) {
	f := newShopFixture(t)
	a := portal.ShopViewer{CustomerID: f.ids["C-A"], ShowPrices: true}
	mustRows(t, "locations")(f.bo.UpsertLocations(f.ctx, []portal.LocationInput{{ExternalID: "L-1", Code: "PIT", Name: "Pittsburgh"}}))
	mustRows(t, "inventory")(f.bo.UpsertInventory(f.ctx, []portal.InventoryInput{{ProductExternalID: "P-2", LocationExternalID: "L-1",
		QuantityOnHand: 5, QuantityAvailable: 4}}))
	for name, tc := range map[string]struct {
		filter portal.ShopFilter
		want   []string
	}{
		"name words in any case":     {portal.ShopFilter{Search: "PLATE aluminum"}, []string{"AL-PL-025", "AL-PL-050"}},
		"grade":                      {portal.ShopFilter{Search: "6061"}, []string{"AL-PL-025", "AL-RB-100"}},
		"dimensions":                 {portal.ShopFilter{Search: `1/2"`}, []string{"AL-PL-050"}},
		"code":                       {portal.ShopFilter{Search: "al-rb"}, []string{"AL-RB-100"}},
		"like wildcards are literal": {portal.ShopFilter{Search: "%"}, []string{}},
		"category with descendants":  {portal.ShopFilter{CategoryID: f.category}, []string{"AL-PL-025", "AL-PL-050", "AL-RB-100"}},
		"form":                       {portal.ShopFilter{Form: "round_bar"}, []string{"AL-RB-100"}},
		"grade filter":               {portal.ShopFilter{Grade: "5052-H32"}, []string{"AL-PL-050"}},
		"in stock":                   {portal.ShopFilter{InStockOnly: true}, []string{"AL-PL-050"}},
		"page 2 of 2":                {portal.ShopFilter{PageSize: 2, Page: 2}, []string{"AL-RB-100"}},
	} {
		list, _, err := f.shop.ShopProducts(f.ctx, a, tc.filter)
		if err != nil || !slices.Equal(shopCodes(list), tc.want) {
			t.Errorf("%s: %v %v, want %v", name, shopCodes(list), err, tc.want)
		}
	}
	_, total, err := f.shop.ShopProducts(f.ctx, a, portal.ShopFilter{PageSize: 2, Page: 5})
	if err != nil || total != 3 {
		t.Errorf("a page past the end: total %d %v", total, err)
	}
	_, _, err = f.shop.ShopProducts(f.ctx, a, portal.ShopFilter{CategoryID: "nope", PageSize: 500})
	if fe := fieldsOf(err); !fe["category_id"] || !fe["page_size"] {
		t.Errorf("bad filter: %v", err)
	}
}

// TestShopPrices: the product page's price steps and the list's card
// price are the customer's (contract beats list, a break beats the
// contract from its quantity), a guest's are list and promotions, and no
// prices are read when they are hidden.
func TestShopPrices(t *testing.T) {
	f := newShopFixture(t)
	a := portal.ShopViewer{CustomerID: f.ids["C-A"], ShowPrices: true}
	d, err := f.shop.ShopProduct(f.ctx, a, f.ids["P-1"])
	if err != nil {
		t.Fatal(err)
	}
	type step struct {
		min    int64
		unit   int64
		source string
	}
	var got []step
	for _, s := range d.PriceSteps {
		got = append(got, step{s.MinQuantityMilli, s.Price.Unit.Amount, s.Price.Source})
	}
	want := []step{{0, 850, "contract"}, {50_000, 800, "break"}, {100_000, 700, "contract"}}
	if !slices.Equal(got, want) {
		t.Errorf("steps %v, want %v", got, want)
	}
	if d.Price == nil || d.Price.Unit.Amount != 850 || len(d.Images) != 1 || len(d.ProcessingOptions) != 2 || d.ProcessingOptions[0].Code != "saw-cut" ||
		len(d.RequiredDimensions) != 1 || d.RequiredDimensions[0].MaxMilli != 96_000 || len(d.Related) != 1 || d.Related[0].Code != "AL-PL-050" ||
		d.ImageURL != "/web/images/plate.jpg" || d.LeadTimeDays != 5 {
		t.Errorf("detail: %+v", d)
	}
	// P-2: the contract ended yesterday; the promotion runs.
	if r := d.Related[0]; r.Price == nil || r.Price.Unit.Amount != 1600 || r.Price.Source != "promotion" || r.Price.Promotion != "December" {
		t.Errorf("related price: %+v", r.Price)
	}
	guest := portal.ShopViewer{ShowPrices: true}
	gd, err := f.shop.ShopProduct(f.ctx, guest, f.ids["P-1"])
	if err != nil || gd.Price.Unit.Amount != 1000 || len(gd.PriceSteps) != 3 || gd.PriceSteps[1].Price.Unit.Amount != 900 {
		t.Errorf("guest: %+v %v", gd, err)
	}
	hidden, err := f.shop.ShopProduct(f.ctx, portal.ShopViewer{}, f.ids["P-1"])
	if err != nil || hidden.Price != nil || hidden.PriceSteps != nil || hidden.Related[0].Price != nil {
		t.Errorf("hidden prices: %+v %v", hidden, err)
	}
	// Spring's promotion starts in March.
	f.now = time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	if d, err := f.shop.ShopProduct(f.ctx, a, f.ids["P-1"]); err != nil || d.Price.Unit.Amount != 500 || d.Price.Source != "promotion" {
		t.Errorf("in March: %+v %v", d.Price, err)
	}
}

// TestPriceItems: the one pricing path applies contract prices, breaks,
// processing charges, required dimensions and the promo code, naming the
// field of everything it refuses.
func TestPriceItems(t *testing.T) {
	f := newShopFixture(t)
	price := func(customer, code string, items ...portal.CartItem) (*portal.CartPrice, error) {
		_ = (&portal.CartInput{Items: items}).Validate()
		return postgres.PriceItems(f.ctx, f.app, customer, code, items, f.now)
	}
	p1, p2 := f.ids["P-1"], f.ids["P-2"]
	cut := map[string]string{"length": "48"}
	c, err := price(f.ids["C-A"], "", portal.CartItem{ProductID: p1, Quantity: "60", Processing: []string{"saw-cut", "deburr"}, Dimensions: cut},
		portal.CartItem{ProductID: strings.ToUpper(p2), Quantity: "2"})
	if err != nil {
		t.Fatal(err)
	}
	if l := c.Items[0]; l.Price.Unit.Amount != 800 || l.Price.Source != "break" || l.Total.Amount != 48_000 || l.Processing.Amount != 2000 ||
		l.DimensionsMilli["length"] != 48_000 {
		t.Errorf("line 0: %+v", l)
	}
	if l := c.Items[1]; l.Price.Unit.Amount != 1600 || l.Price.Source != "promotion" || l.Total.Amount != 3200 {
		t.Errorf("line 1: %+v", l)
	}
	if c.Subtotal.Amount != 51_200 || c.Processing.Amount != 2000 || c.GrandTotal.Amount != 53_200 || c.Discount.Amount != 0 {
		t.Errorf("totals: %+v", c)
	}
	// The promo code: 10% of the subtotal, any case.
	c, err = price(f.ids["C-A"], " Winter10 ", portal.CartItem{ProductID: p2, Quantity: "10"})
	if err != nil || c.Discount.Amount != 1600 || c.PromoCode != "WINTER10" || c.GrandTotal.Amount != 14_400 {
		t.Errorf("promo code: %+v %v", c, err)
	}
	for name, tc := range map[string]struct {
		code  string
		items []portal.CartItem
		field string
	}{
		"unknown code":      {"NOPE", []portal.CartItem{{ProductID: p2, Quantity: "10"}}, "promo_code"},
		"expired code":      {"OLD", []portal.CartItem{{ProductID: p2, Quantity: "10"}}, "promo_code"},
		"below the minimum": {"WINTER10", []portal.CartItem{{ProductID: p2, Quantity: "1"}}, "promo_code"},
		"processing not offered": {"", []portal.CartItem{{ProductID: p2, Quantity: "1", Processing: []string{"saw-cut"}}},
			"items[0].processing[0]"},
		"missing dimension":      {"", []portal.CartItem{{ProductID: p1, Quantity: "1"}}, "items[0].dimensions.length"},
		"dimension out of range": {"", []portal.CartItem{{ProductID: p1, Quantity: "1", Dimensions: map[string]string{"length": "97"}}}, "items[0].dimensions.length"},
		"dimension not taken":    {"", []portal.CartItem{{ProductID: p2, Quantity: "1", Dimensions: map[string]string{"width": "2"}}}, "items[0].dimensions.width"},
		"wrong unit":             {"", []portal.CartItem{{ProductID: p2, Quantity: "1", UOM: "lb"}}, "items[0].uom"},
	} {
		_, err := price(f.ids["C-A"], tc.code, tc.items...)
		if fe := fieldsOf(err); portal.ErrorCode(err) != portal.EINVALID || !fe[tc.field] {
			t.Errorf("%s: %v (%v), want field %s", name, err, fe, tc.field)
		}
	}
	// The code's single use: redeemed once, then used up.
	if err := postgres.RedeemPromoCode(f.ctx, f.app, "winter10"); err != nil {
		t.Fatal(err)
	}
	if err := postgres.RedeemPromoCode(f.ctx, f.app, "WINTER10"); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("second redemption: %v", err)
	}
	if _, err := price(f.ids["C-A"], "WINTER10", portal.CartItem{ProductID: p2, Quantity: "10"}); !fieldsOf(err)["promo_code"] {
		t.Errorf("used up code accepted: %v", err)
	}
}

// countingHook counts the statements sent.
type countingHook struct{ n atomic.Int64 }

func (h *countingHook) BeforeQuery(ctx context.Context, _ *bun.QueryEvent) context.Context {
	h.n.Add(1)
	return ctx
}
func (h *countingHook) AfterQuery(context.Context, *bun.QueryEvent) {}

// TestPriceItemsFixedStatements: pricing 1 line or 100 takes the same
// number of statements.
func TestPriceItemsFixedStatements(t *testing.T) {
	f := newShopFixture(t)
	rows := syncProducts(100, 100, 1000)
	for _, r := range mustRows(t, "more products")(f.bo.UpsertProducts(f.ctx, rows)) {
		f.ids[r.ExternalID] = r.ID
	}
	h := &countingHook{}
	f.app.Bun.AddQueryHook(h)
	count := func(n int) int64 {
		items := make([]portal.CartItem, n)
		for i := range items {
			items[i] = portal.CartItem{ProductID: f.ids[fmt.Sprintf("P-%d", 100+i)], Quantity: "10"}
		}
		_ = (&portal.CartInput{Items: items}).Validate()
		before := h.n.Load()
		c, err := postgres.PriceItems(f.ctx, f.app, f.ids["C-A"], "WINTER10", items, f.now)
		if err != nil || len(c.Items) != n {
			t.Fatalf("%d lines: %v", n, err)
		}
		return h.n.Load() - before
	}
	one, hundred := count(1), count(100)
	if one != hundred || one == 0 || one > 10 {
		t.Errorf("statements: %d for 1 line, %d for 100", one, hundred)
	}
}

// TestCatalogSyncIsIdempotent: the same batches again are unchanged and
// write nothing; a changed set is updated; bad rows name their fields.
func TestCatalogSyncIsIdempotent(t *testing.T) {
	f := newShopFixture(t)
	res := mustRows(t, "breaks again")(f.bo.SetPriceBreaks(f.ctx, []portal.PriceBreaksInput{
		{ProductExternalID: "P-1", Breaks: []portal.PriceBreakInput{{MinQuantity: 50, UnitPrice: 800}, {MinQuantity: 10, UnitPrice: 900}}},
		{ProductExternalID: "P-2", Breaks: []portal.PriceBreakInput{{MinQuantity: 5, UnitPrice: 1900}}},
	}))
	if res[0].Status != portal.RowUnchanged || res[1].Status != portal.RowUpdated {
		t.Errorf("breaks: %+v", res)
	}
	res = mustRows(t, "contract again")(f.bo.UpsertContractPrices(f.ctx, []portal.ContractPriceInput{
		{ExternalID: "CP-1", CustomerExternalID: "C-A", ProductExternalID: "P-1", UnitPrice: 850},
		{ExternalID: "CP-2", CustomerExternalID: "C-A", ProductExternalID: "P-1", MinQuantity: 100, UnitPrice: 650},
	}))
	if res[0].Status != portal.RowUnchanged || res[1].Status != portal.RowUpdated {
		t.Errorf("contract: %+v", res)
	}
	res = mustRows(t, "assignments again")(f.bo.SetCustomerProducts(f.ctx, []portal.CustomerProductsInput{
		{CustomerExternalID: "C-A", ProductExternalIDs: []string{"P-3"}}, {CustomerExternalID: "C-B", ProductExternalIDs: []string{}},
	}))
	if res[0].Status != portal.RowUnchanged || res[1].Status != portal.RowUpdated {
		t.Errorf("assignments: %+v", res)
	}
	if list, _, err := f.shop.ShopProducts(f.ctx, portal.ShopViewer{CustomerID: f.ids["C-B"]}, portal.ShopFilter{}); err != nil || len(list) != 0 {
		t.Errorf("after unassigning: %v %v", shopCodes(list), err)
	}
	images := []portal.ProductImage{{URL: "/web/images/plate.jpg", Alt: "Plate"}}
	res = mustRows(t, "details again")(f.bo.SetProductDetails(f.ctx, []portal.ProductDetailsInput{{ProductExternalID: "P-1", Images: &images}}))
	if res[0].Status != portal.RowUnchanged {
		t.Errorf("details: %+v", res)
	}
	bad, err := f.bo.UpsertContractPrices(f.ctx, []portal.ContractPriceInput{
		{ExternalID: "CP-9", CustomerExternalID: "C-X", ProductExternalID: "P-1", UnitPrice: 1},
		{ExternalID: "CP-8", CustomerExternalID: "C-A", ProductExternalID: "P-1", UnitPrice: 1}, // same tier as CP-1
		{ExternalID: "CP-7", CustomerExternalID: "C-A", ProductExternalID: "P-2", MinQuantity: 1.0005, UnitPrice: -1},
	})
	if err != nil {
		t.Fatal(err)
	}
	wantField := []string{"customer_external_id", "row", "min_quantity"}
	for i, r := range bad {
		if r.Status != portal.RowError || len(r.Errors) == 0 || (wantField[i] != "row" && r.Errors[0].Field != wantField[i]) {
			t.Errorf("bad row %d: %+v", i, r)
		}
	}
	bad, err = f.bo.UpsertPromotions(f.ctx, []portal.PromotionInput{{ExternalID: "PR-9", ProductExternalID: "P-1", Name: "Both",
		PercentOffBP: 100, UnitPrice: new(int64), StartsAt: "2026-12-02T00:00:00Z", EndsAt: "2026-12-01T00:00:00Z"}})
	if err != nil || bad[0].Status != portal.RowError || !slices.ContainsFunc(bad[0].Errors, func(e portal.FieldError) bool { return e.Field == "ends_at" }) {
		t.Errorf("bad promotion: %+v %v", bad, err)
	}
}
