package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/password"
	"example.com/portal/backend/internal/portal"
)

var _ portal.AuthService = (*AuthService)(nil)

// AuthService signs customer users in and out, with sessions and the audit
// log in PostgreSQL under the tenant's row-level security.
type AuthService struct {
	db *DB
}

// NewAuthService returns the sign-in service over db (the app role).
func NewAuthService(db *DB) *AuthService { return &AuthService{db: db} }

var errBadCredentials = portal.Errorf(portal.EUNAUTHORIZED, "E-mail or password is incorrect.")

// dummyHash is verified when the address is unknown, so that an unknown
// account costs the same time as a wrong password and timing reveals nothing.
var dummyHash = sync.OnceValue(func() string {
	h, err := password.Hash("not a password anyone has: " + uuid.NewString())
	if err != nil {
		panic(err)
	}
	return h
})

// SignIn implements portal.AuthService.
func (s *AuthService) SignIn(ctx context.Context, in portal.SignInInput) (string, *portal.Session, *portal.User, error) {
	if err := in.Validate(); err != nil {
		return "", nil, nil, err
	}
	token, hashed, err := newToken()
	if err != nil {
		return "", nil, nil, err
	}
	var (
		u       portal.User
		sess    *portal.Session
		limited bool
		failed  bool
	)
	// One transaction per attempt, holding a lock on the address: parallel
	// guesses at one account queue up, so each sees the failures before it
	// and the limit holds (counted first, recorded in the same transaction).
	// The lock is held through the password hash, about 50 ms.
	err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_setting('app.tenant_id') || ' signin ' || ?))`, in.Email); err != nil {
			return err
		}
		now := s.db.Now().UTC()
		var err error
		limited, err = s.throttled(ctx, tx, in)
		if err != nil {
			return err
		}
		if limited {
			// Still recorded: an attacker hammering past the limit shows up.
			return auditTx(ctx, tx, now, "signin_throttled", nil, in.Email, in.Client, nil)
		}
		var hash, status string
		err = tx.NewRaw(`SELECT u.id::text, coalesce(u.customer_id::text, ''), coalesce(c.company_name, ''), u.email, u.name, u.role, u.mfa_enabled,
				u.password_hash, CASE WHEN c.status = 'closed' THEN 'customer_closed' ELSE u.status END
			FROM users u LEFT JOIN customers c ON c.tenant_id = u.tenant_id AND c.id = u.customer_id
			WHERE u.email = ?`, in.Email).
			Scan(ctx, &u.ID, &u.CustomerID, &u.CustomerName, &u.Email, &u.Name, &u.Role, &u.MFAEnabled, &hash, &status)
		found := err == nil
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		ok := false
		if found && hash != "" {
			ok, err = password.Verify(hash, in.Password)
			if err != nil && !errors.Is(err, password.ErrMalformed) {
				return err
			}
		} else {
			// Unknown address: the same work, so timing reveals nothing.
			_, _ = password.Verify(dummyHash(), in.Password)
		}
		if !ok || status != "active" {
			failed = true
			var uid *portal.User
			if found {
				uid = &u
			}
			return auditTx(ctx, tx, now, "signin_failed", uid, in.Email, in.Client, map[string]any{"reason": failReason(found, ok, status)})
		}
		// A hash made with weaker parameters than today's is replaced
		// while the plain password is at hand (OWASP: upgrade on login).
		if password.NeedsRehash(hash) {
			h, err := password.Hash(in.Password)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, h, u.ID); err != nil {
				return err
			}
		}
		sess, err = createSessionTx(ctx, tx, now, hashed, &u, in.Remember, in.Client)
		if err != nil {
			return err
		}
		// Decided only now, with the password right: nothing before tells
		// whether the account has a second factor.
		if method := mfaMethodFor(ctx, &u); method != "" {
			if err := markPendingTx(ctx, tx, now, sess, method); err != nil {
				return err
			}
			return auditTx(ctx, tx, now, "signin_mfa_pending", &u, u.Email, in.Client,
				map[string]any{"remember": in.Remember, "session_id": sess.ID, "method": method})
		}
		return auditTx(ctx, tx, now, "signin", &u, u.Email, in.Client, map[string]any{"remember": in.Remember, "session_id": sess.ID})
	})
	switch {
	case err != nil:
		return "", nil, nil, err
	case limited:
		return "", nil, nil, portal.Errorf(portal.ERATELIMITED, "Too many sign-in attempts. Wait %d minutes and try again.", int(portal.ThrottleWindow.Minutes()))
	case failed:
		return "", nil, nil, errBadCredentials
	}
	return token, sess, &u, nil
}

// createSessionTx opens a session for u whose cookie token hashes to
// hashed: 30 idle minutes within 12 hours, or 30 days with remember.
func createSessionTx(ctx context.Context, tx bun.Tx, now time.Time, hashed []byte, u *portal.User, remember bool, c portal.Client) (*portal.Session, error) {
	sess := &portal.Session{ID: uuid.Must(uuid.NewV7()).String(), UserID: u.ID, CustomerID: u.CustomerID,
		CreatedAt: now, LastSeenAt: now, Remember: remember}
	sess.IdleExpiresAt, sess.ExpiresAt = now.Add(portal.IdleTimeout), now.Add(portal.SessionLifetime)
	if remember {
		sess.IdleExpiresAt, sess.ExpiresAt = now.Add(portal.RememberLifetime), now.Add(portal.RememberLifetime)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO sessions (tenant_id, id, token_hash, customer_id, user_id, created_at,
			last_seen_at, idle_expires_at, expires_at, remember, user_agent, client_ip)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		sess.ID, hashed, nullable(sess.CustomerID), sess.UserID, sess.CreatedAt, sess.LastSeenAt, sess.IdleExpiresAt,
		sess.ExpiresAt, sess.Remember, truncate(c.UserAgent, 512), clientIP(c))
	if err != nil {
		return nil, fmt.Errorf("postgres: create session: %w", err)
	}
	return sess, nil
}

func failReason(found, ok bool, status string) string {
	switch {
	case !found:
		return "unknown_email"
	case !ok:
		return "wrong_password"
	case status == "customer_closed":
		return status
	default:
		return "user_" + status
	}
}

// throttled reports whether the address, from this client or overall, or
// the client across addresses, has failed too often within the window.
// Failures before the account's last password change do not count, so a
// reset lets a locked-out user back in; keying the tight limit on address
// and client means a stranger cannot lock the user out from elsewhere.
func (s *AuthService) throttled(ctx context.Context, tx bun.Tx, in portal.SignInInput) (bool, error) {
	since := s.db.Now().Add(-portal.ThrottleWindow)
	lo, hi := clientRange(in.Client)
	var byAccountClient, byAccount, byClient int
	err := tx.NewRaw(`WITH since AS (
			SELECT greatest(?::timestamptz, (SELECT max(occurred_at) FROM audit_events
				WHERE subject_email = ? AND kind = 'password_changed')) AS t)
		SELECT
			count(*) FILTER (WHERE subject_email = ? AND occurred_at > (SELECT t FROM since)
				AND (client_ip BETWEEN ?::inet AND ?::inet OR ?::inet IS NULL AND client_ip IS NULL)),
			count(*) FILTER (WHERE subject_email = ? AND occurred_at > (SELECT t FROM since)),
			count(*) FILTER (WHERE client_ip BETWEEN ?::inet AND ?::inet)
		FROM audit_events WHERE kind = 'signin_failed' AND occurred_at > ?
		  AND (subject_email = ? OR client_ip BETWEEN ?::inet AND ?::inet)`,
		since, in.Email, in.Email, lo, hi, lo, in.Email, lo, hi, since, in.Email, lo, hi).Scan(ctx, &byAccountClient, &byAccount, &byClient)
	if err != nil {
		return false, fmt.Errorf("postgres: count sign-in failures: %w", err)
	}
	return byAccountClient >= portal.MaxFailuresAccountClient || byAccount >= portal.MaxFailuresAccount ||
		byClient >= portal.MaxFailuresClient, nil
}

// clientRange is the block of addresses throttling counts as one client:
// the address itself for IPv4, its /64 for IPv6 (one subscriber line gets a
// whole /64 and can pick any address in it). Both nil when unknown.
func clientRange(c portal.Client) (lo, hi any) {
	a, err := netip.ParseAddr(c.IP)
	if err != nil {
		return nil, nil
	}
	a = a.Unmap()
	if a.Is4() {
		return a.String(), a.String()
	}
	b := netip.PrefixFrom(a.WithZone(""), 64).Masked().Addr().As16()
	first := netip.AddrFrom16(b)
	for i := 8; i < 16; i++ {
		b[i] = 0xff
	}
	return first.String(), netip.AddrFrom16(b).String()
}

// Authenticate implements portal.AuthService.
func (s *AuthService) Authenticate(ctx context.Context, token string) (*portal.Session, *portal.User, error) {
	hashed, ok := hashToken(token)
	if !ok {
		return nil, nil, portal.Errorf(portal.EUNAUTHORIZED, "Sign in to continue.")
	}
	var (
		sess portal.Session
		u    portal.User
	)
	now := s.db.Now().UTC()
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		err := tx.NewRaw(`SELECT s.id::text, s.user_id::text, coalesce(s.customer_id::text, ''), s.created_at, s.last_seen_at,
				s.idle_expires_at, s.expires_at, s.remember, s.mfa_pending, s.mfa_method,
				u.id::text, coalesce(u.customer_id::text, ''), coalesce(c.company_name, ''), u.email, u.name, u.role, u.mfa_enabled
			FROM sessions s
			JOIN users u ON u.tenant_id = s.tenant_id AND u.id = s.user_id AND u.status = 'active'
			LEFT JOIN customers c ON c.tenant_id = s.tenant_id AND c.id = s.customer_id
			WHERE s.token_hash = ? AND (s.customer_id IS NULL OR c.status <> 'closed') AND s.ended_at IS NULL AND s.idle_expires_at > ? AND s.expires_at > ?`,
			hashed, now, now).Scan(ctx, &sess.ID, &sess.UserID, &sess.CustomerID, &sess.CreatedAt, &sess.LastSeenAt,
			&sess.IdleExpiresAt, &sess.ExpiresAt, &sess.Remember, &sess.MFAPending, &sess.MFAMethod,
			&u.ID, &u.CustomerID, &u.CustomerName, &u.Email, &u.Name, &u.Role, &u.MFAEnabled)
		if err != nil {
			return err
		}
		// Slide the idle expiry, at most once a minute: a busy page must not
		// turn every request into a write.
		if sess.Remember || now.Sub(sess.LastSeenAt) < time.Minute {
			return nil
		}
		sess.LastSeenAt, sess.IdleExpiresAt = now, minTime(now.Add(portal.IdleTimeout), sess.ExpiresAt)
		_, err = tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE id = ?`,
			sess.LastSeenAt, sess.IdleExpiresAt, sess.ID)
		return err
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, portal.Errorf(portal.EUNAUTHORIZED, "Your session has ended. Sign in again.")
	}
	if err != nil {
		return nil, nil, err
	}
	return &sess, &u, nil
}

