package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/browsertest"
)

// TestBrowserShop walks the shop of issue 8 at phone width as the demo
// Buyer of Lakeshore Fabrication, whose account has contract prices on
// A36 (demo_pricing.go): a search and the form filter narrow the
// results, a result card shows the contract price, and on the product
// page the live price starts at the contract price and changes to the
// quantity break when the quantity reaches it, with the break marked and
// the line total following. (Adding to the cart is not driven: the cart
// is another part of issue 8.)
func TestBrowserShop(t *testing.T) {
	env, _ := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	const buyer, password = "buyer@lakeshore-fab.example.com", "Portal-Demo-2026!"

	b := browserSteps{t, ctx}
	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		b.step(name, 30*time.Second, actions...)
	}
	until := browsertest.Until
	eval := func(js string) string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("evaluate %s: %v", js, err)
		}
		return s
	}
	apiGet := func(path string, v any) {
		t.Helper()
		body := eval(`fetch(` + strconv.Quote(path) + `).then(r => r.ok ? r.text() : Promise.reject(new Error(r.status)))`)
		if err := json.Unmarshal([]byte(body), v); err != nil {
			t.Fatalf("GET %s: %v", path, err)
		}
	}
	textOf := func(sel string) string {
		t.Helper()
		return strings.TrimSpace(eval(`(document.querySelector(` + strconv.Quote(sel) + `) || {}).textContent || ""`))
	}

	step("phone", browsertest.Emulate(browsertest.Phone))
	step("sign in",
		chromedp.Navigate(origin+"/portal/login"),
		chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
		browsertest.Fill("#email", buyer),
		browsertest.Fill("#password", password),
		browsertest.Submit("#signin"),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
	)
	step("shop", chromedp.Navigate(origin+api.PageShop), chromedp.WaitVisible(chromedp.CSS("#shop-results")),
		until(`document.querySelectorAll("#shop-categories a").length > 1`))
	browsertest.Screenshot(t, ctx, "shop-phone")

	// Search, then filter by form: the URL keeps both, the cards match.
	step("search",
		browsertest.Fill("#shop-q", "A36 plate"),
		browsertest.Submit("#shop-search"),
		until(`location.search.includes("q=A36+plate")`),
		until(`document.querySelectorAll("#shop-results > li").length > 0 &&
			[...document.querySelectorAll("#shop-results .shop__name")].every(n => n.textContent.includes("A36"))`),
	)
	step("filter by form",
		browsertest.Fill("#shop-form", "plate"),
		until(`location.search.includes("form=plate")`),
		until(`document.querySelectorAll("#shop-results > li").length > 0 &&
			[...document.querySelectorAll("#shop-results .card__note")].every(n => n.textContent.includes("plate"))`),
	)
	var list api.ShopProductList
	apiGet(api.PathShopProducts+"?"+url.Values{"search": {"A36 plate"}, "form": {"plate"}, "page_size": {"24"}}.Encode(), &list)
	if list.Total == 0 || textOf("#shop-count") != strconv.Itoa(list.Total)+" products" {
		t.Fatalf("count %q, the API has %d", textOf("#shop-count"), list.Total)
	}
	p := list.Products[0]
	if p.Price == nil || p.Price.Source != api.PriceSourceContract {
		t.Fatalf("the demo buyer has no contract price on %s: %+v", p.Code, p.Price)
	}
	card := "#shop-price-" + p.ID
	if got := parseMoney(t, strings.Fields(textOf(card + " strong"))[0]); got != p.Price.UnitPrice.Amount {
		t.Errorf("card shows %q, the contract price is %d", textOf(card), p.Price.UnitPrice.Amount)
	}
	if src := eval(`document.querySelector("` + card + `").dataset.source`); src != api.PriceSourceContract || !strings.Contains(textOf(card), "Your contract price") {
		t.Errorf("card price source %q: %q", src, textOf(card))
	}
	browsertest.Screenshot(t, ctx, "shop-filtered-phone")

	// The product page: the contract price at 1, the break from its
	// quantity on, the line total following the quantity.
	step("product", chromedp.Click(chromedp.CSS("#shop-product-"+p.ID)), until(`location.pathname === "`+api.PageShop+"/"+p.ID+`"`),
		chromedp.WaitVisible(chromedp.CSS("#product-unit-price")), chromedp.WaitVisible(chromedp.CSS("#product-breaks")))
	var d api.ShopProductDetail
	apiGet(api.PathShopProducts+"/"+p.ID, &d)
	var brk api.ShopPriceStep
	for _, s := range d.PriceSteps {
		if s.Source == api.PriceSourceBreak {
			brk = s
			break
		}
	}
	if brk.MinQuantity == "" || brk.UnitPrice.Amount >= p.Price.UnitPrice.Amount {
		t.Fatalf("no quantity break below the contract price: %+v", d.PriceSteps)
	}
	unit := func() (int64, string) {
		return parseMoney(t, textOf("#product-unit-price strong")), eval(`document.querySelector("#product-unit-price").dataset.source`)
	}
	if amount, src := unit(); amount != p.Price.UnitPrice.Amount || src != api.PriceSourceContract {
		t.Errorf("at 1: %d %s, want the contract price %d", amount, src, p.Price.UnitPrice.Amount)
	}
	if got := parseMoney(t, textOf("#product-line-total")); got != p.Price.UnitPrice.Amount {
		t.Errorf("total at 1: %d", got)
	}
	if !strings.Contains(textOf("#product-locations"), "Availability") || textOf("#product-name") != d.Name {
		t.Errorf("product page: %q / %q", textOf("#product-name"), textOf("#product-locations"))
	}
	browsertest.Screenshot(t, ctx, "product-phone")

	step("quantity reaches the break",
		browsertest.Fill("#product-qty", brk.MinQuantity),
		until(`document.querySelector("#product-unit-price").dataset.source === "break"`),
		until(`document.querySelector("#product-breaks tr[aria-current=true]") !== null`),
	)
	qtyMilli, _ := api.ParseQuantityMilli(brk.MinQuantity)
	if amount, _ := unit(); amount != brk.UnitPrice.Amount {
		t.Errorf("at %s: %d, want the break's %d", brk.MinQuantity, amount, brk.UnitPrice.Amount)
	}
	if got, want := parseMoney(t, textOf("#product-line-total")), api.LineTotal(brk.UnitPrice.Amount, qtyMilli); got != want {
		t.Errorf("total at %s: %d, want %d", brk.MinQuantity, got, want)
	}
	if cur := textOf("#product-breaks tr[aria-current=true]"); !strings.Contains(cur, brk.MinQuantity+"+") {
		t.Errorf("marked break %q, want the one from %s", cur, brk.MinQuantity)
	}
	browsertest.Screenshot(t, ctx, "product-break-phone")

	// One less with the stepper goes back below the break.
	step("stepper", chromedp.Click(chromedp.CSS("#product-qty-minus")),
		until(`document.querySelector("#product-unit-price").dataset.source === "contract"`))
	if got := eval(`document.querySelector("#product-qty").value`); got != strconv.FormatInt(qtyMilli/1000-1, 10) {
		t.Errorf("after one less: %q", got)
	}

	// Another customer's id, or nonsense, is not found.
	step("unknown product", chromedp.Navigate(origin+api.PageShop+"/0193e4b0-0000-7000-8000-000000000000"),
		chromedp.WaitVisible(chromedp.CSS("#product-error")))
}
