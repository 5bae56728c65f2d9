package postgres_test

import (
	"context"
	"strings"
	"testing"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/postgres"
)

func TestCheckAppRole(t *testing.T) {
	ctx := context.Background()
	d := pgtest.New(t)

	if err := d.OpenApp(t, postgres.Options{}).CheckAppRole(ctx); err != nil {
		t.Errorf("app role refused: %v", err)
	}
	for name, dsn := range map[string]string{"owner": d.OwnerURL, "superuser": d.AdminURL} {
		db, err := postgres.Open(ctx, dsn, postgres.Options{})
		if err != nil {
			t.Fatal(err)
		}
		err = db.CheckAppRole(ctx)
		db.Close()
		if err == nil || !strings.Contains(err.Error(), "refusing to start") {
			t.Errorf("%s role accepted as app role, err = %v", name, err)
		}
	}
}
