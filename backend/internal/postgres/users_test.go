package postgres_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

func TestManageUsers(t *testing.T) {
	e := newAuthEnv(t)
	c := portal.Client{IP: "192.0.2.1"}
	users := postgres.NewUserService(e.app)
	_, _, admin, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword, Client: c})
	if err != nil {
		t.Fatal(err)
	}
	// A user of another customer of the same tenant.
	stranger := seedOtherCustomerUser(t, e, e.a)

	invited, token, err := users.InviteUser(e.a, admin, portal.InviteInput{Email: " New.Buyer@Example.com", Name: "New Buyer", Role: "buyer", Client: c})
	if err != nil || token == "" || invited.Status != "invited" || invited.Email != "new.buyer@example.com" {
		t.Fatalf("invite = %+v, %q, %v", invited, token, err)
	}
	if _, _, err := users.InviteUser(e.a, admin, portal.InviteInput{Email: "new.buyer@example.com", Name: "Again", Role: "buyer"}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("duplicate invitation: %v", err)
	}
	if _, _, err := users.InviteUser(e.a, admin, portal.InviteInput{Email: "x", Name: "", Role: "owner"}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("invalid invitation: %v", err)
	}
	// Accepting = setting a password through the invitation link.
	if err := e.svc.ResetPassword(e.a, token, newPassword, c); err != nil {
		t.Fatalf("accept invitation: %v", err)
	}
	if err := e.svc.ResetPassword(e.a, token, "Another-Fine-Password-7", c); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("second use of an invitation: %v", err)
	}
	// An invitation works for portal.InvitationLifetime, not a second more.
	late, lateToken, err := users.InviteUser(e.a, admin, portal.InviteInput{Email: "late@example.com", Name: "Late", Role: "viewer", Client: c})
	if err != nil {
		t.Fatal(err)
	}
	saved := e.now
	e.now = e.now.Add(portal.InvitationLifetime + time.Second)
	if err := e.svc.ResetPassword(e.a, lateToken, newPassword, c); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("expired invitation for %s: %v", late.Email, err)
	}
	e.now = saved
	newTok, _, err := signIn(e, e.a, "new.buyer@example.com", newPassword, false)
	if err != nil {
		t.Fatalf("invited user signs in: %v", err)
	}

	list, err := users.ListUsers(e.a, admin)
	if err != nil {
		t.Fatal(err)
	}
	var emails []string
	for _, u := range list {
		emails = append(emails, u.Email)
		if u.Email == "jane@example.com" && u.LastSignInAt == nil {
			t.Error("jane's last sign-in missing")
		}
	}
	if !slices.Contains(emails, "new.buyer@example.com") || slices.Contains(emails, stranger.Email) {
		t.Errorf("users = %v (must hold the account's users only)", emails)
	}

	role, disabled := "viewer", "disabled"
	up, err := users.UpdateUser(e.a, admin, invited.ID, portal.UserUpdate{Role: &role, Client: c})
	if err != nil || up.Role != "viewer" {
		t.Fatalf("change role: %+v, %v", up, err)
	}
	if _, err := users.UpdateUser(e.a, admin, invited.ID, portal.UserUpdate{Status: &disabled, Client: c}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Authenticate(e.a, newTok); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("deactivated user's session survived: %v", err)
	}
	if _, _, err := signIn(e, e.a, "new.buyer@example.com", newPassword, false); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("deactivated user signs in: %v", err)
	}
	for name, id := range map[string]string{"another customer's user": stranger.ID, "unknown": uuid.NewString(), "malformed": "1 OR 1=1"} {
		if _, err := users.UpdateUser(e.a, admin, id, portal.UserUpdate{Role: &role}); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := users.UpdateUser(e.a, admin, admin.ID, portal.UserUpdate{Status: &disabled}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("disabling oneself: %v", err)
	}

	events, err := users.ListAuditEvents(e.a, admin, 0)
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ev := range events {
		kinds = append(kinds, ev.Kind)
	}
	for _, k := range []string{"signin", "user_invited", "password_changed", "role_changed", "user_deactivated"} {
		if !slices.Contains(kinds, k) {
			t.Errorf("audit log lacks %s: %v", k, kinds)
		}
	}
}

// seedOtherCustomerUser adds a second customer with one user to the tenant
// of ctx, and returns that user.
func seedOtherCustomerUser(t *testing.T, e *authEnv, ctx context.Context) portal.User {
	t.Helper()
	tn, _ := tenants.FromContext(ctx)
	hash, err := password.Hash(authPassword)
	if err != nil {
		t.Fatal(err)
	}
	u := portal.User{ID: uuid.NewString(), CustomerID: uuid.NewString(), Email: "stranger@other.example"}
	err = e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO customers (tenant_id, id, account_number, company_name) VALUES (?, ?, 'C-2', 'Other Co')`, tn.ID, u.CustomerID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, password_hash)
			VALUES (?, ?, ?, ?, 'Stranger', 'admin', ?)`, tn.ID, u.ID, u.CustomerID, u.Email, hash)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestLongAddressesAreInvalidNotServerErrors(t *testing.T) {
	e := newAuthEnv(t)
	long := strings.Repeat("a", 6000) + "@example.com"
	if _, err := e.svc.RequestPasswordReset(e.a, long, portal.Client{}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("reset for a 6 kB address: %v", err)
	}
	_, _, admin, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := postgres.NewUserService(e.app).InviteUser(e.a, admin, portal.InviteInput{Email: long, Name: "X", Role: "buyer"}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("invite of a 6 kB address: %v", err)
	}
}

