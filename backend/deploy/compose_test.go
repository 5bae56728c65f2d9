package deploy_test

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

// repoRoot is the repository root, relative to this package's directory (go
// test runs in it).
const repoRoot = "../.."

// Paths inside the repository that docker-compose.yml refers to.
const (
	rolesSQLPath   = "backend/internal/postgres/roles.sql"
	initScriptPath = "backend/deploy/postgres-init.sh"
	dockerfilePath = "backend/deploy/Dockerfile"
)

// The service names the stack is made of.
const (
	svcDB      = "db"
	svcMinio   = "minio"
	svcMigrate = "migrate"
	svcTenants = "tenants"
	svcPortal  = "portal"
)

// Role and database names of roles.sql and DESIGN.md §3.
const (
	ownerRole = "portal_owner"
	appRole   = "portal_app"
	dbName    = "portal"
)

// defaultRolesSQLTarget is where postgres-init.sh looks for roles.sql when the
// db service does not set PORTAL_ROLES_SQL.
const defaultRolesSQLTarget = "/portal/roles.sql"

// loadCompose loads a compose document the way `docker compose` does
// (interpolation, validation against the compose schema, relative paths
// resolved against workingDir), with env as the only environment: no .env
// file and no process environment, so the defaults in the file are what is
// checked unless env overrides them.
func loadCompose(t *testing.T, workingDir, filename string, content []byte, env map[string]string) *types.Project {
	t.Helper()
	abs, err := filepath.Abs(workingDir)
	if err != nil {
		t.Fatal(err)
	}
	if env == nil {
		env = map[string]string{}
	}
	details := types.ConfigDetails{
		WorkingDir:  abs,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(abs, filename), Content: content}},
		Environment: types.Mapping(env),
	}
	p, err := loader.LoadWithContext(context.Background(), details, func(o *loader.Options) {
		o.SetProjectName("portal", true)
	})
	if err != nil {
		t.Fatalf("load %s: %v", filename, err)
	}
	return p
}

func loadRepoCompose(t *testing.T, env map[string]string) *types.Project {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yml"))
	if err != nil {
		t.Fatalf("read docker-compose.yml: %v", err)
	}
	return loadCompose(t, repoRoot, "docker-compose.yml", b, env)
}

// TestComposeFile checks the repository's docker-compose.yml with its
// built-in (dev) defaults.
func TestComposeFile(t *testing.T) {
	p := loadRepoCompose(t, nil)
	for _, problem := range checkCompose(p, repoRoot) {
		t.Error(problem)
	}
}

// TestComposeSecretsAreVariables checks that every secret comes from a
// variable (so it can be set without editing the file) and that its default
// is an obviously-dev value.
func TestComposeSecretsAreVariables(t *testing.T) {
	secrets := map[string]string{
		"POSTGRES_PASSWORD":     "pg-secret-from-env",
		"PORTAL_OWNER_PASSWORD": "owner-secret-from-env",
		"PORTAL_APP_PASSWORD":   "app-secret-from-env",
		"MINIO_ROOT_USER":       "minio-user-from-env",
		"MINIO_ROOT_PASSWORD":   "minio-secret-from-env",
	}

	// Overridden: the values must reach the services, and the stack must
	// still be consistent (the URLs carry the same passwords as the db).
	p := loadRepoCompose(t, secrets)
	for _, problem := range checkCompose(p, repoRoot) {
		t.Errorf("with secrets from the environment: %s", problem)
	}
	db := p.Services[svcDB]
	for _, k := range []string{"POSTGRES_PASSWORD", "PORTAL_OWNER_PASSWORD", "PORTAL_APP_PASSWORD"} {
		if got := envValue(db, k); got != secrets[k] {
			t.Errorf("db %s = %q with %s set in the environment; want it taken from there", k, got, k)
		}
	}
	minio := p.Services[svcMinio]
	for _, k := range []string{"MINIO_ROOT_USER", "MINIO_ROOT_PASSWORD"} {
		if got := envValue(minio, k); got != secrets[k] {
			t.Errorf("minio %s = %q with %s set in the environment; want it taken from there", k, got, k)
		}
	}
	if u := envValue(p.Services[svcPortal], "PORTAL_DATABASE_URL"); !strings.Contains(u, ":"+secrets["PORTAL_APP_PASSWORD"]+"@") {
		t.Errorf("portal PORTAL_DATABASE_URL %q does not use PORTAL_APP_PASSWORD from the environment", redactURL(u))
	}
	if u := envValue(p.Services[svcMigrate], "PORTAL_OWNER_DATABASE_URL"); !strings.Contains(u, ":"+secrets["PORTAL_OWNER_PASSWORD"]+"@") {
		t.Errorf("migrate PORTAL_OWNER_DATABASE_URL %q does not use PORTAL_OWNER_PASSWORD from the environment", redactURL(u))
	}

	// Defaults: present (the stack starts with no configuration) and
	// obviously for development.
	p = loadRepoCompose(t, nil)
	db, minio = p.Services[svcDB], p.Services[svcMinio]
	for _, c := range []struct {
		svc types.ServiceConfig
		key string
	}{
		{db, "POSTGRES_PASSWORD"}, {db, "PORTAL_OWNER_PASSWORD"}, {db, "PORTAL_APP_PASSWORD"},
		{minio, "MINIO_ROOT_USER"}, {minio, "MINIO_ROOT_PASSWORD"},
	} {
		v := envValue(c.svc, c.key)
		if !strings.Contains(strings.ToLower(v), "dev") {
			t.Errorf("%s %s default %q does not look like a development value (want it to contain \"dev\")", c.svc.Name, c.key, v)
		}
	}
}

