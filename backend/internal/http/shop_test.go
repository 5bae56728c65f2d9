package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// pushShopCatalog sends a small catalog to tenant slug through the
// back-office API and returns product ids by external id.
func pushShopCatalog(t *testing.T, e *env, slug, host string) map[string]string {
	t.Helper()
	_, key := e.boKey(t, slug, portal.ScopeBackOffice)
	ids := map[string]string{}
	for _, b := range []struct{ path, body string }{
		{api.PathBackOfficeProducts, `[{"external_id":"P-1","code":"AL-PL-025","name":"Aluminum plate 1/4","form":"plate","grade":"6061-T6","stock_uom":"ea","pricing_uom":"ea","list_price":1000},
			{"external_id":"P-2","code":"SS-SH-304","name":"Stainless sheet","form":"sheet","grade":"304","stock_uom":"ea","pricing_uom":"ea","list_price":5000},
			{"external_id":"P-X","code":"XX-SPECIAL","name":"Special alloy","form":"bar","stock_uom":"ea","pricing_uom":"ea","list_price":7000}]`},
		{api.PathBackOfficeCustomers, `[{"external_id":"C-OTHER","account_number":"OT-1","company_name":"Other Co"}]`},
		{api.PathBackOfficeProductDetails, `[{"product_external_id":"P-X","exclusive":true},
			{"product_external_id":"P-1","images":[{"url":"/web/images/plate.jpg","alt":"Plate"}],"related_product_external_ids":["P-2"],
			 "processing_options":[{"code":"saw-cut","name":"Saw cut","charge":1500}],"required_dimensions":[{"name":"length","label":"Length","unit":"in","min":1,"max":96}]}]`},
		{api.PathBackOfficeCustomerProducts, `[{"customer_external_id":"C-OTHER","product_external_ids":["P-X"]}]`},
		{api.PathBackOfficePriceBreaks, `[{"product_external_id":"P-1","breaks":[{"min_quantity":10,"unit_price":900}]}]`},
		{api.PathBackOfficePromotions, `[{"external_id":"PR-1","product_external_id":"P-2","name":"Sale","percent_off_bp":1000,"starts_at":"2020-01-01T00:00:00Z","ends_at":"2099-01-01T00:00:00Z"}]`},
		{api.PathBackOfficePromoCodes, `[{"external_id":"PC-1","code":"save5","amount_off":500,"starts_at":"2020-01-01T00:00:00Z","ends_at":"2099-01-01T00:00:00Z"}]`},
	} {
		res := decodeBatch(t, e.bo("PUT", host, b.path, b.body, key))
		if res.Errors > 0 {
			t.Fatalf("%s: %+v", b.path, res)
		}
		for _, r := range res.Rows {
			if b.path == api.PathBackOfficeProducts {
				ids[r.ExternalID] = r.ID
			}
		}
	}
	return ids
}

func decodeShopList(t *testing.T, w interface {
	Result() *http.Response
}, body []byte) api.ShopProductList {
	t.Helper()
	var out api.ShopProductList
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("%s: %v", body, err)
	}
	return out
}

func shopListCodes(l api.ShopProductList) []string {
	var out []string
	for _, p := range l.Products {
		out = append(out, p.Code)
	}
	return out
}

