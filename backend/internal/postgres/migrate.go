package postgres

import (
	"context"
	"fmt"
	"io"

	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/uptrace/bun/migrate"

	"example.com/portal/migrations"
)

// Migrator applies the portal's schema (bun migrations from migrations/) and
// River's job-queue tables. It must run as the owner role: the app role owns
// nothing and cannot create tables.
type Migrator struct {
	db  *DB
	bun *migrate.Migrator
}

// NewMigrator returns a migrator over db.
func NewMigrator(db *DB) (*Migrator, error) {
	ms, err := migrations.Migrations()
	if err != nil {
		return nil, err
	}
	// Mark a migration applied only once it succeeded: bun's default marks it
	// first, and a failed migration would then look applied.
	// WithUpsert is what lets Up run migrations one at a time (RunMigration).
	m := migrate.NewMigrator(db.Bun, ms, migrate.WithMarkAppliedOnSuccess(true), migrate.WithUpsert(true))
	return &Migrator{db: db, bun: m}, nil
}

// Up applies every pending migration, River's first. Concurrent runs are
// serialised by a PostgreSQL advisory lock, so two deploys cannot interleave
// (bun's own lock row fails instead of waiting, and a crash leaves it behind).
func (m *Migrator) Up(ctx context.Context, log io.Writer) error {
	return m.locked(ctx, func(ctx context.Context) error {
		rm, err := rivermigrate.New(riverpgxv5.New(m.db.Pool), nil)
		if err != nil {
			return fmt.Errorf("migrate: river: %w", err)
		}
		res, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil)
		if err != nil {
			return fmt.Errorf("migrate: river up: %w", err)
		}
		for _, v := range res.Versions {
			fmt.Fprintf(log, "applied river migration %03d %s\n", v.Version, v.Name)
		}
		// River's tables are queue infrastructure, not tenant data: the app
		// role may use them but never owns them (see the stack notes on grants).
		if _, err := m.db.Pool.Exec(ctx, grantRiverSQL); err != nil {
			return fmt.Errorf("migrate: grant river tables: %w", err)
		}
		if err := m.bun.Init(ctx); err != nil {
			return fmt.Errorf("migrate: init: %w", err)
		}
		// One group per migration, so that `migrate down` rolls back one
		// migration rather than everything a fresh install applied at once.
		all, err := m.bun.MigrationsWithStatus(ctx)
		if err != nil {
			return fmt.Errorf("migrate: up: %w", err)
		}
		missing := all.Unapplied() // in order of their names, i.e. their time stamps
		if len(missing) == 0 {
			fmt.Fprintln(log, "schema is up to date")
			return nil
		}
		for _, mg := range missing {
			if err := m.bun.RunMigration(ctx, mg.Name); err != nil {
				return fmt.Errorf("migrate: up: %w", err)
			}
			fmt.Fprintf(log, "applied %s_%s\n", mg.Name, mg.Comment)
		}
		return nil
	})
}

const grantRiverSQL = `DO $$
DECLARE r record;
BEGIN
	FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
	         WHERE n.nspname = current_schema() AND c.relname LIKE 'river\_%' AND c.relkind IN ('r', 'S')
	LOOP
		IF r.relkind = 'S' THEN
			EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %I TO portal_app', r.relname);
		ELSE
			EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %I TO portal_app', r.relname);
		END IF;
	END LOOP;
END $$`

// Down rolls back the last applied portal migration. River's tables stay.
func (m *Migrator) Down(ctx context.Context, log io.Writer) error {
	return m.locked(ctx, func(ctx context.Context) error {
		if err := m.bun.Init(ctx); err != nil {
			return fmt.Errorf("migrate: init: %w", err)
		}
		group, err := m.bun.Rollback(ctx)
		if err != nil {
			return fmt.Errorf("migrate: down: %w", err)
		}
		if group.IsZero() {
			fmt.Fprintln(log, "nothing to roll back")
			return nil
		}
		for _, mg := range group.Migrations {
			fmt.Fprintf(log, "rolled back %s_%s\n", mg.Name, mg.Comment)
		}
		return nil
	})
}

// Status writes which migrations are applied and which are pending, and
// reports whether any are pending.
func (m *Migrator) Status(ctx context.Context, log io.Writer) (pending bool, err error) {
	if err := m.bun.Init(ctx); err != nil {
		return false, fmt.Errorf("migrate: init: %w", err)
	}
	ms, err := m.bun.MigrationsWithStatus(ctx)
	if err != nil {
		return false, fmt.Errorf("migrate: status: %w", err)
	}
	for _, mg := range ms {
		state := "pending"
		if mg.IsApplied() {
			state = "applied " + mg.MigratedAt.UTC().Format("2006-01-02 15:04:05Z")
		} else {
			pending = true
		}
		fmt.Fprintf(log, "%-40s %s\n", mg.Name+"_"+mg.Comment, state)
	}
	return pending, nil
}

// migrateLockKey is the advisory lock every migrating process takes.
const migrateLockKey = 0x706f7274616c // "portal"

func (m *Migrator) locked(ctx context.Context, fn func(context.Context) error) error {
	conn, err := m.db.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "SELECT pg_advisory_lock($1)", migrateLockKey); err != nil {
		return fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", migrateLockKey) //nolint:errcheck // the lock also ends with the session
	return fn(ctx)
}