// checkCompose returns what is wrong with the stack, one problem a line; an
// empty list means it is as DESIGN.md §3/§6 and backend/deploy describe.
// root is the repository root on disk, for the files the stack mounts and
// builds from.
func checkCompose(p *types.Project, root string) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	absRoot, err := filepath.Abs(root)
	if err != nil {
		return []string{err.Error()}
	}

	for _, name := range []string{svcDB, svcMinio, svcMigrate, svcTenants, svcPortal} {
		if _, ok := p.Services[name]; !ok {
			add("service %q is missing", name)
		}
	}

	// Every image pinned; services built locally get a named, tagged image.
	for _, name := range sortedServiceNames(p) {
		s := p.Services[name]
		if s.Image == "" {
			add("service %q has no image name (set image: with an explicit tag)", name)
			continue
		}
		if why := unpinned(s.Image); why != "" {
			add("service %q image %q is not pinned: %s", name, s.Image, why)
		}
	}

	db, hasDB := p.Services[svcDB]
	minio, hasMinio := p.Services[svcMinio]
	migrate, hasMigrate := p.Services[svcMigrate]
	tenants, hasTenants := p.Services[svcTenants]
	portal, hasPortal := p.Services[svcPortal]

	// db: the official postgres:15 image, roles.sql and the init script
	// mounted from the repository, role passwords handed to the script.
	if hasDB {
		if !strings.HasPrefix(db.Image, "postgres:15") {
			add("db image %q: want the official postgres:15 image", db.Image)
		}
		for _, k := range []string{"POSTGRES_PASSWORD", "PORTAL_OWNER_PASSWORD", "PORTAL_APP_PASSWORD"} {
			if envValue(db, k) == "" {
				add("db environment %s is missing or empty", k)
			}
		}
		rolesTarget := defaultRolesSQLTarget
		if v := envValue(db, "PORTAL_ROLES_SQL"); v != "" {
			rolesTarget = v
		}
		rolesMount := bindMountOf(db, filepath.Join(absRoot, rolesSQLPath))
		switch {
		case rolesMount == nil:
			add("db does not mount %s (the single source of the roles; mount it, do not copy it)", rolesSQLPath)
		default:
			if !rolesMount.ReadOnly {
				add("db mounts %s read-write; mount it read-only (:ro)", rolesSQLPath)
			}
			if rolesMount.Target != rolesTarget {
				add("db mounts %s at %s but postgres-init.sh reads it from %s (PORTAL_ROLES_SQL)", rolesSQLPath, rolesMount.Target, rolesTarget)
			}
		}
		initMount := bindMountOf(db, filepath.Join(absRoot, initScriptPath))
		switch {
		case initMount == nil:
			add("db does not mount %s", initScriptPath)
		case path0Dir(initMount.Target) != "/docker-entrypoint-initdb.d" || !strings.HasSuffix(initMount.Target, ".sh"):
			add("db mounts %s at %s; want /docker-entrypoint-initdb.d/<name>.sh", initScriptPath, initMount.Target)
		}
		for _, f := range []string{rolesSQLPath, initScriptPath} {
			if fi, err := os.Stat(filepath.Join(absRoot, f)); err != nil || !fi.Mode().IsRegular() {
				add("%s, mounted into db, is not a file in the repository", f)
			}
		}
		if !hasVolumeAt(db, "/var/lib/postgresql/data") {
			add("db has no volume at /var/lib/postgresql/data (data would be lost with the container)")
		}
		if !healthcheckMentions(db, "pg_isready") {
			add("db healthcheck does not run pg_isready")
		}
	}

	// minio: a pinned release, the console on :9001, a readiness healthcheck.
	if hasMinio {
		if !strings.Contains(minio.Image, "minio/minio:RELEASE.") {
			add("minio image %q: want a pinned minio/minio RELEASE.* tag", minio.Image)
		}
		cmd := []string(minio.Command)
		if len(cmd) < 2 || cmd[0] != "server" || cmd[1] != "/data" || !slices.Contains(cmd, "--console-address") {
			add("minio command %q: want server /data --console-address :9001", cmd)
		} else if i := slices.Index(cmd, "--console-address"); i+1 >= len(cmd) || cmd[i+1] != ":9001" {
			add("minio command %q: want --console-address :9001", cmd)
		}
		if !hasVolumeAt(minio, "/data") {
			add("minio has no volume at /data")
		}
		if !healthcheckMentions(minio, "/minio/health/ready") {
			add("minio healthcheck does not probe /minio/health/ready")
		}
		if envValue(minio, "MINIO_ROOT_USER") == "" {
			add("minio environment MINIO_ROOT_USER is missing or empty")
		}
		if pw := envValue(minio, "MINIO_ROOT_PASSWORD"); len(pw) < 8 {
			add("minio environment MINIO_ROOT_PASSWORD must have at least 8 characters (MinIO refuses to start otherwise)")
		}
	}

	// The one-shot owner commands.
	checkOwnerJob := func(s types.ServiceConfig, wantCmd ...string) {
		if !slices.Equal([]string(s.Command), wantCmd) {
			add("%s command %q: want %q", s.Name, []string(s.Command), wantCmd)
		}
		problems = append(problems, checkDatabaseURL(s, "PORTAL_OWNER_DATABASE_URL", ownerRole, db, "PORTAL_OWNER_PASSWORD")...)
		if s.Restart != "" && s.Restart != "no" {
			add("%s restart %q: a one-shot job must not restart (want \"no\")", s.Name, s.Restart)
		}
		if d, ok := s.DependsOn[svcDB]; !ok || d.Condition != types.ServiceConditionHealthy {
			add("%s must depend on db with condition service_healthy", s.Name)
		}
	}
	if hasMigrate {
		checkOwnerJob(migrate, "migrate", "up")
	}
	if hasTenants {
		checkOwnerJob(tenants, "tenants", "apply", "-demo")
		if d, ok := tenants.DependsOn[svcMigrate]; !ok || d.Condition != types.ServiceConditionCompletedSuccessfully {
			add("tenants must depend on migrate with condition service_completed_successfully")
		}
		// `portal tenants apply` records each tenant's host as
		// <slug>.<PORTAL_BASE_DOMAIN>; the server must resolve the same hosts.
		if hasPortal {
			if tb, pb := baseDomain(tenants), baseDomain(portal); tb != pb {
				add("tenants PORTAL_BASE_DOMAIN %q differs from the portal's %q: the tenants' hosts would not resolve", tb, pb)
			}
		}
	}

	// The portal: as portal_app, never as the owner or a superuser.
	if hasPortal {
		if !slices.Equal([]string(portal.Command), []string{"serve"}) {
			add("portal command %q: want [\"serve\"]", []string(portal.Command))
		}
		problems = append(problems, checkDatabaseURL(portal, "PORTAL_DATABASE_URL", appRole, db, "PORTAL_APP_PASSWORD")...)
		if _, ok := portal.Environment["PORTAL_OWNER_DATABASE_URL"]; ok {
			add("portal has PORTAL_OWNER_DATABASE_URL: the server must not get the owner's credentials")
		}
		for k, v := range portal.Environment {
			if v != nil && strings.Contains(*v, ownerRole) {
				add("portal environment %s mentions %s: the server must not get the owner's credentials", k, ownerRole)
			}
		}
		if hasDB {
			if pw := envValue(db, "POSTGRES_PASSWORD"); pw != "" {
				for k, v := range portal.Environment {
					if v != nil && strings.Contains(*v, pw) {
						add("portal environment %s carries the postgres superuser password", k)
					}
				}
			}
		}
		if got := envValue(portal, "PORTAL_BASE_DOMAIN"); got != "localhost" {
			add("portal PORTAL_BASE_DOMAIN = %q: want localhost (so http://acme-metals.localhost:8080/portal works)", got)
		}
		port := uint32(8080)
		if addr, ok := portal.Environment["PORTAL_ADDR"]; ok {
			if addr == nil {
				add("portal PORTAL_ADDR has no value")
			} else if _, ps, err := net.SplitHostPort(*addr); err != nil {
				add("portal PORTAL_ADDR %q is not host:port: %v", *addr, err)
			} else if n, err := strconv.ParseUint(ps, 10, 16); err != nil {
				add("portal PORTAL_ADDR %q has no numeric port", *addr)
			} else {
				port = uint32(n)
			}
		}
		if !publishes(portal, port, "8080") {
			add("portal does not publish host port 8080 to its listen port %d", port)
		}
		problems = append(problems, checkS3(portal, minio, hasMinio)...)
		if lvl, ok := portal.Environment["PORTAL_LOG_LEVEL"]; ok && (lvl == nil || !slices.Contains([]string{"debug", "info", "warn", "error"}, *lvl)) {
			add("portal PORTAL_LOG_LEVEL must be one of debug, info, warn, error")
		}
		for dep, cond := range map[string]string{
			svcDB:      types.ServiceConditionHealthy,
			svcMinio:   types.ServiceConditionHealthy,
			svcTenants: types.ServiceConditionCompletedSuccessfully,
		} {
			if d, ok := portal.DependsOn[dep]; !ok || d.Condition != cond {
				add("portal must depend on %s with condition %s", dep, cond)
			}
		}
	}

	// The portal image: built from backend/deploy/Dockerfile with the
	// repository as context; the services that run it share one image.
	if hasPortal {
		if portal.Build == nil {
			add("portal has no build section (want context . and dockerfile %s)", dockerfilePath)
		}
		for _, name := range []string{svcMigrate, svcTenants} {
			if s, ok := p.Services[name]; ok && s.Image != portal.Image {
				add("%s runs image %q, the portal runs %q: want the same portal image", name, s.Image, portal.Image)
			}
		}
	}
	for _, name := range sortedServiceNames(p) {
		b := p.Services[name].Build
		if b == nil {
			continue
		}
		ctxDir := b.Context
		if !filepath.IsAbs(ctxDir) {
			ctxDir = filepath.Join(absRoot, ctxDir)
		}
		if fi, err := os.Stat(filepath.Join(ctxDir, "go.mod")); err != nil || !fi.Mode().IsRegular() {
			add("service %q build context %s is not the module root (no go.mod there)", name, b.Context)
		}
		df := b.Dockerfile
		if df == "" {
			df = "Dockerfile"
		}
		if !filepath.IsAbs(df) {
			df = filepath.Join(ctxDir, df)
		}
		if rel, err := filepath.Rel(absRoot, df); err != nil || filepath.ToSlash(rel) != dockerfilePath {
			add("service %q builds from %s; want %s", name, b.Dockerfile, dockerfilePath)
		} else if _, err := os.Stat(df); err != nil {
			add("service %q dockerfile %s does not exist", name, b.Dockerfile)
		}
	}
	return problems
}

