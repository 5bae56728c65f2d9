package postgres_test

import (
	"time"

	"testing"

	"example.com/portal/backend/internal/portal"
)

func TestOwnSessions(t *testing.T) {
	e := newAuthEnv(t)
	c := portal.Client{IP: "198.51.100.1"}
	phone, _, _, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword, Client: portal.Client{IP: "198.51.100.7", UserAgent: "Phone"}})
	if err != nil {
		t.Fatal(err)
	}
	desk, deskSess, u, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword, Client: c})
	if err != nil {
		t.Fatal(err)
	}
	list, err := e.svc.ListSessions(e.a, u.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("sessions = %d, %v", len(list), err)
	}
	var phoneID string
	for _, s := range list {
		if s.UserAgent == "Phone" {
			phoneID = s.ID
			if s.ClientIP != "198.51.100.7" {
				t.Errorf("client ip = %q", s.ClientIP)
			}
		}
	}
	if phoneID == "" {
		t.Fatalf("phone session not listed: %+v", list)
	}
	// Another user's id, a malformed id and another tenant: not found.
	for _, tc := range []struct {
		name, user, session string
	}{
		{"other user", "00000000-0000-7000-8000-000000000000", phoneID},
		{"malformed id", u.ID, "'; DROP TABLE sessions; --"},
	} {
		if err := e.svc.EndSession(e.a, tc.user, tc.session, c); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	if err := e.svc.EndSession(e.b, u.ID, phoneID, c); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("from tenant B: %v", err)
	}
	if err := e.svc.EndSession(e.a, u.ID, phoneID, c); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Authenticate(e.a, phone); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("ended session still valid: %v", err)
	}
	if err := e.svc.EndSession(e.a, u.ID, phoneID, c); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("ending twice: %v", err)
	}

	// Change password: wrong current, weak new, then success, which ends
	// every other session but keeps this one.
	other, _, _, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword, Client: c})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ChangePassword(e.a, u.ID, deskSess.ID, "wrong", newPassword, c); !isField(err, "current_password") {
		t.Errorf("wrong current password: %v", err)
	}
	if err := e.svc.ChangePassword(e.a, u.ID, deskSess.ID, authPassword, "short", c); !isField(err, "password") {
		t.Errorf("weak password: %v", err)
	}
	if err := e.svc.ChangePassword(e.a, u.ID, deskSess.ID, authPassword, newPassword, c); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.svc.Authenticate(e.a, desk); err != nil {
		t.Errorf("the session that changed the password ended: %v", err)
	}
	if _, _, err := e.svc.Authenticate(e.a, other); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("another session survived the password change: %v", err)
	}
	if _, _, err := signIn(e, e.a, "jane@example.com", newPassword, false); err != nil {
		t.Errorf("new password: %v", err)
	}
}

// TestChangePasswordThrottled: someone who finds a signed-in session cannot
// guess the current password without limit.
func TestChangePasswordThrottled(t *testing.T) {
	e := newAuthEnv(t)
	c := portal.Client{IP: "203.0.113.9"}
	_, sess, u, err := e.svc.SignIn(e.a, portal.SignInInput{Email: "jane@example.com", Password: authPassword, Client: c})
	if err != nil {
		t.Fatal(err)
	}
	for i := range portal.MaxFailuresAccountClient {
		if err := e.svc.ChangePassword(e.a, u.ID, sess.ID, "wrong guess", newPassword, c); !isField(err, "current_password") {
			t.Fatalf("guess %d: %v", i+1, err)
		}
	}
	if err := e.svc.ChangePassword(e.a, u.ID, sess.ID, authPassword, newPassword, c); portal.ErrorCode(err) != portal.ERATELIMITED {
		t.Errorf("past the limit, the right password: %v", err)
	}
	e.now = e.now.Add(portal.ThrottleWindow + time.Second)
	if err := e.svc.ChangePassword(e.a, u.ID, sess.ID, authPassword, newPassword, c); err != nil {
		t.Errorf("after the window: %v", err)
	}
}
