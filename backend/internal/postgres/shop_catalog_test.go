package postgres_test

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// shopCatalogVariety adds 240 products of every form, grade, category,
// visibility and stock to the shop fixture, with breaks, promotions
// (running, ended, to come) and contract prices (in force, ended, to
// come) for C-A and C-C: the data set the copy in memory is compared
// with SQL on.
func shopCatalogVariety(tb testing.TB, f *shopFixture) {
	tb.Helper()
	mustRows(tb, "categories")(f.bo.UpsertCategories(f.ctx, []portal.CategoryInput{
		{ExternalID: "CAT-ST", Slug: "steel", Name: "Steel"},
		{ExternalID: "CAT-ST-TB", Slug: "steel-tube", Name: "Steel tube", ParentExternalID: "CAT-ST"},
		{ExternalID: "CAT-ST-TB-SQ", Slug: "steel-tube-square", Name: "Square tube", ParentExternalID: "CAT-ST-TB"}}))
	mustRows(tb, "locations")(f.bo.UpsertLocations(f.ctx, []portal.LocationInput{{ExternalID: "L-V1", Code: "V1", Name: "One"},
		{ExternalID: "L-V2", Code: "V2", Name: "Two"}}))
	grades := []string{"A36", "6061-T6", "304", "316L", ""}
	forms := []string{"plate", "sheet", "square_tube", "angle"}
	cats := [][]string{nil, {"CAT-ST"}, {"CAT-ST-TB"}, {"CAT-ST-TB-SQ", "CAT-AL"}, {"CAT-AL-PL"}}
	no := false
	var products []portal.ProductInput
	var details []portal.ProductDetailsInput
	var stock []portal.InventoryInput
	var breaks []portal.PriceBreaksInput
	var promos []portal.PromotionInput
	var contract []portal.ContractPriceInput
	var assignedA, assignedB []string
	for i := range 240 {
		ext := fmt.Sprintf("V-%d", i)
		// Codes in mixed case and punctuation, so their order is the
		// database's collation, not byte order.
		code := fmt.Sprintf("%s-%s-%03d", strings.ToUpper(forms[i%4][:2]), grades[i%5], (i*37)%240)
		if i%9 == 0 {
			code = strings.ToLower(code)
		}
		p := portal.ProductInput{ExternalID: ext, Code: code, Name: fmt.Sprintf("%s %s %d/16\" Élan", grades[i%5], forms[i%4], i%16+1),
			Form: forms[i%4], Grade: grades[i%5], Dimensions: fmt.Sprintf(`%d/16" x %d"`, i%16+1, 48+i%3*12), StockUOM: "ea", PricingUOM: "ea",
			ListPrice: int64(1000 + i*7), LowStockLevel: 3, CategoryExternalIDs: cats[i%5]}
		if i%17 == 0 {
			p.Active = &no
		}
		products = append(products, p)
		if i%6 == 0 {
			yes := true
			details = append(details, portal.ProductDetailsInput{ProductExternalID: ext, Exclusive: &yes})
			if i%12 == 0 {
				assignedA = append(assignedA, ext)
			} else {
				assignedB = append(assignedB, ext)
			}
		}
		if i%4 != 1 {
			stock = append(stock, portal.InventoryInput{ProductExternalID: ext, LocationExternalID: "L-V1", QuantityOnHand: float64(i % 5), QuantityAvailable: float64(i % 5)})
		}
		if i%8 == 0 {
			stock = append(stock, portal.InventoryInput{ProductExternalID: ext, LocationExternalID: "L-V2", QuantityOnHand: 2, QuantityAvailable: 2})
		}
		if i%3 == 0 {
			breaks = append(breaks, portal.PriceBreaksInput{ProductExternalID: ext, Breaks: []portal.PriceBreakInput{{MinQuantity: 0.5, UnitPrice: 990 + int64(i*7)}, {MinQuantity: 5, UnitPrice: 900}}})
		}
		switch i % 7 {
		case 0:
			pct := 1000 + i
			promos = append(promos, portal.PromotionInput{ExternalID: "VP-" + ext, ProductExternalID: ext, Name: "Running " + ext, PercentOffBP: pct,
				StartsAt: "2026-12-01T00:00:00Z", EndsAt: "2026-12-31T00:00:00Z"})
		case 1:
			price := int64(500)
			promos = append(promos, portal.PromotionInput{ExternalID: "VP-" + ext, ProductExternalID: ext, Name: "Ended " + ext, UnitPrice: &price,
				StartsAt: "2026-11-01T00:00:00Z", EndsAt: "2026-12-07T12:00:00Z"})
		case 2:
			price := int64(600)
			promos = append(promos, portal.PromotionInput{ExternalID: "VP-" + ext, ProductExternalID: ext, Name: "Starting " + ext, UnitPrice: &price,
				StartsAt: "2026-12-07T12:00:00Z", EndsAt: "2027-01-07T00:00:00Z"})
		}
		for _, c := range []string{"C-A", "C-C"} {
			switch (i + len(c)) % 5 {
			case 0:
				contract = append(contract, portal.ContractPriceInput{ExternalID: c + ext, CustomerExternalID: c, ProductExternalID: ext, UnitPrice: 800 + int64(i)})
			case 1:
				contract = append(contract, portal.ContractPriceInput{ExternalID: c + ext, CustomerExternalID: c, ProductExternalID: ext, UnitPrice: 700, ValidTo: "2026-12-06"})
			case 2:
				contract = append(contract, portal.ContractPriceInput{ExternalID: c + ext, CustomerExternalID: c, ProductExternalID: ext, UnitPrice: 700,
					ValidFrom: "2026-12-07", ValidTo: "2026-12-07"})
			case 3:
				contract = append(contract, portal.ContractPriceInput{ExternalID: c + ext, CustomerExternalID: c, ProductExternalID: ext, UnitPrice: 650, ValidFrom: "2026-12-08"})
			}
		}
	}
	mustRows(tb, "variety products")(f.bo.UpsertProducts(f.ctx, products))
	mustRows(tb, "variety details")(f.bo.SetProductDetails(f.ctx, details))
	mustRows(tb, "variety stock")(f.bo.UpsertInventory(f.ctx, stock))
	mustRows(tb, "variety breaks")(f.bo.SetPriceBreaks(f.ctx, breaks))
	mustRows(tb, "variety promotions")(f.bo.UpsertPromotions(f.ctx, promos))
	mustRows(tb, "variety contract")(f.bo.UpsertContractPrices(f.ctx, contract))
	mustRows(tb, "variety assignments")(f.bo.SetCustomerProducts(f.ctx, []portal.CustomerProductsInput{
		{CustomerExternalID: "C-A", ProductExternalIDs: append([]string{"P-3"}, assignedA...)},
		{CustomerExternalID: "C-B", ProductExternalIDs: append([]string{"P-4"}, assignedB...)}}))
}