// checkDatabaseURL checks that s's variable key is a postgres URL to the db
// service's database "portal" as role wantUser, with the password the db
// service sets for that role (db's passwordVar).
func checkDatabaseURL(s types.ServiceConfig, key, wantUser string, db types.ServiceConfig, passwordVar string) []string {
	raw := envValue(s, key)
	if raw == "" {
		return []string{fmt.Sprintf("%s environment %s is missing or empty", s.Name, key)}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return []string{fmt.Sprintf("%s %s is not a URL: %v", s.Name, key, err)}
	}
	var problems []string
	add := func(format string, args ...any) {
		problems = append(problems, fmt.Sprintf("%s %s %s: ", s.Name, key, u.Redacted())+fmt.Sprintf(format, args...))
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		add("scheme %q, want postgres", u.Scheme)
	}
	user := u.User.Username()
	if user != wantUser {
		add("user %q, want %s", user, wantUser)
	}
	pw, _ := u.User.Password()
	if pw == "" {
		add("has no password")
	} else if want := envValue(db, passwordVar); db.Name != "" && pw != want {
		add("password differs from the db service's %s, so the login would fail", passwordVar)
	}
	if u.Hostname() != svcDB {
		add("host %q, want the db service", u.Hostname())
	}
	if p := u.Port(); p != "" && p != "5432" {
		add("port %s, want 5432", p)
	}
	if strings.TrimPrefix(u.Path, "/") != dbName {
		add("database %q, want %s", strings.TrimPrefix(u.Path, "/"), dbName)
	}
	if m := u.Query().Get("sslmode"); m != "disable" {
		add("sslmode %q: the compose network's PostgreSQL has no TLS, want sslmode=disable", m)
	}
	return problems
}

