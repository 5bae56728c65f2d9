package deploy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// smallCompose is a compact stack that passes checkCompose when
// {{PORTAL_DATABASE_URL}} is the portal_app URL; the table below puts
// mistakes there. Paths resolve against the repository root.
const smallCompose = `
name: portal
services:
  db:
    image: postgres:15
    environment:
      POSTGRES_PASSWORD: dev-pg
      PORTAL_OWNER_PASSWORD: dev-owner
      PORTAL_APP_PASSWORD: dev-app
    volumes:
      - pgdata:/var/lib/postgresql/data
      - ./backend/internal/postgres/roles.sql:/portal/roles.sql:ro
      - ./backend/deploy/postgres-init.sh:/docker-entrypoint-initdb.d/10-portal.sh:ro
    healthcheck:
      test: ["CMD", "pg_isready", "-h", "127.0.0.1"]
  minio:
    image: quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z
    command: ["server", "/data", "--console-address", ":9001"]
    environment:
      MINIO_ROOT_USER: dev-minio
      MINIO_ROOT_PASSWORD: dev-minio-password
    volumes:
      - miniodata:/data
    healthcheck:
      test: ["CMD", "mc", "ready", "local", "# /minio/health/ready"]
  migrate:
    image: portal:local
    build: {context: ., dockerfile: backend/deploy/Dockerfile}
    command: ["migrate", "up"]
    restart: "no"
    environment:
      PORTAL_OWNER_DATABASE_URL: postgres://portal_owner:dev-owner@db:5432/portal?sslmode=disable
    depends_on:
      db: {condition: service_healthy}
  tenants:
    image: portal:local
    build: {context: ., dockerfile: backend/deploy/Dockerfile}
    command: ["tenants", "apply", "-demo"]
    environment:
      PORTAL_OWNER_DATABASE_URL: postgres://portal_owner:dev-owner@db:5432/portal?sslmode=disable
    depends_on:
      db: {condition: service_healthy}
      migrate: {condition: service_completed_successfully}
  portal:
    image: portal:local
    build: {context: ., dockerfile: backend/deploy/Dockerfile}
    command: ["serve"]
    ports: ["8080:8080"]
    environment:
      PORTAL_DATABASE_URL: "{{PORTAL_DATABASE_URL}}"
      PORTAL_BASE_DOMAIN: localhost
      PORTAL_S3_ENDPOINT: minio:9000
      PORTAL_S3_ACCESS_KEY: dev-minio
      PORTAL_S3_SECRET_KEY: dev-minio-password
    depends_on:
      db: {condition: service_healthy}
      minio: {condition: service_healthy}
      tenants: {condition: service_completed_successfully}
volumes:
  pgdata:
  miniodata:
`

