package postgres_test

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"
	"golang.org/x/crypto/argon2"

	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

const authPassword = "Correct-Horse-9"

// authEnv is a database with two tenants, each with a customer and users
// (active "jane", disabled "old"), and an AuthService as the app role.
type authEnv struct {
	pg    *pgtest.Database
	app   *postgres.DB
	svc   *postgres.AuthService
	a, b  context.Context // request contexts of tenant A and B
	now   time.Time
	owner *postgres.DB
}

func newAuthEnv(t testing.TB) *authEnv {
	t.Helper()
	ctx := context.Background()
	d := pgtest.New(t)
	owner := d.OpenOwner(t)
	hash, err := password.Hash(authPassword)
	if err != nil {
		t.Fatal(err)
	}
	e := &authEnv{now: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)}
	for i, slug := range []string{"alpha", "beta"} {
		tn := &tenants.Tenant{Slug: slug, Name: slug, Status: tenants.StatusActive,
			Branding: tenants.Branding{PrimaryColor: "#000000", AccentColor: "#000000", BackgroundColor: "#ffffff"}}
		if err := owner.ApplyTenant(ctx, tn); err != nil {
			t.Fatal(err)
		}
		err := owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
			cust := uuid.NewString()
			if _, err := tx.ExecContext(ctx, `INSERT INTO customers (tenant_id, id, account_number, company_name) VALUES (?, ?, 'C-1', 'Lakeshore Fab')`, tn.ID, cust); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, status, password_hash) VALUES
				(?, ?, ?, 'jane@example.com', 'Jane Buyer', 'buyer', 'active', ?),
				(?, ?, ?, 'old@example.com', 'Old User', 'viewer', 'disabled', ?)`,
				tn.ID, uuid.NewString(), cust, hash, tn.ID, uuid.NewString(), cust, hash)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		c := tenants.NewContext(ctx, tn)
		if i == 0 {
			e.a = c
		} else {
			e.b = c
		}
	}
	e.owner = owner
	e.pg, e.app = d, d.OpenApp(t, postgres.Options{})
	e.app.Now = func() time.Time { return e.now }
	e.svc = postgres.NewAuthService(e.app)
	return e
}

func signIn(e *authEnv, ctx context.Context, email, pw string, remember bool) (string, *portal.User, error) {
	token, _, u, err := e.svc.SignIn(ctx, portal.SignInInput{Email: email, Password: pw, Remember: remember,
		Client: portal.Client{IP: "203.0.113.7", UserAgent: "test"}})
	return token, u, err
}

func TestSignInAndOut(t *testing.T) {
	e := newAuthEnv(t)
	token, u, err := signIn(e, e.a, " Jane@Example.com ", authPassword, false)
	if err != nil {
		t.Fatal(err)
	}
	if u.Name != "Jane Buyer" || u.Role != "buyer" || u.CustomerName != "Lakeshore Fab" {
		t.Errorf("user = %+v", u)
	}
	_, got, err := e.svc.Authenticate(e.a, token)
	if err != nil || got.ID != u.ID {
		t.Fatalf("Authenticate = %+v, %v", got, err)
	}
	// The same token means nothing on another tenant's portal.
	if _, _, err := e.svc.Authenticate(e.b, token); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("token of tenant A on tenant B: %v", err)
	}
	if err := e.svc.SignOut(e.a, token, portal.Client{}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Authenticate(e.a, token); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("after sign-out: %v", err)
	}
	// Every sign-in gets a new token.
	t2, _, err := signIn(e, e.a, "jane@example.com", authPassword, false)
	if err != nil || t2 == token {
		t.Errorf("second sign-in: same token or %v", err)
	}
	for _, bad := range []string{"", "short", token + "x", "!!!!"} {
		if _, _, err := e.svc.Authenticate(e.a, bad); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
			t.Errorf("Authenticate(%q) = %v", bad, err)
		}
	}
}

func TestSignInFailuresLookAlike(t *testing.T) {
	e := newAuthEnv(t)
	var msgs []string
	for _, c := range []struct{ email, pw string }{
		{"jane@example.com", "wrong-password"},
		{"nobody@example.com", authPassword},
		{"old@example.com", authPassword}, // disabled
	} {
		_, _, err := signIn(e, e.a, c.email, c.pw, false)
		if portal.ErrorCode(err) != portal.EUNAUTHORIZED {
			t.Fatalf("%s: %v", c.email, err)
		}
		msgs = append(msgs, portal.ErrorMessage(err))
	}
	if msgs[0] != msgs[1] || msgs[1] != msgs[2] {
		t.Errorf("failures are distinguishable: %q", msgs)
	}
	_, _, err := signIn(e, e.a, "not-an-address", "", false)
	var pe *portal.Error
	if !errors.As(err, &pe) || pe.Code != portal.EINVALID || len(pe.Fields) != 2 {
		t.Errorf("invalid input: %v", err)
	}
}

func TestSignInThrottled(t *testing.T) {
	e := newAuthEnv(t)
	for i := range portal.MaxFailuresAccountClient {
		if _, _, err := signIn(e, e.a, "jane@example.com", "wrong", false); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	// Past the limit even the right password is refused…
	if _, _, err := signIn(e, e.a, "jane@example.com", authPassword, false); portal.ErrorCode(err) != portal.ERATELIMITED {
		t.Fatalf("after %d failures: %v", portal.MaxFailuresAccountClient, err)
	}
	// …in this tenant only, where the failures happened.
	if _, _, err := signIn(e, e.b, "jane@example.com", authPassword, false); err != nil {
		t.Errorf("tenant B throttled by tenant A's failures: %v", err)
	}
	e.now = e.now.Add(portal.ThrottleWindow + time.Second)
	if _, _, err := signIn(e, e.a, "jane@example.com", authPassword, false); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

func TestSignInThrottledPerClient(t *testing.T) {
	e := newAuthEnv(t)
	for i := range portal.MaxFailuresClient {
		email := uuid.NewString()[:8] + "@example.com" // a different account each time
		if _, _, err := signIn(e, e.a, email, "wrong", false); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	if _, _, err := signIn(e, e.a, "jane@example.com", authPassword, false); portal.ErrorCode(err) != portal.ERATELIMITED {
		t.Fatalf("client past its limit: %v", err)
	}
}

// TestSignInUpgradesWeakHash: a hash made with weaker argon2id parameters
// (an older release's) is replaced at the next successful sign-in.
func TestSignInUpgradesWeakHash(t *testing.T) {
	e := newAuthEnv(t)
	salt := []byte("0123456789abcdef")
	weak := fmt.Sprintf("$argon2id$v=19$m=%d,t=1,p=1$%s$%s", 8*1024,
		base64.RawStdEncoding.EncodeToString(salt),
		base64.RawStdEncoding.EncodeToString(argon2.IDKey([]byte(authPassword), salt, 1, 8*1024, 1, 32)))
	stored := func() string {
		t.Helper()
		var h string
		err := e.owner.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
			return tx.NewRaw(`SELECT password_hash FROM users WHERE email = 'jane@example.com'`).Scan(ctx, &h)
		})
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	err := e.owner.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE email = 'jane@example.com'`, weak)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !password.NeedsRehash(stored()) {
		t.Fatal("the weak hash does not need a rehash: the test proves nothing")
	}
	if _, _, err := signIn(e, e.a, "jane@example.com", authPassword, false); err != nil {
		t.Fatalf("sign in with the weak hash: %v", err)
	}
	if h := stored(); h == weak || password.NeedsRehash(h) {
		t.Errorf("hash after sign-in = %q, want today's parameters", h)
	}
	if _, _, err := signIn(e, e.a, "jane@example.com", authPassword, false); err != nil {
		t.Errorf("sign in with the upgraded hash: %v", err)
	}
}

