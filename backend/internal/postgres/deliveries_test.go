package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/backend/internal/sealed"
	"example.com/portal/backend/internal/webhook"
	"example.com/portal/tenants"
)

// testClock is a controlled clock: it stands still until the test moves it.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// hookEnv is one tenant ("acme") with staff, a webhook endpoint service
// and, once started, a deliverer, all as the app role.
type hookEnv struct {
	app, owner *postgres.DB
	hooks      *postgres.WebhookService
	ctx        context.Context // acme's
	tenant     *tenants.Tenant
	admin      *portal.User
}

func newHookEnv(t testing.TB) *hookEnv {
	t.Helper()
	return newHookEnvOn(t, pgtest.New(t))
}

// hookBox is the encryption key every process of a test seals and opens
// the endpoints' secrets with.
func hookBox() *sealed.Box {
	box, err := sealed.New(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		panic(err)
	}
	return box
}

func newHookEnvOn(t testing.TB, d *pgtest.Database) *hookEnv {
	t.Helper()
	ctx := context.Background()
	owner := d.OpenOwner(t)
	tn := &tenants.Tenant{Slug: "acme", Name: "Acme Metals", Status: tenants.StatusActive,
		Branding: tenants.Branding{PrimaryColor: "#000000", AccentColor: "#000000", BackgroundColor: "#ffffff"}}
	if err := owner.ApplyTenant(ctx, tn); err != nil {
		t.Fatal(err)
	}
	admin := &portal.User{ID: uuid.NewString(), Email: "alex@acme.example", Name: "Alex Admin", Role: "tenant_admin"}
	err := owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, email, name, role, status) VALUES
			(?, ?, 'alex@acme.example', 'Alex Admin', 'tenant_admin', 'active'),
			(?, ?, 'kim@acme.example', 'Kim Admin', 'tenant_admin', 'active'),
			(?, ?, 'gone@acme.example', 'Gone Admin', 'tenant_admin', 'disabled'),
			(?, ?, 'sam@acme.example', 'Sam Rep', 'sales_rep', 'active')`,
			tn.ID, admin.ID, tn.ID, uuid.NewString(), tn.ID, uuid.NewString(), tn.ID, uuid.NewString())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	app := d.OpenApp(t, postgres.Options{Secrets: hookBox()})
	hooks := postgres.NewWebhookService(app)
	hooks.AllowHTTP = true
	return &hookEnv{app: app, owner: owner, hooks: hooks, ctx: tenants.NewContext(ctx, tn), tenant: tn, admin: admin}
}

// endpoint adds an endpoint for events and answers its id and secret.
func (e *hookEnv) endpoint(t testing.TB, url string, events ...string) (string, string) {
	t.Helper()
	ep, secret, err := e.hooks.CreateWebhook(e.ctx, e.admin, portal.WebhookInput{URL: &url, Events: events}, portal.Client{})
	if err != nil {
		t.Fatal(err)
	}
	return ep.ID, secret
}

// event writes an outbox event as a business change would.
func (e *hookEnv) event(t testing.TB, typ string, at time.Time) string {
	t.Helper()
	id := uuid.Must(uuid.NewV7()).String()
	err := e.app.InTenantTx(e.ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO outbox_events (tenant_id, id, event_type, subject_id, payload, occurred_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, '{"order_number":"SO-1"}', ?)`, id, typ, uuid.NewString(), at)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func (e *hookEnv) deliverer(t testing.TB, cfg postgres.DeliveryConfig) *postgres.Deliverer {
	t.Helper()
	if cfg.Client == nil {
		cfg.Client = webhook.Guard{AllowLoopback: true}.Client(5 * time.Second)
	}
	cfg.Logger = slog.New(slog.DiscardHandler)
	d, err := postgres.NewDeliverer(e.app, e.hooks, cfg)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	if err := d.Start(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, scancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer scancel()
		_ = d.Stop(sctx)
		cancel()
	})
	return d
}

// riverJob is the state of the delivery job of an event as River keeps it.
type riverJob struct {
	ID          int64
	State       string
	Attempt     int
	ScheduledAt time.Time
	Errors      int
}

