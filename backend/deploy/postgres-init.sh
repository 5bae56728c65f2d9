#!/usr/bin/env bash
# PostgreSQL first-start initialisation for docker-compose.yml.
#
# The official postgres image runs the files in /docker-entrypoint-initdb.d
# once, when the data directory is empty, as the postgres OS user against a
# temporary server that listens on the Unix socket only. This script:
#
#   1. runs backend/internal/postgres/roles.sql (mounted read-only at
#      $PORTAL_ROLES_SQL, /portal/roles.sql by default; that file is the
#      single definition of the portal_owner and portal_app roles),
#   2. sets the two roles' passwords from PORTAL_OWNER_PASSWORD and
#      PORTAL_APP_PASSWORD,
#   3. creates the database "portal" (PORTAL_DB_NAME) owned by portal_owner
#      (migrations run as portal_owner; the server logs in as portal_app).
#
# It is idempotent, so it can also be run by hand against an existing server
# (psql's PGHOST, PGPORT and PGPASSWORD apply); backend/deploy's tests do so.
#
# The image executes it when it is executable and sources it otherwise, so it
# never calls exit and keeps its variables and shell options inside a
# function (`local -`), leaving the entrypoint's own settings alone.

portal_init() {
	local -
	set -euo pipefail
	local roles_sql="${PORTAL_ROLES_SQL:-/portal/roles.sql}"
	local db_name="${PORTAL_DB_NAME:-portal}"
	local psql=(psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}")

	: "${PORTAL_OWNER_PASSWORD:?PORTAL_OWNER_PASSWORD must be set (password of portal_owner)}"
	: "${PORTAL_APP_PASSWORD:?PORTAL_APP_PASSWORD must be set (password of portal_app)}"
	if [[ ! -r "$roles_sql" ]]; then
		echo "postgres-init: $roles_sql is missing: mount backend/internal/postgres/roles.sql there" >&2
		return 1
	fi

	echo "postgres-init: creating the portal roles from $roles_sql"
	"${psql[@]}" --file "$roles_sql"

	# Passwords go in as psql variables, quoted by psql (:'var'), never
	# spliced into the SQL text by the shell.
	echo "postgres-init: setting role passwords and creating database $db_name"
	"${psql[@]}" \
		--set owner_password="$PORTAL_OWNER_PASSWORD" \
		--set app_password="$PORTAL_APP_PASSWORD" \
		--set db_name="$db_name" <<-'EOSQL'
		ALTER ROLE portal_owner WITH LOGIN PASSWORD :'owner_password';
		ALTER ROLE portal_app WITH LOGIN PASSWORD :'app_password';
		SELECT format('CREATE DATABASE %I OWNER portal_owner', :'db_name')
		WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db_name')\gexec
		SELECT format('ALTER DATABASE %I OWNER TO portal_owner', :'db_name')\gexec
	EOSQL
}

portal_init