// TestClosedCustomerSignsOut: the users of a customer account the
// distributor closed can no longer sign in, and their sessions end; an
// account on hold keeps access (its users still see and pay invoices).
func TestClosedCustomerSignsOut(t *testing.T) {
	e := newAuthEnv(t)
	token, _, err := signIn(e, e.a, "jane@example.com", authPassword, false)
	if err != nil {
		t.Fatal(err)
	}
	setStatus := func(status string) {
		t.Helper()
		err := e.owner.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE customers SET status = ?`, status)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	setStatus("on_hold")
	if _, _, err := e.svc.Authenticate(e.a, token); err != nil {
		t.Errorf("on hold: session ended: %v", err)
	}
	setStatus("closed")
	if _, _, err := e.svc.Authenticate(e.a, token); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("closed: session still valid: %v", err)
	}
	if _, _, err := signIn(e, e.a, "jane@example.com", authPassword, false); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("closed: sign-in: %v", err)
	}
}

// TestSignInThrottledPerIPv6Block: an IPv6 client can pick any address of
// its /64, so the per-client limits count the whole /64 as one client.
func TestSignInThrottledPerIPv6Block(t *testing.T) {
	e := newAuthEnv(t)
	try := func(ip, email, pw string) error {
		_, _, _, err := e.svc.SignIn(e.a, portal.SignInInput{Email: email, Password: pw, Client: portal.Client{IP: ip}})
		return err
	}
	for i := range portal.MaxFailuresAccountClient {
		// A new address of the same /64 for every guess at jane.
		if err := try(fmt.Sprintf("2001:db8:1:2::%x", i+1), "jane@example.com", "wrong"); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
			t.Fatalf("failure %d: %v", i+1, err)
		}
	}
	if err := try("2001:db8:1:2:ffff:ffff:ffff:ffff", "jane@example.com", authPassword); portal.ErrorCode(err) != portal.ERATELIMITED {
		t.Errorf("another address of the /64: %v", err)
	}
	if err := try("2001:db8:1:3::1", "jane@example.com", authPassword); err != nil {
		t.Errorf("the next /64 is another client: %v", err)
	}
	// Spraying accounts from one /64 hits the per-client limit.
	for i := range portal.MaxFailuresClient {
		if err := try(fmt.Sprintf("2001:db8:9:9:%x::1", i+1), uuid.NewString()[:8]+"@example.com", "wrong"); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
			t.Fatalf("spray %d: %v", i+1, err)
		}
	}
	if err := try("2001:db8:9:9::abcd", "jane@example.com", authPassword); portal.ErrorCode(err) != portal.ERATELIMITED {
		t.Errorf("a /64 past its limit: %v", err)
	}
}

func TestSessionExpiry(t *testing.T) {
	e := newAuthEnv(t)
	start := e.now
	token, _, err := signIn(e, e.a, "jane@example.com", authPassword, false)
	if err != nil {
		t.Fatal(err)
	}
	// Activity every 20 minutes keeps the session alive past 30 minutes…
	for _, m := range []int{20, 40, 60} {
		e.now = start.Add(time.Duration(m) * time.Minute)
		if _, _, err := e.svc.Authenticate(e.a, token); err != nil {
			t.Fatalf("active at +%dm: %v", m, err)
		}
	}
	// …31 idle minutes end it.
	e.now = e.now.Add(portal.IdleTimeout + time.Minute)
	if _, _, err := e.svc.Authenticate(e.a, token); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("idle session still valid: %v", err)
	}

	// Remember me: idle for a day is fine, 30 days is the end.
	e.now = start
	token, _, err = signIn(e, e.a, "jane@example.com", authPassword, true)
	if err != nil {
		t.Fatal(err)
	}
	e.now = start.Add(24 * time.Hour)
	if _, _, err := e.svc.Authenticate(e.a, token); err != nil {
		t.Errorf("remembered session after a day: %v", err)
	}
	e.now = start.Add(portal.RememberLifetime + time.Minute)
	if _, _, err := e.svc.Authenticate(e.a, token); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("remembered session past 30 days: %v", err)
	}

	// The absolute lifetime ends even an active normal session.
	e.now = start
	token, _, err = signIn(e, e.a, "jane@example.com", authPassword, false)
	if err != nil {
		t.Fatal(err)
	}
	for e.now.Before(start.Add(portal.SessionLifetime - 20*time.Minute)) {
		e.now = e.now.Add(20 * time.Minute)
		if _, _, err := e.svc.Authenticate(e.a, token); err != nil {
			t.Fatalf("active at %v: %v", e.now.Sub(start), err)
		}
	}
	e.now = start.Add(portal.SessionLifetime + time.Minute)
	if _, _, err := e.svc.Authenticate(e.a, token); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("session past its absolute lifetime: %v", err)
	}
}

func TestSignInAudited(t *testing.T) {
	e := newAuthEnv(t)
	token, _, err := signIn(e, e.a, "jane@example.com", authPassword, false)
	if err != nil {
		t.Fatal(err)
	}
	_, _, _ = signIn(e, e.a, "jane@example.com", "wrong", false)
	if err := e.svc.SignOut(e.a, token, portal.Client{}); err != nil {
		t.Fatal(err)
	}
	var kinds []string
	err = e.app.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT kind FROM audit_events ORDER BY id`).Scan(ctx, &kinds)
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"signin", "signin_failed", "signout"}
	if len(kinds) != len(want) || kinds[0] != want[0] || kinds[1] != want[1] || kinds[2] != want[2] {
		t.Errorf("audit kinds = %v, want %v", kinds, want)
	}
}