// SignOut implements portal.AuthService.
func (s *AuthService) SignOut(ctx context.Context, token string, c portal.Client) error {
	hashed, ok := hashToken(token)
	if !ok {
		return nil
	}
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var u portal.User
		err := tx.NewRaw(`UPDATE sessions SET ended_at = ? WHERE token_hash = ? AND ended_at IS NULL
			RETURNING user_id::text, coalesce(customer_id::text, '')`, s.db.Now().UTC(), hashed).Scan(ctx, &u.ID, &u.CustomerID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, s.db.Now().UTC(), "signout", &u, "", c, nil)
	})
}

// audit records an event in its own transaction.
func (s *AuthService) audit(ctx context.Context, kind string, u *portal.User, email string, c portal.Client, detail map[string]any) error {
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return auditTx(ctx, tx, s.db.Now().UTC(), kind, u, email, c, detail)
	})
}

// auditTx appends an event to the security audit log.
func auditTx(ctx context.Context, tx bun.Tx, now time.Time, kind string, u *portal.User, email string, c portal.Client, detail map[string]any) error {
	var userID, customerID any
	if u != nil {
		userID, customerID = u.ID, nullable(u.CustomerID)
		if email == "" {
			email = u.Email
		}
	}
	if detail == nil {
		detail = map[string]any{}
	}
	d, err := json.Marshal(detail)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO audit_events (tenant_id, id, occurred_at, kind, customer_id, user_id,
			subject_email, client_ip, user_agent, detail)
		VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		uuid.Must(uuid.NewV7()).String(), now, kind, customerID, userID, email, clientIP(c), truncate(c.UserAgent, 512), string(d))
	if err != nil {
		return fmt.Errorf("postgres: audit %s: %w", kind, err)
	}
	return nil
}

// newToken returns a session token (256 random bits, URL-safe) and its hash.
func newToken() (token string, hashed []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	h := sha256.Sum256([]byte(token))
	return token, h[:], nil
}

// hashToken hashes a well-formed token; anything else cannot be a session.
func hashToken(token string) ([]byte, bool) {
	if b, err := base64.RawURLEncoding.DecodeString(token); err != nil || len(b) != 32 {
		return nil, false
	}
	h := sha256.Sum256([]byte(token))
	return h[:], true
}

// nullable is s for a nullable column: NULL when empty (a staff user has
// no customer).
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// clientIP is the client's address for an inet column, or nil.
func clientIP(c portal.Client) any {
	if a, err := netip.ParseAddr(c.IP); err == nil {
		return a.Unmap().WithZone("").String()
	}
	return nil
}

// truncate cuts s to at most n bytes without splitting a character
// (PostgreSQL refuses invalid UTF-8).
func truncate(s string, n int) string {
	if len(s) > n {
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
