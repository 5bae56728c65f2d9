// Package deploy holds what it takes to run the portal in containers, next to
// the tests that check it (no Go code of the portal lives here):
//
//   - Dockerfile: the portal image. A golang builder compiles the Wasm UI to
//     web/app.wasm, precompresses it and builds the static `portal` binary;
//     the runtime stage is distroless (static-debian12, nonroot) with
//     /app/portal and /app/web. Build it from the repository root:
//     docker build -f backend/deploy/Dockerfile .
//   - Dockerfile.dockerignore: what stays out of that build context (BuildKit
//     reads <Dockerfile>.dockerignore; the repository has no root .dockerignore).
//   - postgres-init.sh: first-start init of the official postgres image. It runs
//     backend/internal/postgres/roles.sql (mounted, not copied: that file is the
//     single definition of the roles), sets the passwords of portal_owner and
//     portal_app and creates the database "portal" owned by portal_owner.
//
// The /docker-compose.yml at the repository root wires them together: db,
// minio, the one-shot migrate and tenants services (as portal_owner) and the
// portal (as portal_app).
//
// No Docker engine is needed to check them: the tests load docker-compose.yml
// with compose-go (the library docker compose itself uses), read the
// Dockerfile, and run postgres-init.sh against the test PostgreSQL server.
package deploy