// checkS3 checks the portal's PORTAL_S3_* against the minio service.
func checkS3(portal, minio types.ServiceConfig, hasMinio bool) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }
	ep := envValue(portal, "PORTAL_S3_ENDPOINT")
	if ep == "" {
		add("portal PORTAL_S3_ENDPOINT is missing or empty")
	} else if host, port, err := net.SplitHostPort(ep); err != nil || strings.Contains(ep, "/") {
		add("portal PORTAL_S3_ENDPOINT %q: want host:port without a scheme", ep)
	} else if host != svcMinio || port != "9000" {
		add("portal PORTAL_S3_ENDPOINT %q: want minio:9000", ep)
	}
	for _, k := range []string{"PORTAL_S3_ACCESS_KEY", "PORTAL_S3_SECRET_KEY"} {
		if envValue(portal, k) == "" {
			add("portal %s is missing or empty", k)
		}
	}
	if hasMinio {
		if envValue(portal, "PORTAL_S3_ACCESS_KEY") != envValue(minio, "MINIO_ROOT_USER") ||
			envValue(portal, "PORTAL_S3_SECRET_KEY") != envValue(minio, "MINIO_ROOT_PASSWORD") {
			add("portal PORTAL_S3_ACCESS_KEY/SECRET_KEY differ from minio's MINIO_ROOT_USER/PASSWORD")
		}
	}
	// Optional (the portal has defaults), but valid where set.
	if v, ok := portal.Environment["PORTAL_S3_BUCKET"]; ok && (v == nil || *v == "") {
		add("portal PORTAL_S3_BUCKET is set but empty")
	}
	if v, ok := portal.Environment["PORTAL_S3_USE_TLS"]; ok {
		if v == nil {
			add("portal PORTAL_S3_USE_TLS has no value")
		} else if tls, err := strconv.ParseBool(*v); err != nil {
			add("portal PORTAL_S3_USE_TLS %q is not a boolean", *v)
		} else if tls {
			add("portal PORTAL_S3_USE_TLS is true, but the compose MinIO serves plain HTTP")
		}
	}
	if v, ok := portal.Environment["PORTAL_S3_REGION"]; ok && (v == nil || *v == "") {
		add("portal PORTAL_S3_REGION is set but empty")
	}
	return problems
}

