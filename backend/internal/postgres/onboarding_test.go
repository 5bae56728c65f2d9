package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// seedStaff adds a tenant_admin to ctx's tenant and signs them in.
func seedStaff(t *testing.T, e *authEnv, ctx context.Context, email string) *portal.User {
	t.Helper()
	hash, err := password.Hash(authPassword)
	if err != nil {
		t.Fatal(err)
	}
	tn, _ := tenants.FromContext(ctx)
	err = e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, status, password_hash)
			VALUES (?, ?, NULL, ?, 'Staff Person', 'tenant_admin', 'active', ?)`, tn.ID, uuid.NewString(), email, hash)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, u, err := signIn(e, ctx, email, authPassword, false)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// hasField reports whether err is a portal error naming field, whatever
// its code.
func hasField(err error, field string) bool {
	var pe *portal.Error
	if !errors.As(err, &pe) {
		return false
	}
	for _, f := range pe.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

func accessInput(email string) portal.AccessRequestInput {
	return portal.AccessRequestInput{CompanyName: "Harbor Welding", ContactName: "Hana Lee", Email: email,
		Phone: "+1 555 0199", Client: portal.Client{IP: "198.51.100.4"}}
}

func TestAccessRequestApproval(t *testing.T) {
	e := newAuthEnv(t)
	svc := postgres.NewOnboardingService(e.app)
	staff := seedStaff(t, e, e.a, "staff@alpha.example")
	_, jane, err := signIn(e, e.a, "jane@example.com", authPassword, false)
	if err != nil {
		t.Fatal(err)
	}

	if _, err := svc.RequestAccess(e.a, portal.AccessRequestInput{Email: "nope"}); !hasField(err, "company_name") ||
		!hasField(err, "contact_name") || !hasField(err, "email") || !hasField(err, "phone") {
		t.Errorf("invalid request: %v", err)
	}
	newReq, err := svc.RequestAccess(e.a, accessInput(" Hana@Harbor.example "))
	if err != nil || newReq.Email != "hana@harbor.example" {
		t.Fatalf("request = %+v, %v", newReq, err)
	}
	linkReq, err := svc.RequestAccess(e.a, accessInput("joe@lakeshore.example"))
	if err != nil {
		t.Fatal(err)
	}
	dupReq, err := svc.RequestAccess(e.a, accessInput("jane@example.com")) // already has an account
	if err != nil {
		t.Fatalf("a request for an existing address is accepted like any other: %v", err)
	}

	// Only staff decide; another tenant does not see the request.
	if _, err := svc.ListAccessRequests(e.a, jane, ""); portal.ErrorCode(err) != portal.EFORBIDDEN {
		t.Errorf("customer user lists the queue: %v", err)
	}
	staffB := seedStaff(t, e, e.b, "staff@beta.example")
	if list, err := svc.ListAccessRequests(e.b, staffB, ""); err != nil || len(list) != 0 {
		t.Errorf("tenant B's queue = %v, %v", list, err)
	}
	if _, err := svc.ApproveAccessRequest(e.b, staffB, newReq.ID, portal.ApproveInput{NewAccountNumber: "B-9"}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("tenant B approves A's request: %v", err)
	}

	// Create a customer: the account number is required (none was given).
	if _, err := svc.ApproveAccessRequest(e.a, staff, newReq.ID, portal.ApproveInput{}); !hasField(err, "new_account_number") {
		t.Errorf("approve without account number: %v", err)
	}
	if _, err := svc.ApproveAccessRequest(e.a, staff, newReq.ID, portal.ApproveInput{NewAccountNumber: "C-1"}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("approve with a taken account number: %v", err)
	}
	a, err := svc.ApproveAccessRequest(e.a, staff, newReq.ID, portal.ApproveInput{NewAccountNumber: "C-77", Role: "buyer"})
	if err != nil || a.Token == "" || a.User.Status != "invited" || a.User.Role != "buyer" || a.Request.Status != "approved" ||
		a.Request.CustomerName != "Harbor Welding" || a.Request.DecidedBy != "staff@alpha.example" {
		t.Fatalf("approve = %+v, %v", a, err)
	}
	// Deciding twice: 409, either way.
	if _, err := svc.ApproveAccessRequest(e.a, staff, newReq.ID, portal.ApproveInput{NewAccountNumber: "C-78"}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("second approval: %v", err)
	}
	if _, err := svc.RejectAccessRequest(e.a, staff, newReq.ID, "late", portal.Client{}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("reject after approval: %v", err)
	}
	// The invitee sets a password and signs in, into the new customer.
	if err := e.svc.ResetPassword(e.a, a.Token, newPassword, portal.Client{}); err != nil {
		t.Fatalf("accept invitation: %v", err)
	}
	if _, u, err := signIn(e, e.a, "hana@harbor.example", newPassword, false); err != nil || u.CustomerName != "Harbor Welding" {
		t.Fatalf("invitee signs in: %+v, %v", u, err)
	}

	// Link to an existing customer by account number.
	l, err := svc.ApproveAccessRequest(e.a, staff, linkReq.ID, portal.ApproveInput{AccountNumber: "C-1"})
	if err != nil || l.Request.CustomerName != "Lakeshore Fab" || l.User.Role != "admin" {
		t.Fatalf("link = %+v, %v", l, err)
	}

	// Approving an address that already has a user fails as a whole:
	// nothing is created, the request stays pending.
	if _, err := svc.ApproveAccessRequest(e.a, staff, dupReq.ID, portal.ApproveInput{NewAccountNumber: "C-88"}); !hasField(err, "email") {
		t.Errorf("approve existing address: %v", err)
	}
	var customers int
	if err := e.app.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT count(*) FROM customers WHERE account_number = 'C-88'`).Scan(ctx, &customers)
	}); err != nil || customers != 0 {
		t.Errorf("half-written approval left %d customers (%v)", customers, err)
	}
	r, err := svc.RejectAccessRequest(e.a, staff, dupReq.ID, "Please ask your admin.", portal.Client{})
	if err != nil || r.Status != "rejected" || r.Reason != "Please ask your admin." {
		t.Fatalf("reject = %+v, %v", r, err)
	}

	list, err := svc.ListAccessRequests(e.a, staff, "")
	if err != nil || len(list) != 3 {
		t.Fatalf("queue = %+v, %v", list, err)
	}
	if pending, err := svc.ListAccessRequests(e.a, staff, "pending"); err != nil || len(pending) != 0 {
		t.Errorf("pending = %+v, %v", pending, err)
	}
	if _, err := svc.ListAccessRequests(e.a, staff, "bogus"); !hasField(err, "status") {
		t.Errorf("bad status filter: %v", err)
	}
	// Audited in the customer's own log too.
	var n int
	if err := e.app.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT count(*) FROM audit_events WHERE kind IN ('access_request_approved', 'access_request_rejected', 'user_invited')`).Scan(ctx, &n)
	}); err != nil || n != 5 {
		t.Errorf("audit events = %d (%v), want 2 approvals + 2 invitations + 1 rejection", n, err)
	}
}

func TestAccessRequestRateLimit(t *testing.T) {
	e := newAuthEnv(t)
	svc := postgres.NewOnboardingService(e.app)
	var wg sync.WaitGroup
	errs := make([]error, portal.MaxAccessRequestsPerClient+3)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = svc.RequestAccess(e.a, accessInput(uuid.NewString()+"@spam.example"))
		}()
	}
	wg.Wait()
	limited := 0
	for _, err := range errs {
		switch portal.ErrorCode(err) {
		case portal.ERATELIMITED:
			limited++
		case "":
		default:
			t.Errorf("request: %v", err)
		}
	}
	if limited != 3 {
		t.Errorf("%d of %d parallel requests limited, want 3", limited, len(errs))
	}
	// Another address is not limited; an hour later neither is this one.
	other := accessInput("x@example.com")
	other.Client.IP = "198.51.100.5"
	if _, err := svc.RequestAccess(e.a, other); err != nil {
		t.Errorf("other address: %v", err)
	}
	e.now = e.now.Add(portal.AccessRequestWindow + 1)
	if _, err := svc.RequestAccess(e.a, accessInput("y@example.com")); err != nil {
		t.Errorf("after the window: %v", err)
	}
}

func TestSelfRegistration(t *testing.T) {
	e := newAuthEnv(t)
	svc := postgres.NewOnboardingService(e.app)
	staff := seedStaff(t, e, e.a, "staff@alpha.example")
	c := portal.Client{IP: "198.51.100.9"}

	if _, _, _, err := svc.SignUp(e.a, portal.SignUpInput{Name: "", Email: "x", Password: "short"}); !hasField(err, "name") ||
		!hasField(err, "email") || !hasField(err, "password") {
		t.Errorf("invalid sign-up: %v", err)
	}
	if _, _, _, err := svc.SignUp(e.a, portal.SignUpInput{Name: "Jane", Email: "jane@example.com", Password: newPassword}); !hasField(err, "email") {
		t.Errorf("sign-up with a taken address: %v", err)
	}
	token, _, u, err := svc.SignUp(e.a, portal.SignUpInput{Name: "Pat Doe", Email: "pat@doe.example", Password: newPassword, Client: c})
	if err != nil {
		t.Fatal(err)
	}
	// Signed in at once, with an incomplete profile.
	_, au, err := e.svc.Authenticate(e.a, token)
	if err != nil || au.ID != u.ID {
		t.Fatalf("authenticate: %+v, %v", au, err)
	}
	if st, err := svc.RegistrationState(e.a, au); err != nil || st != portal.RegistrationProfileIncomplete {
		t.Errorf("state after sign-up = %q, %v", st, err)
	}
	if st, err := svc.RegistrationState(e.a, staff); err != nil || st != portal.RegistrationComplete {
		t.Errorf("staff state = %q, %v", st, err)
	}
	bad := portal.ProfileInput{Type: "robot", Billing: portal.PostalAddress{Country: "Canada"}}
	if _, err := svc.CompleteProfile(e.a, au, bad, true); !hasField(err, "type") || !hasField(err, "name") ||
		!hasField(err, "billing.line1") || !hasField(err, "billing.country") {
		t.Errorf("invalid profile: %v", err)
	}
	p := portal.ProfileInput{Type: "business", Name: "Doe Fabrication", Client: c,
		Billing: portal.PostalAddress{Line1: "1 King St W", City: "Toronto", Region: "ON", PostalCode: "M5H 1A1", Country: "ca"}}
	st, err := svc.CompleteProfile(e.a, au, p, true)
	if err != nil || st != portal.RegistrationPendingApproval {
		t.Fatalf("complete profile = %q, %v", st, err)
	}
	if _, err := svc.CompleteProfile(e.a, au, p, true); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("second completion: %v", err)
	}
	// Shipping defaulted to billing.
	var addrs []string
	if err := e.app.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT kind || ':' || line1 || ':' || country FROM addresses WHERE customer_id = ? ORDER BY kind`, au.CustomerID).Scan(ctx, &addrs)
	}); err != nil || len(addrs) != 2 || addrs[0] != "billing:1 King St W:CA" || addrs[1] != "shipping:1 King St W:CA" {
		t.Errorf("addresses = %v, %v", addrs, err)
	}
	// Staff see it beside the access requests; another tenant does not.
	regs, err := svc.ListRegistrations(e.a, staff)
	if err != nil || len(regs) != 1 || regs[0].CompanyName != "Doe Fabrication" || regs[0].Email != "pat@doe.example" {
		t.Fatalf("registrations = %+v, %v", regs, err)
	}
	staffB := seedStaff(t, e, e.b, "staff@beta.example")
	if _, err := svc.ApproveRegistration(e.b, staffB, au.CustomerID, c); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("tenant B approves A's registration: %v", err)
	}
	if _, err := svc.ApproveRegistration(e.a, au, au.CustomerID, c); portal.ErrorCode(err) != portal.EFORBIDDEN {
		t.Errorf("self-approval: %v", err)
	}
	if _, err := svc.ApproveRegistration(e.a, staff, au.CustomerID, c); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.ApproveRegistration(e.a, staff, au.CustomerID, c); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("second approval: %v", err)
	}
	if st, err := svc.RegistrationState(e.a, au); err != nil || st != portal.RegistrationComplete {
		t.Errorf("state after approval = %q, %v", st, err)
	}

	// Without approval the customer is active at once.
	_, _, u2, err := svc.SignUp(e.a, portal.SignUpInput{Name: "Sol Ray", Email: "sol@ray.example", Password: newPassword, Client: c})
	if err != nil {
		t.Fatal(err)
	}
	if st, err := svc.CompleteProfile(e.a, u2, portal.ProfileInput{Type: "individual", Name: "Sol Ray", Billing: p.Billing,
		Shipping: &portal.PostalAddress{Line1: "9 Dock Rd", City: "Hamilton", Country: "CA"}}, false); err != nil || st != portal.RegistrationComplete {
		t.Errorf("no-approval completion = %q, %v", st, err)
	}
}

