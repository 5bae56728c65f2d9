package postgres_test

import (
	"context"
	"errors"
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
	id := portal.SSOIdentity{Subject: "https://idp.example sub-new", Email: "new.sso@example.com", Name: "New SSO"}
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
	if _, _, _, err := e.svc.SignInSSO(e.a, portal.SSOIdentity{Subject: "https://idp.example jane", Email: "jane@example.com"}, nil, portal.Client{}); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("closed customer's user signed in with SSO: %v", err)
	}
}

// TestSSOSubjectIdentifies: the provider's subject, not the e-mail, says who
// signs in. The first sign-in links the user found by e-mail; later, an
// e-mail address that another subject presents finds nobody (the address
// moved to someone else at the provider), and the linked subject still
// signs in after its address changed.
func TestSSOSubjectIdentifies(t *testing.T) {
	e := newAuthEnv(t)
	c := portal.Client{IP: "192.0.2.8"}
	const jane = "https://idp.example jane-0001"
	_, _, u, err := e.svc.SignInSSO(e.a, portal.SSOIdentity{Subject: jane, Email: "jane@example.com"}, nil, c)
	if err != nil || u.Email != "jane@example.com" {
		t.Fatalf("first sign-in: %+v, %v", u, err)
	}
	janeID := u.ID
	if _, _, _, err := e.svc.SignInSSO(e.a, portal.SSOIdentity{Subject: "https://idp.example mallory", Email: "jane@example.com"}, nil, c); !errors.Is(err, portal.ErrSSONoAccount) {
		t.Errorf("another subject with jane's address: %v", err)
	}
	_, _, u, err = e.svc.SignInSSO(e.a, portal.SSOIdentity{Subject: jane, Email: "jane.new@example.com"}, nil, c)
	if err != nil || u.ID != janeID {
		t.Errorf("jane after an address change at the provider: %+v, %v", u, err)
	}
	if kinds := auditKinds(t, e, e.a); kinds["signin_failed"] == 0 {
		t.Errorf("the refused subject was not audited: %v", kinds)
	}
}
