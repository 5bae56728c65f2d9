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
}

// Secrets returns the Box that seals the database's secrets, or nil.
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
