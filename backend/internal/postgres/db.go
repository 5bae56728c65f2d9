// Package postgres is the PostgreSQL adapter: bun on pgx v5, one pool (and
// a second of prepared statements for the customers' hot reads), and
// the transaction helper that puts every tenant query under row-level
// security.
package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"example.com/portal/backend/internal/sealed"
	"example.com/portal/tenants"
)

// ErrNoTenant is returned when a tenant transaction is asked for without a
// tenant: row-level security would refuse the queries anyway, this says why.
var ErrNoTenant = errors.New("postgres: no tenant in context")

// DB is the portal's connection pools: Pool (bun's, River's and every
// other query's, over the simple protocol) and reads, the customer
// screens' hot reads (see InTenantReadConn).
type DB struct {
	Bun  *bun.DB
	Pool *pgxpool.Pool

	// reads serves InTenantReadBatch and InTenantReadConn: parameterised
	// statements of fixed text, prepared once per connection and cached
	// (pgx's QueryExecModeCacheStatement), so PostgreSQL parses and plans
	// each once per connection instead of once per request. Pool cannot
	// switch: bun inlines its arguments, so its every statement would be
	// a new text and miss the cache (see the stack notes).
	reads *pgxpool.Pool

	// Now returns the current time; tests may replace it.
	Now func() time.Time

	secrets *sealed.Box
}

// Options tune the pool.
type Options struct {
	MaxConns int32 // 0 keeps pgxpool's default (max(4, NumCPU))
	// Secrets seals the secrets kept in the database (TOTP seeds); without
	// it, enrolling or checking an authenticator app fails.
	Secrets *sealed.Box
	// Tracer sees every query and batch the pool sends (the benchmarks
	// record the SQL with it); nil for none.
	Tracer pgx.QueryTracer
}

// Secrets returns the Box that seals the database's secrets, or nil.
// setTenantPgx sets the tenant of a pgx transaction (one that River's
// inserts share), as InTenantTx does for bun's.
const setTenantPgx = "SELECT set_config('app.tenant_id', $1, true)"

func (db *DB) Secrets() *sealed.Box { return db.secrets }

// Open connects to dsn. bun inlines query arguments into the SQL text, so the
// pool uses pgx's simple protocol: prepared-statement caching would only miss
// (see the stack notes). The reads pool, for the customer reads written
// with $n parameters, caches prepared statements; it has MaxConns of its
// own and connects on first use.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: parse database url: %w", err) // pgconn redacts the password
	}
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeSimpleProtocol
	if opts.MaxConns > 0 {
		cfg.MaxConns = opts.MaxConns
	}
	if opts.Tracer != nil {
		cfg.ConnConfig.Tracer = opts.Tracer
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "portal"
	}
	readsCfg := cfg.Copy()
	readsCfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: open pool: %w", err)
	}
	pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := pool.Ping(pingCtx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect to %s@%s/%s: %w", cfg.ConnConfig.User, cfg.ConnConfig.Host, cfg.ConnConfig.Database, err)
	}
	reads, err := pgxpool.NewWithConfig(ctx, readsCfg)
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: open reads pool: %w", err)
	}
	sqldb := stdlib.OpenDBFromPool(pool)
	return &DB{Bun: bun.NewDB(sqldb, pgdialect.New()), Pool: pool, reads: reads, Now: time.Now, secrets: opts.Secrets}, nil
}

// Close closes the pools.
func (db *DB) Close() error {
	err := db.Bun.Close()
	db.Pool.Close()
	db.reads.Close()
	return err
}

// Ping checks that a connection can be acquired and answers.
func (db *DB) Ping(ctx context.Context) error { return db.Pool.Ping(ctx) }

// InTenantTx runs fn in one transaction whose first statement sets
// app.tenant_id to the tenant carried by ctx, transaction-locally, so the
// setting ends with the transaction and is safe behind a transaction-mode
// pooler. Without a tenant in ctx it fails with ErrNoTenant before touching
// the database. fn's error rolls the transaction back.
func (db *DB) InTenantTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	t, ok := tenants.FromContext(ctx)
	if !ok || t.ID == "" {
		return ErrNoTenant
	}
	return db.InTx(ctx, t.ID, fn)
}

