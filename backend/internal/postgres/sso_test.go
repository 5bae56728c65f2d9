package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/tenants"
)

// TestSSOFirstSignInsRace: two first sign-ins of one new address at once
// (two tabs, a double click) both succeed and make one user.
func TestSSOFirstSignInsRace(t *testing.T) {
	e := newAuthEnv(t)
	ft := &tenants.SSOFirstTime{AccountNumber: "C-1", Role: "buyer"}
	id := portal.SSOIdentity{Email: "new.sso@example.com", Name: "New SSO"}
	const n = 6
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _, err := e.svc.SignInSSO(e.a, id, ft, portal.Client{IP: "192.0.2.5"})
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Errorf("concurrent first sign-in: %v", err)
		}
	}
	var users int
	err := e.owner.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT count(*) FROM users WHERE email = ?`, id.Email).Scan(ctx, &users)
	})
	if err != nil || users != 1 {
		t.Errorf("%d users for one address (%v)", users, err)
	}
}

// TestSSOClosedCustomerRefused: SSO does not let the users of a closed
// customer account back in.
func TestSSOClosedCustomerRefused(t *testing.T) {
	e := newAuthEnv(t)
	err := e.owner.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE customers SET status = 'closed'`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, _, err := e.svc.SignInSSO(e.a, portal.SSOIdentity{Email: "jane@example.com"}, nil, portal.Client{}); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("closed customer's user signed in with SSO: %v", err)
	}
}
