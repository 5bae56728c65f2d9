package deploy_test

import (
	"cmp"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"example.com/portal/backend/internal/pgtest"
)

// checkInitScript returns what is wrong with postgres-init.sh's text.
func checkInitScript(text string) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	code := stripShellComments(text)
	if !strings.HasPrefix(text, "#!/usr/bin/env bash\n") && !strings.HasPrefix(text, "#!/bin/bash\n") {
		add("postgres-init.sh does not start with a bash shebang")
	}
	if !strings.Contains(code, "${PORTAL_ROLES_SQL:-"+defaultRolesSQLTarget+"}") {
		add("postgres-init.sh does not read roles.sql from ${PORTAL_ROLES_SQL:-%s}", defaultRolesSQLTarget)
	}
	if regexp.MustCompile(`(?i)\bCREATE\s+ROLE\b`).MatchString(code) {
		add("postgres-init.sh creates roles itself; roles.sql is their single definition")
	}
	for _, v := range []string{"PORTAL_OWNER_PASSWORD", "PORTAL_APP_PASSWORD"} {
		if !strings.Contains(code, "${"+v+":?") {
			add("postgres-init.sh does not require %s (${%s:?…})", v, v)
		}
	}
	for role, v := range map[string]string{ownerRole: "owner_password", appRole: "app_password"} {
		if !regexp.MustCompile(`(?i)ALTER\s+ROLE\s+` + role + `\b[^;]*PASSWORD\s+:'` + v + `'`).MatchString(code) {
			add("postgres-init.sh does not set %s's password from a psql variable (:'%s')", role, v)
		}
	}
	if !regexp.MustCompile(`(?i)CREATE\s+DATABASE\s+%I\s+OWNER\s+` + ownerRole).MatchString(code) {
		add("postgres-init.sh does not create the database owned by %s", ownerRole)
	}
	if !strings.Contains(code, `"${PORTAL_DB_NAME:-`+dbName+`}"`) {
		add("postgres-init.sh's database is not ${PORTAL_DB_NAME:-%s}", dbName)
	}
	if !strings.Contains(code, "ON_ERROR_STOP=1") {
		add("postgres-init.sh runs psql without ON_ERROR_STOP=1, so SQL errors would not stop the init")
	}
	if regexp.MustCompile(`(?m)^\s*exit\b`).MatchString(code) {
		add("postgres-init.sh calls exit; when the image sources it (not executable) that ends the entrypoint")
	}
	return problems
}

func stripShellComments(text string) string {
	var b strings.Builder
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "#") {
			continue
		}
		b.WriteString(l + "\n")
	}
	return b.String()
}

func readInitScript(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, initScriptPath))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestInitScriptText(t *testing.T) {
	text := readInitScript(t)
	for _, p := range checkInitScript(text) {
		t.Error(p)
	}
	// Syntax: bash is on every machine that runs these tests.
	if out, err := exec.Command("bash", "-n", filepath.Join(repoRoot, initScriptPath)).CombinedOutput(); err != nil {
		t.Errorf("bash -n %s: %v\n%s", initScriptPath, err, out)
	}
	if sc, err := exec.LookPath("shellcheck"); err == nil {
		if out, err := exec.Command(sc, filepath.Join(repoRoot, initScriptPath)).CombinedOutput(); err != nil {
			t.Errorf("shellcheck %s: %v\n%s", initScriptPath, err, out)
		}
	} else {
		t.Log("shellcheck is not installed; skipped the lint of postgres-init.sh")
	}
}

func TestCheckInitScriptMistakes(t *testing.T) {
	orig := readInitScript(t)
	for _, tc := range []struct{ name, old, new, want string }{
		{"roles created inline", `"${psql[@]}" --file "$roles_sql"`, `"${psql[@]}" -c 'CREATE ROLE portal_app LOGIN'`, "creates roles itself"},
		{"roles.sql elsewhere", "${PORTAL_ROLES_SQL:-/portal/roles.sql}", "${PORTAL_ROLES_SQL:-/roles.sql}", "does not read roles.sql"},
		{"app password not set", "ALTER ROLE portal_app WITH LOGIN PASSWORD :'app_password';", "", "portal_app's password"},
		{"database owned by postgres", "CREATE DATABASE %I OWNER portal_owner", "CREATE DATABASE %I", "owned by portal_owner"},
		{"errors ignored", "-v ON_ERROR_STOP=1 ", "", "ON_ERROR_STOP"},
		{"exit", "\t\treturn 1\n", "\t\texit 1\n", "calls exit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Count(orig, tc.old) != 1 {
				t.Fatalf("the mutation's text occurs %d times in postgres-init.sh, want once: %q", strings.Count(orig, tc.old), tc.old)
			}
			assertProblems(t, checkInitScript(strings.Replace(orig, tc.old, tc.new, 1)), tc.want)
		})
	}
}

