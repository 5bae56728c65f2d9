package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/browsertest"
)

// TestBrowserIntegrations walks the staff screen of API keys and webhooks
// as the demo tenant's admin: a back-office key made on the screen shows
// its secret once, works against the back-office API, and stops working
// when revoked there; a webhook endpoint added on the screen receives the
// "Send test" event signed with the secret the screen showed.
func TestBrowserIntegrations(t *testing.T) {
	env, d := portalEnv(t)
	env["PORTAL_WEB_DIR"] = webDir(t)
	env["PORTAL_WEBHOOK_ALLOW_LOOPBACK"] = "true"
	ctx := browsertest.New(t)
	port, _ := mustRunMain(t, env)
	origin := fmt.Sprintf("http://acme-metals.localhost:%s", port)
	b := browserSteps{t, ctx}

	// The receiver refuses the first order.shipped it gets (500), so the
	// delivery log has a failure to send again, and answers the third
	// 410 Gone, so the portal turns the endpoint off.
	var mu sync.Mutex
	var received []*http.Request
	var bodies [][]byte
	shipped := 0
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Webhook-Event") == "order.shipped" {
			switch shipped++; shipped {
			case 1:
				w.WriteHeader(http.StatusInternalServerError)
			case 3:
				w.WriteHeader(http.StatusGone)
			}
			return
		}
		received, bodies = append(received, r), append(bodies, body)
	}))
	t.Cleanup(receiver.Close)

	b.step("admin opens integrations", 90*time.Second,
		browsertest.Emulate(browsertest.Phone),
		chromedp.Navigate(origin+"/portal/login"),
		chromedp.WaitEnabled(chromedp.CSS("#signin-submit")),
		browsertest.Fill("#email", "admin@acme-metals.example.com"),
		browsertest.Fill("#password", "Portal-Demo-2026!"),
		browsertest.Submit("#signin"),
		chromedp.WaitVisible(chromedp.CSS("#signout")),
		chromedp.Navigate(origin+"/portal/staff/integrations"),
		chromedp.WaitVisible(chromedp.CSS("#api-key-form")),
		chromedp.WaitVisible(chromedp.CSS("#webhook-form")),
	)

	// A key without a scope is named under the scopes; then one is made.
	b.step("key without scope", 30*time.Second,
		browsertest.Fill("#api-key-name", "ERP sync"),
		browsertest.Submit("#api-key-form"),
		chromedp.WaitVisible(chromedp.CSS("#api-key-scopes-error")),
	)
	b.step("create key", 30*time.Second,
		chromedp.Click(chromedp.CSS("#api-key-scopes-backoffice")),
		browsertest.Submit("#api-key-form"),
		chromedp.WaitVisible(chromedp.CSS("#secret-once-value")),
		chromedp.WaitVisible(chromedp.CSS(`#api-keys-list li[data-status="active"]`)),
	)
	browsertest.Screenshot(t, ctx, "api-key-secret")
	key, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#secret-once-value").value`))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, "pk_bo_") {
		t.Fatalf("the shown key %q is not a back-office key", key)
	}
	if list := b.text("#api-keys-list"); strings.Contains(list, key) || !strings.Contains(list, strings.SplitN(key, ".", 2)[0]) {
		t.Errorf("the list shows the secret, or not the prefix: %q", list)
	}
	backOffice := func() int {
		t.Helper()
		// Go does not resolve *.localhost: the loopback address, with
		// the tenant's host in the Host header.
		req, _ := http.NewRequest("PUT", "http://127.0.0.1:"+port+"/api/v1/backoffice/locations", strings.NewReader("[]"))
		req.Host = "acme-metals.localhost:" + port
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("Content-Type", "application/json")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if code := backOffice(); code != http.StatusOK {
		t.Fatalf("the new key: back-office API answered %d, want 200", code)
	}
	b.step("dismiss secret", 10*time.Second,
		chromedp.Click(chromedp.CSS("#secret-once-done")),
		browsertest.Until(`document.querySelector("#secret-once") === null`),
	)
	b.step("revoke key", 30*time.Second,
		browsertest.Until(`(window.confirm = () => true) !== null`),
		chromedp.Click(chromedp.CSS(`#api-keys-list button[id^="key-revoke-"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#api-keys-list li[data-status="revoked"]`)),
	)
	if code := backOffice(); code != http.StatusUnauthorized {
		t.Errorf("the revoked key: back-office API answered %d, want 401", code)
	}

	b.step("add endpoint", 30*time.Second,
		browsertest.Fill("#webhook-url", receiver.URL+"/hooks"),
		browsertest.Fill("#webhook-description", "Storefront"),
		chromedp.Click(chromedp.CSS("#webhook-events-order\\.shipped")),
		browsertest.Submit("#webhook-form"),
		chromedp.WaitVisible(chromedp.CSS("#secret-once-value")),
		chromedp.WaitVisible(chromedp.CSS(`#webhooks-list li[data-enabled="true"]`)),
	)
	secret, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#secret-once-value").value`))
	if err != nil {
		t.Fatal(err)
	}
	b.step("send test", 30*time.Second,
		chromedp.Click(chromedp.CSS(`#webhooks-list button[id^="hook-test-"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#webhooks-list p[id^="hook-test-result-"]`)),
	)
	browsertest.Screenshot(t, ctx, "webhook-tested")
	if s := b.text(`#webhooks-list p[id^="hook-test-result-"]`); !strings.HasPrefix(s, "Test delivered: HTTP 200") {
		t.Errorf("test result reads %q", s)
	}
	mu.Lock()
	if len(received) != 1 {
		t.Fatalf("the receiver got %d requests, want 1", len(received))
	}
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatalf("the shown secret %q: %v", secret, err)
	}
	if err := wh.Verify(bodies[0], received[0].Header); err != nil {
		t.Errorf("the test event does not verify with the shown secret: %v", err)
	}
	if !bytes.Contains(bodies[0], []byte("webhook.test")) {
		t.Errorf("test event body: %s", bodies[0])
	}
	mu.Unlock()

	// A business event reaches the endpoint through the outbox; its first
	// attempt fails, and "Send again" in the delivery log delivers it.
	owner := d.OpenOwner(t)
	tn, err := owner.FindTenantBySlug(context.Background(), "acme-metals")
	if err != nil {
		t.Fatal(err)
	}
	err = owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO outbox_events (tenant_id, id, event_type, subject_id, payload, occurred_at)
			VALUES (?, gen_random_uuid(), 'order.shipped', gen_random_uuid(), '{"order_number":"SO-TEST"}', now())`, tn.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	attempts := func() int {
		mu.Lock()
		defer mu.Unlock()
		return shipped
	}
	waitAttempts := func(n int) {
		t.Helper()
		for deadline := time.Now().Add(30 * time.Second); attempts() < n; time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the receiver got %d order.shipped attempts, want %d", attempts(), n)
			}
		}
	}
	waitAttempts(1)
	b.step("failed delivery listed", 30*time.Second,
		chromedp.Click(chromedp.CSS(`#webhooks-list button[id^="hook-deliveries-"]`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-succeeded="false"] button[id^="delivery-replay-"]`)),
	)
	if s := b.text(`tr[data-succeeded="false"]`); !strings.Contains(s, "order.shipped") || !strings.Contains(s, "HTTP 500") {
		t.Errorf("failed delivery row reads %q", s)
	}
	b.step("send again", 30*time.Second,
		chromedp.Click(chromedp.CSS(`tr[data-succeeded="false"] button[id^="delivery-replay-"]`)),
		chromedp.WaitVisible(chromedp.CSS("#replay-queued")),
	)
	waitAttempts(2)
	// The log shows the delivered attempt once reopened.
	b.step("delivered listed", 30*time.Second,
		chromedp.Click(chromedp.CSS(`#webhooks-list button[id^="hook-deliveries-"]`)),
		chromedp.Click(chromedp.CSS(`#webhooks-list button[id^="hook-deliveries-"]`)),
		chromedp.WaitVisible(chromedp.CSS(`tr[data-succeeded="true"]`)),
	)
	browsertest.Screenshot(t, ctx, "webhook-deliveries")

	// The next event meets 410 Gone: the portal turns the endpoint off,
	// and the screen says so.
	err = owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO outbox_events (tenant_id, id, event_type, subject_id, payload, occurred_at)
			VALUES (?, gen_random_uuid(), 'order.shipped', gen_random_uuid(), '{"order_number":"SO-GONE"}', now())`, tn.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	waitAttempts(3)
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var off bool
		if err := owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT count(*) = 1 FROM webhook_endpoints WHERE NOT enabled AND disabled_reason LIKE '%410%'`).Scan(&off)
		}); err != nil {
			t.Fatal(err)
		}
		if off {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the endpoint answering 410 is still on")
		}
	}
	b.step("turned off noticed", 30*time.Second,
		chromedp.Navigate(origin+"/portal/staff/integrations"),
		chromedp.WaitVisible(chromedp.CSS("#webhooks-turned-off")),
		chromedp.WaitVisible(chromedp.CSS(`#webhooks-list li[data-enabled="false"]`)),
	)
	browsertest.Screenshot(t, ctx, "webhook-turned-off")
	if s := b.text("#webhooks-turned-off"); !strings.Contains(s, receiver.URL+"/hooks") {
		t.Errorf("the notice reads %q", s)
	}
	if s := b.text(`#webhooks-list li[data-enabled="false"] .card__status`); s != "disabled: The receiver answered 410 Gone." {
		t.Errorf("the endpoint's status reads %q", s)
	}
}