// InTenantReadTx is InTenantTx for a customer's read: the transaction is
// READ ONLY and each of its statements is cut off after timeout. The
// timeout is set in the statement that sets the tenant, so it costs no
// round trip of its own.
func (db *DB) InTenantReadTx(ctx context.Context, timeout time.Duration, fn func(ctx context.Context, tx bun.Tx) error) error {
	t, ok := tenants.FromContext(ctx)
	if !ok || t.ID == "" {
		return ErrNoTenant
	}
	return db.inTx(ctx, t.ID, &sql.TxOptions{ReadOnly: true}, timeout, fn)
}

// InTenantReadBatch is InTenantReadTx in one round trip, for a read of
// several statements that do not depend on each other (the dashboard): BEGIN
// READ ONLY, the statement that sets the tenant and the timeout, the
// queries queue adds to b and COMMIT go to the server as one message (a
// pgx batch on the reads pool: Bind and Execute of statements prepared on
// the connection's first use, pipelined), and the callbacks read each
// query's rows in turn. A failed query skips the rest and the transaction
// is rolled back.
//
// The batch's statements run on generic plans (plan_cache_mode
// force_generic_plan, for this transaction): planned once per connection,
// not per request. PostgreSQL's own choice (auto) kept planning the
// dashboard's shipments and invoices afresh for every big customer (0.4 ms
// each, twice their run time), since a LIMIT 5 over a customer's many rows
// costs less than over an average customer's. So the batch is for reads
// whose best plan does not depend on the values: the dashboard's walk a
// customer's index for 5 rows whatever the customer's size.
func (db *DB) InTenantReadBatch(ctx context.Context, timeout time.Duration, queue func(b *ReadBatch)) error {
	return db.inTenantRead(ctx, timeout, beginReadOnly, PlanGeneric, func(ctx context.Context, b *ReadBatch) error {
		queue(b)
		return nil
	})
}

// inTenantSnapshotBatch is InTenantReadBatch in one snapshot (REPEATABLE
// READ): every query sees the database as of the first, for a read whose
// rows must agree with each other (the shop's catalog copy and the
// version it is read at).
func (db *DB) inTenantSnapshotBatch(ctx context.Context, timeout time.Duration, queue func(b *ReadBatch)) error {
	return db.inTenantRead(ctx, timeout, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", PlanGeneric, func(ctx context.Context, b *ReadBatch) error {
		queue(b)
		return nil
	})
}

// beginReadOnly starts a customer's read.
const beginReadOnly = "BEGIN READ ONLY"

// InTenantReadConn is InTenantReadBatch for a customer's read whose
// statements depend on each other (the orders list: the search is planned,
// then the page read, then maybe counted), in as few round trips as those
// dependencies allow: fn queues statements on b and sends them with
// b.Send when it needs their rows to decide what comes next, and the
// statements still queued when fn returns go with COMMIT in the last
// message. BEGIN READ ONLY and the statement that sets the tenant and the
// timeout go with the first. The plan cache mode starts as PostgreSQL's
// own (auto); b.PlanCacheMode changes it for the statements queued after.
func (db *DB) InTenantReadConn(ctx context.Context, timeout time.Duration, fn func(ctx context.Context, b *ReadBatch) error) error {
	return db.inTenantRead(ctx, timeout, beginReadOnly, PlanAuto, fn)
}

// The plan cache modes of a customer's read (PostgreSQL's plan_cache_mode)
// for its prepared statements: PlanGeneric plans each once per connection,
// for statements whose best plan does not depend on the values; PlanCustom
// plans each execution for its values (what an unprepared statement gets,
// less the parsing), for statements whose cost grows with the customer
// (a list or a count over all of a customer's orders); PlanAuto is
// PostgreSQL's choice between the two after five executions.
const (
	PlanAuto    = "auto"
	PlanGeneric = "force_generic_plan"
	PlanCustom  = "force_custom_plan"
)