// unpinned says why image is not pinned to a release, or "" when it is.
func unpinned(image string) string {
	if strings.Contains(image, "@sha256:") {
		return ""
	}
	name := image
	if i := strings.LastIndex(name, "/"); i >= 0 {
		name = name[i+1:]
	}
	i := strings.LastIndex(name, ":")
	if i < 0 {
		return "no tag (it means :latest)"
	}
	switch tag := name[i+1:]; tag {
	case "":
		return "empty tag"
	case "latest":
		return ":latest moves"
	}
	return ""
}

// baseDomain is s's PORTAL_BASE_DOMAIN, the portal's default when unset.
func baseDomain(s types.ServiceConfig) string {
	if v := envValue(s, "PORTAL_BASE_DOMAIN"); v != "" {
		return v
	}
	return "localhost"
}

// envValue is s's environment variable key, "" when missing or valueless.
func envValue(s types.ServiceConfig, key string) string {
	if v, ok := s.Environment[key]; ok && v != nil {
		return *v
	}
	return ""
}

// bindMountOf returns s's bind mount of the host path source, or nil.
func bindMountOf(s types.ServiceConfig, source string) *types.ServiceVolumeConfig {
	for i, v := range s.Volumes {
		if v.Type == types.VolumeTypeBind && filepath.Clean(v.Source) == filepath.Clean(source) {
			return &s.Volumes[i]
		}
	}
	return nil
}

func hasVolumeAt(s types.ServiceConfig, target string) bool {
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeVolume && v.Target == target {
			return true
		}
	}
	return false
}

func healthcheckMentions(s types.ServiceConfig, what string) bool {
	if s.HealthCheck == nil || s.HealthCheck.Disable || len(s.HealthCheck.Test) == 0 {
		return false
	}
	return strings.Contains(strings.Join(s.HealthCheck.Test, " "), what)
}

// publishes reports whether s publishes host port published to container
// port target.
func publishes(s types.ServiceConfig, target uint32, published string) bool {
	for _, p := range s.Ports {
		if p.Target == target && p.Published == published && (p.Protocol == "" || p.Protocol == "tcp") {
			return true
		}
	}
	return false
}

func path0Dir(p string) string {
	i := strings.LastIndex(p, "/")
	if i <= 0 {
		return "/"
	}
	return p[:i]
}

func sortedServiceNames(p *types.Project) []string {
	names := make([]string, 0, len(p.Services))
	for n := range p.Services {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(not a URL)"
	}
	return u.Redacted()
}
