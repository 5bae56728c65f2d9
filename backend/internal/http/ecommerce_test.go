package http_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	porthttp "example.com/portal/backend/internal/http"
	"example.com/portal/backend/internal/minio"
	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/policies"
)

// The OpenAPI document, loaded once from the server's own
// /api/v1/openapi.json, and the operations whose answers were validated.
var (
	oaOnce    sync.Once
	oaDoc     *openapi3.T
	oaRouter  routers.Router
	oaErr     error
	oaMu      sync.Mutex
	oaCovered = map[string]map[int]bool{} // operationId → statuses validated
)

func init() {
	openapi3filter.RegisterBodyDecoder("application/problem+json", openapi3filter.JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
}

func openAPI(t *testing.T, e *env) routers.Router {
	t.Helper()
	oaOnce.Do(func() {
		w := e.request("GET", boHost, api.PathOpenAPI, "", nil, nil)
		if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
			oaErr = fmt.Errorf("GET %s: %d %s", api.PathOpenAPI, w.Code, w.Header().Get("Content-Type"))
			return
		}
		loader := openapi3.NewLoader()
		if oaDoc, oaErr = loader.LoadFromData(w.Body.Bytes()); oaErr != nil {
			return
		}
		if !oaDoc.IsOpenAPI31OrLater() {
			oaErr = fmt.Errorf("document is OpenAPI %s, want 3.1", oaDoc.OpenAPI)
			return
		}
		if oaErr = oaDoc.Validate(context.Background()); oaErr != nil {
			return
		}
		oaRouter, oaErr = gorillamux.NewRouter(oaDoc)
	})
	if oaErr != nil {
		t.Fatalf("OpenAPI document: %v", oaErr)
	}
	return oaRouter
}

// ecom calls the e-commerce API with bearer and validates the answer, its
// status, headers and body, against the OpenAPI document.
func (e *env) ecom(t *testing.T, host, method, path, body, bearer string) *httptest.ResponseRecorder {
	t.Helper()
	h := map[string]string{}
	if bearer != "" {
		h["Authorization"] = "Bearer " + bearer
	}
	w := e.request(method, host, path, body, nil, h)
	router := openAPI(t, e)
	req, err := http.NewRequest(method, "http://"+host+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s %s is not in the OpenAPI document: %v", method, path, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}},
		Status: w.Code, Header: w.Header(), Body: io.NopCloser(bytes.NewReader(w.Body.Bytes())),
		Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s answered %d, which the OpenAPI document does not allow: %v\n%s", method, path, w.Code, err, w.Body)
	}
	if w.Code != http.StatusNoContent && !strings.HasPrefix(w.Header().Get("Content-Type"), "application/") {
		t.Errorf("%s %s: Content-Type %q", method, path, w.Header().Get("Content-Type"))
	}
	oaMu.Lock()
	if oaCovered[route.Operation.OperationID] == nil {
		oaCovered[route.Operation.OperationID] = map[int]bool{}
	}
	oaCovered[route.Operation.OperationID][w.Code] = true
	oaMu.Unlock()
	return w
}

func decodeAs[T any](t *testing.T, w *httptest.ResponseRecorder, status int) T {
	t.Helper()
	var v T
	if w.Code != status {
		t.Fatalf("status %d, want %d: %s", w.Code, status, w.Body)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatalf("decode %T: %v (%s)", v, err, w.Body)
	}
	return v
}

// ecomWorld is a tenant with a catalog, two customers with shipping
// addresses, and e-commerce keys.
type ecomWorld struct {
	e                    *env
	key, boKey, otherKey string // acme's ecommerce and backoffice keys; globex's ecommerce key
	products             map[string]string
	locations            map[string]string
	janeCustomer         string
	janeAddress          string
	otherAddress         string
}

