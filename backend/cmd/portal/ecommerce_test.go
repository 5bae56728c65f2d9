package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"example.com/portal/backend/api"
)

// TestServeEcommerceAPI: `portal serve` wires the e-commerce API: the
// OpenAPI document, the catalog of a demo tenant with a key printed by
// `portal tenants api-key create -scope ecommerce`, a customer token for a
// demo user, and the rate-limit headers from the shared counter.
func TestServeEcommerceAPI(t *testing.T) {
	env, _ := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	port, _ := mustRunMain(t, env)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"tenants", "api-key", "create", "-tenant", "acme-metals", "-name", "Storefront", "-scope", "ecommerce"},
		env.get, &out, &out); err != nil {
		t.Fatalf("api-key create: %v\n%s", err, &out)
	}
	key := regexp.MustCompile(`(?m)^pk_ec_[A-Za-z0-9]{8}\.[A-Za-z0-9]{49}$`).FindString(out.String())
	if key == "" {
		t.Fatalf("no key in:\n%s", &out)
	}
	call := func(method, path, body, bearer string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, "http://127.0.0.1:"+port+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Host = "acme-metals.localhost"
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, b
	}
	if resp, b := call("GET", api.PathOpenAPI, "", ""); resp.StatusCode != 200 || !bytes.Contains(b, []byte(`"openapi": "3.1.0"`)) {
		t.Fatalf("openapi: %d %.200s", resp.StatusCode, b)
	}
	resp, b := call("GET", api.PathEcommerceProducts+"?page_size=5", "", key)
	var list api.EcomProductList
	if err := json.Unmarshal(b, &list); resp.StatusCode != 200 || err != nil || len(list.Products) == 0 || list.Pagination.PageSize != 5 {
		t.Fatalf("products: %d %v %.300s", resp.StatusCode, err, b)
	}
	if resp.Header.Get("RateLimit-Limit") != "100" || resp.Header.Get("RateLimit-Remaining") != "99" {
		t.Errorf("rate-limit headers %v", resp.Header)
	}
	resp, b = call("POST", api.PathEcommerceCustomerTokens, `{"email":"buyer@lakeshore-fab.example.com"}`, key)
	var tok api.CustomerTokenIssued
	if err := json.Unmarshal(b, &tok); resp.StatusCode != 201 || err != nil {
		t.Fatalf("customer token: %d %s", resp.StatusCode, b)
	}
	resp, b = call("GET", api.PathEcommerceOrders, "", tok.AccessToken)
	var orders api.EcomOrderList
	if err := json.Unmarshal(b, &orders); resp.StatusCode != 200 || err != nil || orders.Pagination.Total == 0 {
		t.Errorf("orders of the demo buyer: %d %.300s", resp.StatusCode, b)
	}
	if resp, _ := call("GET", api.PathEcommerceCustomers+"/"+tok.CustomerID, "", tok.AccessToken); resp.StatusCode != 200 {
		t.Errorf("customer: %d", resp.StatusCode)
	}
	// The key works only at its own tenant's host.
	req, _ := http.NewRequest("GET", "http://127.0.0.1:"+port+api.PathEcommerceProducts, nil)
	req.Host = "northwind-steel.localhost"
	req.Header.Set("Authorization", "Bearer "+key)
	if r, err := http.DefaultClient.Do(req); err != nil || r.StatusCode != 401 {
		t.Errorf("key at another tenant: %v %v", r, err)
	} else {
		r.Body.Close()
	}
}
