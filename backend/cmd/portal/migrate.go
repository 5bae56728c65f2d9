package main

import (
	"context"
	"fmt"
	"io"

	"example.com/portal/backend/internal/postgres"
)

// migrateCmd runs `portal migrate up|down|status` as the owner role.
func migrateCmd(ctx context.Context, cfg Config, args []string, stdout io.Writer) error {
	if len(args) != 1 {
		return usageError("migrate needs one of up, down, status")
	}
	if err := cfg.ValidateOwner(); err != nil {
		return err
	}
	db, err := postgres.Open(ctx, cfg.OwnerDatabaseURL, postgres.Options{})
	if err != nil {
		return err
	}
	defer db.Close()
	m, err := postgres.NewMigrator(db)
	if err != nil {
		return err
	}
	switch args[0] {
	case "up":
		return m.Up(ctx, stdout)
	case "down":
		return m.Down(ctx, stdout)
	case "status":
		pending, err := m.Status(ctx, stdout)
		if err == nil && pending {
			fmt.Fprintln(stdout, "migrations are pending: run `portal migrate up`")
		}
		return err
	default:
		return usageError(fmt.Sprintf("unknown migrate command %q", args[0]))
	}
}