// TestThrottleCannotLockOwnerOut: failures from one client address limit
// that client, not the account's owner elsewhere; a password reset clears
// the slate; parallel guesses cannot get past the limit.
func TestThrottleCannotLockOwnerOut(t *testing.T) {
	e := newAuthEnv(t)
	attacker := portal.Client{IP: "203.0.113.66"}
	guess := func(c portal.Client, pw string) error {
		_, _, _, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: pw, Client: c})
		return err
	}
	// Parallel guesses: each waits for the one before, so no more than the
	// limit is ever evaluated.
	errs := make(chan error, 12)
	for range 12 {
		go func() { errs <- guess(attacker, "wrong") }()
	}
	evaluated := 0
	for range 12 {
		if portal.ErrorCode(<-errs) == portal.EUNAUTHORIZED {
			evaluated++
		}
	}
	if evaluated != portal.MaxFailuresAccountClient {
		t.Errorf("%d parallel guesses evaluated, want %d", evaluated, portal.MaxFailuresAccountClient)
	}
	if err := guess(attacker, authPassword); portal.ErrorCode(err) != portal.ERATELIMITED {
		t.Errorf("attacker's client after the limit: %v", err)
	}
	if err := guess(portal.Client{IP: "198.51.100.1"}, authPassword); err != nil {
		t.Errorf("the owner, from elsewhere, is locked out: %v", err)
	}
	// A reset (password change) clears the failures before it.
	req, err := e.svc.RequestPasswordReset(e.a, "jane@example.com", attacker)
	if err != nil || req == nil {
		t.Fatal(req, err)
	}
	e.now = e.now.Add(time.Second)
	if err := e.svc.ResetPassword(e.a, req.Token, newPassword, attacker); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(time.Second)
	if err := guess(attacker, newPassword); err != nil {
		t.Errorf("after a reset, from the same client: %v", err)
	}
}