// TestShopAPI: a signed-in buyer sees its own contract price and breaks,
// not another customer's exclusive product (404); signed-out requests
// need a session unless the tenant lets guests browse, and guests see
// prices only where they are public.
func TestShopAPI(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	ids := pushShopCatalog(t, e, "acme", host)
	e.exec(t, "acme", `UPDATE customers SET external_id = 'C-JANE' WHERE company_name = 'Lakeshore Fab'`)
	_, key := e.boKey(t, "acme", portal.ScopeBackOffice)
	res := decodeBatch(t, e.bo("PUT", host, api.PathBackOfficeContractPrices,
		`[{"external_id":"CP-1","customer_external_id":"C-JANE","product_external_id":"P-1","unit_price":850}]`, key))
	if res.Created != 1 {
		t.Fatalf("contract price: %+v", res)
	}
	jane := e.signIn(t, host, "jane@acme-customer.example", testPassword)

	w := e.request("GET", host, api.PathShopProducts+"?search=plate", "", jane, nil)
	list := decodeShopList(t, w, w.Body.Bytes())
	if w.Code != 200 || !slices.Equal(shopListCodes(list), []string{"AL-PL-025"}) || list.Products[0].Price == nil ||
		list.Products[0].Price.UnitPrice.Amount != 850 || list.Products[0].Price.Source != api.PriceSourceContract || list.Products[0].ImageURL == "" {
		t.Errorf("search: %d %s", w.Code, w.Body)
	}
	w = e.request("GET", host, api.PathShopProducts, "", jane, nil)
	if list := decodeShopList(t, w, w.Body.Bytes()); !slices.Equal(shopListCodes(list), []string{"AL-PL-025", "SS-SH-304"}) || list.Total != 2 {
		t.Errorf("all: %s", w.Body)
	}
	w = e.request("GET", host, api.PathShopProducts+"/"+ids["P-1"], "", jane, nil)
	var d api.ShopProductDetail
	if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil || w.Code != 200 {
		t.Fatalf("product: %d %s", w.Code, w.Body)
	}
	if len(d.PriceSteps) != 1 || d.PriceSteps[0].UnitPrice.Amount != 850 || len(d.Related) != 1 || d.Related[0].Price.Source != api.PriceSourcePromotion ||
		len(d.ProcessingOptions) != 1 || len(d.RequiredDimensions) != 1 || d.RequiredDimensions[0].Max != "96" {
		t.Errorf("product detail: %s", w.Body)
	}
	for name, id := range map[string]string{"another customer's exclusive": ids["P-X"], "unknown": "0193e4b0-0000-7000-8000-000000000000", "malformed": "x"} {
		if w := e.request("GET", host, api.PathShopProducts+"/"+id, "", jane, nil); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d %s", name, w.Code, w.Body)
		}
	}
	w = e.request("GET", host, api.PathShopProducts+"?page_size=0&in_stock=maybe&category_id=x", "", jane, nil)
	if p := decodeProblem(t, w, http.StatusBadRequest); !slices.Contains(problemFields(p), "in_stock") || !slices.Contains(problemFields(p), "category_id") ||
		!slices.Contains(problemFields(p), "page_size") {
		t.Errorf("bad query: %+v", p)
	}
	w = e.request("GET", host, api.PathShopCategories, "", jane, nil)
	var facets api.ShopFacets
	if err := json.Unmarshal(w.Body.Bytes(), &facets); err != nil || !facets.PricesVisible || facets.Guest || !slices.Equal(facets.Forms, []string{"plate", "sheet"}) {
		t.Errorf("facets: %s", w.Body)
	}
	// acme lets no guests in.
	if w := e.request("GET", host, api.PathShopProducts, "", nil, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("guest on acme: %d", w.Code)
	}

	// Guests of tenants that allow them: list prices when public, none
	// when login is required; never an exclusive product.
	for _, tc := range []struct {
		slug, visibility string
		prices           bool
	}{{"globex", portal.PricesPublic, true}, {"initech", portal.PricesLoginRequired, false}} {
		tn := newTenant(tc.slug, tc.slug, tenants.StatusActive)
		tn.Settings.GuestBrowse, tn.Settings.PriceVisibility = true, tc.visibility
		if err := e.owner.ApplyTenant(context.Background(), tn); err != nil {
			t.Fatal(err)
		}
		h := tc.slug + ".portal.test"
		gids := pushShopCatalog(t, e, tc.slug, h)
		w := e.request("GET", h, api.PathShopProducts, "", nil, nil)
		list := decodeShopList(t, w, w.Body.Bytes())
		if w.Code != 200 || !slices.Equal(shopListCodes(list), []string{"AL-PL-025", "SS-SH-304"}) {
			t.Errorf("%s guest list: %d %s", tc.slug, w.Code, w.Body)
			continue
		}
		if got := list.Products[0].Price != nil; got != tc.prices {
			t.Errorf("%s: prices shown %v, want %v: %s", tc.slug, got, tc.prices, w.Body)
		}
		if tc.prices && (list.Products[0].Price.UnitPrice.Amount != 1000 || list.Products[1].Price.UnitPrice.Amount != 4500) {
			t.Errorf("%s guest prices: %s", tc.slug, w.Body)
		}
		w = e.request("GET", h, api.PathShopProducts+"/"+gids["P-1"], "", nil, nil)
		var gd api.ShopProductDetail
		if err := json.Unmarshal(w.Body.Bytes(), &gd); err != nil || w.Code != 200 || (gd.PriceSteps != nil) != tc.prices || (gd.Related[0].Price != nil) != tc.prices {
			t.Errorf("%s guest product: %d %s", tc.slug, w.Code, w.Body)
		}
		if w := e.request("GET", h, api.PathShopProducts+"/"+gids["P-X"], "", nil, nil); w.Code != http.StatusNotFound {
			t.Errorf("%s guest exclusive: %d", tc.slug, w.Code)
		}
		w = e.request("GET", h, api.PathShopCategories, "", nil, nil)
		var f api.ShopFacets
		if err := json.Unmarshal(w.Body.Bytes(), &f); err != nil || !f.Guest || f.PricesVisible != tc.prices {
			t.Errorf("%s guest facets: %s", tc.slug, w.Body)
		}
		// Another tenant's product is unknown here.
		if w := e.request("GET", h, api.PathShopProducts+"/"+ids["P-1"], "", nil, nil); w.Code != http.StatusNotFound {
			t.Errorf("%s: acme's product: %d", tc.slug, w.Code)
		}
	}
}