// TestSignUpLimitedPerClient: one client (an IPv6 /64) cannot sign up
// addresses in bulk; another client still can.
func TestSignUpLimitedPerClient(t *testing.T) {
	e := newAuthEnv(t)
	svc := postgres.NewOnboardingService(e.app)
	signUp := func(i int, ip string) error {
		_, _, _, err := svc.SignUp(e.a, portal.SignUpInput{Name: "Bulk", Email: fmt.Sprintf("bulk%d@example.com", i),
			Password: newPassword, Client: portal.Client{IP: ip}})
		return err
	}
	for i := range portal.MaxAccessRequestsPerClient {
		if err := signUp(i, fmt.Sprintf("2001:db8:5:5::%x", i+1)); err != nil {
			t.Fatalf("sign-up %d: %v", i+1, err)
		}
	}
	if err := signUp(99, "2001:db8:5:5::ffff"); portal.ErrorCode(err) != portal.ERATELIMITED {
		t.Errorf("past the limit from the same /64: %v", err)
	}
	if err := signUp(100, "198.51.100.9"); err != nil {
		t.Errorf("another client: %v", err)
	}
	e.now = e.now.Add(portal.AccessRequestWindow + time.Second)
	if err := signUp(101, "2001:db8:5:5::1"); err != nil {
		t.Errorf("after the window: %v", err)
	}
}
