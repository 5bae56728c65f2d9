package policies

import (
	"fmt"
	"hash/fnv"
	"runtime"
	"strconv"
	"testing"
)

// The targets: a check under 5 µs, and memory that does not grow
// with the number of users, measured at 100 tenants × 10,000 users.
const (
	benchTenants        = 100
	benchUsersPerTenant = 10_000
)

// fleet is an Authorizer with benchTenants tenants, every tenth of which has
// rows of its own, so that the checks exercise both the tenant tables and
// the fallback to the default.
type fleet struct {
	a       *Authorizer
	tenants []string
	perms   []Permission
}

func newFleet(tb testing.TB) *fleet {
	tb.Helper()
	a := mustNew(tb)
	f := &fleet{a: a}
	for i := range benchTenants {
		id := fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		f.tenants = append(f.tenants, id)
		if i%10 == 0 {
			if _, err := a.Enforcer().AddPolicy(RoleBuyer, id, InvoicesPay.Object, InvoicesPay.Action, "allow"); err != nil {
				tb.Fatal(err)
			}
			if _, err := a.Enforcer().AddPolicy(RoleViewer, id, CatalogPrice.Object, CatalogPrice.Action, "deny"); err != nil {
				tb.Fatal(err)
			}
		}
	}
	if err := a.Reload(); err != nil {
		tb.Fatal(err)
	}
	for p := range known {
		f.perms = append(f.perms, p)
	}
	f.perms = append(f.perms, Permission{"orders", "delete"}) // and a miss
	return f
}

// check is one request's authorization: the user's role comes from its
// membership (here a hash of the user ID standing in for the PostgreSQL row
// that arrives with the session), and the route's permission from the route.
type check struct {
	tenant, role string
	p            Permission
}

// checks returns n varied checks, precomputed so the benchmark loop measures
// Allowed alone.
func (f *fleet) checks(n int) []check {
	cs := make([]check, n)
	for i := range cs {
		cs[i] = check{f.tenants[i%len(f.tenants)], roles[i%len(roles)], f.perms[(i/7)%len(f.perms)]}
	}
	return cs
}

func BenchmarkAllowed(b *testing.B) {
	f := newFleet(b)
	cs := f.checks(4096) // a power of two: i&mask instead of i%len
	const mask = 4096 - 1

	b.Run("single", func(b *testing.B) {
		b.ReportAllocs()
		n := 0
		for i := 0; b.Loop(); i++ {
			c := &cs[i&mask]
			if f.a.Allowed(c.tenant, c.role, c.p) {
				n++
			}
		}
		if n == 0 {
			b.Fatal("nothing was allowed")
		}
	})
	b.Run("parallel", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			i, n := 0, 0
			for pb.Next() {
				c := &cs[i&mask]
				if f.a.Allowed(c.tenant, c.role, c.p) {
					n++
				}
				i++
			}
			_ = n
		})
	})
}