func newEcomWorld(t *testing.T) *ecomWorld {
	t.Helper()
	e := newEnv(t, nil)
	addTenant(t, e, "globex")
	w := &ecomWorld{e: e, products: map[string]string{}, locations: map[string]string{}}
	_, w.boKey = e.boKey(t, "acme", portal.ScopeBackOffice)
	_, w.key = e.boKey(t, "acme", portal.ScopeEcommerce)
	_, w.otherKey = e.boKey(t, "globex", portal.ScopeEcommerce)
	seedUser(t, e.owner, "acme", "other@elsewhere.example", "Other Buyer", "buyer")
	seedUser(t, e.owner, "acme", "viewer@viewer.example", "Vera Viewer", "viewer")
	for path, body := range map[string]string{
		api.PathBackOfficeLocations:  `[{"external_id":"L-1","code":"TOL","name":"Toledo"},{"external_id":"L-2","code":"PGH","name":"Pittsburgh"}]`,
		api.PathBackOfficeCategories: boCategories,
	} {
		if r := decodeBatch(t, e.bo("PUT", boHost, path, body, w.boKey)); r.Errors != 0 {
			t.Fatalf("%s: %+v", path, r)
		}
	}
	products := `[{"external_id":"P-0","code":"AL-0","name":"Aluminum plate 1/4","description":"6061-T6","form":"plate","grade":"6061",
		"dimensions":"1/4 x 48 x 96","stock_uom":"ea","pricing_uom":"lb","list_price":1250,"low_stock_level":5,"lead_time_days":3,"category_external_ids":["CAT-AL"]},
		{"external_id":"P-1","code":"AL-1","name":"Aluminum plate 1/2","form":"plate","stock_uom":"ea","pricing_uom":"lb","list_price":999,
		"low_stock_level":5,"lead_time_days":10,"category_external_ids":["CAT-AL"]},
		{"external_id":"P-2","code":"ST-2","name":"Steel bar","form":"bar","stock_uom":"ft","pricing_uom":"ft","list_price":300},
		{"external_id":"P-3","code":"OLD-3","name":"Retired","form":"bar","stock_uom":"ft","pricing_uom":"ft","list_price":300,"active":false}]`
	if r := decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeProducts, products, w.boKey)); r.Errors != 0 {
		t.Fatalf("products: %+v", r)
	} else {
		for _, row := range r.Rows {
			w.products[row.ExternalID] = row.ID
		}
	}
	inv := `[{"product_external_id":"P-0","location_external_id":"L-1","quantity_on_hand":100,"quantity_available":100},
		{"product_external_id":"P-0","location_external_id":"L-2","quantity_on_hand":20.5,"quantity_available":20.5},
		{"product_external_id":"P-1","location_external_id":"L-1","quantity_on_hand":3,"quantity_available":3}]`
	if r := decodeBatch(t, e.bo("PUT", boHost, api.PathBackOfficeInventory, inv, w.boKey)); r.Errors != 0 {
		t.Fatalf("inventory: %+v", r)
	}
	tn, _ := e.owner.FindTenantBySlug(context.Background(), "acme")
	err := e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, `SELECT id::text FROM locations WHERE code = 'TOL'`).Scan(new(string)); err != nil {
			return err
		}
		var locs []struct {
			Code, ID string
		}
		if err := tx.NewRaw(`SELECT code, id::text AS id FROM locations`).Scan(ctx, &locs); err != nil {
			return err
		}
		for _, l := range locs {
			w.locations[l.Code] = l.ID
		}
		if err := tx.QueryRowContext(ctx, `SELECT customer_id::text FROM users WHERE email = 'jane@acme-customer.example'`).Scan(&w.janeCustomer); err != nil {
			return err
		}
		w.janeAddress, w.otherAddress = uuid.NewString(), uuid.NewString()
		for addr, email := range map[string]string{w.janeAddress: "jane@acme-customer.example", w.otherAddress: "other@elsewhere.example"} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO addresses (tenant_id, id, customer_id, kind, line1, city, country, is_default)
				SELECT tenant_id, ?, customer_id, 'shipping', '1 Mill Rd', 'Toledo', 'US', true FROM users WHERE email = ?`, addr, email); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// token issues a customer token for email with acme's key.
func (w *ecomWorld) token(t *testing.T, email string) string {
	t.Helper()
	res := w.e.ecom(t, boHost, "POST", api.PathEcommerceCustomerTokens, `{"email":"`+email+`"}`, w.key)
	return decodeAs[api.CustomerTokenIssued](t, res, http.StatusCreated).AccessToken
}

func problemHas(t *testing.T, w *httptest.ResponseRecorder, status int, field string) {
	t.Helper()
	p := decodeProblem(t, w, status)
	if field != "" && !slices.Contains(problemFields(p), field) {
		t.Errorf("problem %+v does not name %s", p, field)
	}
}

// TestEcommerceAPI drives every e-commerce endpoint through its answers
// and validates each against the OpenAPI document; at the end every
// operation of the document must have been seen succeeding.
func TestEcommerceAPI(t *testing.T) {
	t.Run("customer tokens", testEcomCustomerTokens)
	t.Run("catalog", testEcomCatalog)
	t.Run("orders, quotes and isolation", testEcomOrdersQuotes)
	t.Run("documents", testEcomDocuments)
	if t.Failed() {
		return
	}
	oaMu.Lock()
	defer oaMu.Unlock()
	for path, item := range oaDoc.Paths.Map() {
		for method, op := range item.Operations() {
			ok := false
			for status := range oaCovered[op.OperationID] {
				ok = ok || status < 300
			}
			if !ok {
				t.Errorf("%s %s (%s): no success answer validated", method, path, op.OperationID)
			}
		}
	}
}

func testEcomCustomerTokens(t *testing.T) {
	w := newEcomWorld(t)
	e := w.e
	issued := decodeAs[api.CustomerTokenIssued](t, e.ecom(t, boHost, "POST", api.PathEcommerceCustomerTokens,
		`{"email":"Jane@Acme-Customer.example"}`, w.key), http.StatusCreated)
	if !strings.HasPrefix(issued.AccessToken, "ct_") || issued.TokenType != "Bearer" || issued.ExpiresIn != 3600 || issued.CustomerID != w.janeCustomer {
		t.Fatalf("issued %+v", issued)
	}
	jane := issued.AccessToken
	// Only its hash is stored.
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM customer_tokens WHERE token_hash = sha256(?::bytea)`, jane); n != 1 {
		t.Errorf("%d tokens stored by hash", n)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM audit_events WHERE kind = 'customer_token_issued' AND customer_id = ?`, w.janeCustomer); n != 1 {
		t.Errorf("%d audit events of the issue", n)
	}
	if strings.Contains(e.logs.String(), jane) || strings.Contains(e.logs.String(), w.key) {
		t.Error("a token or key is in the logs")
	}
	// A token that ended more than a day ago is deleted at the user's next issue.
	e.db.Now = func() time.Time { return time.Now().Add(-48 * time.Hour) }
	w.token(t, "jane@acme-customer.example")
	e.db.Now = time.Now
	countJane := func() int {
		return e.ownerInt(t, "acme", `SELECT count(*) FROM customer_tokens t JOIN users u ON u.id = t.user_id WHERE u.email = 'jane@acme-customer.example'`)
	}
	if n := countJane(); n != 2 {
		t.Fatalf("%d tokens of jane", n)
	}
	w.token(t, "jane@acme-customer.example")
	if n := countJane(); n != 2 {
		t.Errorf("%d tokens of jane after the next issue, want the old one gone", n)
	}
	customer := api.PathEcommerceCustomers + "/" + w.janeCustomer
	if r := decodeAs[api.EcomCustomer](t, e.ecom(t, boHost, "GET", customer, "", jane), 200); r.Customer.CustomerID != w.janeCustomer ||
		len(r.Addresses) != 1 || len(r.Contacts) != 1 || r.Credit.CreditLimit != "0.00" {
		t.Errorf("customer %+v", r)
	}

	// Issuing: only with an ecommerce key, for an active user of this tenant.
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceCustomerTokens, `{"email":"nobody@acme-customer.example"}`, w.key), 400, "email")
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceCustomerTokens, `{"email":"jane@acme-customer.example","x":1}`, w.key), 400, "x")
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceCustomerTokens, `{"email":"jane@acme-customer.example"}`, w.boKey), 403, "")
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceCustomerTokens, `{"email":"jane@acme-customer.example"}`, jane), 403, "")
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceCustomerTokens, `{"email":"jane@acme-customer.example"}`, ""), 401, "")
	// Globex's key at globex does not know acme's users.
	problemHas(t, e.ecom(t, "globex.portal.test", "POST", api.PathEcommerceCustomerTokens, `{"email":"jane@acme-customer.example"}`, w.otherKey), 400, "email")

	// A token never works at another tenant, nor with a key's route kind swapped.
	problemHas(t, e.ecom(t, "globex.portal.test", "GET", customer, "", jane), 401, "")
	problemHas(t, e.ecom(t, boHost, "GET", customer, "", w.key), 401, "")
	problemHas(t, e.ecom(t, boHost, "GET", customer, "", "ct_"+strings.Repeat("A", 43)), 401, "")
	// Another customer's id answers 404.
	other := w.token(t, "other@elsewhere.example")
	problemHas(t, e.ecom(t, boHost, "GET", customer, "", other), 404, "")
	problemHas(t, e.ecom(t, boHost, "GET", api.PathEcommerceCustomers+"/"+uuid.NewString(), "", jane), 404, "")

	// Revoked: by the storefront, by revoking the key, by disabling the user, by time.
	if r := e.ecom(t, boHost, "DELETE", api.PathEcommerceCustomerTokens, "", other); r.Code != 204 {
		t.Fatalf("revoke: %d %s", r.Code, r.Body)
	}
	problemHas(t, e.ecom(t, boHost, "GET", api.PathEcommerceOrders, "", other), 401, "")
	e.exec(t, "acme", `UPDATE users SET status = 'disabled' WHERE email = 'viewer@viewer.example'`)
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceCustomerTokens, `{"email":"viewer@viewer.example"}`, w.key), 400, "email")
	late := w.token(t, "jane@acme-customer.example")
	e.db.Now = func() time.Time { return time.Now().Add(portal.CustomerTokenLifetime + time.Minute) }
	problemHas(t, e.ecom(t, boHost, "GET", customer, "", late), 401, "")
	e.db.Now = time.Now
	if r := e.ecom(t, boHost, "GET", customer, "", late); r.Code != 200 {
		t.Fatalf("token before expiry: %d", r.Code)
	}
	tn, _ := e.owner.FindTenantBySlug(context.Background(), "acme")
	if err := e.owner.RevokeAPIKey(context.Background(), tn.ID, strings.SplitN(w.key, ".", 2)[0]); err != nil {
		t.Fatal(err)
	}
	problemHas(t, e.ecom(t, boHost, "GET", customer, "", late), 401, "")
}

func testEcomCatalog(t *testing.T) {
	w := newEcomWorld(t)
	e := w.e
	list := decodeAs[api.EcomProductList](t, e.ecom(t, boHost, "GET", api.PathEcommerceProducts, "", w.key), 200)
	if list.Pagination != (api.EcomPagination{Total: 3, Page: 1, PageSize: 50, TotalPages: 1}) || len(list.Products) != 3 {
		t.Fatalf("default list: %+v", list)
	}
	if p := list.Products[0]; p.Code != "AL-0" || p.Category == nil || p.Category.Name != "Aluminum plate" || p.PricingUOM != "lb" || p.ImageURL != nil {
		t.Errorf("first product %+v", p)
	}
	for q, want := range map[string][]string{
		"?in_stock_only=true":                    {"AL-0", "AL-1"},
		"?search=steel":                          {"ST-2"},
		"?search=6061":                           {"AL-0"},
		"?category_id=" + uuid.NewString():       {},
		"?page=2&page_size=2":                    {"ST-2"},
		"?page_size=200&search=%25":              {},
		"?in_stock_only=false&search=aluminum_p": {},
	} {
		l := decodeAs[api.EcomProductList](t, e.ecom(t, boHost, "GET", api.PathEcommerceProducts+q, "", w.key), 200)
		var codes []string
		for _, p := range l.Products {
			codes = append(codes, p.Code)
		}
		if !slices.Equal(codes, want) && !(len(codes) == 0 && len(want) == 0) {
			t.Errorf("%s: %v, want %v", q, codes, want)
		}
	}
	for q, field := range map[string]string{"?page_size=201": "page_size", "?page_size=0": "page_size", "?page=x": "page",
		"?in_stock_only=maybe": "in_stock_only", "?category_id=42": "category_id"} {
		problemHas(t, e.ecom(t, boHost, "GET", api.PathEcommerceProducts+q, "", w.key), 400, field)
	}
	// Both bad parameters are named at once.
	p := decodeProblem(t, e.ecom(t, boHost, "GET", api.PathEcommerceProducts+"?page=x&page_size=900", "", w.key), 400)
	if f := problemFields(p); !slices.Contains(f, "page") || !slices.Contains(f, "page_size") {
		t.Errorf("both fields: %v", f)
	}

	detail := api.PathEcommerceProducts + "/" + w.products["P-0"]
	d := decodeAs[api.EcomProductDetail](t, e.ecom(t, boHost, "GET", detail, "", w.key), 200)
	if d.Product.Code != "AL-0" || d.Product.StockUOM != "ea" || d.Availability.QuantityAvailable != "120.5" || !d.Availability.InStock ||
		d.Availability.Level != portal.InStock || d.Pricing.ListPrice != "12.50" || d.Pricing.CustomerPrice != nil ||
		!slices.Equal(d.RelatedProducts, []string{w.products["P-1"]}) {
		t.Errorf("detail with the key: %+v", d)
	}
	jane := w.token(t, "jane@acme-customer.example")
	d = decodeAs[api.EcomProductDetail](t, e.ecom(t, boHost, "GET", detail, "", jane), 200)
	if d.Pricing.CustomerPrice == nil || *d.Pricing.CustomerPrice != "12.50" || d.Pricing.PriceSource != "list" {
		t.Errorf("detail with a customer token: %+v", d.Pricing)
	}
	if d := decodeAs[api.EcomProductDetail](t, e.ecom(t, boHost, "GET", api.PathEcommerceProducts+"/"+w.products["P-1"], "", w.key), 200); d.Availability.Level != portal.LowStock {
		t.Errorf("low stock: %+v", d.Availability)
	}
	for _, id := range []string{w.products["P-3"], uuid.NewString(), "not-a-uuid"} {
		problemHas(t, e.ecom(t, boHost, "GET", api.PathEcommerceProducts+"/"+id, "", w.key), 404, "")
	}
	// Another tenant's key sees none of acme's products.
	problemHas(t, e.ecom(t, "globex.portal.test", "GET", detail, "", w.otherKey), 404, "")
	if l := decodeAs[api.EcomProductList](t, e.ecom(t, "globex.portal.test", "GET", api.PathEcommerceProducts, "", w.otherKey), 200); l.Pagination.Total != 0 {
		t.Errorf("globex sees %d products", l.Pagination.Total)
	}
	problemHas(t, e.ecom(t, boHost, "GET", api.PathEcommerceProducts, "", w.boKey), 403, "")
	problemHas(t, e.ecom(t, boHost, "GET", api.PathEcommerceProducts, "", w.otherKey), 401, "")

	avail := detail + "/availability"
	a := decodeAs[api.EcomAvailabilityCheck](t, e.ecom(t, boHost, "GET", avail+"?quantity=120.5", "", w.key), 200)
	if !a.Available || a.QuantityAvailable != "120.5" || len(a.Locations) != 2 || a.NextAvailableDate != nil {
		t.Errorf("120.5: %+v", a)
	}
	a = decodeAs[api.EcomAvailabilityCheck](t, e.ecom(t, boHost, "GET", avail+"?quantity=50&location_id="+w.locations["PGH"], "", w.key), 200)
	want := time.Now().UTC().AddDate(0, 0, 3).Format(time.DateOnly)
	if a.Available || a.QuantityAvailable != "20.5" || len(a.Locations) != 1 || a.LeadTimeDays != 3 || a.NextAvailableDate == nil || *a.NextAvailableDate != want {
		t.Errorf("50 at PGH: %+v", a)
	}
	for q, field := range map[string]string{"": "quantity", "?quantity=0": "quantity", "?quantity=1.2345": "quantity", "?quantity=-1": "quantity",
		"?quantity=1&location_id=x": "location_id", "?quantity=1&location_id=" + uuid.NewString(): "location_id"} {
		problemHas(t, e.ecom(t, boHost, "GET", avail+q, "", w.key), 400, field)
	}
}

func testEcomOrdersQuotes(t *testing.T) {
	w := newEcomWorld(t)
	e := w.e
	jane, other := w.token(t, "jane@acme-customer.example"), w.token(t, "other@elsewhere.example")
	seedUser(t, e.owner, "acme", "vic@viewer2.example", "Vic Viewer", "viewer")
	viewer := w.token(t, "vic@viewer2.example")

	cart := fmt.Sprintf(`{"items":[{"product_id":%q,"quantity":2.5,"uom":"lb","processing":[]},{"product_id":%q,"quantity":3}],"shipping_address_id":%q}`,
		w.products["P-0"], w.products["P-2"], w.janeAddress)
	c := decodeAs[api.CartPriced](t, e.ecom(t, boHost, "POST", api.PathEcommerceCartPrice, cart, jane), 200)
	// 2.5 × 12.50 = 31.25; 3 × 3.00 = 9.00.
	if c.Subtotal != "40.25" || c.GrandTotal != "40.25" || c.ValidForMinutes != 30 || len(c.Items) != 2 || c.Items[0].LineTotal != "31.25" ||
		c.Items[1].UOM != "ft" || c.Currency != "USD" {
		t.Errorf("cart %+v", c)
	}
	if !c.FreightTaxEstimated || c.TaxRate != "0" || c.Discount != "0.00" || c.FreightEstimate != "0.00" {
		t.Errorf("estimate for jane's address (no rates in this tenant): %+v", c)
	}
	// A country and region instead of an address, express: estimated (at
	// zero here: the rule is TestEstimateFreightTax's, the amounts
	// TestCartFreightTax's).
	byCountry := fmt.Sprintf(`{"items":[{"product_id":%q,"quantity":3}],"shipping_method":"express","ship_country":"US","ship_region":"PA","promo_code":null}`,
		w.products["P-2"])
	if c := decodeAs[api.CartPriced](t, e.ecom(t, boHost, "POST", api.PathEcommerceCartPrice, byCountry, jane), 200); !c.FreightTaxEstimated || c.GrandTotal != "9.00" {
		t.Errorf("by country: %+v", c)
	}
	noShip := fmt.Sprintf(`{"items":[{"product_id":%q,"quantity":3}]}`, w.products["P-2"])
	if c := decodeAs[api.CartPriced](t, e.ecom(t, boHost, "POST", api.PathEcommerceCartPrice, noShip, jane), 200); c.FreightTaxEstimated {
		t.Errorf("no ship-to: %+v", c)
	}
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceCartPrice, cart, w.key), 401, "")
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceCartPrice, cart, other), 404, "") // jane's address
	for body, field := range map[string]string{
		`{"items":[]}`: "items",
		`{"items":[{"product_id":"` + w.products["P-0"] + `","quantity":0}]}`:                                 "items[0].quantity",
		`{"items":[{"product_id":"` + w.products["P-0"] + `","quantity":1},{"product_id":"x","quantity":1}]}`: "items[1].product_id",
		`{"items":[{"product_id":"` + w.products["P-3"] + `","quantity":1}]}`:                                 "items[0].product_id",
		`{"items":[{"product_id":"` + w.products["P-0"] + `","quantity":1,"uom":"ea"}]}`:                      "items[0].uom",
		`{"items":[{"product_id":"` + w.products["P-0"] + `","quantity":1,"processing":["cut"]}]}`:            "items[0].processing[0]",
		`{"items":[{"product_id":"` + w.products["P-0"] + `","quantity":"lots"}]}`:                            "items[0].quantity",
		`{"items":[{"product_id":"` + w.products["P-0"] + `","quantity":1}],"ship_country":"U1"}`:             "ship_country",
		`{"items":[{"product_id":"` + w.products["P-0"] + `","quantity":1}],"promo_code":"NOSUCHCODE"}`:       "promo_code",
	} {
		problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceCartPrice, body, jane), 400, field)
	}

	order := fmt.Sprintf(`{"customer_id":%q,"po_number":"PO-77","shipping_address_id":%q,"requested_ship_date":null,"special_instructions":"Call first",
		"line_items":[{"product_id":%q,"quantity":2.5,"uom":"lb","processing":[],"line_notes":"Deburr"}]}`, w.janeCustomer, w.janeAddress, w.products["P-0"])
	created := decodeAs[api.EcomOrderCreated](t, e.ecom(t, boHost, "POST", api.PathEcommerceOrders, order, jane), 201)
	if !strings.HasPrefix(created.OrderNumber, "SO-") || created.Status != "received" || created.EstimatedTotal != "31.25" ||
		!strings.HasSuffix(created.ConfirmationURL, "/portal/orders/"+created.OrderID) {
		t.Errorf("created %+v", created)
	}
	if ev := e.outbox(t, "acme"); !slices.ContainsFunc(ev, func(s string) bool {
		return strings.HasPrefix(s, "order.created ") && strings.Contains(s, `"source": "ecommerce"`) && strings.Contains(s, created.OrderID)
	}) {
		t.Errorf("no order.created from ecommerce in %v", ev)
	}
	// Other customer, other tenant, viewer role, wrong customer_id.
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceOrders, order, other), 404, "")
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceOrders, order, viewer), 403, "")
	problemHas(t, e.ecom(t, "globex.portal.test", "POST", api.PathEcommerceOrders, order, jane), 401, "")
	for body, field := range map[string]string{
		strings.Replace(order, w.janeAddress, w.otherAddress, 1):                                      "",
		strings.Replace(order, `"requested_ship_date":null`, `"requested_ship_date":"2020-01-01"`, 1): "requested_ship_date",
		strings.Replace(order, `"requested_ship_date":null`, `"requested_ship_date":"soon"`, 1):       "requested_ship_date",
		strings.Replace(order, `"quantity":2.5`, `"quantity":-2`, 1):                                  "line_items[0].quantity",
		strings.Replace(order, `"customer_id":"`, `"customer_id":"x`, 1):                              "customer_id",
	} {
		status := 400
		if field == "" {
			status = 404 // the other customer's address
		}
		problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceOrders, body, jane), status, field)
	}

	// An account that requires PO numbers gets no order without one.
	e.exec(t, "acme", `UPDATE customers SET po_required = true WHERE id = ?`, w.janeCustomer)
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceOrders, strings.Replace(order, `"po_number":"PO-77"`, `"po_number":null`, 1), jane), 400, "po_number")
	e.exec(t, "acme", `UPDATE customers SET po_required = false WHERE id = ?`, w.janeCustomer)

	detail := api.PathEcommerceOrders + "/" + created.OrderID
	d := decodeAs[api.EcomOrderDetail](t, e.ecom(t, boHost, "GET", detail, "", jane), 200)
	if d.Order.OrderNumber != created.OrderNumber || d.Order.PONumber != "PO-77" || len(d.LineItems) != 1 || d.LineItems[0].Quantity != "2.5" ||
		d.LineItems[0].ProcessingNotes != "Deburr" || d.Order.ShippingAddress == nil || d.Order.ShippingAddress.AddressID != w.janeAddress {
		t.Errorf("order detail %+v", d)
	}
	problemHas(t, e.ecom(t, boHost, "GET", detail, "", other), 404, "")
	problemHas(t, e.ecom(t, boHost, "GET", api.PathEcommerceOrders+"/"+uuid.NewString(), "", jane), 404, "")
	seeded, _ := seedOrder(t, e, "jane@acme-customer.example", "SO-2026-9000", "in_progress")
	l := decodeAs[api.EcomOrderList](t, e.ecom(t, boHost, "GET", api.PathEcommerceOrders, "", jane), 200)
	if l.Pagination.Total != 2 || l.Pagination.PageSize != 20 || len(l.Orders) != 2 {
		t.Errorf("orders %+v", l)
	}
	if st := decodeAs[api.EcomOrderDetail](t, e.ecom(t, boHost, "GET", api.PathEcommerceOrders+"/"+seeded, "", jane), 200); len(st.Shipments) != 1 {
		t.Errorf("seeded order's shipments: %+v", st.Shipments)
	}
	for q, n := range map[string]int{"?status=in_production": 1, "?status=received": 1, "?from_date=2000-01-01&to_date=2000-12-31": 0,
		"?page=2&page_size=1": 1, "?page_size=200": 2} {
		if l := decodeAs[api.EcomOrderList](t, e.ecom(t, boHost, "GET", api.PathEcommerceOrders+q, "", jane), 200); len(l.Orders) != n {
			t.Errorf("%s: %d orders", q, len(l.Orders))
		}
	}
	if l := decodeAs[api.EcomOrderList](t, e.ecom(t, boHost, "GET", api.PathEcommerceOrders, "", other), 200); l.Pagination.Total != 0 {
		t.Errorf("other customer sees %d orders", l.Pagination.Total)
	}
	for q, field := range map[string]string{"?status=lost": "status", "?from_date=12/01/2026": "from_date", "?page_size=201": "page_size",
		"?from_date=2026-12-02&to_date=2026-12-01": "to_date"} {
		problemHas(t, e.ecom(t, boHost, "GET", api.PathEcommerceOrders+q, "", jane), 400, field)
	}

	quote := fmt.Sprintf(`{"customer_id":%q,"needed_by_date":null,"special_instructions":null,"line_items":[
		{"product_id":%q,"product_description":"Plate 1/4 cut to 10x10","quantity":40,"uom":"ea","processing_requirements":"Saw cut"},
		{"product_id":null,"product_description":"Something custom","quantity":1,"uom":"lot","processing_requirements":null}]}`, w.janeCustomer, w.products["P-0"])
	q := decodeAs[api.EcomQuoteCreated](t, e.ecom(t, boHost, "POST", api.PathEcommerceQuotes, quote, jane), 201)
	if !strings.HasPrefix(q.QuoteNumber, "QT-") || q.Status != "submitted" || q.ExpectedResponseDate <= time.Now().UTC().Format(time.DateOnly) {
		t.Errorf("quote %+v", q)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM quote_lines WHERE quote_id = ?`, q.QuoteID); n != 2 {
		t.Errorf("%d quote lines", n)
	}
	if ev := e.outbox(t, "acme"); !slices.ContainsFunc(ev, func(s string) bool { return strings.HasPrefix(s, "quote.created ") }) {
		t.Errorf("no quote.created in %v", ev)
	}
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceQuotes, quote, other), 404, "")
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceQuotes, strings.Replace(quote, `"uom":"lot"`, `"uom":""`, 1), jane), 400, "line_items[1].uom")
	problemHas(t, e.ecom(t, boHost, "POST", api.PathEcommerceQuotes, `{"customer_id":"`+w.janeCustomer+`","line_items":[]}`, jane), 400, "line_items")

}