// TestInitScriptRuns runs postgres-init.sh against the test PostgreSQL server
// (PORTAL_TEST_ADMIN_URL, a superuser, as the image's entrypoint would be),
// into a database of its own, twice (it must be idempotent), and checks the
// outcome: both roles exist without superuser or BYPASSRLS, the database is
// owned by portal_owner, the owner can create tables in it and the app role
// cannot. The passwords are the role names, as the test harness (pgtest)
// uses, so the shared server's roles keep working for other tests.
func TestInitScriptRuns(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	admin := pgtest.AdminURL()
	au, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("PORTAL_TEST_ADMIN_URL: %v", err)
	}
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		pgtest.Unavailable(t, "PostgreSQL at %s: %v", au.Redacted(), err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	psql, err := exec.LookPath("psql")
	if err != nil {
		pgtest.Unavailable(t, "psql is not installed: %v", err)
	}

	b := make([]byte, 5)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	name := "portal_deploy_test_" + hex.EncodeToString(b)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop %s: %v", name, err)
		}
	})

	rolesSQL, err := filepath.Abs(filepath.Join(repoRoot, rolesSQLPath))
	if err != nil {
		t.Fatal(err)
	}
	env := []string{
		"POSTGRES_USER=" + au.User.Username(),
		"POSTGRES_DB=" + strings.TrimPrefix(au.Path, "/"),
		"PORTAL_ROLES_SQL=" + rolesSQL,
		"PORTAL_DB_NAME=" + name,
		"PORTAL_OWNER_PASSWORD=" + pgtest.OwnerRole,
		"PORTAL_APP_PASSWORD=" + pgtest.AppRole,
		"PGHOST=" + au.Hostname(),
		"PGPORT=" + cmp.Or(au.Port(), "5432"),
		"PGSSLMODE=" + cmp.Or(au.Query().Get("sslmode"), "prefer"),
		"PGCONNECT_TIMEOUT=10",
	}
	if pw, ok := au.User.Password(); ok {
		env = append(env, "PGPASSWORD="+pw)
	}
	for _, kv := range os.Environ() { // PATH and the like; not the caller's PG* or PORTAL_*
		if !strings.HasPrefix(kv, "PG") && !strings.HasPrefix(kv, "PORTAL_") && !strings.HasPrefix(kv, "POSTGRES_") {
			env = append(env, kv)
		}
	}
	run := func() (string, error) {
		cmd := exec.CommandContext(ctx, "bash", filepath.Join(repoRoot, initScriptPath))
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	t.Logf("psql: %s", psql)
	out, err := run()
	if err != nil && strings.Contains(out, "duplicate key value") {
		// Another test package created the roles at the same moment
		// (CREATE ROLE races on a fresh server); the script is idempotent.
		out, err = run()
	}
	if err != nil {
		t.Fatalf("postgres-init.sh: %v\n%s", err, out)
	}
	if out, err := run(); err != nil {
		t.Fatalf("postgres-init.sh, second run (must be idempotent): %v\n%s", err, out)
	}

	for _, role := range []string{ownerRole, appRole} {
		var super, bypass, login bool
		if err := conn.QueryRow(ctx, "SELECT rolsuper, rolbypassrls, rolcanlogin FROM pg_roles WHERE rolname = $1", role).Scan(&super, &bypass, &login); err != nil {
			t.Fatalf("role %s: %v", role, err)
		}
		if super || bypass || !login {
			t.Errorf("role %s: superuser=%v bypassrls=%v login=%v; want a login role without superuser or BYPASSRLS", role, super, bypass, login)
		}
	}
	var owner string
	if err := conn.QueryRow(ctx, "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", name).Scan(&owner); err != nil {
		t.Fatalf("database %s: %v", name, err)
	}
	if owner != ownerRole {
		t.Errorf("database %s is owned by %s, want %s", name, owner, ownerRole)
	}

	as := func(role string) *pgx.Conn {
		u := *au
		u.Path = "/" + name
		u.User = url.UserPassword(role, role)
		c, err := pgx.Connect(ctx, u.String())
		if err != nil {
			t.Fatalf("connect to %s as %s: %v", name, role, err)
		}
		t.Cleanup(func() { c.Close(context.Background()) })
		return c
	}
	if _, err := as(ownerRole).Exec(ctx, "CREATE TABLE deploy_probe (id int)"); err != nil {
		t.Errorf("%s cannot create a table in %s (migrations would fail): %v", ownerRole, name, err)
	}
	if _, err := as(appRole).Exec(ctx, "CREATE TABLE deploy_probe_app (id int)"); err == nil {
		t.Errorf("%s could create a table in %s; it must own nothing", appRole, name)
	}
}
