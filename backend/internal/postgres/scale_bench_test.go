package postgres_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/backend/internal/postgres/scalegen"
	"example.com/portal/tenants"
)

// The scale benchmarks run the customer's two busiest screens, the orders
// list with a search term and the dashboard, against the scalegen data set
// (1,000 tenants, 2M orders, 10M lines; PORTAL_BENCH_SCALE=small for a
// hundredth of it), through the real OrderService as the app role, so under
// row-level security, with 50 concurrent clients.
//
// Each benchmark is one fixed-length measurement, whatever b.N is
// (PORTAL_BENCH_SECONDS, default 15, is the length of each closed-loop
// phase), and reports:
//
//   - p50_ms, p95_ms, p99_ms, req/s: closed loop through OrderService. 50
//     clients each send their next request as soon as the last one answered,
//     so this is the most the box serves, and by Little's law p95 is about
//     50 / req/s: a closed loop of 50 only has p95 < 30 ms above ~1,700 req/s.
//   - pgx_req/s, pgx_p95_ms: the same requests, the very SQL and arguments
//     the service sent (captured by a pgx tracer on the service's pools),
//     replayed on a bare pgxpool in the same exec mode as the service's
//     reads pool (prepared statements, cached per connection) and the same
//     way: each batch the service sent as one batch (BEGIN READ ONLY and
//     the tenant with the dashboard's four reads and COMMIT, or with
//     nothing for the orders list), each single statement as one, rows read
//     as raw bytes. The floor of what any Go code can do with these queries.
//   - ratio: req/s ÷ pgx_req/s, what the service layer (bun, scanning,
//     building the result) costs in throughput.
//   - timeouts, pgx_timeouts, paced100_timeouts: requests cut off by the
//     5 s statement timeout of customer reads (counted in the latencies);
//     requests: how many the closed loop served.
//   - paced100_p50_ms, paced100_p95_ms: open loop, 50 clients each sending 2
//     requests a second on a fixed schedule (100 req/s in all, a busy hour
//     of a portal's 50 concurrent users, who read between clicks), latency
//     measured from when the request was due, so a stall counts in full.
//
// Both the service and pgx use 8 pooled connections (4 per core): the 50
// clients queue for them, as a server's requests would.
//
// Who asks: each request is a random customer user of the data set, drawn
// 10% from its three biggest customers (200k, 50k and 20k orders), 20%
// from the next 100 biggest and 70% from all customers, so the big
// accounts weigh far more than their share of users.

var scaleOnce struct {
	sync.Once
	db    string
	sc    scalegen.Scale
	custs []scalegen.Customer
	err   error
}

func scaleSetup(b *testing.B) (admin, db string, custs []scalegen.Customer) {
	b.Helper()
	admin = pgtest.AdminURL()
	if c, err := pgx.Connect(context.Background(), admin); err != nil {
		pgtest.Unavailable(b, "PostgreSQL: %v", err)
	} else {
		c.Close(context.Background())
	}
	scaleOnce.Do(func() {
		sc := scalegen.ScaleFromEnv(os.Getenv("PORTAL_BENCH_SCALE"))
		st, err := scalegen.Ensure(context.Background(), sc, scalegen.Options{AdminURL: admin, Log: os.Stderr})
		if err != nil {
			scaleOnce.err = err
			return
		}
		load := "reused (loaded earlier)"
		if !st.Reused {
			load = "loaded in " + st.LoadTime.Round(time.Second).String()
		}
		fmt.Fprintf(os.Stderr, "scale data set %s: %s, %.1f GB, rows ≈ %v\n", st.Database, load, float64(st.Bytes)/(1<<30), st.Rows)
		scaleOnce.db, scaleOnce.sc, scaleOnce.custs = st.Database, sc, scalegen.Customers(sc)
	})
	if scaleOnce.err != nil {
		b.Fatal(scaleOnce.err)
	}
	return admin, scaleOnce.db, scaleOnce.custs
}

// scaleRequest is one request of the workload: a customer user and what
// the user asks for.
type scaleRequest struct {
	ctx    context.Context
	actor  *portal.User
	search string
	sent   *captured // by the service's run
}

// pickCustomers draws n customers with the weighting above.
func pickCustomers(rng *rand.Rand, custs []scalegen.Customer, n int) []scalegen.Customer {
	out := make([]scalegen.Customer, n)
	for i := range out {
		switch r := rng.IntN(10); {
		case r < 1:
			out[i] = custs[rng.IntN(min(3, len(custs)))]
		case r < 3:
			out[i] = custs[3+rng.IntN(min(100, len(custs)-3))]
		default:
			out[i] = custs[rng.IntN(len(custs))]
		}
	}
	return out
}

// searchTerm is what a buyer types: the start of an order number, a piece
// of a PO number, or a word of a line description.
func searchTerm(rng *rand.Rand) string {
	switch rng.IntN(3) {
	case 0:
		return "SO-1" + strconv.Itoa(10+rng.IntN(90)) // 100+ orders of a tenant share such a prefix
	case 1:
		return []string{"PO-1", "PO-42", "4500", "45001", "-2025-", "-2026-01"}[rng.IntN(6)]
	}
	return []string{"A36", "plate", "Stainless", "6061", "tube", "W12", "mill cert", "Round Bar", "galvanized", "AR400"}[rng.IntN(10)]
}

