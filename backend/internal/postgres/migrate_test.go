package postgres_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/postgres"
)

// TestMigrateDownOneAtATime: `portal migrate down` on a fresh install must
// undo the last migration only, never the whole schema, and up must
// re-apply it.
func TestMigrateDownOneAtATime(t *testing.T) {
	ctx := context.Background()
	d := pgtest.New(t)
	m, err := postgres.NewMigrator(d.OpenOwner(t))
	if err != nil {
		t.Fatal(err)
	}
	var log bytes.Buffer
	if err := m.Down(ctx, &log); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(log.String(), "rolled back"); n != 1 {
		t.Fatalf("down rolled back %d migrations:\n%s", n, &log)
	}
	log.Reset()
	pending, err := m.Status(ctx, &log)
	if err != nil || !pending {
		t.Fatalf("status after down: pending=%v err=%v\n%s", pending, err, &log)
	}
	if strings.Count(log.String(), "pending") != 1 {
		t.Errorf("want exactly one pending migration:\n%s", &log)
	}
	log.Reset()
	if err := m.Up(ctx, &log); err != nil || strings.Count(log.String(), "applied ") != 1 {
		t.Fatalf("up after down: %v\n%s", err, &log)
	}
	log.Reset()
	if pending, err := m.Status(ctx, &log); err != nil || pending {
		t.Errorf("status after up: pending=%v err=%v\n%s", pending, err, &log)
	}
}
