package postgres_test

import (
	"sync/atomic"
	"testing"
	"time"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// TestRateLimiterWindows: the count is per key and endpoint, refused
// requests count too, a new window starts at 1, and a request stamped
// with a window already passed (a process whose clock lags) counts in the
// current window instead of resetting it.
func TestRateLimiterWindows(t *testing.T) {
	d := pgtest.New(t)
	owner, app := d.OpenOwner(t), d.OpenApp(t, postgres.Options{})
	ctx, _ := newBackOfficeTenant(t, d, owner, app, "rl")
	tn, _ := tenants.FromContext(ctx)
	k, _, err := owner.CreateAPIKey(ctx, tn.ID, portal.CreateAPIKeyInput{Name: "shop", Scopes: []string{portal.ScopeEcommerce}})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 12, 7, 15, 0, 20, 0, time.UTC)
	now := base
	app.Now = func() time.Time { return now }
	rl := postgres.NewRateLimiter(app)
	lim := portal.RateLimit{N: 2, Per: time.Minute}
	take := func(endpoint string) portal.RateDecision {
		t.Helper()
		dec, err := rl.Take(ctx, k.ID, endpoint, lim)
		if err != nil {
			t.Fatal(err)
		}
		return dec
	}
	for i, want := range []bool{true, true, false, false} {
		if dec := take("GET /a"); dec.Allowed != want || dec.ResetIn != 40*time.Second || dec.Remaining != max(0, 1-i) {
			t.Errorf("request %d: %+v", i+1, dec)
		}
	}
	if dec := take("GET /b"); !dec.Allowed || dec.Remaining != 1 {
		t.Errorf("another endpoint: %+v", dec)
	}
	now = base.Add(time.Minute)
	if dec := take("GET /a"); !dec.Allowed || dec.Remaining != 1 {
		t.Errorf("next window: %+v", dec)
	}
	now = base // a lagging process
	if dec := take("GET /a"); !dec.Allowed || dec.Remaining != 0 {
		t.Errorf("lagging clock: %+v", dec)
	}
	now = base.Add(time.Minute)
	if dec := take("GET /a"); dec.Allowed {
		t.Errorf("third in the window: %+v", dec)
	}
}

// BenchmarkRateLimiterTake: the cost of counting one request in
// PostgreSQL, from 8 goroutines on one key and endpoint (the worst case:
// every request updates the same row).
func BenchmarkRateLimiterTake(b *testing.B) {
	d := pgtest.New(b)
	owner, app := d.OpenOwner(b), d.OpenApp(b, postgres.Options{MaxConns: 8})
	ctx, _ := newBackOfficeTenant(b, d, owner, app, "rl-bench")
	tn, _ := tenants.FromContext(ctx)
	k, _, err := owner.CreateAPIKey(ctx, tn.ID, portal.CreateAPIKeyInput{Name: "shop", Scopes: []string{portal.ScopeEcommerce}})
	if err != nil {
		b.Fatal(err)
	}
	rl := postgres.NewRateLimiter(app)
	lim := portal.RateLimit{N: 1 << 30, Per: time.Minute}
	var n atomic.Int64
	b.SetParallelism(4) // 4 × GOMAXPROCS(2) = 8 goroutines
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := rl.Take(ctx, k.ID, "GET /api/v1/ecommerce/products", lim); err != nil {
				b.Error(err)
				return
			}
			n.Add(1)
		}
	})
	b.ReportMetric(float64(n.Load())/time.Since(start).Seconds(), "takes/s")
}