type captureKey struct{}

// captured is what one service request sent, in order: batches and single
// statements (BEGIN, COMMIT and the tenant included).
type captured struct {
	steps []capturedStep
}

// capturedStep is one batch or one statement.
type capturedStep struct {
	batch bool
	stmts []capturedStmt
}

type capturedStmt struct {
	sql  string
	args []any
}

// captureTracer records the queries and batches of contexts that carry a
// *captured.
type captureTracer struct{}

func (captureTracer) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	if rec, ok := ctx.Value(captureKey{}).(*captured); ok {
		rec.steps = append(rec.steps, capturedStep{stmts: []capturedStmt{{d.SQL, d.Args}}})
	}
	return ctx
}

func (captureTracer) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (captureTracer) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	if rec, ok := ctx.Value(captureKey{}).(*captured); ok {
		step := capturedStep{batch: true}
		for _, q := range d.Batch.QueuedQueries {
			step.stmts = append(step.stmts, capturedStmt{q.SQL, q.Arguments})
		}
		rec.steps = append(rec.steps, step)
	}
	return ctx
}

func (captureTracer) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}
func (captureTracer) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData)     {}

// runScale measures do over requests as described in the comment above.
func runScale(b *testing.B, name string, do func(ctx context.Context, svc *postgres.OrderService, r *scaleRequest) error,
	build func(rng *rand.Rand, c scalegen.Customer) *scaleRequest) {
	admin, dbName, custs := scaleSetup(b)
	ctx := context.Background()
	const pool, clients = 8, 50
	app, err := postgres.Open(ctx, scalegen.URL(admin, dbName, pgtest.AppRole), postgres.Options{MaxConns: pool, Tracer: captureTracer{}})
	if err != nil {
		b.Fatal(err)
	}
	defer app.Close()
	svc := postgres.NewOrderService(app)

	// 400 distinct requests, each run once to capture its SQL (and to warm
	// the cache the way a running portal's would be).
	rng := rand.New(rand.NewPCG(4, 2026))
	var reqs []*scaleRequest
	for _, c := range pickCustomers(rng, custs, 400) {
		r := build(rng, c)
		r.ctx = tenants.NewContext(ctx, &tenants.Tenant{ID: c.TenantID})
		r.actor = &portal.User{ID: c.UserID, CustomerID: c.CustomerID, Name: c.UserName, Role: "buyer"}
		r.sent = &captured{}
		if err := do(context.WithValue(r.ctx, captureKey{}, r.sent), svc, r); err != nil && !timedOut(err) {
			b.Fatalf("%s for %s: %v", name, c.CustomerID, err)
		}
		reqs = append(reqs, r)
	}

	cfg, err := pgxpool.ParseConfig(scalegen.URL(admin, dbName, pgtest.AppRole))
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = pool
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement // as the service's reads pool
	bare, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		b.Fatal(err)
	}
	defer bare.Close()
	readRaw := func(rows pgx.Rows) error {
		for rows.Next() {
			_ = rows.RawValues()
		}
		return rows.Err()
	}
	replay := func(r *scaleRequest) error {
		conn, err := bare.Acquire(r.ctx)
		if err != nil {
			return err
		}
		defer conn.Release()
		for _, step := range r.sent.steps {
			if step.batch {
				batch := &pgx.Batch{}
				for _, q := range step.stmts {
					batch.Queue(q.sql, q.args...).Query(readRaw)
				}
				err = conn.SendBatch(r.ctx, batch).Close()
			} else if len(step.stmts[0].args) == 0 { // COMMIT: pgx sends it as the service's Exec does, unprepared
				_, err = conn.Exec(r.ctx, step.stmts[0].sql)
			} else {
				var rows pgx.Rows
				if rows, err = conn.Query(r.ctx, step.stmts[0].sql, step.stmts[0].args...); err == nil {
					err = readRaw(rows)
					rows.Close()
				}
			}
			if err != nil {
				if conn.Conn().PgConn().TxStatus() != 'I' {
					_, _ = conn.Exec(context.WithoutCancel(r.ctx), "ROLLBACK")
				}
				return err
			}
		}
		return nil
	}
	service := func(r *scaleRequest) error { return do(r.ctx, svc, r) }

	secs := 15
	if v, err := strconv.Atoi(os.Getenv("PORTAL_BENCH_SECONDS")); err == nil && v > 0 {
		secs = v
	}
	phase := time.Duration(secs) * time.Second
	b.ResetTimer()
	timeouts.Store(0)
	svcLat, svcRate := closedLoop(b, reqs, clients, phase, service)
	svcTimeouts := timeouts.Swap(0)
	pgxLat, pgxRate := closedLoop(b, reqs, clients, phase, replay)
	pgxTimeouts := timeouts.Swap(0)
	paced := openLoop(b, reqs, clients, 2, phase, service)
	pacedTimeouts := timeouts.Swap(0)
	b.StopTimer()
	b.ReportMetric(float64(svcTimeouts), "timeouts")
	b.ReportMetric(float64(pgxTimeouts), "pgx_timeouts")
	b.ReportMetric(float64(pacedTimeouts), "paced100_timeouts")
	b.ReportMetric(float64(len(svcLat)), "requests")

	b.ReportMetric(pct(svcLat, 50), "p50_ms")
	b.ReportMetric(pct(svcLat, 95), "p95_ms")
	b.ReportMetric(pct(svcLat, 99), "p99_ms")
	b.ReportMetric(svcRate, "req/s")
	b.ReportMetric(pgxRate, "pgx_req/s")
	b.ReportMetric(pct(pgxLat, 95), "pgx_p95_ms")
	b.ReportMetric(svcRate/pgxRate, "ratio")
	b.ReportMetric(pct(paced, 50), "paced100_p50_ms")
	b.ReportMetric(pct(paced, 95), "paced100_p95_ms")
	b.ReportMetric(0, "ns/op") // b.N does not count requests here
}

