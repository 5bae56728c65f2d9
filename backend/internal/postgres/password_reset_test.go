package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

const newPassword = "Blue-Lathe-Morning-42"

func TestPasswordReset(t *testing.T) {
	e := newAuthEnv(t)
	c := portal.Client{IP: "203.0.113.9"}
	session, _, err := signIn(e, e.a, "jane@example.com", authPassword, true)
	if err != nil {
		t.Fatal(err)
	}
	req, err := e.svc.RequestPasswordReset(e.a, " JANE@example.com ", c)
	if err != nil || req == nil || req.Token == "" || req.User.Name != "Jane Buyer" {
		t.Fatalf("request = %+v, %v", req, err)
	}
	// Tenant B has its own jane: A's token means nothing there.
	if err := e.svc.ResetPassword(e.b, req.Token, newPassword, c); !isField(err, "token") {
		t.Errorf("A's token on tenant B: %v", err)
	}
	// Too weak: refused, and the token is not spent.
	for _, weak := range []string{"short", "1234567890", "jane-is-great-123", "aaaaaaaaaaaa"} {
		if err := e.svc.ResetPassword(e.a, req.Token, weak, c); !isField(err, "password") {
			t.Errorf("weak password %q: %v", weak, err)
		}
	}
	if err := e.svc.ResetPassword(e.a, req.Token, newPassword, c); err != nil {
		t.Fatalf("reset: %v", err)
	}
	// Second use of the same link fails.
	if err := e.svc.ResetPassword(e.a, req.Token, "Another-Fine-Password-7", c); !isField(err, "token") {
		t.Errorf("second use: %v", err)
	}
	// The old session ended; the old password is gone, the new one works.
	if _, _, err := e.svc.Authenticate(e.a, session); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("session survived the reset: %v", err)
	}
	if _, _, err := signIn(e, e.a, "jane@example.com", authPassword, false); portal.ErrorCode(err) != portal.EUNAUTHORIZED {
		t.Errorf("old password still works: %v", err)
	}
	if _, _, err := signIn(e, e.a, "jane@example.com", newPassword, false); err != nil {
		t.Errorf("new password: %v", err)
	}
}

func TestPasswordResetExpiresAndLimits(t *testing.T) {
	e := newAuthEnv(t)
	c := portal.Client{}
	req, err := e.svc.RequestPasswordReset(e.a, "jane@example.com", c)
	if err != nil || req == nil {
		t.Fatal(req, err)
	}
	e.now = e.now.Add(portal.ResetTokenLifetime + time.Second)
	if err := e.svc.ResetPassword(e.a, req.Token, newPassword, c); !isField(err, "token") {
		t.Errorf("expired token: %v", err)
	}
	// Unknown and disabled addresses: no token, no error (same answer).
	for _, email := range []string{"nobody@example.com", "old@example.com"} {
		if req, err := e.svc.RequestPasswordReset(e.a, email, c); err != nil || req != nil {
			t.Errorf("%s: %+v, %v", email, req, err)
		}
	}
	if _, err := e.svc.RequestPasswordReset(e.a, "not an address", c); portal.ErrorCode(err) != portal.EINVALID {
		t.Errorf("malformed address: %v", err)
	}
	// At most MaxResetsPerHour mails an hour (the expired one counts: it
	// is within the hour before e.now only if sent less than an hour ago).
	sent := 0
	for range portal.MaxResetsPerHour + 2 {
		if req, err := e.svc.RequestPasswordReset(e.a, "jane@example.com", c); err != nil {
			t.Fatal(err)
		} else if req != nil {
			sent++
		}
	}
	if sent != portal.MaxResetsPerHour {
		t.Errorf("sent %d reset mails within an hour, want %d", sent, portal.MaxResetsPerHour)
	}
	var kinds int
	if err := e.app.InTenantTx(e.a, func(ctx context.Context, tx bun.Tx) error {
		return tx.NewRaw(`SELECT count(*) FROM audit_events WHERE kind = 'password_reset_requested'`).Scan(ctx, &kinds)
	}); err != nil || kinds != 2+1+portal.MaxResetsPerHour+2 {
		t.Errorf("audited %d reset requests (%v)", kinds, err)
	}
}

func isField(err error, field string) bool {
	var pe *portal.Error
	return errors.As(err, &pe) && pe.Code == portal.EINVALID && len(pe.Fields) > 0 && pe.Fields[0].Field == field
}
