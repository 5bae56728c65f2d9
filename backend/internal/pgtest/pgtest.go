// Package pgtest gives each test its own PostgreSQL database, cloned from a
// template that holds the migrated schema, and connections as the app role
// (so row-level security applies, as in production) and as the owner.
//
// The template is built once per set of migration files (its name carries a
// hash of them) by migrating as portal_owner, exactly as `portal migrate up`
// does; each test then gets CREATE DATABASE … TEMPLATE in a few tens of
// milliseconds.
//
// Where the server is: PORTAL_TEST_ADMIN_URL, a superuser connection
// (default postgres://postgres@127.0.0.1:5432/postgres). When it cannot be
// reached the test is skipped, unless CI is set, in which case it fails:
// a missing service never passes silently in CI.
package pgtest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"example.com/portal/backend/internal/postgres"
	"example.com/portal/backend/internal/sealed"
	"example.com/portal/migrations"
)

// DefaultAdminURL is used when PORTAL_TEST_ADMIN_URL is unset.
const DefaultAdminURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// Role passwords used by the test harness and the local dev cluster. Local
// servers use trust authentication on loopback, so they only matter where a
// server asks for them.
const (
	OwnerRole = "portal_owner"
	AppRole   = "portal_app"
)

// Database is one test's database.
type Database struct {
	Name     string
	AdminURL string
	OwnerURL string // as portal_owner
	AppURL   string // as portal_app
}

// AdminURL returns the superuser URL the harness uses.
func AdminURL() string {
	if u := os.Getenv("PORTAL_TEST_ADMIN_URL"); u != "" {
		return u
	}
	return DefaultAdminURL
}

// Required reports whether missing services must fail tests (CI=true).
func Required() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v == "true" || v == "1" || os.Getenv("PORTAL_REQUIRE_SERVICES") == "1"
}

// Unavailable fails the test in CI and skips it elsewhere.
func Unavailable(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if Required() {
		tb.Fatalf("required service unavailable (CI): %s", msg)
	}
	tb.Skipf("service unavailable, skipping (set CI=true to fail instead): %s", msg)
}

var (
	templateOnce sync.Once
	templateName string
	templateErr  error
)

// New creates a fresh, migrated database for tb and drops it when tb ends.
func New(tb testing.TB) *Database {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := AdminURL()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		Unavailable(tb, "PostgreSQL at %s: %v", redact(admin), err)
	}
	defer conn.Close(ctx)

	templateOnce.Do(func() { templateName, templateErr = ensureTemplate(ctx, conn, admin) })
	if templateErr != nil {
		tb.Fatalf("pgtest: build template database: %v", templateErr)
	}
	name := "portal_test_" + randomHex(6)
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s TEMPLATE %s OWNER %s", name, templateName, OwnerRole)); err != nil {
		tb.Fatalf("pgtest: create database: %v", err)
	}
	db := &Database{Name: name, AdminURL: withDB(admin, name, "", "")}
	db.OwnerURL = withDB(admin, name, OwnerRole, OwnerRole)
	db.AppURL = withDB(admin, name, AppRole, AppRole)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			tb.Errorf("pgtest: drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", name)); err != nil {
			tb.Errorf("pgtest: drop %s: %v", name, err)
		}
	})
	return db
}

// OpenApp connects to the database as the app role, closed when tb ends.
func (d *Database) OpenApp(tb testing.TB, opts postgres.Options) *postgres.DB {
	tb.Helper()
	return open(tb, d.AppURL, opts)
}

// OpenOwner connects as the owner role, closed when tb ends.
func (d *Database) OpenOwner(tb testing.TB) *postgres.DB {
	tb.Helper()
	return open(tb, d.OwnerURL, postgres.Options{})
}

