#!/usr/bin/env bash
# services.sh: bring up the services the portal needs for `make run` and
# `make test` on a plain Debian machine (Go, apt and the package registries;
# no Docker). Called from the Makefile. Idempotent, and fast (well under 3 s)
# when everything already runs.
#
# Usage:
#   backend/scripts/services.sh up [--with-stripe] [--with-chromium]
#   backend/scripts/services.sh down      # stop what this script started (pid files)
#   backend/scripts/services.sh status    # print what runs
#
# `up` writes .data/services.env (lines `export NAME='value'`) and prints the
# same lines on stdout, so `eval "$(backend/scripts/services.sh up)"` works.
# Progress goes to stderr. Tools are installed into .bin/, data, pid files and
# logs go to .data/ (.data/pids, .data/logs); both folders are git-ignored.
# Concurrent `up`s are serialised with flock on .data/.services.lock. `down`
# stops MinIO and stripe-mock by their pid files and the local cluster with
# pg_ctl (its postmaster.pid), never anything else, and removes services.env.
#
# What `up` does, per service:
#   PostgreSQL
#     - PORTAL_DATABASE_URL set in the environment: used as given, with
#       PORTAL_OWNER_DATABASE_URL (required) and PORTAL_TEST_ADMIN_URL (passed
#       through when set); nothing is provisioned. (A value equal to the URL
#       this script itself exports, e.g. from an earlier eval, is not "given":
#       the script provisions as usual, so `down` + `up` restarts what it needs.)
#     - else a server answering on 127.0.0.1:5432: bootstrap it as superuser
#       postgres (trust auth): roles.sql, role passwords, database `portal`.
#     - else a project-local cluster in .data/pg on 127.0.0.1:5433, made with
#       the system's PostgreSQL binaries (apt-get installs them when missing
#       and root or passwordless sudo is available); same bootstrap.
#     Exports PORTAL_DATABASE_URL (as portal_app), PORTAL_OWNER_DATABASE_URL
#     (as portal_owner), PORTAL_TEST_ADMIN_URL (as postgres).
#   MinIO (S3 API for documents)
#     - PORTAL_S3_ENDPOINT set: used as given (the other PORTAL_S3_* passed
#       through when set).
#     - else the pinned server, built into .bin/minio with `go install` when
#       missing (about 5 minutes on 2 cores), runs on 127.0.0.1:19000
#       (console 127.0.0.1:19001) with data in .data/minio; a server already
#       answering on 19000 is reused.
#     Exports PORTAL_S3_ENDPOINT, PORTAL_S3_ACCESS_KEY, PORTAL_S3_SECRET_KEY,
#     PORTAL_S3_BUCKET, PORTAL_S3_USE_TLS. (The bucket itself is not created.)
#   Encryption key
#     - PORTAL_ENCRYPTION_KEYS set: passed through; else a development key
#       made once into .data/encryption.key.
#     Exports PORTAL_ENCRYPTION_KEYS.
#   stripe-mock (only with --with-stripe)
#     - the pinned stripe-mock, built into .bin/stripe-mock when missing, on
#       127.0.0.1:12111 (HTTP) and 127.0.0.1:12112 (HTTPS); something already
#       listening on 12111 is reused; PORTAL_STRIPE_API_URL set to another
#       value is used as given.
#     Exports PORTAL_STRIPE_API_URL.
#   Chromium (only with --with-chromium)
#     - chromium / chromium-browser / google-chrome from PATH, else
#       `apt-get install -y chromium` (root or sudo -n); PORTAL_CHROME_PATH
#       set to an executable is used as given.
#     Exports PORTAL_CHROME_PATH.
#
# Environment knobs:
#   PORTAL_PG_FORCE_LOCAL=1   skip the 127.0.0.1:5432 probe and use (create,
#                             start) the project-local cluster on 5433.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
BIN=$ROOT/.bin
DATA=$ROOT/.data
LOGS=$DATA/logs
PIDS=$DATA/pids
ENV_FILE=$DATA/services.env
ROLES_SQL=$ROOT/backend/internal/postgres/roles.sql

PG_SYSTEM_PORT=5432
PG_LOCAL_PORT=5433
PG_DIR=$DATA/pg
PG_DATA=$PG_DIR/data
PG_SOCK=$PG_DIR/run
PG_LOG=$LOGS/postgres.log

MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MINIO_ADDR=127.0.0.1:19000
MINIO_CONSOLE_ADDR=127.0.0.1:19001
MINIO_USER=portal-dev
MINIO_PASSWORD=portal-dev-secret
MINIO_BUCKET=portal-documents

