package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
)

func TestProfile(t *testing.T) {
	e := newAuthEnv(t)
	acct := postgres.NewAccountService(e.app)
	_, _, jane, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword})
	if err != nil {
		t.Fatal(err)
	}
	p, err := acct.Profile(e.a, jane)
	if err != nil || p.Email != "jane@example.com" || p.Company == nil || p.Company.Name != "Lakeshore Fab" || p.Company.AccountNumber != "C-1" {
		t.Fatalf("profile = %+v (%+v), %v", p, p.Company, err)
	}
	name, phone := "  Jane Q. Buyer ", "+1 (412) 555-0100"
	p, err = acct.UpdateProfile(e.a, jane, portal.ProfileUpdate{Name: &name, Phone: &phone})
	if err != nil || p.Name != "Jane Q. Buyer" || p.Phone != phone {
		t.Fatalf("updated profile = %+v, %v", p, err)
	}
	bad, long := "call me", string(make([]byte, 300))
	_, err = acct.UpdateProfile(e.a, jane, portal.ProfileUpdate{Name: &long, Phone: &bad})
	if fields := fieldsOf(err); !fields["name"] || !fields["phone"] {
		t.Errorf("invalid profile: %v (fields %v)", err, fields)
	}
}

func TestAddressesOneDefaultPerKind(t *testing.T) {
	e := newAuthEnv(t)
	acct := postgres.NewAccountService(e.app)
	_, _, jane, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword})
	if err != nil {
		t.Fatal(err)
	}
	add := func(kind, line1 string, def bool) *portal.Address {
		t.Helper()
		a, err := acct.CreateAddress(e.a, jane, portal.AddressInput{Kind: kind, Line1: line1, City: "Erie", Country: "us", IsDefault: def})
		if err != nil {
			t.Fatalf("add %s: %v", line1, err)
		}
		return a
	}
	bill := add("billing", "1 Bill St", true)
	ship1 := add("shipping", "1 Dock Rd", true)
	ship2 := add("shipping", "2 Dock Rd", true) // takes over the default
	if bill.Country != "US" {
		t.Errorf("country not normalised: %q", bill.Country)
	}
	defaults := func() map[string]string {
		t.Helper()
		list, err := acct.Addresses(e.a, jane)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]string{}
		for _, a := range list {
			if a.IsDefault {
				if out[a.Kind] != "" {
					t.Errorf("two default %s addresses", a.Kind)
				}
				out[a.Kind] = a.ID
			}
		}
		return out
	}
	if d := defaults(); d["billing"] != bill.ID || d["shipping"] != ship2.ID {
		t.Errorf("defaults = %v, want billing %s shipping %s", d, bill.ID, ship2.ID)
	}
	if _, err := acct.SetDefaultAddress(e.a, jane, ship1.ID); err != nil {
		t.Fatal(err)
	}
	if d := defaults(); d["billing"] != bill.ID || d["shipping"] != ship1.ID {
		t.Errorf("after set default: %v", d)
	}
	// Editing the billing address into a default shipping one moves the
	// shipping default too, never leaving two.
	in := portal.AddressInput{Kind: "shipping", Label: "Yard", Line1: "9 Yard Ln", City: "Erie", Country: "US", IsDefault: true}
	if a, err := acct.UpdateAddress(e.a, jane, bill.ID, in); err != nil || a.Label != "Yard" || a.Kind != "shipping" {
		t.Fatalf("edit: %+v, %v", a, err)
	}
	if d := defaults(); d["billing"] != "" || d["shipping"] != bill.ID {
		t.Errorf("after edit: %v", d)
	}

	// The database itself refuses a second default, whatever the code does.
	err = e.app.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE addresses SET is_default = true WHERE id = ?`, ship2.ID)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "addresses_one_default") {
		t.Errorf("a second default shipping address: %v, want the unique index to refuse it", err)
	}

	if err := acct.DeleteAddress(e.a, jane, ship2.ID); err != nil {
		t.Fatal(err)
	}
	if err := acct.DeleteAddress(e.a, jane, ship2.ID); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("delete twice: %v", err)
	}
	if _, err := acct.CreateAddress(e.a, jane, portal.AddressInput{Kind: "home", Country: "USA"}); !fieldsOf(err)["kind"] || !fieldsOf(err)["line1"] || !fieldsOf(err)["city"] || !fieldsOf(err)["country"] {
		t.Errorf("invalid address: %v", err)
	}
}

func TestOtherCustomersAddressesAreNotFound(t *testing.T) {
	e := newAuthEnv(t)
	acct := postgres.NewAccountService(e.app)
	_, _, jane, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword})
	if err != nil {
		t.Fatal(err)
	}
	_, _, janeB, err := e.svc.SignIn(e.b, portal.SignInInput{Email: "jane@example.com", Password: authPassword})
	if err != nil {
		t.Fatal(err)
	}
	stranger := seedOtherCustomerUser(t, e, e.a)
	in := portal.AddressInput{Kind: "shipping", Line1: "1 Secret Rd", City: "Erie", Country: "US", IsDefault: true}
	theirs, err := acct.CreateAddress(e.a, &stranger, in)
	if err != nil {
		t.Fatal(err)
	}
	otherTenant, err := acct.CreateAddress(e.b, janeB, in)
	if err != nil {
		t.Fatal(err)
	}
	for name, id := range map[string]string{"other customer": theirs.ID, "other tenant": otherTenant.ID, "unknown": uuid.NewString(), "malformed": "x'"} {
		if _, err := acct.UpdateAddress(e.a, jane, id, in); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("update %s: %v", name, err)
		}
		if _, err := acct.SetDefaultAddress(e.a, jane, id); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("set default %s: %v", name, err)
		}
		if err := acct.DeleteAddress(e.a, jane, id); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("delete %s: %v", name, err)
		}
	}
	list, err := acct.Addresses(e.a, jane)
	if err != nil || len(list) != 0 {
		t.Errorf("jane sees %+v, %v", list, err)
	}
	// The stranger's address is untouched and still the default.
	list, err = acct.Addresses(e.a, &stranger)
	if err != nil || len(list) != 1 || list[0].Line1 != "1 Secret Rd" || !list[0].IsDefault {
		t.Errorf("stranger's addresses = %+v, %v", list, err)
	}
}

func TestNotificationPreferencesRoundTrip(t *testing.T) {
	e := newAuthEnv(t)
	acct := postgres.NewAccountService(e.app)
	_, _, jane, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword})
	if err != nil {
		t.Fatal(err)
	}
	prefs, err := acct.NotificationPreferences(e.a, jane)
	if err != nil || len(prefs) != len(portal.NotificationKinds) {
		t.Fatalf("prefs = %+v, %v", prefs, err)
	}
	for _, p := range prefs {
		if !p.Email {
			t.Errorf("%s is off by default", p.Kind)
		}
	}
	prefs, err = acct.SetNotificationPreferences(e.a, jane, []portal.NotificationPreference{{Kind: "order_shipped", Email: false}, {Kind: "invoice_issued", Email: false}})
	if err != nil {
		t.Fatal(err)
	}
	prefs2, err := acct.NotificationPreferences(e.a, jane)
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range prefs2 {
		want := p.Kind != "order_shipped" && p.Kind != "invoice_issued"
		if p.Email != want || prefs[i] != p {
			t.Errorf("%s = %v, want %v (set answered %+v)", p.Kind, p.Email, want, prefs[i])
		}
	}
	// Back on: an upsert, not a second row.
	if _, err := acct.SetNotificationPreferences(e.a, jane, []portal.NotificationPreference{{Kind: "order_shipped", Email: true}}); err != nil {
		t.Fatal(err)
	}
	if p, _ := acct.NotificationPreferences(e.a, jane); p[1].Kind != "order_shipped" || !p[1].Email {
		t.Errorf("order_shipped back on: %+v", p)
	}
	for name, in := range map[string][]portal.NotificationPreference{
		"unknown kind": {{Kind: "newsletter"}}, "repeated": {{Kind: "order_shipped"}, {Kind: "order_shipped"}}, "empty": nil,
	} {
		if _, err := acct.SetNotificationPreferences(e.a, jane, in); portal.ErrorCode(err) != portal.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	// Another tenant's user with the same address has their own defaults.
	_, _, janeB, err := e.svc.SignIn(e.b, portal.SignInInput{Email: "jane@example.com", Password: authPassword})
	if err != nil {
		t.Fatal(err)
	}
	if p, err := acct.NotificationPreferences(e.b, janeB); err != nil || !p[3].Email {
		t.Errorf("tenant B's jane: %+v, %v", p, err)
	}
}

// fieldsOf returns the invalid fields named by err.
func fieldsOf(err error) map[string]bool {
	out := map[string]bool{}
	if e, ok := err.(*portal.Error); ok {
		for _, f := range e.Fields {
			out[f.Field] = true
		}
	}
	return out
}