// inTenantRead runs a customer's read on the reads pool: begin (BEGIN READ
// ONLY, or a snapshot's), the tenant, the timeout and planCacheMode, fn's
// statements and COMMIT.
func (db *DB) inTenantRead(ctx context.Context, timeout time.Duration, begin, planCacheMode string, fn func(ctx context.Context, b *ReadBatch) error) error {
	t, ok := tenants.FromContext(ctx)
	if !ok || t.ID == "" {
		return ErrNoTenant
	}
	conn, err := db.reads.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	b := &ReadBatch{conn: conn, b: &pgx.Batch{}}
	b.b.Queue(begin)
	b.b.Queue(setReadTenant, t.ID, strconv.FormatInt(timeout.Milliseconds(), 10), planCacheMode)
	if err = fn(ctx, b); err == nil {
		b.b.Queue("COMMIT")
		err = b.Send(ctx)
	}
	// A failed statement leaves the transaction aborted, and fn's error
	// stops the read before COMMIT: roll back. A connection that cannot
	// is closed, and the pool drops it.
	if err != nil && !conn.Conn().IsClosed() && conn.Conn().PgConn().TxStatus() != 'I' {
		if _, rbErr := conn.Exec(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			conn.Conn().Close(context.WithoutCancel(ctx)) //nolint:errcheck // the pool drops it either way
		}
	}
	return err
}

// setReadTenant sets the tenant, the statement timeout and the
// plan_cache_mode of a customer's read, transaction-locally; its text is
// fixed, so it is prepared once per connection of the reads pool.
const setReadTenant = "SELECT set_config('app.tenant_id', $1, true), set_config('statement_timeout', $2, true), " +
	"set_config('plan_cache_mode', $3, true)"

// ReadBatch queues the statements of a customer's read (InTenantReadBatch,
// InTenantReadConn). Their SQL is PostgreSQL's, with $n parameters, and of
// fixed text: each is prepared once per connection, so a text that
// depended on the values would prepare a statement per request.
type ReadBatch struct {
	conn *pgxpool.Conn
	b    *pgx.Batch
}

// Query queues query; fn reads its rows (pgx closes them after fn).
func (rb *ReadBatch) Query(fn func(rows pgx.Rows) error, query string, args ...any) {
	rb.b.Queue(query, args...).Query(fn)
}

// QueryRow queues query; fn scans its one row (pgx.ErrNoRows, which is
// also sql.ErrNoRows, when there is none).
func (rb *ReadBatch) QueryRow(fn func(row pgx.Row) error, query string, args ...any) {
	rb.b.Queue(query, args...).QueryRow(fn)
}

// PlanCacheMode queues a change of the read's plan cache mode (PlanAuto,
// PlanGeneric or PlanCustom) for the statements queued after it.
func (rb *ReadBatch) PlanCacheMode(mode string) {
	rb.b.Queue("SELECT set_config('plan_cache_mode', $1, true)", mode)
}

// Send sends the queued statements as one message and runs their
// callbacks, in order; the first error (of a statement or a callback)
// stops them and is returned. A batch with nothing queued costs nothing.
func (rb *ReadBatch) Send(ctx context.Context) error {
	if rb.b.Len() == 0 {
		return nil
	}
	b := rb.b
	rb.b = &pgx.Batch{}
	return rb.conn.SendBatch(ctx, b).Close()
}

// InTx is InTenantTx with an explicit tenant id, for the operator command and
// background jobs, where the tenant comes from the job rather than a request.
func (db *DB) InTx(ctx context.Context, tenantID string, fn func(ctx context.Context, tx bun.Tx) error) error {
	return db.inTx(ctx, tenantID, &sql.TxOptions{}, 0, fn)
}

// inTx runs fn in a transaction of opts whose first statement sets the
// tenant and, when timeout is not 0, the statement timeout, both
// transaction-locally.
func (db *DB) inTx(ctx context.Context, tenantID string, opts *sql.TxOptions, timeout time.Duration, fn func(ctx context.Context, tx bun.Tx) error) error {
	if tenantID == "" {
		return ErrNoTenant
	}
	return db.Bun.RunInTx(ctx, opts, func(ctx context.Context, tx bun.Tx) error {
		q, args := "SELECT set_config('app.tenant_id', ?, true)", []any{tenantID}
		if timeout != 0 {
			q, args = q+", set_config('statement_timeout', ?, true)", append(args, strconv.FormatInt(timeout.Milliseconds(), 10))
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("postgres: set tenant: %w", err)
		}
		return fn(ctx, tx)
	})
}
