package http_test

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/backend/internal/webhook"
)

// flakyReceiver answers each request with the next status of its script
// (then its last one) and keeps what it got.
type flakyReceiver struct {
	mu     sync.Mutex
	script []int
	got    []http.Header
	bodies [][]byte
}

func (f *flakyReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	b := make([]byte, r.ContentLength)
	_, _ = r.Body.Read(b)
	f.got, f.bodies = append(f.got, r.Header.Clone()), append(f.bodies, b)
	status := f.script[min(len(f.got)-1, len(f.script)-1)]
	w.WriteHeader(status)
}

func (f *flakyReceiver) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.got)
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Outbox events reach the endpoints that subscribe to them through the
// job queue: a failed attempt is logged and retried on the spec's schedule
// with the same event id, a 410 turns the endpoint off.
func TestWebhookDelivery(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	seedUser(t, e.owner, "acme", "alex@acme.example", "Alex Admin", "tenant_admin")
	w := e.request("POST", host, api.PathSession, `{"email":"alex@acme.example","password":"`+testPassword+`"}`, nil, nil)
	alex := w.Result().Cookies()
	down := &flakyReceiver{script: []int{503, 200}}
	gone := &flakyReceiver{script: []int{410}}
	srvDown, srvGone := httptest.NewServer(down), httptest.NewServer(gone)
	defer srvDown.Close()
	defer srvGone.Close()
	endpoint := func(url, events string) api.WebhookCreated {
		t.Helper()
		w := e.request("POST", host, api.PathWebhooks, `{"url":"`+url+`","events":[`+events+`]}`, alex, nil)
		var c api.WebhookCreated
		if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &c) != nil {
			t.Fatalf("create endpoint: %d %s", w.Code, w.Body)
		}
		return c
	}
	shipped := endpoint(srvDown.URL, `"order.shipped"`)
	priced := endpoint(srvGone.URL, `"price.changed"`)

	tn, _ := e.owner.FindTenantBySlug(context.Background(), "acme")
	event := func(typ string) string {
		t.Helper()
		id := uuid.NewString()
		if err := e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO outbox_events (tenant_id, id, event_type, subject_id, payload, occurred_at)
				VALUES (?, ?, ?, ?, '{"order_number":"SO-1"}', now())`, tn.ID, id, typ, uuid.NewString())
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	shippedEvent := event("order.shipped")
	event("order.created") // nobody subscribes

	hooks := postgres.NewWebhookService(e.db)
	d, err := postgres.NewDeliverer(e.db, hooks, postgres.DeliveryConfig{Client: webhook.Guard{AllowLoopback: true}.Client(5 * time.Second), Workers: 4, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := d.Dispatch(context.Background()); err != nil || n != 1 {
		t.Fatalf("dispatch: %d, %v; want 1 job", n, err)
	}
	if n, err := d.Dispatch(context.Background()); err != nil || n != 0 {
		t.Fatalf("second dispatch: %d, %v; want nothing again", n, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = d.Stop(sctx)
	}()

	// The first attempt fails (503): logged, and scheduled 30 s later.
	waitFor(t, "the first attempt", func() bool { return down.count() == 1 })
	var jobID int64
	var delay float64
	waitFor(t, "the retry to be scheduled", func() bool {
		err := e.owner.Pool.QueryRow(context.Background(), `SELECT id, extract(epoch FROM scheduled_at - now())
			FROM river_job WHERE kind = 'webhook_delivery' AND state = 'retryable'`).Scan(&jobID, &delay)
		return err == nil
	})
	if delay < 20 || delay > 31 {
		t.Errorf("retry in %.0f s, want 30", delay)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM webhook_deliveries WHERE NOT succeeded AND status_code = 503 AND attempt = 1`); n != 1 {
		t.Errorf("%d failed attempts logged", n)
	}
	// Time passes (the queue is told to retry now): delivered, with the
	// same event id, signed with the endpoint's secret.
	if err := d.RetryNow(context.Background(), jobID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the retry", func() bool { return down.count() == 2 })
	waitFor(t, "the success to be logged", func() bool {
		return e.ownerInt(t, "acme", `SELECT count(*) FROM webhook_deliveries WHERE succeeded AND attempt = 2`) == 1
	})
	down.mu.Lock()
	first, second, body := down.got[0], down.got[1], down.bodies[1]
	down.mu.Unlock()
	if first.Get("X-Webhook-Id") != shippedEvent || second.Get("X-Webhook-Id") != shippedEvent || second.Get("X-Webhook-Event") != "order.shipped" {
		t.Errorf("ids %q and %q, want the event's %s", first.Get("X-Webhook-Id"), second.Get("X-Webhook-Id"), shippedEvent)
	}
	if err := webhook.Verify(second, body, shipped.Secret, time.Now()); err != nil || !strings.Contains(string(body), `"order_number":"SO-1"`) {
		t.Errorf("delivery: %v %s", err, body)
	}

	// The log, newest first; replaying the failed attempt and a time range
	// sends the event again with its own id.
	w = e.request("GET", host, api.PathWebhooks+"/"+shipped.ID+"/deliveries", "", alex, nil)
	var log api.WebhookDeliveryList
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &log) != nil || len(log.Deliveries) != 2 || !log.Deliveries[0].Succeeded ||
		log.Deliveries[1].StatusCode != 503 || log.Deliveries[1].EventID != shippedEvent {
		t.Fatalf("delivery log: %d %s", w.Code, w.Body)
	}
	if w := e.request("POST", host, api.PathWebhooks+"/"+shipped.ID+"/deliveries/"+log.Deliveries[1].ID+"/replay", "", alex, nil); w.Code != http.StatusAccepted {
		t.Fatalf("replay: %d %s", w.Code, w.Body)
	}
	waitFor(t, "the replay", func() bool { return down.count() == 3 })
	from, to := time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	w = e.request("POST", host, api.PathWebhooks+"/"+shipped.ID+"/replay", `{"from":"`+from+`","to":"`+to+`"}`, alex, nil)
	if w.Code != http.StatusAccepted || !strings.Contains(w.Body.String(), `"events":1`) {
		t.Fatalf("replay range: %d %s", w.Code, w.Body)
	}
	waitFor(t, "the range replay", func() bool { return down.count() == 4 })
	down.mu.Lock()
	for i, h := range down.got {
		if h.Get("X-Webhook-Id") != shippedEvent {
			t.Errorf("request %d carries id %q", i, h.Get("X-Webhook-Id"))
		}
	}
	down.mu.Unlock()
	if w := e.request("POST", host, api.PathWebhooks+"/"+shipped.ID+"/replay", `{"from":"`+to+`","to":"`+from+`"}`, alex, nil); w.Code != http.StatusBadRequest {
		t.Errorf("backwards range: %d", w.Code)
	}
	if w := e.request("GET", host, api.PathWebhooks+"/"+uuid.NewString()+"/deliveries", "", alex, nil); w.Code != http.StatusNotFound {
		t.Errorf("log of an unknown endpoint: %d", w.Code)
	}

	// 410 Gone: one attempt, the endpoint is turned off, no retry.
	event("price.changed")
	if n, err := d.Dispatch(context.Background()); err != nil || n != 1 {
		t.Fatalf("dispatch price.changed: %d, %v", n, err)
	}
	waitFor(t, "the endpoint to be disabled", func() bool {
		return e.ownerInt(t, "acme", `SELECT count(*) FROM webhook_endpoints WHERE id = ? AND NOT enabled AND disabled_reason LIKE '%410%'`, priced.ID) == 1
	})
	time.Sleep(300 * time.Millisecond)
	if n := gone.count(); n != 1 {
		t.Errorf("%d attempts at the 410 receiver, want 1", n)
	}
	// Deleting an endpoint takes its delivery log with it.
	if w := e.request("DELETE", host, api.PathWebhooks+"/"+shipped.ID, "", alex, nil); w.Code != http.StatusNoContent {
		t.Errorf("delete an endpoint with deliveries: %d %s", w.Code, w.Body)
	}
	if n := e.ownerInt(t, "acme", `SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = ?`, shipped.ID); n != 0 {
		t.Errorf("%d deliveries left of a deleted endpoint", n)
	}
}
