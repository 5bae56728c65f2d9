package http_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"example.com/portal/backend/api"
)

func TestAPIKeyManagement(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	seedUser(t, e.owner, "acme", "alex@acme.example", "Alex Admin", "tenant_admin")
	seedUser(t, e.owner, "acme", "sam@acme.example", "Sam Rep", "sales_rep")
	seedUser(t, e.owner, "acme", "carla@customer.example", "Carla Admin", "admin")
	signIn := func(email string) []*http.Cookie {
		t.Helper()
		w := e.request("POST", host, api.PathSession, `{"email":"`+email+`","password":"`+testPassword+`"}`, nil, nil)
		if w.Code != 200 {
			t.Fatalf("sign in %s: %d %s", email, w.Code, w.Body)
		}
		return w.Result().Cookies()
	}
	alex := signIn("alex@acme.example")
	// The key works on the back-office API: an empty batch is fine.
	works := func(key string) bool {
		t.Helper()
		w := e.bo("PUT", host, api.PathBackOfficeLocations, `[]`, key)
		if w.Code != 200 && w.Code != 401 {
			t.Fatalf("back-office call: %d %s", w.Code, w.Body)
		}
		return w.Code == 200
	}
	create := func(body string) (int, api.APIKeyCreated) {
		t.Helper()
		w := e.request("POST", host, api.PathAPIKeys, body, alex, nil)
		var out api.APIKeyCreated
		if w.Code == http.StatusCreated {
			if err := json.Unmarshal(w.Body.Bytes(), &out); err != nil {
				t.Fatal(err)
			}
			if w.Header().Get("Cache-Control") != "no-store" {
				t.Error("a new key's answer may be cached")
			}
		}
		return w.Code, out
	}

	code, k := create(`{"name":"ERP sync","scopes":["backoffice"]}`)
	if code != http.StatusCreated || !strings.HasPrefix(k.Key, k.Prefix+".") || k.Name != "ERP sync" || !works(k.Key) {
		t.Fatalf("create: %d %+v", code, k)
	}
	for _, b := range []string{`{"name":"","scopes":["backoffice"]}`, `{"name":"x","scopes":["everything"]}`, `{"name":"x","scopes":[]}`} {
		w := e.request("POST", host, api.PathAPIKeys, b, alex, nil)
		if w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"field"`) {
			t.Errorf("%s: %d %s", b, w.Code, w.Body)
		}
	}

	// Lists never show the secret.
	w := e.request("GET", host, api.PathAPIKeys, "", alex, nil)
	var list api.APIKeyList
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &list) != nil || len(list.Keys) != 1 || list.Keys[0].LastUsedAt == nil {
		t.Fatalf("list: %d %s", w.Code, w.Body)
	}
	if strings.Contains(w.Body.String(), k.Key[len(k.Prefix)+1:]) {
		t.Error("the list shows the secret")
	}

	// Rotation: a new key at once, the old one for 24 more hours.
	w = e.request("POST", host, api.PathAPIKeys+"/"+k.ID+"/rotation", "", alex, nil)
	var rotated api.APIKeyCreated
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &rotated) != nil || rotated.Key == k.Key || rotated.Name != "ERP sync" {
		t.Fatalf("rotate: %d %s", w.Code, w.Body)
	}
	if !works(k.Key) || !works(rotated.Key) {
		t.Error("during the grace period both keys must work")
	}
	if w := e.request("POST", host, api.PathAPIKeys+"/"+k.ID+"/rotation", "", alex, nil); w.Code != http.StatusNotFound {
		t.Errorf("rotating a rotated key: %d", w.Code)
	}
	now := time.Now()
	e.db.Now = func() time.Time { return now.Add(24*time.Hour + time.Minute) }
	if works(k.Key) || !works(rotated.Key) {
		t.Error("after the grace period only the new key works")
	}
	e.db.Now = time.Now

	// Revoke: at once.
	if w := e.request("DELETE", host, api.PathAPIKeys+"/"+rotated.ID, "", alex, nil); w.Code != http.StatusNoContent {
		t.Fatalf("revoke: %d %s", w.Code, w.Body)
	}
	if works(rotated.Key) {
		t.Error("a revoked key works")
	}
	if w := e.request("DELETE", host, api.PathAPIKeys+"/"+rotated.ID, "", alex, nil); w.Code != http.StatusNotFound {
		t.Errorf("revoking twice: %d", w.Code)
	}

	// Every change is in the audit log, never with a secret.
	for _, kind := range []string{"api_key_created", "api_key_rotated", "api_key_revoked"} {
		if n := e.ownerInt(t, "acme", `SELECT count(*) FROM audit_events WHERE kind = ? AND detail::text NOT LIKE '%'||?||'%'`,
			kind, rotated.Key[len(rotated.Prefix)+1:]); n != 1 {
			t.Errorf("audit log: %d %s events without the secret, want 1", n, kind)
		}
	}
	if strings.Contains(e.logs.String(), rotated.Key) {
		t.Error("a key's secret is in the audit or server log")
	}

	// Only the tenant's admins manage keys.
	for _, email := range []string{"sam@acme.example", "carla@customer.example"} {
		c := signIn(email)
		if w := e.request("GET", host, api.PathAPIKeys, "", c, nil); w.Code != http.StatusForbidden {
			t.Errorf("%s lists keys: %d", email, w.Code)
		}
		if w := e.request("POST", host, api.PathAPIKeys, `{"name":"x","scopes":["ecommerce"]}`, c, nil); w.Code != http.StatusForbidden {
			t.Errorf("%s creates a key: %d", email, w.Code)
		}
	}
}