func TestAccountKeepsAnAdmin(t *testing.T) {
	e := newAuthEnv(t)
	users := postgres.NewUserService(e.app)
	_, _, actor, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword})
	if err != nil {
		t.Fatal(err)
	}
	// The account's only admin (jane is a buyer here; the service layer
	// leaves role checks to the HTTP layer).
	admin, token, err := users.InviteUser(e.a, actor, portal.InviteInput{Email: "only.admin@example.com", Name: "Only Admin", Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ResetPassword(e.a, token, newPassword, portal.Client{}); err != nil {
		t.Fatal(err)
	}
	viewer, disabled := "viewer", "disabled"
	for name, up := range map[string]portal.UserUpdate{"demote": {Role: &viewer}, "disable": {Status: &disabled}} {
		if _, err := users.UpdateUser(e.a, actor, admin.ID, up); portal.ErrorCode(err) != portal.ECONFLICT {
			t.Errorf("%s the last admin: %v", name, err)
		}
	}
	second, token2, err := users.InviteUser(e.a, actor, portal.InviteInput{Email: "second.admin@example.com", Name: "Second", Role: "admin"})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ResetPassword(e.a, token2, newPassword, portal.Client{}); err != nil {
		t.Fatal(err)
	}
	if _, err := users.UpdateUser(e.a, actor, admin.ID, portal.UserUpdate{Role: &viewer}); err != nil {
		t.Errorf("demoting one of two admins: %v", err)
	}
	if _, err := users.UpdateUser(e.a, actor, second.ID, portal.UserUpdate{Status: &disabled}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("disabling the remaining admin: %v", err)
	}
}

// TestManageStaff: a tenant admin manages the staff through the same
// service, which then sees only staff: customers' users are not theirs,
// and customers' Admins never see staff.
func TestManageStaff(t *testing.T) {
	e := newAuthEnv(t)
	c := portal.Client{IP: "192.0.2.1"}
	users := postgres.NewUserService(e.app)
	tn, _ := tenants.FromContext(e.a)
	hash, err := password.Hash(authPassword)
	if err != nil {
		t.Fatal(err)
	}
	err = e.owner.InTx(context.Background(), tn.ID, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO users (tenant_id, id, email, name, role, password_hash)
			VALUES (?, ?, 'boss@distributor.example', 'Boss', 'tenant_admin', ?)`, tn.ID, uuid.NewString(), hash)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	_, _, boss, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "boss@distributor.example", Password: authPassword, Client: c})
	if err != nil {
		t.Fatal(err)
	}
	_, _, jane, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword, Client: c})
	if err != nil {
		t.Fatal(err)
	}
	if !boss.Staff() || jane.Staff() {
		t.Fatalf("staff: boss %v, jane %v", boss.Staff(), jane.Staff())
	}

	if _, _, err := users.InviteUser(e.a, boss, portal.InviteInput{Email: "rep@distributor.example", Name: "Rep", Role: "buyer"}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("staff invited with a customer role: %v", err)
	}
	if _, _, err := users.InviteUser(e.a, jane, portal.InviteInput{Email: "x@example.com", Name: "X", Role: "sales_rep"}); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("customer user invited with a staff role: %v", err)
	}
	rep, token, err := users.InviteUser(e.a, boss, portal.InviteInput{Email: "rep@distributor.example", Name: "Rep", Role: "sales_rep", Client: c})
	if err != nil || token == "" {
		t.Fatal(rep, err)
	}
	if err := e.svc.ResetPassword(e.a, token, newPassword, c); err != nil {
		t.Fatalf("accept staff invitation: %v", err)
	}
	_, _, repUser, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "rep@distributor.example", Password: newPassword, Client: c})
	if err != nil || !repUser.Staff() || repUser.Role != "sales_rep" {
		t.Fatalf("invited rep signs in: %+v %v", repUser, err)
	}

	names := func(actor *portal.User) []string {
		t.Helper()
		list, err := users.ListUsers(e.a, actor)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, u := range list {
			out = append(out, u.Email)
		}
		slices.Sort(out)
		return out
	}
	if got := names(boss); !slices.Equal(got, []string{"boss@distributor.example", "rep@distributor.example"}) {
		t.Errorf("staff list = %v", got)
	}
	if got := names(jane); slices.Contains(got, "boss@distributor.example") || slices.Contains(got, "rep@distributor.example") {
		t.Errorf("a customer's Admin sees staff: %v", got)
	}
	// Ids across the line are unknown in both directions.
	disabled := "disabled"
	if _, err := users.UpdateUser(e.a, boss, jane.ID, portal.UserUpdate{Status: &disabled}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("tenant admin changed a customer's user: %v", err)
	}
	if _, err := users.UpdateUser(e.a, jane, rep.ID, portal.UserUpdate{Status: &disabled}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("customer admin changed a staff user: %v", err)
	}
	// The staff must keep a tenant admin: the rep cannot be the last.
	role := "tenant_admin"
	if _, err := users.UpdateUser(e.a, boss, rep.ID, portal.UserUpdate{Role: &role}); err != nil {
		t.Fatalf("promote rep: %v", err)
	}
	if _, err := users.UpdateUser(e.a, repUser, boss.ID, portal.UserUpdate{Status: &disabled}); err != nil {
		t.Fatalf("the new tenant admin disables the old one: %v", err)
	}
	role = "sales_rep"
	repUser.Role = "tenant_admin"
	if _, err := users.UpdateUser(e.a, boss, repUser.ID, portal.UserUpdate{Role: &role}); portal.ErrorCode(err) != portal.ECONFLICT {
		t.Errorf("demoting the last active tenant admin: %v", err)
	}
}