// TestEcommerceRateLimit: a burst of 150 requests against a 100/minute
// endpoint gets exactly 50 answers 429, with the rate-limit headers and
// Retry-After; another key and another endpoint have their own counts, and
// the next window starts afresh.
func TestEcommerceRateLimit(t *testing.T) {
	w := newEcomWorld(t)
	e := w.e
	// A fixed clock 10 s into a minute, so the burst cannot straddle two windows.
	base := time.Now().UTC().Truncate(time.Minute).Add(10 * time.Second)
	e.db.Now = func() time.Time { return base }
	var limited, ok int
	for i := range 150 {
		r := e.ecom(t, boHost, "GET", api.PathEcommerceProducts+"?page_size=1", "", w.key)
		switch r.Code {
		case 200:
			ok++
			if got := r.Header().Get("RateLimit-Remaining"); got != fmt.Sprint(99-i) {
				t.Fatalf("request %d: RateLimit-Remaining %q", i+1, got)
			}
		case 429:
			limited++
			p := decodeProblem(t, r, 429)
			if r.Header().Get("Retry-After") != "50" || r.Header().Get("RateLimit-Remaining") != "0" || r.Header().Get("RateLimit-Reset") != "50" ||
				p.Code != api.CodeRateLimited {
				t.Fatalf("429 headers %v, problem %+v", r.Header(), p)
			}
		default:
			t.Fatalf("request %d: %d %s", i+1, r.Code, r.Body)
		}
		if r.Header().Get("RateLimit-Limit") != "100" || r.Header().Get("RateLimit-Policy") != "100;w=60" {
			t.Fatalf("headers %v", r.Header())
		}
	}
	if ok != 100 || limited != 50 {
		t.Errorf("%d answered, %d limited; want 100 and 50", ok, limited)
	}
	// A customer token counts against the key that obtained it.
	tok := w.token(t, "jane@acme-customer.example")
	problemHas(t, e.ecom(t, boHost, "GET", api.PathEcommerceProducts, "", tok), 429, "")
	// Another endpoint (200/minute) and another key are not affected.
	if r := e.ecom(t, boHost, "GET", api.PathEcommerceProducts+"/"+w.products["P-0"], "", w.key); r.Code != 200 || r.Header().Get("RateLimit-Limit") != "200" {
		t.Errorf("detail: %d %v", r.Code, r.Header())
	}
	_, second := e.boKey(t, "acme", portal.ScopeEcommerce)
	if r := e.ecom(t, boHost, "GET", api.PathEcommerceProducts, "", second); r.Code != 200 || r.Header().Get("RateLimit-Remaining") != "99" {
		t.Errorf("second key: %d %v", r.Code, r.Header())
	}
	// The next window.
	e.db.Now = func() time.Time { return base.Add(time.Minute) }
	if r := e.ecom(t, boHost, "GET", api.PathEcommerceProducts, "", w.key); r.Code != 200 || r.Header().Get("RateLimit-Remaining") != "99" {
		t.Errorf("next window: %d %v", r.Code, r.Header())
	}
	// The count is one row per key and endpoint, shared by processes.
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM api_rate_counters`); n != 4 {
		t.Errorf("%d counter rows", n)
	}
}

// TestEcommerceRateLimitAcrossProcesses: two servers over the same
// database share one count: 150 requests spread over both, concurrently,
// still get exactly 50 answers 429.
func TestEcommerceRateLimitAcrossProcesses(t *testing.T) {
	w := newEcomWorld(t)
	base := time.Now().UTC().Truncate(time.Minute).Add(10 * time.Second)
	w.e.db.Now = func() time.Time { return base }
	second := newProcess(t, w.e, nil)
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for i := range 150 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			srv := w.e
			if i%2 == 1 {
				srv = second
			}
			r := srv.request("GET", boHost, api.PathEcommerceProducts+"?page_size=1", "", nil, map[string]string{"Authorization": "Bearer " + w.key})
			mu.Lock()
			codes[r.Code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[200] != 100 || codes[429] != 50 {
		t.Errorf("answers %v, want 100×200 and 50×429", codes)
	}
}

// newProcess is a second server over the same database (its own pool),
// as another server process would be, with docs as its document store.
func newProcess(t *testing.T, e *env, docs func(*postgres.DB) *postgres.DocumentStore) *env {
	t.Helper()
	db := e.pg.OpenApp(t, postgres.Options{})
	db.Now = e.db.Now
	authz, err := policies.New()
	if err != nil {
		t.Fatal(err)
	}
	var store *postgres.DocumentStore
	if docs != nil {
		store = docs(db)
	}
	srv := porthttp.NewServer(&porthttp.Server{Tenants: db, BaseDomain: "portal.test", Authz: authz, Logger: slog.New(slog.NewJSONHandler(e.logs, nil)),
		APIKeys: postgres.NewAPIKeyService(db), Ecommerce: postgres.NewEcommerceService(db, store), RateLimiter: postgres.NewRateLimiter(db)})
	return &env{srv: srv, logs: e.logs, db: db, owner: e.owner, pg: e.pg}
}

// testEcomDocuments: a customer token downloads its customer's document
// from MinIO, listed on its order; another customer's is 404.
func testEcomDocuments(t *testing.T) {
	w := newEcomWorld(t)
	endpoint := os.Getenv("PORTAL_S3_ENDPOINT")
	if endpoint == "" {
		pgtest.Unavailable(t, "MinIO: PORTAL_S3_ENDPOINT is not set")
	}
	objects, err := minio.New(minio.Config{Endpoint: endpoint, AccessKey: os.Getenv("PORTAL_S3_ACCESS_KEY"), SecretKey: os.Getenv("PORTAL_S3_SECRET_KEY"),
		Region: "us-east-1", Bucket: "ecom-" + strconv.FormatInt(time.Now().UnixNano(), 36)})
	if err != nil {
		t.Fatal(err)
	}
	if err := objects.EnsureBucket(context.Background()); err != nil {
		pgtest.Unavailable(t, "MinIO at %s: %v", endpoint, err)
	}
	var docs *postgres.DocumentStore
	p := newProcess(t, w.e, func(db *postgres.DB) *postgres.DocumentStore {
		docs = postgres.NewDocumentStore(db, objects)
		return docs
	})
	orderID, _ := seedOrder(t, w.e, "jane@acme-customer.example", "SO-2026-7000", "shipped")
	tn, _ := w.e.owner.FindTenantBySlug(context.Background(), "acme")
	pdf := "%PDF-1.4\n% e-commerce test\n%%EOF\n"
	d, err := docs.Create(context.Background(), tn.ID, portal.NewDocument{CustomerID: w.janeCustomer, Type: "order_confirmation",
		Name: "SO-2026-7000.pdf", OrderID: orderID, ContentType: "application/pdf"}, strings.NewReader(pdf), int64(len(pdf)))
	if err != nil {
		t.Fatal(err)
	}
	jane := w.token(t, "jane@acme-customer.example")
	other := w.token(t, "other@elsewhere.example")
	od := decodeAs[api.EcomOrderDetail](t, p.ecom(t, boHost, "GET", api.PathEcommerceOrders+"/"+orderID, "", jane), 200)
	if len(od.Documents) != 1 || od.Documents[0].DownloadURL != api.PathEcommerceDocuments+"/"+d.ID {
		t.Fatalf("order documents %+v", od.Documents)
	}
	r := p.ecom(t, boHost, "GET", od.Documents[0].DownloadURL, "", jane)
	if r.Code != 200 || r.Body.String() != pdf || r.Header().Get("Content-Type") != "application/pdf" ||
		!strings.Contains(r.Header().Get("Content-Disposition"), "SO-2026-7000.pdf") {
		t.Fatalf("download: %d %v %q", r.Code, r.Header(), r.Body)
	}
	if n := w.e.ownerInt(t, "acme", `SELECT count(*) FROM document_downloads WHERE document_id = ?`, d.ID); n != 1 {
		t.Errorf("%d downloads recorded", n)
	}
	problemHas(t, p.ecom(t, boHost, "GET", od.Documents[0].DownloadURL, "", other), 404, "")
	problemHas(t, p.ecom(t, boHost, "GET", api.PathEcommerceDocuments+"/"+uuid.NewString(), "", jane), 404, "")
	problemHas(t, p.ecom(t, boHost, "GET", od.Documents[0].DownloadURL, "", w.key), 401, "")
}