// closedLoop runs clients goroutines, each sending requests back to back
// for d, and returns every latency and the throughput.
func closedLoop(b *testing.B, reqs []*scaleRequest, clients int, d time.Duration, do func(*scaleRequest) error) ([]time.Duration, float64) {
	var wg sync.WaitGroup
	var failed atomic.Int64
	lats := make([][]time.Duration, clients)
	start := time.Now()
	deadline := start.Add(d)
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 7))
			for time.Now().Before(deadline) {
				r := reqs[rng.IntN(len(reqs))]
				t := time.Now()
				if err := do(r); err != nil && !timedOut(err) {
					if failed.Add(1) == 1 {
						b.Errorf("request of %s: %v", r.actor.CustomerID, err)
					}
					continue
				} else if err != nil {
					timeouts.Add(1)
				}
				lats[c] = append(lats[c], time.Since(t)) // a timeout counts with the time it took
			}
		}()
	}
	wg.Wait()
	all := slices.Concat(lats...)
	return all, float64(len(all)) / time.Since(start).Seconds()
}

// openLoop runs clients goroutines, each due to send perSecond requests a
// second on its own fixed schedule for d; latency counts from when a
// request was due, so time spent waiting behind a slow one is included.
func openLoop(b *testing.B, reqs []*scaleRequest, clients, perSecond int, d time.Duration, do func(*scaleRequest) error) []time.Duration {
	var wg sync.WaitGroup
	lats := make([][]time.Duration, clients)
	every := time.Second / time.Duration(perSecond)
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 9))
			due := start.Add(time.Duration(rng.Int64N(int64(every)))) // spread the clients over the period
			for due.Before(start.Add(d)) {
				time.Sleep(time.Until(due))
				r := reqs[rng.IntN(len(reqs))]
				if err := do(r); err != nil && !timedOut(err) {
					b.Errorf("request of %s: %v", r.actor.CustomerID, err)
					return
				} else if err != nil {
					timeouts.Add(1)
				}
				lats[c] = append(lats[c], time.Since(due))
				due = due.Add(every)
			}
		}()
	}
	wg.Wait()
	return slices.Concat(lats...)
}

// timeouts counts the requests the service's statement timeout cut off
// (SQLSTATE 57014): they are answered (with an error) and count in the
// latencies with the time they took; the timeouts_* metrics say how many.
var timeouts atomic.Int64

func timedOut(err error) bool { return err != nil && strings.Contains(err.Error(), "SQLSTATE 57014") }

// pct is the p-th percentile of lats, in milliseconds.
func pct(lats []time.Duration, p int) float64 {
	if len(lats) == 0 {
		return 0
	}
	s := slices.Clone(lats)
	slices.Sort(s)
	return float64(s[min(len(s)-1, len(s)*p/100)]) / float64(time.Millisecond)
}

// BenchmarkScaleOrdersSearch is the orders list, first page of 25, with a
// search term (order number prefix, PO fragment or a word of a line
// description), default sort (newest first). See the comment above for the
// figures.
func BenchmarkScaleOrdersSearch(b *testing.B) {
	runScale(b, "FindOrders", func(ctx context.Context, svc *postgres.OrderService, r *scaleRequest) error {
		_, _, err := svc.FindOrders(ctx, r.actor, portal.OrderFilter{Search: r.search})
		return err
	}, func(rng *rand.Rand, c scalegen.Customer) *scaleRequest {
		return &scaleRequest{search: searchTerm(rng)}
	})
}

// BenchmarkScaleDashboard is the customer's dashboard: account card,
// orders in progress, recent shipments and invoices. See the comment above
// for the figures.
func BenchmarkScaleDashboard(b *testing.B) {
	runScale(b, "Dashboard", func(ctx context.Context, svc *postgres.OrderService, r *scaleRequest) error {
		_, err := svc.Dashboard(ctx, r.actor)
		return err
	}, func(*rand.Rand, scalegen.Customer) *scaleRequest { return &scaleRequest{} })
}
