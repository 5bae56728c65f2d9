// Package postgres is the PostgreSQL adapter: bun on pgx v5, one pool, and
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
	"github.com/uptrace/bun/schema"

	"example.com/portal/backend/internal/sealed"
	"example.com/portal/tenants"
)

// ErrNoTenant is returned when a tenant transaction is asked for without a
// tenant: row-level security would refuse the queries anyway, this says why.
var ErrNoTenant = errors.New("postgres: no tenant in context")

// DB is the portal's connection pool.
type DB struct {
	Bun  *bun.DB
	Pool *pgxpool.Pool

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
// (see the stack notes).
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
	sqldb := stdlib.OpenDBFromPool(pool)
	return &DB{Bun: bun.NewDB(sqldb, pgdialect.New()), Pool: pool, Now: time.Now, secrets: opts.Secrets}, nil
}

// Close closes the pool.
func (db *DB) Close() error {
	err := db.Bun.Close()
	db.Pool.Close()
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
// queries queue adds to b and COMMIT go to the server as one message (pgx's
// batch over the simple protocol), and the callbacks read each query's rows
// in turn. A failed query skips the rest and the transaction is rolled back.
func (db *DB) InTenantReadBatch(ctx context.Context, timeout time.Duration, queue func(b *ReadBatch)) error {
	t, ok := tenants.FromContext(ctx)
	if !ok || t.ID == "" {
		return ErrNoTenant
	}
	conn, err := db.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	b := &pgx.Batch{}
	b.Queue("BEGIN READ ONLY")
	b.Queue("SELECT set_config('app.tenant_id', $1, true), set_config('statement_timeout', $2, true)",
		t.ID, strconv.FormatInt(timeout.Milliseconds(), 10))
	queue(&ReadBatch{b: b, gen: db.Bun.QueryGen()})
	b.Queue("COMMIT")
	err = conn.SendBatch(ctx, b).Close()
	if err != nil && !conn.Conn().IsClosed() && conn.Conn().PgConn().TxStatus() != 'I' {
		// The failed statement left the transaction open and aborted (or
		// a callback's error stopped the reading before COMMIT).
		if _, rbErr := conn.Exec(context.WithoutCancel(ctx), "ROLLBACK"); rbErr != nil {
			conn.Conn().Close(context.WithoutCancel(ctx)) //nolint:errcheck // the pool drops it either way
		}
	}
	return err
}

// ReadBatch queues the queries of InTenantReadBatch. Their SQL is written
// as for bun (? placeholders, bun.In) and inlined by bun's formatter, as
// every other query of the package is.
type ReadBatch struct {
	b   *pgx.Batch
	gen schema.QueryGen
}

// Query queues query; fn reads its rows (pgx closes them after fn).
func (rb *ReadBatch) Query(fn func(rows pgx.Rows) error, query string, args ...any) {
	rb.b.Queue(rb.gen.FormatQuery(query, args...)).Query(fn)
}

// QueryRow queues query; fn scans its one row (pgx.ErrNoRows, which is
// also sql.ErrNoRows, when there is none).
func (rb *ReadBatch) QueryRow(fn func(row pgx.Row) error, query string, args ...any) {
	rb.b.Queue(rb.gen.FormatQuery(query, args...)).QueryRow(fn)
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
