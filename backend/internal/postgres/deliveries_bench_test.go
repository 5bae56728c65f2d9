package postgres_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/postgres"
)

// BenchmarkWebhookDelivery: webhook deliveries per second to a loopback
// receiver, and the 95th percentile of the time from the business change
// (the transaction writing the event to the outbox) to the receiver, with
// the server's settings (pool, workers, dispatcher woken by the outbox's
// notification, polling every second). b.N events of one endpoint, written
// ten per transaction: "burst" writes them all at once (throughput),
// "rate500" at 500 events per second (the latency at that rate), "rate100"
// at 100 (the latency of a queue that is not behind).
func BenchmarkWebhookDelivery(b *testing.B) {
	for _, c := range []struct {
		name string
		rate int // events per second; 0: all at once
	}{{"burst", 0}, {"rate500", 500}, {"rate100", 100}} {
		b.Run(c.name, func(b *testing.B) { benchDeliveries(b, c.rate) })
	}
}

func benchDeliveries(b *testing.B, rate int) {
	d := pgtest.New(b)
	e := newHookEnvOn(b, d)
	var mu sync.Mutex
	arrived := map[string]time.Time{}
	all := make(chan struct{})
	n := b.N
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, now := r.Header.Get("X-Webhook-Id"), time.Now()
		mu.Lock()
		defer mu.Unlock()
		if _, ok := arrived[id]; !ok {
			arrived[id] = now
			if len(arrived) == n {
				close(all)
			}
		}
	}))
	defer srv.Close()
	e.endpoint(b, srv.URL, "order.shipped")
	dl := e.deliverer(b, postgres.DeliveryConfig{}) // the server's defaults
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go dl.RunDispatcher(ctx, time.Second)
	admin, err := pgx.Connect(ctx, d.AdminURL)
	if err != nil {
		b.Fatal(err)
	}
	defer admin.Close(context.Background())
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var listening int
		if err := admin.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND query = 'LISTEN outbox_events'`).Scan(&listening); err != nil {
			b.Fatal(err)
		}
		if listening > 0 {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("the dispatcher does not listen")
		}
	}

	ids := make([]string, n)
	changed := make([]time.Time, n)
	cpu0 := benchCPU(b, admin, nil)
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < n; i += 10 {
		if rate > 0 {
			time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / time.Duration(rate))))
		}
		k := min(10, n-i)
		var sb strings.Builder
		args := make([]any, 0, 2*k)
		sb.WriteString(`INSERT INTO outbox_events (tenant_id, id, event_type, subject_id, payload, occurred_at) VALUES `)
		for j := i; j < i+k; j++ {
			ids[j] = uuid.Must(uuid.NewV7()).String()
			if j > i {
				sb.WriteString(", ")
			}
			sb.WriteString(`(current_setting('app.tenant_id')::uuid, ?, 'order.shipped', ?, '{"order_number":"SO-1"}', now())`)
			args = append(args, ids[j], uuid.NewString())
		}
		at := time.Now()
		err := e.app.InTenantTx(e.ctx, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, sb.String(), args...)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		for j := i; j < i+k; j++ {
			changed[j] = at
		}
	}
	select {
	case <-all:
	case <-time.After(5 * time.Minute):
		mu.Lock()
		b.Fatalf("%d of %d events delivered", len(arrived), n)
	}
	elapsed := time.Since(start)
	b.StopTimer()
	cpu := benchCPU(b, admin, cpu0)

	mu.Lock()
	defer mu.Unlock()
	lat := make([]time.Duration, n)
	for i, id := range ids {
		lat[i] = arrived[id].Sub(changed[i])
	}
	slices.Sort(lat)
	b.ReportMetric(float64(n)/elapsed.Seconds(), "deliveries/s")
	b.ReportMetric(float64(lat[min(n*95/100, n-1)].Microseconds())/1000, "p95_ms")
	// The machine is shared: what a delivery costs in CPU (this process,
	// the receiver and the writer of the events included, and its
	// PostgreSQL backends) says what two idle cores would deliver.
	perDelivery := cpu[0] / time.Duration(n)
	b.ReportMetric(float64(perDelivery.Microseconds()), "cpu_us/delivery")
	b.ReportMetric(2*float64(time.Second)/float64(perDelivery), "deliveries/s@2cores")
}

// benchCPU returns the CPU time used so far by this process and by the
// PostgreSQL backends of the test database, by pid ([0] is the total);
// with since, the time used after since (backends that were not there
// then count from their start).
func benchCPU(b *testing.B, admin *pgx.Conn, since map[int]time.Duration) map[int]time.Duration {
	b.Helper()
	hz := time.Second / 100 // USER_HZ
	stat := func(pid string) time.Duration {
		raw, err := os.ReadFile("/proc/" + pid + "/stat")
		if err != nil {
			return 0
		}
		f := strings.Fields(string(raw[strings.LastIndexByte(string(raw), ')')+2:]))
		u, _ := strconv.ParseInt(f[11], 10, 64)
		s, _ := strconv.ParseInt(f[12], 10, 64)
		return time.Duration(u+s) * hz
	}
	out := map[int]time.Duration{-1: stat("self")}
	rows, err := admin.Query(context.Background(), `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			b.Fatal(err)
		}
		out[pid] = stat(strconv.Itoa(pid))
	}
	if err := rows.Err(); err != nil {
		b.Fatal(err)
	}
	var total time.Duration
	for pid, t := range out {
		if since != nil {
			t -= since[pid]
			out[pid] = t
		}
		total += t
	}
	out[0] = total
	return out
}