func (e *hookEnv) job(t testing.TB, eventID string) riverJob {
	t.Helper()
	var j riverJob
	err := e.owner.Pool.QueryRow(context.Background(), `SELECT id, state::text, attempt, scheduled_at, coalesce(cardinality(errors), 0)
		FROM river_job WHERE kind = 'webhook_delivery' AND args->>'event_id' = $1`, eventID).
		Scan(&j.ID, &j.State, &j.Attempt, &j.ScheduledAt, &j.Errors)
	if err != nil {
		t.Fatalf("job of event %s: %v", eventID, err)
	}
	return j
}

// waitJob waits until the event's job is in state after attempt n.
func (e *hookEnv) waitJob(t testing.TB, eventID, state string, attempt int) riverJob {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for {
		j := e.job(t, eventID)
		if j.State == state && j.Attempt == attempt {
			return j
		}
		if time.Now().After(deadline) {
			var errs string
			_ = e.owner.Pool.QueryRow(context.Background(), `SELECT coalesce(errors::text, '') FROM river_job WHERE id = $1`, j.ID).Scan(&errs)
			t.Fatalf("job of event %s is %s after attempt %d; want %s after %d (errors: %s)", eventID, j.State, j.Attempt, state, attempt, errs)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// scriptedReceiver answers the n-th request with script[n] (then the last
// one) and counts what it got.
type scriptedReceiver struct {
	mu     sync.Mutex
	script []func(w http.ResponseWriter)
	got    []http.Header
}

func (s *scriptedReceiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.got = append(s.got, r.Header.Clone())
	answer := s.script[min(len(s.got)-1, len(s.script)-1)]
	s.mu.Unlock()
	answer(w)
}

func (s *scriptedReceiver) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.got)
}

// down drops the connection without an answer, as a receiver that is down.
func down(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		conn.Close()
	}
}

func status(code int, header ...string) func(w http.ResponseWriter) {
	return func(w http.ResponseWriter) {
		for i := 0; i+1 < len(header); i += 2 {
			w.Header().Set(header[i], header[i+1])
		}
		w.WriteHeader(code)
	}
}

