//go:build !js || !wasm

package apiclient

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"example.com/portal/backend/api"
)

func TestOrdersSendsQueryAndOrderNotFound(t *testing.T) {
	var gotQuery string
	c := newServer(t, map[string]http.HandlerFunc{
		"GET " + api.PathOrders: func(w http.ResponseWriter, r *http.Request) {
			gotQuery = r.URL.RawQuery
			writeJSON(w, 200, "application/json", `{"orders":[{"id":"o1","order_number":"SO-1","status":{"code":"shipped","label":"Shipped"},"total":{"amount":1250,"currency":"USD"}}],"total":1,"page":1,"page_size":20,"total_pages":1}`)
		},
		"GET " + api.PathOrders + "/{id}": func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, 404, "application/problem+json", `{"code":"not_found","title":"Not found"}`)
		},
	})
	q := url.Values{"q": {"PO 7/A"}, "status": {"shipped,delivered"}}
	list, err := c.Orders(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	if gotQuery != q.Encode() {
		t.Errorf("query sent = %q, want %q", gotQuery, q.Encode())
	}
	if len(list.Orders) != 1 || list.Orders[0].Total.Amount != 1250 || list.Orders[0].Status.Label != "Shipped" {
		t.Errorf("list = %+v", list)
	}
	if _, err := c.Order(context.Background(), "missing"); ErrorCode(err) != api.CodeNotFound {
		t.Errorf("Order(missing) error = %v, want not found", err)
	}
}
