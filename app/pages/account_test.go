package pages

import (
	"errors"
	"testing"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
)

func TestAccountTabsFollowCapabilities(t *testing.T) {
	tabsOf := func(caps ...string) (out []string) {
		for _, tab := range accountTabs(apiclient.User{Capabilities: caps}) {
			out = append(out, tab[0])
		}
		return out
	}
	if got := tabsOf("profile:read"); len(got) != 2 || got[0] != tabProfile || got[1] != tabSecurity {
		t.Errorf("staff-like user: %v", got)
	}
	if got := tabsOf("profile:read", capAddressesRead, capNotifications); len(got) != 4 {
		t.Errorf("customer user: %v", got)
	}
	p := &accountPage{tab: tabAddresses}
	if got := p.activeTab(apiclient.User{}); got != tabProfile {
		t.Errorf("a tab the user may not see falls back to the profile, got %q", got)
	}
}

func TestAccountGate(t *testing.T) {
	signedIn := func(caps ...string) state.Session {
		return state.Session{Status: state.Loaded, Data: apiclient.Session{SignedIn: true, User: apiclient.User{Capabilities: caps}}}
	}
	if accountGate(signedIn(capUsersRead), capUsersRead) != nil {
		t.Error("an Admin is kept out of the users screen")
	}
	for name, s := range map[string]state.Session{
		"viewer": signedIn("profile:read"), "signed out": {Status: state.Loaded}, "checking": {},
		"failed": {Status: state.LoadingErr, Err: errors.New("offline")},
	} {
		if accountGate(s, capUsersRead) == nil {
			t.Errorf("%s sees the users screen", name)
		}
	}
}

func TestAccountTexts(t *testing.T) {
	a := api.Address{Line1: "77 Harbor Way", City: "Chicago", Region: "IL", PostalCode: "60601", Country: "US"}
	if got := addressLine(a); got != "77 Harbor Way, Chicago IL 60601, US" {
		t.Errorf("addressLine = %q", got)
	}
	e := api.AuditEvent{Kind: "role_changed", Email: "boss@x.example", Detail: map[string]any{"email": "fin@x.example"}}
	if got := auditLabel(e); got != "Role changed: fin@x.example" {
		t.Errorf("auditLabel = %q", got)
	}
	if got := auditLabel(api.AuditEvent{Kind: "something_new"}); got != "something_new" {
		t.Errorf("unknown kind = %q", got)
	}
	if got := problemText(&apiclient.Error{Status: 409, Code: api.CodeConflict, Detail: "The account must keep at least one active Admin."}); got != "The account must keep at least one active Admin." {
		t.Errorf("problemText = %q", got)
	}
}