// TestShopCatalogMatchesSQL: the list from the copy in memory is the SQL
// list, row for row (order, every field, the price and its source) and
// total, for every viewer over filters of every kind.
func TestShopCatalogMatchesSQL(t *testing.T) {
	f := newShopFixture(t)
	shopCatalogVariety(t, f)
	viewers := map[string]portal.ShopViewer{
		"C-A": {CustomerID: f.ids["C-A"], ShowPrices: true}, "C-B": {CustomerID: f.ids["C-B"], ShowPrices: true},
		"C-C": {CustomerID: f.ids["C-C"], ShowPrices: true}, "guest": {ShowPrices: true}, "guest, no prices": {},
		"C-A upper case": {CustomerID: strings.ToUpper(f.ids["C-A"]), ShowPrices: true},
		"not a customer": {CustomerID: "0193e4b0-0000-7000-8000-000000000000", ShowPrices: true},
		"malformed id":   {CustomerID: "x'--", ShowPrices: true},
	}
	filters := []portal.ShopFilter{
		{}, {PageSize: 100}, {PageSize: 7, Page: 3}, {PageSize: 100, Page: 40}, {Search: "plate"}, {Search: "PL"}, {Search: "a36 plate"},
		{Search: `1/16"`}, {Search: "élan"}, {Search: "ÉLAN sq"}, {Search: "%"}, {Search: "_"}, {Search: "e"}, {Search: "316l 48", PageSize: 100},
		{Search: "nothing-like-this"}, {Form: "angle"}, {Grade: "304", PageSize: 50}, {Grade: "", Form: "sheet"}, {InStockOnly: true, PageSize: 100},
		{CategoryID: f.category, PageSize: 100}, {CategoryID: strings.ToUpper(f.category)}, {CategoryID: "0193e4b0-0000-7000-8000-000000000000"},
		{Search: "tube", InStockOnly: true, Grade: "A36"}, {Search: "al pl", Page: 2, PageSize: 3},
	}
	// Every category of the tenant as a filter too.
	facets, err := f.shop.ShopFacets(f.ctx, portal.ShopViewer{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range facets.Categories {
		filters = append(filters, portal.ShopFilter{CategoryID: c.ID, PageSize: 100}, portal.ShopFilter{CategoryID: c.ID, Search: "6061"})
	}
	compared := 0
	for name, v := range viewers {
		for _, fl := range filters {
			want, wantTotal, err := f.shop.ShopProductsSQL(f.ctx, v, fl)
			if err != nil {
				t.Fatalf("%s %+v: sql: %v", name, fl, err)
			}
			got, total, err := f.shop.ShopProducts(f.ctx, v, fl)
			if err != nil {
				t.Fatalf("%s %+v: %v", name, fl, err)
			}
			if total != wantTotal || !slices.Equal(shopCodes(got), shopCodes(want)) {
				t.Errorf("%s %+v: %v (%d), want %v (%d)", name, fl, shopCodes(got), total, shopCodes(want), wantTotal)
				continue
			}
			for i := range want {
				if !reflect.DeepEqual(got[i].CatalogProduct, want[i].CatalogProduct) || !reflect.DeepEqual(got[i].Price, want[i].Price) {
					t.Errorf("%s %+v: %s: %+v %+v, want %+v %+v", name, fl, want[i].Code, got[i].CatalogProduct, got[i].Price,
						want[i].CatalogProduct, want[i].Price)
				}
			}
			compared += len(want)
		}
	}
	if compared < 2000 {
		t.Errorf("compared only %d rows: the data set no longer exercises the list", compared)
	}
	// The data set has what the comparison is about.
	sources := map[string]bool{}
	list, _, _ := f.shop.ShopProductsSQL(f.ctx, viewers["C-A"], portal.ShopFilter{PageSize: 100})
	for page := 2; len(list) > 0; page++ {
		for _, p := range list {
			sources[p.Price.Source] = true
		}
		list, _, _ = f.shop.ShopProductsSQL(f.ctx, viewers["C-A"], portal.ShopFilter{PageSize: 100, Page: page})
	}
	for _, s := range []string{portal.PriceList, portal.PriceBreak, portal.PriceContract, portal.PricePromotion} {
		if !sources[s] {
			t.Errorf("no price of source %s in the data set: %v", s, sources)
		}
	}
	// Bad input is refused before any read, naming the field.
	if _, _, err := f.shop.ShopProducts(f.ctx, viewers["C-A"], portal.ShopFilter{CategoryID: "nope"}); !fieldsOf(err)["category_id"] {
		t.Errorf("bad category: %v", err)
	}
}

// TestShopCatalogInvalidation: a change of a product, a price, stock, an
// assignment or a products display shows in the next request; one
// tenant's change leaves the other's copy as it was, and neither ever
// sees the other's products.
func TestShopCatalogInvalidation(t *testing.T) {
	f := newShopFixture(t)
	a := portal.ShopViewer{CustomerID: f.ids["C-A"], ShowPrices: true}
	c := portal.ShopViewer{CustomerID: f.ids["C-C"], ShowPrices: true}
	guest := portal.ShopViewer{ShowPrices: true}
	one := func(v portal.ShopViewer, fl portal.ShopFilter) map[string]portal.ShopProduct {
		t.Helper()
		list, _, err := f.shop.ShopProducts(f.ctx, v, fl)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]portal.ShopProduct{}
		for _, p := range list {
			out[p.Code] = p
		}
		return out
	}
	// Warm the copy and the views.
	if got := one(a, portal.ShopFilter{}); got["AL-PL-025"].Price.Unit.Amount != 850 {
		t.Fatalf("contract price before: %+v", got["AL-PL-025"].Price)
	}
	one(c, portal.ShopFilter{})
	one(guest, portal.ShopFilter{})

	// Tenant B, with a catalog of its own, warmed too.
	bctx, bbo := newBackOfficeTenant(t, f.d, f.owner, f.app, "shop-b")
	mustRows(t, "b products")(bbo.UpsertProducts(bctx, []portal.ProductInput{{ExternalID: "P-1", Code: "B-ONLY-1", Name: "Beta plate",
		Form: "plate", Grade: "6061-T6", Dimensions: `1/4"`, StockUOM: "ea", PricingUOM: "ea", ListPrice: 4200}}))
	bList := func() []string {
		t.Helper()
		list, _, err := f.shop.ShopProducts(bctx, portal.ShopViewer{ShowPrices: true}, portal.ShopFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return shopCodes(list)
	}
	if got := bList(); !slices.Equal(got, []string{"B-ONLY-1"}) {
		t.Fatalf("tenant B sees %v", got)
	}
	bVersion := shopCatalogVersion(t, f.app, bctx)

	steps := []struct {
		name  string
		apply func()
		check func() string
	}{
		{"product renamed", func() {
			p := shopFixtureProduct("P-1")
			p.Name = "Aluminum plate renamed"
			mustRows(t, "rename")(f.bo.UpsertProducts(f.ctx, []portal.ProductInput{p}))
		}, func() string {
			if got := one(guest, portal.ShopFilter{Search: "renamed"}); got["AL-PL-025"].Name != "Aluminum plate renamed" {
				return fmt.Sprintf("%v", got)
			}
			return ""
		}},
		{"list price", func() {
			p := shopFixtureProduct("P-2")
			p.ListPrice = 2500
			mustRows(t, "list price")(f.bo.UpsertProducts(f.ctx, []portal.ProductInput{p}))
		}, func() string {
			if got := one(c, portal.ShopFilter{}); got["AL-PL-050"].ListPrice.Amount != 2500 || got["AL-PL-050"].Price.Unit.Amount != 1600 {
				return fmt.Sprintf("%+v %+v", got["AL-PL-050"].ListPrice, got["AL-PL-050"].Price)
			}
			return ""
		}},
		{"contract price", func() {
			mustRows(t, "contract")(f.bo.UpsertContractPrices(f.ctx, []portal.ContractPriceInput{
				{ExternalID: "CP-1", CustomerExternalID: "C-A", ProductExternalID: "P-1", UnitPrice: 810}}))
		}, func() string {
			if got := one(a, portal.ShopFilter{}); got["AL-PL-025"].Price.Unit.Amount != 810 {
				return fmt.Sprintf("%+v", got["AL-PL-025"].Price)
			}
			return ""
		}},
		{"stock", func() {
			mustRows(t, "locations")(f.bo.UpsertLocations(f.ctx, []portal.LocationInput{{ExternalID: "L-1", Code: "PIT", Name: "Pittsburgh"}}))
			mustRows(t, "inventory")(f.bo.UpsertInventory(f.ctx, []portal.InventoryInput{{ProductExternalID: "P-1", LocationExternalID: "L-1",
				QuantityOnHand: 3, QuantityAvailable: 3}}))
		}, func() string {
			got := one(guest, portal.ShopFilter{InStockOnly: true})
			if len(got) != 1 || got["AL-PL-025"].QuantityAvailable != 3000 {
				return fmt.Sprintf("%v", got)
			}
			return ""
		}},
		{"exclusive assigned", func() {
			mustRows(t, "assignments")(f.bo.SetCustomerProducts(f.ctx, []portal.CustomerProductsInput{
				{CustomerExternalID: "C-C", ProductExternalIDs: []string{"P-3"}}}))
		}, func() string {
			if got := one(c, portal.ShopFilter{}); len(got) != 3 {
				return fmt.Sprintf("%v", got)
			}
			return ""
		}},
		{"products display", func() {
			mustRows(t, "customers")(f.bo.UpsertCustomers(f.ctx, []portal.CustomerInput{
				{ExternalID: "C-C", AccountNumber: "C-1", CompanyName: "Gamma Steel", ProductsDisplay: "exclusive_only"}}))
		}, func() string {
			if got := one(c, portal.ShopFilter{}); len(got) != 1 {
				return fmt.Sprintf("%v", got)
			}
			return ""
		}},
		{"promotion", func() {
			price := int64(700)
			mustRows(t, "promotions")(f.bo.UpsertPromotions(f.ctx, []portal.PromotionInput{{ExternalID: "PR-3", ProductExternalID: "P-1",
				Name: "Flash", UnitPrice: &price, StartsAt: "2026-12-07T00:00:00Z", EndsAt: "2026-12-08T00:00:00Z"}}))
		}, func() string {
			if got := one(guest, portal.ShopFilter{}); got["AL-PL-025"].Price.Promotion != "Flash" {
				return fmt.Sprintf("%+v", got["AL-PL-025"].Price)
			}
			return ""
		}},
		{"category moved", func() {
			p := shopFixtureProduct("P-1")
			p.CategoryExternalIDs = []string{}
			mustRows(t, "move")(f.bo.UpsertProducts(f.ctx, []portal.ProductInput{p}))
		}, func() string {
			if got := one(guest, portal.ShopFilter{CategoryID: f.category}); len(got) != 1 {
				return fmt.Sprintf("%v", got)
			}
			return ""
		}},
		{"product retired", func() {
			no := false
			p := shopFixtureProduct("P-2")
			p.Active = &no
			mustRows(t, "retire")(f.bo.UpsertProducts(f.ctx, []portal.ProductInput{p}))
		}, func() string {
			if got := one(guest, portal.ShopFilter{}); len(got) != 1 {
				return fmt.Sprintf("%v", got)
			}
			return ""
		}},
		// Versions never repeat (one sequence): a row deleted and made
		// again comes back above every version a copy was read at.
		{"version row deleted, then a rename", func() {
			ta, _ := tenants.FromContext(f.ctx)
			if err := f.owner.InTx(f.ctx, ta.ID, func(ctx context.Context, tx bun.Tx) error {
				_, err := tx.ExecContext(ctx, `DELETE FROM catalog_versions`)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			p := shopFixtureProduct("P-1")
			p.Name = "Aluminum plate after the reset"
			p.CategoryExternalIDs = []string{}
			mustRows(t, "rename after reset")(f.bo.UpsertProducts(f.ctx, []portal.ProductInput{p}))
		}, func() string {
			if got := one(guest, portal.ShopFilter{Search: "reset"}); got["AL-PL-025"].Name != "Aluminum plate after the reset" {
				return fmt.Sprintf("%v", got)
			}
			return ""
		}},
	}
	for _, s := range steps {
		before := shopCatalogVersion(t, f.app, f.ctx)
		s.apply()
		if after := shopCatalogVersion(t, f.app, f.ctx); after <= before {
			t.Errorf("%s: version %d, was %d", s.name, after, before)
		}
		if p := s.check(); p != "" {
			t.Errorf("%s: the next request shows %s", s.name, p)
		}
		// A's change is not B's: B's version and list stay.
		if v := shopCatalogVersion(t, f.app, bctx); v != bVersion {
			t.Errorf("%s: tenant B's version %d, was %d", s.name, v, bVersion)
		}
		if got := bList(); !slices.Equal(got, []string{"B-ONLY-1"}) {
			t.Errorf("%s: tenant B sees %v", s.name, got)
		}
	}
	// B's change is B's alone; neither sees the other's products, not
	// even by searching their codes.
	mustRows(t, "b rename")(bbo.UpsertProducts(bctx, []portal.ProductInput{{ExternalID: "P-1", Code: "B-ONLY-1", Name: "Beta plate AL-PL-025",
		Form: "plate", Grade: "6061-T6", Dimensions: `1/4"`, StockUOM: "ea", PricingUOM: "ea", ListPrice: 4200}}))
	if got := one(guest, portal.ShopFilter{Search: "b-only"}); len(got) != 0 {
		t.Errorf("tenant A finds B's product: %v", got)
	}
	list, total, err := f.shop.ShopProducts(bctx, guest, portal.ShopFilter{Search: "al-pl"})
	if err != nil || total != 1 || list[0].Code != "B-ONLY-1" || list[0].Name != "Beta plate AL-PL-025" {
		t.Errorf("tenant B searching A's codes: %v (%d) %v", shopCodes(list), total, err)
	}
	if _, _, err := f.shop.ShopProducts(context.Background(), guest, portal.ShopFilter{}); err == nil {
		t.Error("a list without a tenant answered")
	}
}

// shopFixtureProduct is the fixture's product ext as newShopFixture
// pushed it.
func shopFixtureProduct(ext string) portal.ProductInput {
	switch ext {
	case "P-1":
		return portal.ProductInput{ExternalID: "P-1", Code: "AL-PL-025", Name: "Aluminum plate 1/4", Form: "plate", Grade: "6061-T6",
			Dimensions: `1/4" x 48" x 96"`, StockUOM: "ea", PricingUOM: "ea", ListPrice: 1000, LeadTimeDays: 5, CategoryExternalIDs: []string{"CAT-AL-PL"}}
	case "P-2":
		return portal.ProductInput{ExternalID: "P-2", Code: "AL-PL-050", Name: "Aluminum plate 1/2", Form: "plate", Grade: "5052-H32",
			Dimensions: `1/2" x 48" x 96"`, StockUOM: "ea", PricingUOM: "ea", ListPrice: 2000, CategoryExternalIDs: []string{"CAT-AL-PL"}}
	}
	panic("no fixture product " + ext)
}

// shopCatalogVersion reads the context tenant's catalog version as the
// app role.
func shopCatalogVersion(tb testing.TB, db *postgres.DB, ctx context.Context) int64 {
	tb.Helper()
	var v int64
	err := db.InTenantReadBatch(ctx, 0, func(b *postgres.ReadBatch) {
		b.QueryRow(func(row pgx.Row) error { return row.Scan(&v) }, "SELECT coalesce((SELECT version FROM catalog_versions), 0)")
	})
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

// TestShopListOneRoundTrip: with the tenant's copy current, a list is one
// round trip to PostgreSQL (the tenant, the version and, the first time,
// the customer's view, in one batch), whatever the filter; after a change
// it is two (that and the new copy), then one again.
func TestShopListOneRoundTrip(t *testing.T) {
	f := newShopFixture(t)
	db := f.d.OpenApp(t, postgres.Options{Tracer: roundTrips{}})
	shop := postgres.NewShopService(db)
	a := portal.ShopViewer{CustomerID: f.ids["C-A"], ShowPrices: true}
	b := portal.ShopViewer{CustomerID: f.ids["C-B"], ShowPrices: true}
	count := func(what string, v portal.ShopViewer, fl portal.ShopFilter, want int) {
		t.Helper()
		var got int
		list, _, err := shop.ShopProducts(context.WithValue(f.ctx, roundTripsKey{}, &got), v, fl)
		if err != nil || len(list) == 0 {
			t.Fatalf("%s: %v %v", what, shopCodes(list), err)
		}
		if got != want {
			t.Errorf("%s: %d round trips, want %d", what, got, want)
		}
	}
	count("first list of the tenant (the copy read)", portal.ShopViewer{ShowPrices: true}, portal.ShopFilter{}, 2)
	count("guest", portal.ShopViewer{ShowPrices: true}, portal.ShopFilter{Search: "plate"}, 1)
	count("a customer's first list (its view in the batch)", a, portal.ShopFilter{}, 1)
	count("the customer again", a, portal.ShopFilter{Search: "6061", InStockOnly: false}, 1)
	count("another customer", b, portal.ShopFilter{}, 1)
	count("filters", a, portal.ShopFilter{CategoryID: f.category, Form: "plate", Grade: "6061-T6"}, 1)
	mustRows(t, "contract")(f.bo.UpsertContractPrices(f.ctx, []portal.ContractPriceInput{
		{ExternalID: "CP-1", CustomerExternalID: "C-A", ProductExternalID: "P-1", UnitPrice: 820}}))
	// The request that finds the new version reads the new copy, and
	// then its customer's view for it: three, once.
	count("after a change (the copy read again)", a, portal.ShopFilter{}, 3)
	count("the customer after the change", a, portal.ShopFilter{}, 1)
	count("another customer after the change", b, portal.ShopFilter{}, 1)
	list, _, err := shop.ShopProducts(f.ctx, a, portal.ShopFilter{Search: "al-pl-025"})
	if err != nil || len(list) != 1 || list[0].Price.Unit.Amount != 820 {
		t.Errorf("the change: %+v %v", list, err)
	}
}