// The receiver is down, then answers a redirect and errors, then is back:
// each failed attempt is retried on the spec's schedule (30 s, 2 min,
// 10 min, 1 h, 4 h) by the controlled clock, exactly as River records the
// next attempt, later when Retry-After asks for longer (seconds or an HTTP
// date), never sooner; a 3xx is a failure; the sixth attempt delivers, with
// the same event id throughout.
func TestDeliveryRetrySchedule(t *testing.T) {
	e := newHookEnv(t)
	t0 := time.Now().UTC().Truncate(time.Second)
	clock := &testClock{t: t0}
	rcv := &scriptedReceiver{script: []func(http.ResponseWriter){
		down,
		status(http.StatusFound, "Location", "https://elsewhere.example/hooks"),
		status(http.StatusServiceUnavailable, "Retry-After", "900"),                                  // longer than 10 min
		status(http.StatusTooManyRequests, "Retry-After", t0.Add(time.Hour).Format(http.TimeFormat)), // a date, sooner than the 1 h step
		status(http.StatusInternalServerError),
		status(http.StatusNoContent),
	}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	endpointID, _ := e.endpoint(t, srv.URL, "order.shipped")
	eventID := e.event(t, "order.shipped", t0)
	d := e.deliverer(t, postgres.DeliveryConfig{Clock: clock.Now, Workers: 2})
	if n, err := d.Dispatch(context.Background()); err != nil || n != 1 {
		t.Fatalf("dispatch: %d, %v", n, err)
	}

	wantDelays := []time.Duration{30 * time.Second, 2 * time.Minute, 15 * time.Minute, time.Hour, 4 * time.Hour}
	var attemptedAt []time.Time
	for i, want := range wantDelays {
		attempt := i + 1
		at := clock.Now()
		attemptedAt = append(attemptedAt, at)
		j := e.waitJob(t, eventID, "retryable", attempt)
		if got := j.ScheduledAt.Sub(at); got != want || j.Errors != attempt {
			t.Errorf("after failed attempt %d: next in %v (%d errors), want %v", attempt, got, j.Errors, want)
		}
		if rcv.count() != attempt {
			t.Fatalf("receiver got %d requests after attempt %d", rcv.count(), attempt)
		}
		// Nothing runs before its time: the clock stands still a moment.
		time.Sleep(100 * time.Millisecond)
		if n := rcv.count(); n != attempt {
			t.Fatalf("attempt %d ran before its time", n)
		}
		clock.Set(j.ScheduledAt)
		if err := d.RetryNow(context.Background(), j.ID); err != nil {
			t.Fatal(err)
		}
	}
	attemptedAt = append(attemptedAt, clock.Now())
	e.waitJob(t, eventID, "completed", 6)

	// The delivery log has every attempt at its time, with what the
	// receiver answered.
	type logRow struct {
		attempt int
		ok      bool
		code    int
		at      time.Time
	}
	var got []logRow
	err := e.app.InTenantTx(e.ctx, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT attempt, succeeded, coalesce(status_code, 0), attempted_at FROM webhook_deliveries
			WHERE endpoint_id = ? ORDER BY attempt`, endpointID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var r logRow
			if err := rows.Scan(&r.attempt, &r.ok, &r.code, &r.at); err != nil {
				return err
			}
			got = append(got, r)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	codes := []int{0, 302, 503, 429, 500, 204}
	if len(got) != len(codes) {
		t.Fatalf("%d attempts logged: %+v", len(got), got)
	}
	for i, r := range got {
		if r.attempt != i+1 || r.code != codes[i] || r.ok != (i == 5) || !r.at.Equal(attemptedAt[i]) {
			t.Errorf("attempt %d logged as %+v, want HTTP %d at %v", i+1, r, codes[i], attemptedAt[i])
		}
	}
	rcv.mu.Lock()
	for i, h := range rcv.got {
		if h.Get("X-Webhook-Id") != eventID || h.Get("Webhook-Id") != eventID {
			t.Errorf("request %d carries id %q", i+1, h.Get("X-Webhook-Id"))
		}
	}
	rcv.mu.Unlock()
	eps, err := e.hooks.ListWebhooks(e.ctx, e.admin)
	if err != nil || len(eps) != 1 || !eps[0].Enabled || !eps[0].FailingSince.IsZero() {
		t.Errorf("after the success the endpoint is %+v (%v), want enabled and not failing", eps, err)
	}
}

// notices records the tenant notices of turned-off endpoints.
type notices struct {
	mu   sync.Mutex
	sent []notice
}

type notice struct {
	tenant, baseURL string
	to              []string
	ep              portal.WebhookEndpoint
}

func (n *notices) SendWebhookDisabled(_ context.Context, t *tenants.Tenant, baseURL string, to []string, ep portal.WebhookEndpoint) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.sent = append(n.sent, notice{t.ID, baseURL, to, ep})
	return nil
}

func (n *notices) all() []notice {
	n.mu.Lock()
	defer n.mu.Unlock()
	return slices.Clone(n.sent)
}

// An endpoint whose every delivery fails for three days is turned off, its
// tenant's active admins are told once, its list entry says why and since
// when; no more events go to it until an admin turns it back on, which
// starts the count again. A 410 turns an endpoint off at once, told too.
func TestDeliveryDisablesFailingEndpoint(t *testing.T) {
	e := newHookEnv(t)
	t0 := time.Now().UTC().Truncate(time.Second)
	clock := &testClock{t: t0}
	rcv := &scriptedReceiver{script: []func(http.ResponseWriter){status(http.StatusBadGateway)}}
	srv := httptest.NewServer(rcv)
	defer srv.Close()
	endpointID, _ := e.endpoint(t, srv.URL, "order.shipped")
	told := &notices{}
	d := e.deliverer(t, postgres.DeliveryConfig{Clock: clock.Now, Notifier: told, BaseDomain: "portal.test"})
	first, second := e.event(t, "order.shipped", t0), e.event(t, "order.shipped", t0)
	if n, err := d.Dispatch(context.Background()); err != nil || n != 2 {
		t.Fatalf("dispatch: %d, %v", n, err)
	}
	e.waitJob(t, first, "retryable", 1)
	e.waitJob(t, second, "retryable", 1)

	// The clock moves on and River's scheduler (on the same clock) runs
	// the retries that are due: both jobs, once per move, since the next
	// step after a failure lies beyond the clock until it moves again.
	// Failing for a little under three days: still on, failing since t0.
	clock.Set(t0.Add(71 * time.Hour))
	e.waitJob(t, first, "retryable", 2)
	e.waitJob(t, second, "retryable", 2)
	eps, err := e.hooks.ListWebhooks(e.ctx, e.admin)
	if err != nil || len(eps) != 1 || !eps[0].Enabled || !eps[0].FailingSince.Equal(t0) || len(told.all()) != 0 {
		t.Fatalf("after 71 h: %+v %v, %d notices", eps, err, len(told.all()))
	}

	// Three days: these failures turn it off, both jobs give up, and the
	// admins are told once.
	clock.Set(t0.Add(72 * time.Hour))
	e.waitJob(t, first, "cancelled", 3)
	e.waitJob(t, second, "cancelled", 3)
	eps, err = e.hooks.ListWebhooks(e.ctx, e.admin)
	wantReason := "Every delivery failed since " + t0.Format(time.RFC3339) + "."
	if err != nil || len(eps) != 1 || eps[0].Enabled || eps[0].DisabledReason != wantReason || !eps[0].FailingSince.Equal(t0) {
		t.Fatalf("after 72 h: %+v %v", eps, err)
	}
	sent := told.all()
	if len(sent) != 1 || sent[0].tenant != e.tenant.ID || sent[0].baseURL != "https://acme.portal.test" ||
		!slices.Equal(sent[0].to, []string{"alex@acme.example", "kim@acme.example"}) || sent[0].ep.ID != endpointID ||
		sent[0].ep.DisabledReason != wantReason {
		t.Fatalf("notices: %+v", sent)
	}
	// Two per move; the second job's last attempt sends nothing when the
	// first one's failure has turned the endpoint off before it ran.
	if n := rcv.count(); n != 5 && n != 6 {
		t.Errorf("receiver got %d requests, want 6 (or 5)", n)
	}
	// New events are not even queued for it.
	e.event(t, "order.shipped", clock.Now())
	if n, err := d.Dispatch(context.Background()); err != nil || n != 0 {
		t.Errorf("dispatch to a turned-off endpoint: %d jobs, %v", n, err)
	}

	// Turned back on, its failures count afresh.
	on := true
	ep, _, err := e.hooks.UpdateWebhook(e.ctx, e.admin, endpointID, portal.WebhookInput{Enabled: &on}, portal.Client{})
	if err != nil || !ep.Enabled || ep.DisabledReason != "" || !ep.FailingSince.IsZero() {
		t.Fatalf("turned back on: %+v %v", ep, err)
	}

	// 410 Gone: off at once, told.
	gone := httptest.NewServer(&scriptedReceiver{script: []func(http.ResponseWriter){status(http.StatusGone)}})
	defer gone.Close()
	goneID, _ := e.endpoint(t, gone.URL, "price.changed")
	ev := e.event(t, "price.changed", clock.Now())
	if n, err := d.Dispatch(context.Background()); err != nil || n != 1 {
		t.Fatalf("dispatch: %d, %v", n, err)
	}
	e.waitJob(t, ev, "cancelled", 1)
	if sent := told.all(); len(sent) != 2 || sent[1].ep.ID != goneID || sent[1].ep.DisabledReason != "The receiver answered 410 Gone." {
		t.Errorf("notices: %+v", sent)
	}
}

// inventory.availability_changed is debounced five minutes per product, by
// the controlled clock: the first change of a window waits in the outbox
// until the window closes, later changes update it (the latest availability
// and quantity, the availability from before the window kept as the
// previous one), a change undone within its window sends nothing, and each
// product has its own window.
func TestAvailabilityDebounced(t *testing.T) {
	e := newHookEnv(t)
	t0 := time.Now().UTC().Truncate(time.Second)
	clock := &testClock{t: t0}
	e.app.Now = clock.Now
	var mu sync.Mutex
	var got []map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var env struct{ Data map[string]any }
		if err := json.NewDecoder(r.Body).Decode(&env); err != nil {
			t.Error(err)
		}
		mu.Lock()
		got = append(got, env.Data)
		mu.Unlock()
	}))
	defer srv.Close()
	e.endpoint(t, srv.URL, "inventory.availability_changed")
	d := e.deliverer(t, postgres.DeliveryConfig{Clock: clock.Now})
	bo := postgres.NewBackOfficeService(e.app)
	if _, err := bo.UpsertProducts(e.ctx, syncProducts(0, 2, 1000)); err != nil { // low stock level 5
		t.Fatal(err)
	}
	if _, err := bo.UpsertLocations(e.ctx, []portal.LocationInput{{ExternalID: "L1", Code: "PIT", Name: "Pittsburgh"}}); err != nil {
		t.Fatal(err)
	}
	stock := func(at time.Duration, product string, qty float64) {
		t.Helper()
		clock.Set(t0.Add(at))
		res, err := bo.UpsertInventory(e.ctx, []portal.InventoryInput{{ProductExternalID: product, LocationExternalID: "L1",
			QuantityOnHand: qty, QuantityAvailable: qty}})
		if err != nil || res[0].Status == portal.RowError {
			t.Fatalf("stock %s at %v: %+v %v", product, at, res, err)
		}
	}
	received := func() []map[string]any {
		mu.Lock()
		defer mu.Unlock()
		return slices.Clone(got)
	}
	dispatch := func(at time.Duration, want int) {
		t.Helper()
		clock.Set(t0.Add(at))
		if n, err := d.Dispatch(context.Background()); err != nil || n != want {
			t.Fatalf("dispatch at %v: %d jobs, %v; want %d", at, n, err, want)
		}
		total := len(received())
		for deadline := time.Now().Add(10 * time.Second); total+want > len(received()); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("dispatch at %v: receiver got %d events", at, len(received()))
			}
		}
	}

	stock(0, "P-0", 100)            // out → in: a window opens, until 5 min
	stock(30*time.Second, "P-1", 9) // P-1's own window, until 5 min 30 s
	stock(time.Minute, "P-0", 3)    // in → low within the window
	stock(2*time.Minute, "P-0", 2)  // still low: the quantity follows
	dispatch(4*time.Minute+59*time.Second, 0)
	dispatch(5*time.Minute, 1)
	stock(5*time.Minute+10*time.Second, "P-1", 0) // undone within its window: nothing
	dispatch(5*time.Minute+30*time.Second, 0)
	stock(6*time.Minute, "P-0", 10) // low → in: a new window, until 11 min
	stock(7*time.Minute, "P-0", 4)  // back to low: nothing
	stock(8*time.Minute, "P-1", 20) // out → in: a window until 13 min
	dispatch(11*time.Minute, 0)
	dispatch(13*time.Minute, 1)

	events := received()
	want := []string{"P-0 out_of_stock→low_stock 2", "P-1 out_of_stock→in_stock 20"}
	if len(events) != len(want) {
		t.Fatalf("receiver got %d events: %v", len(events), events)
	}
	for i, ev := range events {
		code := strings.Replace(ev["product_code"].(string), "AL-", "P-", 1)
		s := fmt.Sprintf("%s %v→%v %v", code, ev["previous_availability"], ev["new_availability"], ev["available_quantity"])
		if s != want[i] || ev["uom"] != "ea" || ev["product_id"] == "" {
			t.Errorf("event %d: %s (%v), want %s", i+1, s, ev, want[i])
		}
	}
}

// panickingTransport panics on every request, as a bug in an attempt would.
type panickingTransport struct{}

func (panickingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	panic("bug in the attempt")
}

// TestDeliveryPanicRetriesOnSchedule: an attempt that panics counts as a
// failed attempt and is retried on the schedule (30 s later by the
// controlled clock), not at once until its attempts are gone.
func TestDeliveryPanicRetriesOnSchedule(t *testing.T) {
	e := newHookEnv(t)
	t0 := time.Now().UTC().Truncate(time.Second)
	clock := &testClock{t: t0}
	srv := httptest.NewServer(&scriptedReceiver{script: []func(http.ResponseWriter){status(http.StatusOK)}})
	defer srv.Close()
	e.endpoint(t, srv.URL, "order.shipped")
	d := e.deliverer(t, postgres.DeliveryConfig{Clock: clock.Now, Client: &http.Client{Transport: panickingTransport{}}})
	ev := e.event(t, "order.shipped", t0)
	if n, err := d.Dispatch(context.Background()); err != nil || n != 1 {
		t.Fatalf("dispatch: %d, %v", n, err)
	}
	j := e.waitJob(t, ev, "retryable", 1)
	if want := t0.Add(postgres.WebhookRetrySchedule[0]); !j.ScheduledAt.Equal(want) || j.Errors != 1 {
		t.Errorf("after a panicking attempt: retry at %s with %d errors; want %s, 1", j.ScheduledAt, j.Errors, want)
	}
}
