package postgres_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/backend/internal/webhook"
)

// deliveryWorkerEnv, set to the app role's database URL, makes the test
// binary a delivery worker process (dispatcher and River workers) instead
// of running the tests: TestDeliverySurvivesSIGKILL kills and restarts it.
const deliveryWorkerEnv = "PORTAL_TEST_DELIVERY_WORKER"

func TestMain(m *testing.M) {
	if dsn := os.Getenv(deliveryWorkerEnv); dsn != "" {
		os.Exit(runDeliveryWorker(dsn))
	}
	os.Exit(m.Run())
}

// runDeliveryWorker serves deliveries until killed, or until its standard
// input closes (the test is gone).
func runDeliveryWorker(dsn string) int {
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	box := hookBox()
	db, err := postgres.Open(ctx, dsn, postgres.Options{Secrets: box})
	if err != nil {
		logger.Error("open", "error", err.Error())
		return 1
	}
	hooks := postgres.NewWebhookService(db)
	hooks.AllowHTTP = true
	d, err := postgres.NewDeliverer(db, hooks, postgres.DeliveryConfig{Client: webhook.Guard{AllowLoopback: true}.Client(5 * time.Second),
		Workers: 20, Logger: logger, FetchInterval: 50 * time.Millisecond, JobTimeout: 2 * time.Second, RescueAfter: 3 * time.Second})
	if err != nil {
		logger.Error("deliverer", "error", err.Error())
		return 1
	}
	if err := d.Start(ctx); err != nil {
		logger.Error("start", "error", err.Error())
		return 1
	}
	go d.RunDispatcher(ctx, 100*time.Millisecond)
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	return 0
}

// Kill the worker process (SIGKILL) three times while it delivers 1,000
// events to a loopback receiver, restarting it each time: every event is
// delivered, the log says so, nothing unknown arrives, and every request
// (duplicates of a delivery cut short included) carries its event's id in
// X-Webhook-Id, webhook-id and the body, signed.
func TestDeliverySurvivesSIGKILL(t *testing.T) {
	d := pgtest.New(t)
	e := newHookEnvOn(t, d)

	var mu sync.Mutex
	got := map[string]int{} // event id → requests
	var bad []string
	var secret string
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		time.Sleep(2 * time.Millisecond) // a receiver that takes a moment: some deliveries are in flight at each kill
		var env struct{ ID string }
		_ = json.Unmarshal(body, &env)
		id := r.Header.Get("X-Webhook-Id")
		mu.Lock()
		defer mu.Unlock()
		if err := webhook.Verify(r.Header, body, secret, time.Now()); err != nil || id == "" || env.ID != id || r.Header.Get("Webhook-Id") != id {
			bad = append(bad, fmt.Sprintf("%s/%s/%s: %v", id, r.Header.Get("Webhook-Id"), env.ID, err))
		}
		got[id]++
		w.WriteHeader(http.StatusOK)
	}))
	defer rcv.Close()
	_, secret = e.endpoint(t, rcv.URL, "order.shipped")

	const events = 1000
	ids := make([]string, events)
	err := e.app.InTenantTx(e.ctx, func(ctx context.Context, tx bun.Tx) error {
		var sb strings.Builder
		args := make([]any, 0, 2*events)
		sb.WriteString(`INSERT INTO outbox_events (tenant_id, id, event_type, subject_id, payload, occurred_at) VALUES `)
		for i := range ids {
			ids[i] = uuid.Must(uuid.NewV7()).String()
			if i > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString(`(current_setting('app.tenant_id')::uuid, ?, 'order.shipped', ?, '{"order_number":"SO-1"}', now())`)
			args = append(args, ids[i], uuid.NewString())
		}
		_, err := tx.ExecContext(ctx, sb.String(), args...)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	received := func() (distinct, total int) {
		mu.Lock()
		defer mu.Unlock()
		for _, n := range got {
			total += n
		}
		return len(got), total
	}

	bin, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	start := func() (*exec.Cmd, io.WriteCloser) {
		t.Helper()
		cmd := exec.Command(bin, "-test.run=^$")
		cmd.Env = append(os.Environ(), deliveryWorkerEnv+"="+d.AppURL)
		cmd.Stderr = os.Stderr
		stdin, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		ready := make([]byte, 6)
		if _, err := io.ReadFull(out, ready); err != nil || string(ready) != "ready\n" {
			t.Fatalf("worker process: %q %v", ready, err)
		}
		return cmd, stdin
	}
	waitReceived := func(n int, within time.Duration) {
		t.Helper()
		deadline := time.Now().Add(within)
		for {
			if distinct, _ := received(); distinct >= n {
				return
			}
			if time.Now().After(deadline) {
				distinct, total := received()
				t.Fatalf("receiver got %d events (%d requests), want %d", distinct, total, n)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}

	began := time.Now()
	kills := 0
	for _, at := range []int{150, 400, 650} {
		cmd, stdin := start()
		waitReceived(at, 30*time.Second)
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
		stdin.Close()
		kills++
	}
	cmd, stdin := start()
	defer func() {
		stdin.Close()
		_ = cmd.Wait()
	}()
	waitReceived(events, 60*time.Second)
	// The log records a delivered attempt of every event: the deliveries
	// cut short were tried again.
	deadline := time.Now().Add(30 * time.Second)
	var logged int
	for {
		err := e.app.InTenantTx(e.ctx, func(ctx context.Context, tx bun.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT count(DISTINCT event_id) FROM webhook_deliveries WHERE succeeded`).Scan(&logged)
		})
		if err != nil {
			t.Fatal(err)
		}
		if logged == events || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if logged != events {
		t.Errorf("%d events logged as delivered, want %d", logged, events)
	}

	distinct, total := received()
	mu.Lock()
	defer mu.Unlock()
	for _, id := range ids {
		if got[id] == 0 {
			t.Errorf("event %s never delivered", id)
		}
	}
	if distinct != events {
		t.Errorf("receiver got %d distinct ids, want %d (unknown ones arrived)", distinct, events)
	}
	if len(bad) > 0 {
		t.Errorf("%d requests with mismatched ids or signatures, e.g. %s", len(bad), bad[0])
	}
	t.Logf("%d kills: %d events delivered in %d requests (%d duplicates), %.1f s", kills, distinct, total, total-distinct,
		time.Since(began).Seconds())
}