STRIPE_MOCK_MODULE=github.com/stripe/stripe-mock
STRIPE_MOCK_VERSION=v0.203.0
STRIPE_MOCK_HTTP_ADDR=127.0.0.1:12111
STRIPE_MOCK_HTTPS_ADDR=127.0.0.1:12112

# ---------------------------------------------------------------- helpers --

say() { printf 'services: %s\n' "$*" >&2; }
die() {
	printf 'services: ERROR: %s\n' "$*" >&2
	exit 1
}

# Collected exports, in order.
EXPORT_NAMES=()
EXPORT_VALUES=()
add_export() {
	EXPORT_NAMES+=("$1")
	EXPORT_VALUES+=("$2")
}

# Single-quote a value for a POSIX shell.
shell_quote() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

# Background builds to kill if the script is interrupted.
CLEANUP_PIDS=()
TMP_DIRS=()
cleanup() {
	local pid dir
	for pid in "${CLEANUP_PIDS[@]}"; do
		kill -- "$pid" 2>/dev/null || true # "-PID" is a process group
	done
	for dir in "${TMP_DIRS[@]}"; do
		rm -rf "$dir"
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# No silent exits under set -e: name the command that failed.
set -E
trap 'say "ERROR: unexpected failure at line $LINENO: $BASH_COMMAND"' ERR

# tcp_open HOST PORT: something accepts connections there.
tcp_open() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
}