// BenchmarkCasbinEnforce is the comparison: the same checks through
// Casbin's Enforce, what every request would pay without the table.
func BenchmarkCasbinEnforce(b *testing.B) {
	f := newFleet(b)
	cs := f.checks(4096)
	const mask = 4096 - 1
	e := f.a.Enforcer()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		c := &cs[i&mask]
		if _, err := e.Enforce(c.role, c.tenant, c.p.Object, c.p.Action); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReload is the cost of re-evaluating the policy of the fleet (the
// default and 10 customised tenants), paid when a policy changes.
func BenchmarkReload(b *testing.B) {
	f := newFleet(b)
	for b.Loop() {
		if err := f.a.Reload(); err != nil {
			b.Fatal(err)
		}
	}
}

// usage is what one pass of 100 tenants × 10,000 users measures.
type usage struct {
	authorizerHeap uint64  // heap held by the Authorizer and its enforcer
	heapGrowth     int64   // heap growth across one check per user (should be ~0)
	allocsPerCheck float64 // allocations per check across the pass (should be 0)
	allowed        int     // how many checks were allowed, so the loop cannot be optimised away
}

// measureUsers builds the fleet and then authorizes one request for each of
// 1,000,000 distinct users across 100 tenants. Users never enter the
// Authorizer: the user ID only picks the role, as the session's membership
// row would, so its memory cannot grow with them.
func measureUsers(tb testing.TB) usage {
	tb.Helper()
	var u usage
	var ms runtime.MemStats
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}

	before := heap()
	f := newFleet(tb)
	afterNew := heap()
	u.authorizerHeap = afterNew - before

	buf := make([]byte, 0, 64)
	h := fnv.New64a()
	runtime.ReadMemStats(&ms)
	mallocs := ms.Mallocs
	for t, tenant := range f.tenants {
		for user := range benchUsersPerTenant {
			buf = strconv.AppendInt(append(append(buf[:0], tenant...), "/user-"...), int64(t*benchUsersPerTenant+user), 10)
			h.Reset()
			_, _ = h.Write(buf)
			sum := h.Sum64()
			role := customerRoles[sum%uint64(len(customerRoles))]
			if f.a.Allowed(tenant, role, f.perms[(sum>>8)%uint64(len(f.perms))]) {
				u.allowed++
			}
		}
	}
	runtime.ReadMemStats(&ms)
	u.allocsPerCheck = float64(ms.Mallocs-mallocs) / (benchTenants * benchUsersPerTenant)
	u.heapGrowth = int64(heap()) - int64(afterNew)
	runtime.KeepAlive(f)
	return u
}

// BenchmarkUsersMemory reports, per pass of 1,000,000 users (one op):
// heap-bytes held by the Authorizer, heap-growth-bytes after the pass, and
// allocs/check.
func BenchmarkUsersMemory(b *testing.B) {
	var u usage
	for b.Loop() {
		u = measureUsers(b)
	}
	b.ReportMetric(float64(u.authorizerHeap), "heap-bytes")
	b.ReportMetric(float64(u.heapGrowth), "heap-growth-bytes")
	b.ReportMetric(u.allocsPerCheck, "allocs/check")
	b.ReportMetric(float64(benchTenants*benchUsersPerTenant), "users")
}

// TestMemoryFlatWithUsers turns the benchmark's memory claims into
// assertions: no allocation per check and no heap growth with a million
// users. The 5 µs budget is BenchmarkAllowed's to show (make bench), not a
// timed test's.
func TestMemoryFlatWithUsers(t *testing.T) {
	u := measureUsers(t)
	t.Logf("authorizer heap %d B, growth after 1,000,000 users %d B, %.6f allocs/check, %d allowed",
		u.authorizerHeap, u.heapGrowth, u.allocsPerCheck, u.allowed)
	if u.allowed == 0 || u.allowed == benchTenants*benchUsersPerTenant {
		t.Errorf("%d of the checks were allowed: the simulation does not exercise the matrix", u.allowed)
	}
	// A few runtime allocations may land in the window (GC, the test
	// framework); one per check would be a million.
	if u.allocsPerCheck > 0.001 {
		t.Errorf("%.4f allocations per check; the fast path must not allocate", u.allocsPerCheck)
	}
	// Memberships in Casbin cost about 1 KB each (stack-notes §3), so a
	// million users would add about 1 GB; the table must not grow at all.
	if u.heapGrowth > 256<<10 {
		t.Errorf("heap grew by %d B over 1,000,000 users", u.heapGrowth)
	}
	if u.authorizerHeap > 16<<20 {
		t.Errorf("the Authorizer holds %d B; the matrix is a few hundred rows", u.authorizerHeap)
	}

	f := newFleet(t)
	c := f.checks(1)[0]
	if n := testing.AllocsPerRun(1000, func() { f.a.Allowed(c.tenant, c.role, c.p) }); n != 0 {
		t.Errorf("Allowed allocates %.1f times per call", n)
	}
}