func open(tb testing.TB, dsn string, opts postgres.Options) *postgres.DB {
	tb.Helper()
	if opts.Secrets == nil {
		// A key of the test's own: sealed values are real ciphertext.
		key := make([]byte, sealed.KeySize)
		if _, err := rand.Read(key); err != nil {
			tb.Fatal(err)
		}
		box, err := sealed.New(key)
		if err != nil {
			tb.Fatal(err)
		}
		opts.Secrets = box
	}
	db, err := postgres.Open(context.Background(), dsn, opts)
	if err != nil {
		tb.Fatalf("pgtest: open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// ensureTemplate builds the template database for the current migration
// files unless it exists. An advisory lock serialises test binaries that run
// in parallel (go test runs packages concurrently).
func ensureTemplate(ctx context.Context, conn *pgx.Conn, admin string) (string, error) {
	if _, err := conn.Exec(ctx, postgres.RolesSQL); err != nil {
		return "", fmt.Errorf("create roles: %w", err)
	}
	sum, err := migrationsHash()
	if err != nil {
		return "", err
	}
	name := "portal_tpl_" + sum[:12]
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock(7402)"); err != nil {
		return "", err
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(7402)") //nolint:errcheck // ends with the session anyway
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return "", err
	}
	if exists {
		return name, nil
	}
	building := name + "_build"
	if _, err := conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s WITH (FORCE)", building)); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("CREATE DATABASE %s OWNER %s", building, OwnerRole)); err != nil {
		return "", err
	}
	owner, err := postgres.Open(ctx, withDB(admin, building, OwnerRole, OwnerRole), postgres.Options{})
	if err != nil {
		return "", err
	}
	m, err := postgres.NewMigrator(owner)
	if err == nil {
		err = m.Up(ctx, io.Discard)
	}
	owner.Close()
	if err != nil {
		return "", fmt.Errorf("migrate template: %w", err)
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s RENAME TO %s", building, name)); err != nil {
		return "", err
	}
	if _, err := conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s IS_TEMPLATE true", name)); err != nil {
		return "", err
	}
	dropStaleTemplates(ctx, conn, name)
	return name, nil
}

// dropStaleTemplates removes templates of other migration sets not built
// within the hour (another checkout on this machine, on another branch, may
// be testing with its own), and test databases older than a day (left by
// killed runs), so they do not pile up. Failures are ignored: another test
// binary may still be using one.
func dropStaleTemplates(ctx context.Context, conn *pgx.Conn, keep string) {
	rows, err := conn.Query(ctx, `SELECT datname FROM pg_database
		WHERE (datname LIKE 'portal\_tpl\_%' AND datname NOT LIKE '%\_build' AND datname <> $1
		       AND (pg_stat_file('base/' || oid || '/PG_VERSION', true)).modification < now() - interval '1 hour')
		   OR (datname LIKE 'portal\_test\_%' AND (pg_stat_file('base/' || oid || '/PG_VERSION', true)).modification < now() - interval '1 day')`, keep)
	if err != nil {
		return
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return
	}
	for _, n := range names {
		_, _ = conn.Exec(ctx, fmt.Sprintf("ALTER DATABASE %s IS_TEMPLATE false", n))
		_, _ = conn.Exec(ctx, fmt.Sprintf("DROP DATABASE IF EXISTS %s", n))
	}
}

// migrationsHash fingerprints the embedded migrations and role SQL.
func migrationsHash() (string, error) {
	fsys := migrations.FS()
	var names []string
	if err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			names = append(names, p)
		}
		return err
	}); err != nil {
		return "", err
	}
	sort.Strings(names)
	h := sha256.New()
	// Bump when how the template is built changes (not only what the
	// migrations say): 3 = one migration group per migration.
	h.Write([]byte("harness 3\x00"))
	h.Write([]byte(postgres.RolesSQL))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return "", err
		}
		fmt.Fprintf(h, "%s\x00%d\x00", n, len(b))
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// withDB returns admin with another database and, when user is set, another
// user and password.
func withDB(admin, db, user, password string) string {
	u, err := url.Parse(admin)
	if err != nil {
		panic(fmt.Sprintf("pgtest: PORTAL_TEST_ADMIN_URL is not a URL: %v", err))
	}
	u.Path = "/" + db
	if user != "" {
		u.User = url.UserPassword(user, password)
	}
	return u.String()
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparseable url)"
	}
	return u.Redacted()
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