# http_status URL (http://host:port/path): prints the status code, 000 if none.
http_status() {
	local url=$1
	if command -v curl >/dev/null 2>&1; then
		curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$url" 2>/dev/null || true
		return 0
	fi
	local rest=${url#http://}
	local hostport=${rest%%/*} path=/${rest#*/}
	local code
	# shellcheck disable=SC2016 # expanded by the inner bash
	code=$(timeout 3 bash -c '
		exec 3<>"/dev/tcp/${1%:*}/${1##*:}" || exit 1
		printf "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n" "$2" "$1" >&3
		IFS=" " read -r _ code _ <&3 && printf %s "$code"' _ "$hostport" "$path" 2>/dev/null) || true
	printf '%s' "${code:-000}"
}

# Run a privileged command: directly as root, else through passwordless sudo.
as_root() {
	if [[ $EUID -eq 0 ]]; then
		"$@"
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo -n "$@"
	else
		return 126
	fi
}
can_root() { [[ $EUID -eq 0 ]] || { command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; }; }

# apt_install PKG...: install Debian packages (apt-get update only if needed).
apt_install() {
	can_root || die "need root or passwordless sudo to run: apt-get install -y $*"
	command -v apt-get >/dev/null 2>&1 || die "apt-get not found; install $* by hand"
	local log=$LOGS/apt.log
	say "installing $* with apt-get (log: ${log#"$ROOT"/})"
	if ! as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >>"$log" 2>&1; then
		say "apt-get install failed; running apt-get update and retrying"
		if ! { as_root env DEBIAN_FRONTEND=noninteractive apt-get update >>"$log" 2>&1 &&
			as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y "$@" >>"$log" 2>&1; }; then
			tail -n 20 "$log" >&2
			die "apt-get install -y $* failed"
		fi
	fi
}

# pid_running NAME BINARY: .data/pids/NAME.pid names a live process running BINARY.
pid_running() {
	local file=$PIDS/$1.pid pid argv0
	[[ -f $file ]] || return 1
	pid=$(<"$file")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[[ -r /proc/$pid/cmdline ]] || return 1
	argv0=$(tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | head -n 1) || return 1
	[[ $argv0 == "$2" ]]
}

# start_bg NAME CMD...: start CMD detached (own session, nohup), output to
# .data/logs/NAME.log, pid to .data/pids/NAME.pid. Extra environment is
# passed with `env VAR=value` in CMD. Fd 9 (the `up` lock) is closed in
# every long-lived child, or the child would hold the lock forever.
start_bg() {
	local name=$1 log=$LOGS/$1.log
	shift
	printf '\n--- %s: %s\n' "$(date '+%F %T')" "$*" >>"$log"
	if command -v setsid >/dev/null 2>&1; then
		setsid nohup "$@" >>"$log" 2>&1 </dev/null 9>&- &
	else
		nohup "$@" >>"$log" 2>&1 </dev/null 9>&- &
	fi
	echo $! >"$PIDS/$name.pid"
}

# proc_alive PID: the process exists and is not a zombie.
proc_alive() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# wait_ready NAME BINARY WHAT CHECK...: wait up to 30 s for CHECK to succeed
# while the process in .data/pids/NAME.pid lives; else show its log and fail.
wait_ready() {
	local name=$1 binary=$2 what=$3 log=$LOGS/$1.log pid deadline=$((SECONDS + 30))
	shift 3
	pid=$(<"$PIDS/$name.pid")
	until "$@"; do
		if ! proc_alive "$pid"; then
			tail -n 20 "$log" >&2
			rm -f "$PIDS/$name.pid"
			die "$name exited while starting (log: $log)"
		fi
		if ((SECONDS >= deadline)); then
			tail -n 20 "$log" >&2
			stop_pid "$name" "$binary"
			die "$name is not $what after 30 s (log: $log)"
		fi
		sleep 0.2
	done
}

# stop_pid NAME BINARY: stop a process this script started.
stop_pid() {
	local name=$1 file=$PIDS/$1.pid pid i
	if ! pid_running "$name" "$2"; then
		[[ -f $file ]] && say "$name: not running (removing stale pid file)"
		rm -f "$file"
		return 0
	fi
	pid=$(<"$file")
	say "$name: stopping pid $pid"
	kill "$pid" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "$name: still running after 10 s, sending SIGKILL"
		kill -9 "$pid" 2>/dev/null || true
	fi
	rm -f "$file"
}

find_go() {
	if command -v go >/dev/null 2>&1; then
		command -v go
	elif [[ -x /usr/local/go/bin/go ]]; then
		echo /usr/local/go/bin/go
	else
		return 1
	fi
}

# install_pinned NAME MODULE VERSION MESSAGE: make sure .bin/NAME is MODULE at
# VERSION, building it with `go install` (from a temp dir outside the module,
# so go.mod is untouched) when missing or another version. Prints MESSAGE
# plus the elapsed time every 20 s while building.
install_pinned() {
	local name=$1 module=$2 version=$3 message=$4 target=$BIN/$1 go
	go=$(find_go) || {
		[[ -x $target ]] && return 0 # can't check the version; use it
		die "go not found: needed to build $module@$version"
	}
	if [[ -x $target ]]; then
		local have
		have=$("$go" version -m "$target" 2>/dev/null | awk -v m="$module" '$1 == "mod" && $2 == m { print $3 }') || true
		[[ $have == "$version" ]] && return 0
		say "$name: .bin/$name is ${have:-of unknown version}, want $version; rebuilding"
	fi
	mkdir -p "$BIN"
	local tmp log=$LOGS/build-$name.log
	tmp=$(mktemp -d)
	TMP_DIRS+=("$tmp")
	say "$message (log: ${log#"$ROOT"/})"
	# In its own process group (setsid), so an interrupted `up` can stop the
	# whole build (go and its compilers) with one kill.
	local -a detach=()
	command -v setsid >/dev/null 2>&1 && detach=(setsid)
	pushd "$tmp" >/dev/null
	GOBIN=$BIN GOWORK=off GOFLAGS='' "${detach[@]}" "$go" install "$module@$version" >"$log" 2>&1 9>&- &
	local pid=$! start=$SECONDS next=20
	popd >/dev/null
	if ((${#detach[@]})); then CLEANUP_PIDS+=("-$pid"); else CLEANUP_PIDS+=("$pid"); fi
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		if ((SECONDS - start >= next)); then
			say "$message… $((SECONDS - start))s"
			next=$((next + 20))
		fi
	done
	if ! wait "$pid"; then
		tail -n 30 "$log" >&2
		die "building $module@$version failed (full log: $log)"
	fi
	[[ -x $target ]] || die "go install finished but $target is missing"
	say "$name: built in $((SECONDS - start))s"
}

# ------------------------------------------------------------- PostgreSQL --

own_db_url() { printf 'postgres://portal_app:portal_app@127.0.0.1:%s/portal?sslmode=disable' "$1"; }

# pg_answers PORT: a PostgreSQL server accepts connections on 127.0.0.1:PORT.
pg_answers() {
	if command -v pg_isready >/dev/null 2>&1; then
		pg_isready -q -h 127.0.0.1 -p "$1" -t 2 >/dev/null 2>&1
	else
		tcp_open 127.0.0.1 "$1"
	fi
}

# pg_version BINDIR: "15.20" from "pg_ctl (PostgreSQL) 15.20 (Debian …)".
pg_version() {
	"$1/pg_ctl" --version 2>/dev/null | sed -n 's/^.*(PostgreSQL) \([0-9][0-9.]*\).*$/\1/p'
}

# pg_find_bindir [MAJOR]: the directory of the newest PostgreSQL server
# binaries (initdb, pg_ctl, postgres) found in PATH or /usr/lib/postgresql/*/bin,
# limited to major version MAJOR when given.
pg_find_bindir() {
	local want=${1:-} dir ver best='' bestver='' p
	local -a dirs=()
	if p=$(command -v pg_ctl 2>/dev/null); then
		dirs+=("$(dirname "$(readlink -f "$p")")")
	fi
	for dir in /usr/lib/postgresql/*/bin; do
		[[ -d $dir ]] && dirs+=("$dir")
	done
	for dir in "${dirs[@]}"; do
		[[ -x $dir/initdb && -x $dir/pg_ctl && -x $dir/postgres ]] || continue
		ver=$(pg_version "$dir") || continue
		[[ -n $ver ]] || continue
		[[ -z $want || ${ver%%.*} == "$want" ]] || continue
		if [[ -z $bestver || $(printf '%s\n%s\n' "$bestver" "$ver" | sort -V | tail -n 1) == "$ver" ]]; then
			best=$dir bestver=$ver
		fi
	done
	[[ -n $best ]] && printf '%s' "$best"
}

# pg_bootstrap PSQL PORT: roles, passwords and database `portal`, as postgres.
pg_bootstrap() {
	pg_try_bootstrap "$@" ||
		die "bootstrapping PostgreSQL on 127.0.0.1:$2 as superuser postgres failed (it must accept 'postgres' without a password on 127.0.0.1; or set PORTAL_DATABASE_URL and PORTAL_OWNER_DATABASE_URL, or PORTAL_PG_FORCE_LOCAL=1)"
}

# pg_try_bootstrap is pg_bootstrap that reports failure instead of dying.
pg_try_bootstrap() {
	local psql=$1 port=$2
	PGCONNECT_TIMEOUT=5 "$psql" -X -q -w \
		"host=127.0.0.1 port=$port user=postgres dbname=postgres sslmode=disable" \
		-v ON_ERROR_STOP=1 -f "$ROLES_SQL" -f - >/dev/null <<-'SQL' ||
		ALTER ROLE portal_owner PASSWORD 'portal_owner';
		ALTER ROLE portal_app PASSWORD 'portal_app';
		SELECT 'CREATE DATABASE portal OWNER portal_owner'
		WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'portal') \gexec
	SQL
		return 1
}

# The user that runs the local cluster: ourselves, or (as root, since initdb
# and postgres refuse root) the data directory's owner or `postgres`.
PG_RUN_USER=
pg_pick_user() {
	if [[ $EUID -ne 0 ]]; then
		PG_RUN_USER=$(id -un)
		return
	fi
	local owner=
	[[ -d $PG_DATA ]] && owner=$(stat -c %U "$PG_DATA")
	if [[ -n $owner && $owner != root && $owner != UNKNOWN ]]; then
		PG_RUN_USER=$owner
		return
	fi
	PG_RUN_USER=postgres
	if ! id postgres >/dev/null 2>&1; then
		say "creating system user postgres"
		useradd --system --user-group --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin postgres || die "could not create system user postgres"
	fi
}

# as_pg CMD...: run CMD as PG_RUN_USER (from /, which that user can always read).
as_pg() {
	if [[ $EUID -ne 0 ]]; then
		(cd / && "$@")
	elif command -v runuser >/dev/null 2>&1; then
		(cd / && runuser -u "$PG_RUN_USER" -- "$@")
	else
		(cd / && su -s /bin/sh "$PG_RUN_USER" -c "$(printf '%q ' "$@")")
	fi
}

pg_install_server() {
	say "no PostgreSQL server binaries found (PATH, /usr/lib/postgresql/*/bin)"
	can_root || die "PostgreSQL is not installed and this script cannot install it (needs root or passwordless sudo): install the Debian package postgresql, or set PORTAL_DATABASE_URL and PORTAL_OWNER_DATABASE_URL"
	apt_install postgresql
}

# pg_local_up: create (once) and start the cluster in .data/pg on 5433.
# Sets PG_BINDIR.
PG_BINDIR=
pg_local_up() {
	if [[ -f $PG_DATA/PG_VERSION ]]; then
		local major
		major=$(<"$PG_DATA/PG_VERSION")
		PG_BINDIR=$(pg_find_bindir "$major") || true
		if [[ -z $PG_BINDIR ]] && [[ -z $(pg_find_bindir) ]]; then
			pg_install_server
			PG_BINDIR=$(pg_find_bindir "$major") || true
		fi
		[[ -n $PG_BINDIR ]] || die "the local cluster in ${PG_DATA#"$ROOT"/} was made by PostgreSQL $major, whose binaries are not installed (install them, or remove ${PG_DIR#"$ROOT"/} to start over)"
	else
		PG_BINDIR=$(pg_find_bindir) || true
		if [[ -z $PG_BINDIR ]]; then
			pg_install_server
			PG_BINDIR=$(pg_find_bindir) || die "apt-get installed postgresql but no initdb/pg_ctl/postgres found"
		fi
	fi

	pg_pick_user
	mkdir -p "$PG_DIR" "$PG_SOCK"
	touch "$PG_LOG"
	if [[ $EUID -eq 0 ]]; then
		chown "$PG_RUN_USER:" "$PG_DIR" "$PG_SOCK" "$PG_LOG"
		as_pg test -w "$PG_DIR" ||
			die "user $PG_RUN_USER cannot write ${PG_DIR} (a parent folder is not searchable by it?); move the checkout or run as a normal user"
	fi

	if [[ ! -f $PG_DATA/PG_VERSION ]]; then
		local -a locale=(--no-locale)
		locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' && locale=(--locale=C.UTF-8)
		say "PostgreSQL: creating the local cluster in ${PG_DATA#"$ROOT"/} (PostgreSQL $(pg_version "$PG_BINDIR"), as $PG_RUN_USER)"
		if ! as_pg "$PG_BINDIR/initdb" -D "$PG_DATA" --auth=trust -U postgres -E UTF8 "${locale[@]}" \
			>"$LOGS/initdb.log" 2>&1; then
			tail -n 20 "$LOGS/initdb.log" >&2
			die "initdb failed (log: $LOGS/initdb.log)"
		fi
		printf "\n# Project-local settings (written by backend/scripts/services.sh).\ninclude_if_exists 'portal-local.conf'\n" |
			as_pg tee -a "$PG_DATA/postgresql.conf" >/dev/null
	fi

	# Listening settings, rewritten on every start (the checkout may move).
	# Unix socket paths are limited to 107 bytes: without room, TCP only.
	local sockdir=$PG_SOCK conf
	((${#sockdir} + 20 < 107)) || sockdir=
	conf=$(printf "listen_addresses = '127.0.0.1'\nport = %s\nunix_socket_directories = '%s'\n" \
		"$PG_LOCAL_PORT" "${sockdir//\'/\'\'}")
	if [[ ! -f $PG_DATA/portal-local.conf || $(<"$PG_DATA/portal-local.conf") != "$conf" ]]; then
		printf '%s\n' "$conf" | as_pg tee "$PG_DATA/portal-local.conf" >/dev/null
	fi

	if as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
		say "PostgreSQL: local cluster already running on 127.0.0.1:$PG_LOCAL_PORT"
		return 0
	fi
	if tcp_open 127.0.0.1 "$PG_LOCAL_PORT"; then
		die "port 127.0.0.1:$PG_LOCAL_PORT is taken by something else; stop it to use the local cluster"
	fi
	say "PostgreSQL: starting the local cluster on 127.0.0.1:$PG_LOCAL_PORT (log: ${PG_LOG#"$ROOT"/})"
	if ! as_pg "$PG_BINDIR/pg_ctl" -D "$PG_DATA" -l "$PG_LOG" -w -t 60 start >/dev/null 2>&1 9>&-; then
		tail -n 20 "$PG_LOG" >&2
		die "the local PostgreSQL cluster did not start (log: $PG_LOG)"
	fi
}

postgres_up() {
	if [[ -n ${PORTAL_DATABASE_URL:-} &&
		$PORTAL_DATABASE_URL != "$(own_db_url "$PG_SYSTEM_PORT")" &&
		$PORTAL_DATABASE_URL != "$(own_db_url "$PG_LOCAL_PORT")" ]]; then
		[[ -n ${PORTAL_OWNER_DATABASE_URL:-} ]] ||
			die "PORTAL_DATABASE_URL is set but PORTAL_OWNER_DATABASE_URL is not: set both (the owner URL runs migrations as portal_owner)"
		say "PostgreSQL: using PORTAL_DATABASE_URL from the environment (nothing provisioned)"
		add_export PORTAL_DATABASE_URL "$PORTAL_DATABASE_URL"
		add_export PORTAL_OWNER_DATABASE_URL "$PORTAL_OWNER_DATABASE_URL"
		[[ -n ${PORTAL_TEST_ADMIN_URL:-} ]] && add_export PORTAL_TEST_ADMIN_URL "$PORTAL_TEST_ADMIN_URL"
		return 0
	fi

	local port psql use_local=0
	# Once the project made its own cluster it keeps using it (a server that
	# apt installed meanwhile on 5432 may not trust us, and the data is here).
	[[ ${PORTAL_PG_FORCE_LOCAL:-} == 1 || -f $PG_DATA/PG_VERSION ]] && use_local=1
	if ((!use_local)) && pg_answers "$PG_SYSTEM_PORT"; then
		port=$PG_SYSTEM_PORT
		psql=$(command -v psql 2>/dev/null) || true
		if [[ -z $psql ]]; then
			local dir
			dir=$(pg_find_bindir) || true
			if [[ -n $dir && -x $dir/psql ]]; then
				psql=$dir/psql
			else
				apt_install postgresql-client
				psql=$(command -v psql) || die "psql not found after installing postgresql-client"
			fi
		fi
		say "PostgreSQL: server on 127.0.0.1:$port; bootstrapping roles and database portal"
		if ! pg_try_bootstrap "$psql" "$port"; then
			say "PostgreSQL: the server on 127.0.0.1:$port does not let 'postgres' in without a password; starting the project-local cluster instead"
			use_local=1
		fi
	else
		use_local=1
	fi
	if ((use_local)); then
		[[ ${PORTAL_PG_FORCE_LOCAL:-} == 1 ]] && say "PostgreSQL: PORTAL_PG_FORCE_LOCAL=1, using the local cluster"
		pg_local_up
		port=$PG_LOCAL_PORT
		psql=$PG_BINDIR/psql
		[[ -x $psql ]] || psql=$(command -v psql) || die "psql not found next to $PG_BINDIR/pg_ctl nor in PATH"
		pg_bootstrap "$psql" "$port"
	fi

	add_export PORTAL_DATABASE_URL "$(own_db_url "$port")"
	add_export PORTAL_OWNER_DATABASE_URL "postgres://portal_owner:portal_owner@127.0.0.1:$port/portal?sslmode=disable"
	add_export PORTAL_TEST_ADMIN_URL "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
}

postgres_down() {
	[[ -f $PG_DATA/postmaster.pid ]] || return 0
	local bindir
	bindir=$(pg_find_bindir "$(cat "$PG_DATA/PG_VERSION" 2>/dev/null)") || true
	pg_pick_user
	if [[ -n $bindir ]]; then
		if as_pg "$bindir/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
			say "PostgreSQL: stopping the local cluster"
			as_pg "$bindir/pg_ctl" -D "$PG_DATA" -m fast -w -t 60 stop >/dev/null ||
				die "pg_ctl stop failed (log: $PG_LOG)"
		fi
	else
		local pid
		pid=$(head -n 1 "$PG_DATA/postmaster.pid")
		if [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
			say "PostgreSQL: stopping the local cluster (pid $pid; pg_ctl not found)"
			kill -INT "$pid"
		fi
	fi
}

# ------------------------------------------------------------------ MinIO --

minio_ready() { [[ $(http_status "http://$MINIO_ADDR/minio/health/ready") == 200 ]]; }

minio_up() {
	if [[ -n ${PORTAL_S3_ENDPOINT:-} && $PORTAL_S3_ENDPOINT != "$MINIO_ADDR" ]]; then
		say "MinIO: using PORTAL_S3_ENDPOINT=$PORTAL_S3_ENDPOINT from the environment"
		add_export PORTAL_S3_ENDPOINT "$PORTAL_S3_ENDPOINT"
		local v
		for v in PORTAL_S3_ACCESS_KEY PORTAL_S3_SECRET_KEY PORTAL_S3_BUCKET PORTAL_S3_USE_TLS; do
			[[ -n ${!v:-} ]] && add_export "$v" "${!v}"
		done
		return 0
	fi

	local health=http://$MINIO_ADDR/minio/health/ready
	if [[ $(http_status "$health") == 200 ]]; then
		if pid_running minio "$BIN/minio"; then
			say "MinIO: already running on $MINIO_ADDR (pid $(<"$PIDS/minio.pid"))"
		else
			say "MinIO: a server already answers on $MINIO_ADDR; reusing it"
		fi
	else
		if ! pid_running minio "$BIN/minio"; then
			install_pinned minio "$MINIO_MODULE" "$MINIO_VERSION" \
				"building MinIO server (pinned), about 5 minutes on 2 cores"
			mkdir -p "$DATA/minio"
			# A static KMS key (made once, kept with the data) so the local
			# server does SSE-S3 like production's KMS-backed store does.
			local kms=$DATA/minio-kms.key
			if [[ ! -s $kms ]]; then
				(umask 077 && head -c 32 /dev/urandom | base64 >"$kms.tmp" && mv -f "$kms.tmp" "$kms")
			fi
			say "MinIO: starting on $MINIO_ADDR (log: .data/logs/minio.log)"
			start_bg minio env MINIO_ROOT_USER="$MINIO_USER" MINIO_ROOT_PASSWORD="$MINIO_PASSWORD" \
				MINIO_KMS_SECRET_KEY="portal-dev:$(tr -d '\n' <"$kms")" \
				MINIO_BROWSER=off "$BIN/minio" server "$DATA/minio" \
				--address "$MINIO_ADDR" --console-address "$MINIO_CONSOLE_ADDR"
		fi
		wait_ready minio "$BIN/minio" "answering 200 on $health" minio_ready
	fi
	add_export PORTAL_S3_ENDPOINT "$MINIO_ADDR"
	add_export PORTAL_S3_ACCESS_KEY "$MINIO_USER"
	add_export PORTAL_S3_SECRET_KEY "$MINIO_PASSWORD"
	add_export PORTAL_S3_BUCKET "$MINIO_BUCKET"
	add_export PORTAL_S3_USE_TLS false
}

# ------------------------------------------------------------ stripe-mock --

stripe_up() {
	local url=http://$STRIPE_MOCK_HTTP_ADDR
	if [[ -n ${PORTAL_STRIPE_API_URL:-} && $PORTAL_STRIPE_API_URL != "$url" ]]; then
		say "stripe-mock: using PORTAL_STRIPE_API_URL=$PORTAL_STRIPE_API_URL from the environment"
		add_export PORTAL_STRIPE_API_URL "$PORTAL_STRIPE_API_URL"
		return 0
	fi
	local host=${STRIPE_MOCK_HTTP_ADDR%:*} port=${STRIPE_MOCK_HTTP_ADDR##*:}
	if tcp_open "$host" "$port"; then
		if pid_running stripe-mock "$BIN/stripe-mock"; then
			say "stripe-mock: already running on $STRIPE_MOCK_HTTP_ADDR (pid $(<"$PIDS/stripe-mock.pid"))"
		else
			say "stripe-mock: something already listens on $STRIPE_MOCK_HTTP_ADDR; reusing it"
		fi
	else
		if ! pid_running stripe-mock "$BIN/stripe-mock"; then
			install_pinned stripe-mock "$STRIPE_MOCK_MODULE" "$STRIPE_MOCK_VERSION" \
				"building stripe-mock $STRIPE_MOCK_VERSION (pinned)"
			say "stripe-mock: starting on $STRIPE_MOCK_HTTP_ADDR (log: .data/logs/stripe-mock.log)"
			start_bg stripe-mock "$BIN/stripe-mock" \
				-http-addr "$STRIPE_MOCK_HTTP_ADDR" -https-addr "$STRIPE_MOCK_HTTPS_ADDR"
		fi
		wait_ready stripe-mock "$BIN/stripe-mock" "listening on $STRIPE_MOCK_HTTP_ADDR" tcp_open "$host" "$port"
	fi
	add_export PORTAL_STRIPE_API_URL "$url"
}

# --------------------------------------------------------------- Chromium --

find_chrome() {
	local name
	for name in chromium chromium-browser google-chrome; do
		command -v "$name" 2>/dev/null && return 0
	done
	return 1
}

chromium_up() {
	local path
	if [[ -n ${PORTAL_CHROME_PATH:-} && -x $PORTAL_CHROME_PATH ]]; then
		path=$PORTAL_CHROME_PATH
	elif ! path=$(find_chrome); then
		can_root || die "no chromium/chromium-browser/google-chrome in PATH, and installing Debian's chromium needs root or passwordless sudo"
		apt_install chromium
		path=$(find_chrome) || die "apt-get installed chromium but no chromium binary is in PATH"
	fi
	say "Chromium: $path"
	add_export PORTAL_CHROME_PATH "$path"
}

# --------------------------------------------------------- encryption key --

# encryption_key_up exports PORTAL_ENCRYPTION_KEYS: the one set in the
# environment, else a development key made once into .data/encryption.key
# (32 random bytes, base64), so sealed values survive restarts.
encryption_key_up() {
	if [[ -n ${PORTAL_ENCRYPTION_KEYS:-} ]]; then
		add_export PORTAL_ENCRYPTION_KEYS "$PORTAL_ENCRYPTION_KEYS"
		return 0
	fi
	local file=$DATA/encryption.key
	if [[ ! -s $file ]]; then
		(umask 077 && head -c 32 /dev/urandom | base64 >"$file.tmp" && mv -f "$file.tmp" "$file")
		say "encryption key: made a development key in ${file#"$ROOT"/}"
	fi
	add_export PORTAL_ENCRYPTION_KEYS "$(tr -d '\n' <"$file")"
}

# --------------------------------------------------------------- commands --

cmd_up() {
	local with_stripe=0 with_chromium=0 arg
	for arg in "$@"; do
		case $arg in
		--with-stripe) with_stripe=1 ;;
		--with-chromium) with_chromium=1 ;;
		*) die "unknown option for up: $arg (usage: $0 up [--with-stripe] [--with-chromium])" ;;
		esac
	done
	[[ -f $ROLES_SQL ]] || die "missing $ROLES_SQL"
	mkdir -p "$BIN" "$LOGS" "$PIDS"

	# One `up` at a time (parallel make targets, two terminals).
	if command -v flock >/dev/null 2>&1; then
		exec 9>"$DATA/.services.lock"
		flock -n 9 || {
			say "another services.sh is running; waiting for it"
			flock -w 900 9 || die "timed out waiting for the lock $DATA/.services.lock"
		}
	fi

	postgres_up
	minio_up
	encryption_key_up
	((with_stripe)) && stripe_up
	((with_chromium)) && chromium_up

	local i out=
	for i in "${!EXPORT_NAMES[@]}"; do
		out+="export ${EXPORT_NAMES[$i]}=$(shell_quote "${EXPORT_VALUES[$i]}")"$'\n'
	done
	printf '%s' "$out" >"$ENV_FILE.tmp"
	mv -f "$ENV_FILE.tmp" "$ENV_FILE"
	printf '%s' "$out"
	say "ready; variables in ${ENV_FILE#"$ROOT"/}"
}

cmd_down() {
	mkdir -p "$PIDS"
	stop_pid stripe-mock "$BIN/stripe-mock"
	stop_pid minio "$BIN/minio"
	postgres_down
	rm -f "$ENV_FILE"
	say "down"
}

cmd_status() {
	local pid
	# PostgreSQL
	if pg_answers "$PG_SYSTEM_PORT"; then
		echo "postgres     127.0.0.1:$PG_SYSTEM_PORT   running (system server, not managed here)"
	else
		echo "postgres     127.0.0.1:$PG_SYSTEM_PORT   not answering"
	fi
	if [[ -f $PG_DATA/postmaster.pid ]] && pid=$(head -n 1 "$PG_DATA/postmaster.pid") &&
		[[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
		echo "postgres     127.0.0.1:$PG_LOCAL_PORT   running (local cluster .data/pg, pid $pid)"
	elif [[ -f $PG_DATA/PG_VERSION ]]; then
		echo "postgres     127.0.0.1:$PG_LOCAL_PORT   stopped (local cluster .data/pg)"
	fi
	# MinIO
	if pid_running minio "$BIN/minio"; then
		echo "minio        $MINIO_ADDR  running (pid $(<"$PIDS/minio.pid"), ready: $(http_status "http://$MINIO_ADDR/minio/health/ready"))"
	elif [[ $(http_status "http://$MINIO_ADDR/minio/health/ready") == 200 ]]; then
		echo "minio        $MINIO_ADDR  running (not started by this script)"
	else
		echo "minio        $MINIO_ADDR  not running"
	fi
	# stripe-mock
	if pid_running stripe-mock "$BIN/stripe-mock"; then
		echo "stripe-mock  $STRIPE_MOCK_HTTP_ADDR  running (pid $(<"$PIDS/stripe-mock.pid"))"
	elif tcp_open "${STRIPE_MOCK_HTTP_ADDR%:*}" "${STRIPE_MOCK_HTTP_ADDR##*:}"; then
		echo "stripe-mock  $STRIPE_MOCK_HTTP_ADDR  listening (not started by this script)"
	else
		echo "stripe-mock  $STRIPE_MOCK_HTTP_ADDR  not running"
	fi
	# Chromium
	local chrome
	if chrome=$(find_chrome); then
		echo "chromium     $chrome"
	else
		echo "chromium     not installed"
	fi
	if [[ -f $ENV_FILE ]]; then
		echo "env file     ${ENV_FILE#"$ROOT"/}"
	else
		echo "env file     none (run: $0 up)"
	fi
}

usage() {
	cat >&2 <<EOF
usage: $0 up [--with-stripe] [--with-chromium]
       $0 down
       $0 status
EOF
	exit 2
}

main() {
	(($# > 0)) || usage
	local cmd=$1
	shift
	case $cmd in
	up) cmd_up "$@" ;;
	down) cmd_down "$@" ;;
	status) cmd_status "$@" ;;
	-h | --help | help) usage ;;
	*) usage ;;
	esac
}

main "$@"