// TestCheckComposeSmall proves on a small inline stack that the checker
// tells the portal's database role apart.
func TestCheckComposeSmall(t *testing.T) {
	for _, tc := range []struct {
		name, url string
		want      string // a substring of one problem; "" for none
	}{
		{"app role", "postgres://portal_app:dev-app@db:5432/portal?sslmode=disable", ""},
		{"owner role", "postgres://portal_owner:dev-owner@db:5432/portal?sslmode=disable", `user "portal_owner", want portal_app`},
		{"superuser", "postgres://postgres:dev-pg@db:5432/portal?sslmode=disable", `user "postgres", want portal_app`},
		{"wrong password", "postgres://portal_app:guess@db:5432/portal?sslmode=disable", "password differs"},
		{"other database", "postgres://portal_app:dev-app@db:5432/postgres?sslmode=disable", `database "postgres"`},
		{"other host", "postgres://portal_app:dev-app@localhost:5432/portal?sslmode=disable", `host "localhost"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(smallCompose, "{{PORTAL_DATABASE_URL}}", tc.url, 1)
			p := loadCompose(t, repoRoot, "small-compose.yml", []byte(doc), nil)
			assertProblems(t, checkCompose(p, repoRoot), tc.want)
		})
	}
}

// TestCheckComposeMistakes makes one mistake at a time in the repository's
// docker-compose.yml and expects checkCompose to name it: every check can
// fail.
func TestCheckComposeMistakes(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join(repoRoot, "docker-compose.yml"))
	if err != nil {
		t.Fatal(err)
	}
	const portalDBURL = "PORTAL_DATABASE_URL: postgres://portal_app:${PORTAL_APP_PASSWORD:-dev-app-password}@db:5432/portal?sslmode=disable"
	const portalDeps = `      tenants:
        condition: service_completed_successfully
    # No healthcheck`
	for _, tc := range []struct {
		name     string
		old, new string // replaced once in docker-compose.yml
		want     string // a substring of one of the problems
	}{
		{"portal uses the owner URL", portalDBURL,
			"PORTAL_DATABASE_URL: postgres://portal_owner:${PORTAL_OWNER_PASSWORD:-dev-owner-password}@db:5432/portal?sslmode=disable",
			`user "portal_owner", want portal_app`},
		{"portal as the superuser", portalDBURL,
			"PORTAL_DATABASE_URL: postgres://postgres:${POSTGRES_PASSWORD:-dev-postgres-password}@db:5432/portal?sslmode=disable",
			`user "postgres", want portal_app`},
		{"portal gets the owner URL too", portalDBURL,
			portalDBURL + "\n      PORTAL_OWNER_DATABASE_URL: postgres://portal_owner:x@db:5432/portal?sslmode=disable",
			"portal has PORTAL_OWNER_DATABASE_URL"},
		{"portal password drifts from the db's", portalDBURL,
			"PORTAL_DATABASE_URL: postgres://portal_app:hardcoded@db:5432/portal?sslmode=disable",
			"password differs from the db service's PORTAL_APP_PASSWORD"},
		{"migrate as the app role",
			"  migrate:\n    <<: *portal-image\n    command: [\"migrate\", \"up\"]\n    restart: \"no\"\n    environment:\n      PORTAL_OWNER_DATABASE_URL: postgres://portal_owner:${PORTAL_OWNER_PASSWORD:-dev-owner-password}",
			"  migrate:\n    <<: *portal-image\n    command: [\"migrate\", \"up\"]\n    restart: \"no\"\n    environment:\n      PORTAL_OWNER_DATABASE_URL: postgres://portal_app:${PORTAL_APP_PASSWORD:-dev-app-password}",
			`migrate PORTAL_OWNER_DATABASE_URL`},
		{"migrate runs the wrong command", `command: ["migrate", "up"]`, `command: ["migrate", "down"]`, "migrate command"},
		{"image :latest", "image: postgres:15", "image: postgres:latest", ":latest moves"},
		{"image untagged", "image: quay.io/minio/minio:RELEASE.2025-09-07T16-13-09Z", "image: quay.io/minio/minio", "no tag"},
		{"tenants does not wait for migrate",
			"      migrate:\n        condition: service_completed_successfully",
			"      migrate:\n        condition: service_started",
			"tenants must depend on migrate with condition service_completed_successfully"},
		{"portal does not wait for the tenants", portalDeps,
			strings.Replace(portalDeps, "service_completed_successfully", "service_started", 1),
			"portal must depend on tenants"},
		{"portal does not wait for minio",
			"      minio:\n        condition: service_healthy",
			"      minio:\n        condition: service_started",
			"portal must depend on minio"},
		{"roles.sql not mounted",
			"      - ./backend/internal/postgres/roles.sql:/portal/roles.sql:ro\n", "",
			"db does not mount backend/internal/postgres/roles.sql"},
		{"roles.sql mounted read-write",
			"roles.sql:/portal/roles.sql:ro", "roles.sql:/portal/roles.sql",
			"read-write"},
		{"roles.sql mounted where the script does not look",
			"roles.sql:/portal/roles.sql:ro", "roles.sql:/elsewhere/roles.sql:ro",
			"postgres-init.sh reads it from /portal/roles.sql"},
		{"init script missing on disk",
			"./backend/deploy/postgres-init.sh:", "./backend/deploy/no-such-init.sh:",
			"db does not mount backend/deploy/postgres-init.sh"},
		{"init script outside initdb.d",
			"postgres-init.sh:/docker-entrypoint-initdb.d/10-portal.sh:ro", "postgres-init.sh:/init/10-portal.sh:ro",
			"want /docker-entrypoint-initdb.d/<name>.sh"},
		{"db without pg_isready", `test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", "postgres", "-d", "portal"]`,
			`test: ["CMD-SHELL", "true"]`, "db healthcheck does not run pg_isready"},
		{"minio probes liveness only", "printf 'GET /minio/health/ready", "printf 'GET /minio/health/live",
			"minio healthcheck does not probe /minio/health/ready"},
		{"portal publishes another port", `- "8080:8080"`, `- "8081:8080"`, "does not publish host port 8080"},
		{"portal base domain", "PORTAL_BASE_DOMAIN: ${PORTAL_BASE_DOMAIN:-localhost}\n      PORTAL_WEB_DIR",
			"PORTAL_BASE_DOMAIN: example.com\n      PORTAL_WEB_DIR", "PORTAL_BASE_DOMAIN"},
		{"tenants under another base domain", "      PORTAL_BASE_DOMAIN: ${PORTAL_BASE_DOMAIN:-localhost}\n      PORTAL_LOG_LEVEL: ${PORTAL_LOG_LEVEL:-info}\n    depends_on:\n      db:\n        condition: service_healthy\n      migrate:",
			"      PORTAL_BASE_DOMAIN: portal.example\n      PORTAL_LOG_LEVEL: ${PORTAL_LOG_LEVEL:-info}\n    depends_on:\n      db:\n        condition: service_healthy\n      migrate:",
			"tenants PORTAL_BASE_DOMAIN \"portal.example\" differs"},
		{"portal without S3 endpoint", "      PORTAL_S3_ENDPOINT: minio:9000\n", "", "PORTAL_S3_ENDPOINT is missing"},
		{"S3 endpoint with a scheme", "PORTAL_S3_ENDPOINT: minio:9000", "PORTAL_S3_ENDPOINT: http://minio:9000", "without a scheme"},
		{"S3 keys differ from MinIO's", "PORTAL_S3_SECRET_KEY: ${MINIO_ROOT_PASSWORD:-dev-minio-password}",
			"PORTAL_S3_SECRET_KEY: something-else", "differ from minio's"},
		{"dockerfile path wrong", "dockerfile: backend/deploy/Dockerfile", "dockerfile: Dockerfile", "builds from Dockerfile"},
		{"build context not the module root", "context: .", "context: ./backend", "not the module root"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Count(string(orig), tc.old) != 1 {
				t.Fatalf("the mutation's text occurs %d times in docker-compose.yml, want once: %q", strings.Count(string(orig), tc.old), tc.old)
			}
			doc := strings.Replace(string(orig), tc.old, tc.new, 1)
			p := loadCompose(t, repoRoot, "docker-compose.yml", []byte(doc), nil)
			assertProblems(t, checkCompose(p, repoRoot), tc.want)
		})
	}
}

// assertProblems expects no problems when want is "", else one containing want.
func assertProblems(t *testing.T, problems []string, want string) {
	t.Helper()
	if want == "" {
		for _, p := range problems {
			t.Errorf("unexpected problem: %s", p)
		}
		return
	}
	for _, p := range problems {
		if strings.Contains(p, want) {
			return
		}
	}
	t.Errorf("no problem mentions %q; got %d:\n  %s", want, len(problems), strings.Join(problems, "\n  "))
}
