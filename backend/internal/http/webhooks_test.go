package http_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/webhook"
)

// receiver records the deliveries it gets and answers status.
type receiver struct {
	mu     sync.Mutex
	got    []http.Header
	bodies [][]byte
	status int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.got, rc.bodies = append(rc.got, r.Header.Clone()), append(rc.bodies, b)
	status := rc.status
	rc.mu.Unlock()
	w.WriteHeader(status)
}

func (rc *receiver) last() (http.Header, []byte) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.got[len(rc.got)-1], rc.bodies[len(rc.bodies)-1]
}

func TestWebhookManagement(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	seedUser(t, e.owner, "acme", "alex@acme.example", "Alex Admin", "tenant_admin")
	seedUser(t, e.owner, "acme", "sam@acme.example", "Sam Rep", "sales_rep")
	signIn := func(email string) []*http.Cookie {
		t.Helper()
		w := e.request("POST", host, api.PathSession, `{"email":"`+email+`","password":"`+testPassword+`"}`, nil, nil)
		if w.Code != 200 {
			t.Fatalf("sign in %s: %d %s", email, w.Code, w.Body)
		}
		return w.Result().Cookies()
	}
	alex := signIn("alex@acme.example")
	rc := &receiver{status: 200}
	srv := httptest.NewServer(rc)
	defer srv.Close()

	w := e.request("POST", host, api.PathWebhooks, `{"url":"`+srv.URL+`/hooks","events":["order.shipped","order.created"],"description":"Storefront"}`, alex, nil)
	var created api.WebhookCreated
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &created) != nil || !strings.HasPrefix(created.Secret, "whsec_") ||
		!created.Enabled || len(created.Events) != 2 {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	for _, b := range []string{`{"url":"ftp://x.example/","events":["order.created"]}`, `{"url":"https://u:p@x.example/","events":["order.created"]}`,
		`{"url":"https://x.example/","events":["order.exploded"]}`, `{"url":"https://x.example/"}`, `{"events":["order.created"]}`} {
		if w := e.request("POST", host, api.PathWebhooks, b, alex, nil); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"field"`) {
			t.Errorf("%s: %d %s", b, w.Code, w.Body)
		}
	}

	// The test delivery is signed with the endpoint's secret; an
	// independent check (the Standard Webhooks verifier in Verify) accepts it.
	test := func() api.WebhookTestResult {
		t.Helper()
		w := e.request("POST", host, api.PathWebhooks+"/"+created.ID+"/test", "", alex, nil)
		var res api.WebhookTestResult
		if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &res) != nil {
			t.Fatalf("test: %d %s", w.Code, w.Body)
		}
		return res
	}
	if res := test(); !res.Delivered || res.StatusCode != 200 {
		t.Fatalf("test delivery: %+v", res)
	}
	h, body := rc.last()
	if err := webhook.Verify(h, body, created.Secret, time.Now()); err != nil || h.Get("X-Webhook-Event") != "webhook.test" {
		t.Errorf("delivery does not verify: %v (event %q)", err, h.Get("X-Webhook-Event"))
	}

	// Rotation: both secrets sign for the grace period.
	w = e.request("PUT", host, api.PathWebhooks+"/"+created.ID, `{"rotate_secret":true}`, alex, nil)
	var rotated api.WebhookCreated
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &rotated) != nil || rotated.Secret == "" || rotated.Secret == created.Secret ||
		rotated.PreviousSecretExpiresAt == nil || rotated.URL != created.URL {
		t.Fatalf("rotate: %d %s", w.Code, w.Body)
	}
	test()
	h, body = rc.last()
	for _, s := range []string{created.Secret, rotated.Secret} {
		if err := webhook.Verify(h, body, s, time.Now()); err != nil {
			t.Errorf("after rotation, secret %s…: %v", s[:10], err)
		}
	}

	// A receiver answering 3xx or 5xx: not delivered, and said so.
	rc.mu.Lock()
	rc.status = http.StatusFound
	rc.mu.Unlock()
	if res := test(); res.Delivered || res.StatusCode != http.StatusFound || res.Error == "" {
		t.Errorf("3xx: %+v", res)
	}

	// Update, list (never a secret), delete.
	w = e.request("PUT", host, api.PathWebhooks+"/"+created.ID, `{"enabled":false,"events":["price.changed"]}`, alex, nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), `"enabled":false`) || strings.Contains(w.Body.String(), "whsec_") {
		t.Errorf("update: %d %s", w.Code, w.Body)
	}
	w = e.request("GET", host, api.PathWebhooks, "", alex, nil)
	if w.Code != 200 || strings.Contains(w.Body.String(), "whsec_") || !strings.Contains(w.Body.String(), "price.changed") {
		t.Errorf("list: %d %s", w.Code, w.Body)
	}
	if w := e.request("DELETE", host, api.PathWebhooks+"/"+created.ID, "", alex, nil); w.Code != http.StatusNoContent {
		t.Errorf("delete: %d", w.Code)
	}
	if w := e.request("POST", host, api.PathWebhooks+"/"+created.ID+"/test", "", alex, nil); w.Code != http.StatusNotFound {
		t.Errorf("test of a deleted endpoint: %d", w.Code)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM audit_events WHERE kind LIKE 'webhook_%'`); n != 4 {
		t.Errorf("%d webhook audit events, want created, 2 updated, deleted", n)
	}
	if strings.Contains(e.logs.String(), rotated.Secret) {
		t.Error("a webhook secret is in the log")
	}

	// A sales rep may not manage webhooks.
	if w := e.request("GET", host, api.PathWebhooks, "", signIn("sam@acme.example"), nil); w.Code != http.StatusForbidden {
		t.Errorf("sales rep: %d", w.Code)
	}
}

// With the default guard, a receiver on loopback is refused at dial time
// and the admin is told why.
func TestWebhookTestRefusesLoopbackByDefault(t *testing.T) {
	e := newEnv(t, nil)
	e.srv.WebhookClient = nil // the production default: no loopback
	const host = "acme.portal.test"
	seedUser(t, e.owner, "acme", "alex@acme.example", "Alex Admin", "tenant_admin")
	w := e.request("POST", host, api.PathSession, `{"email":"alex@acme.example","password":"`+testPassword+`"}`, nil, nil)
	alex := w.Result().Cookies()
	rc := &receiver{status: 200}
	srv := httptest.NewServer(rc)
	defer srv.Close()
	w = e.request("POST", host, api.PathWebhooks, `{"url":"`+srv.URL+`","events":["order.created"]}`, alex, nil)
	var created api.WebhookCreated
	if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &created) != nil {
		t.Fatalf("create: %d %s", w.Code, w.Body)
	}
	w = e.request("POST", host, api.PathWebhooks+"/"+created.ID+"/test", "", alex, nil)
	var res api.WebhookTestResult
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &res) != nil || res.Delivered || !strings.Contains(res.Error, "does not deliver to") {
		t.Errorf("test to loopback: %d %s", w.Code, w.Body)
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if len(rc.got) != 0 {
		t.Errorf("the loopback receiver got %d requests", len(rc.got))
	}
}
