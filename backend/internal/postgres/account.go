package postgres

import (
	"context"
	"database/sql"
	"errors"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

var _ portal.AccountService = (*AccountService)(nil)

// AccountService is the signed-in user's own account under row-level
// security; address queries are also filtered by the actor's customer.
type AccountService struct {
	db *DB
}

// NewAccountService returns the account service over db (app role).
func NewAccountService(db *DB) *AccountService { return &AccountService{db: db} }

var errNoAddress = portal.Errorf(portal.ENOTFOUND, "No such address.")

// Profile implements portal.AccountService.
func (s *AccountService) Profile(ctx context.Context, actor *portal.User) (*portal.Profile, error) {
	var p *portal.Profile
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		p, err = profileTx(ctx, tx, actor)
		return err
	})
	return p, err
}

func profileTx(ctx context.Context, tx bun.Tx, actor *portal.User) (*portal.Profile, error) {
	var p portal.Profile
	var c portal.Company
	var hasCompany bool
	err := tx.NewRaw(`SELECT u.email, u.name, u.phone, u.role, c.id IS NOT NULL, coalesce(c.company_name, ''),
			coalesce(c.account_number, ''), coalesce(c.type, ''), coalesce(c.payment_terms, ''), coalesce(c.email, ''), coalesce(c.phone, '')
		FROM users u LEFT JOIN customers c ON c.tenant_id = u.tenant_id AND c.id = u.customer_id
		WHERE u.id = ?`, actor.ID).Scan(ctx, &p.Email, &p.Name, &p.Phone, &p.Role, &hasCompany, &c.Name,
		&c.AccountNumber, &c.Type, &c.PaymentTerms, &c.Email, &c.Phone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, portal.Errorf(portal.EUNAUTHORIZED, "Sign in to continue.")
	}
	if err != nil {
		return nil, err
	}
	if hasCompany {
		p.Company = &c
	}
	return &p, nil
}

// UpdateProfile implements portal.AccountService.
func (s *AccountService) UpdateProfile(ctx context.Context, actor *portal.User, up portal.ProfileUpdate) (*portal.Profile, error) {
	if err := up.Validate(); err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	var p *portal.Profile
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		q := tx.NewUpdate().Table("users").Set("updated_at = ?", now).Where("id = ?", actor.ID)
		if up.Name != nil {
			q.Set("name = ?", *up.Name)
		}
		if up.Phone != nil {
			q.Set("phone = ?", *up.Phone)
		}
		if _, err := q.Exec(ctx); err != nil {
			return err
		}
		var err error
		p, err = profileTx(ctx, tx, actor)
		return err
	})
	return p, err
}

const addressColumns = `id::text, kind, label, line1, line2, city, region, postal_code, country, is_default`

func scanAddress(row interface{ Scan(...any) error }) (portal.Address, error) {
	var a portal.Address
	err := row.Scan(&a.ID, &a.Kind, &a.Label, &a.Line1, &a.Line2, &a.City, &a.Region, &a.PostalCode, &a.Country, &a.IsDefault)
	return a, err
}

// Addresses implements portal.AccountService.
func (s *AccountService) Addresses(ctx context.Context, actor *portal.User) ([]portal.Address, error) {
	out := []portal.Address{}
	if actor.CustomerID == "" {
		return out, nil
	}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = addressesTx(ctx, tx, actor.CustomerID)
		return err
	})
	return out, err
}

// addressesTx lists a customer's addresses, billing first, defaults first.
func addressesTx(ctx context.Context, tx bun.Tx, customerID string) ([]portal.Address, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+addressColumns+` FROM addresses WHERE customer_id = ?
		ORDER BY kind, is_default DESC, label, line1, id`, customerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []portal.Address{}
	for rows.Next() {
		a, err := scanAddress(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// CreateAddress implements portal.AccountService.
func (s *AccountService) CreateAddress(ctx context.Context, actor *portal.User, in portal.AddressInput) (*portal.Address, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	if actor.CustomerID == "" {
		return nil, portal.Errorf(portal.EFORBIDDEN, "Staff have no addresses of their own.")
	}
	id := uuid.Must(uuid.NewV7()).String()
	var a portal.Address
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if in.IsDefault {
			if err := clearDefaultTx(ctx, tx, actor.CustomerID, in.Kind); err != nil {
				return err
			}
		}
		var err error
		a, err = scanAddress(tx.QueryRowContext(ctx, `INSERT INTO addresses (tenant_id, id, customer_id, kind, label, line1, line2, city,
				region, postal_code, country, is_default)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING `+addressColumns,
			id, actor.CustomerID, in.Kind, in.Label, in.Line1, in.Line2, in.City, in.Region, in.PostalCode, in.Country, in.IsDefault))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// UpdateAddress implements portal.AccountService.
func (s *AccountService) UpdateAddress(ctx context.Context, actor *portal.User, id string, in portal.AddressInput) (*portal.Address, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	uid, err := uuid.Parse(id)
	if err != nil || actor.CustomerID == "" {
		return nil, errNoAddress
	}
	var a portal.Address
	err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := lockAddressTx(ctx, tx, actor.CustomerID, uid.String()); err != nil {
			return err
		}
		if in.IsDefault {
			if err := clearDefaultTx(ctx, tx, actor.CustomerID, in.Kind); err != nil {
				return err
			}
		}
		a, err = scanAddress(tx.QueryRowContext(ctx, `UPDATE addresses SET kind = ?, label = ?, line1 = ?, line2 = ?, city = ?,
				region = ?, postal_code = ?, country = ?, is_default = ?
			WHERE id = ? AND customer_id = ? RETURNING `+addressColumns,
			in.Kind, in.Label, in.Line1, in.Line2, in.City, in.Region, in.PostalCode, in.Country, in.IsDefault, uid.String(), actor.CustomerID))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// SetDefaultAddress implements portal.AccountService.
func (s *AccountService) SetDefaultAddress(ctx context.Context, actor *portal.User, id string) (*portal.Address, error) {
	uid, err := uuid.Parse(id)
	if err != nil || actor.CustomerID == "" {
		return nil, errNoAddress
	}
	var a portal.Address
	err = s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		before, err := lockAddressTx(ctx, tx, actor.CustomerID, uid.String())
		if err != nil {
			return err
		}
		if err := clearDefaultTx(ctx, tx, actor.CustomerID, before.Kind); err != nil {
			return err
		}
		a, err = scanAddress(tx.QueryRowContext(ctx, `UPDATE addresses SET is_default = true WHERE id = ? AND customer_id = ?
			RETURNING `+addressColumns, uid.String(), actor.CustomerID))
		return err
	})
	if err != nil {
		return nil, err
	}
	return &a, nil
}

// DeleteAddress implements portal.AccountService.
func (s *AccountService) DeleteAddress(ctx context.Context, actor *portal.User, id string) error {
	uid, err := uuid.Parse(id)
	if err != nil || actor.CustomerID == "" {
		return errNoAddress
	}
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM addresses WHERE id = ? AND customer_id = ?`, uid.String(), actor.CustomerID)
		var pe *pgconn.PgError
		if errors.As(err, &pe) && pe.Code == "23503" {
			return portal.Errorf(portal.ECONFLICT, "Orders ship to this address, so it cannot be deleted. Edit it instead.")
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return errors.Join(err, errNoAddress)
		}
		return nil
	})
}

// lockAddressTx reads and locks one of the customer's addresses; another
// customer's id is not found.
func lockAddressTx(ctx context.Context, tx bun.Tx, customerID, id string) (portal.Address, error) {
	a, err := scanAddress(tx.QueryRowContext(ctx, `SELECT `+addressColumns+` FROM addresses WHERE id = ? AND customer_id = ? FOR UPDATE`,
		id, customerID))
	if errors.Is(err, sql.ErrNoRows) {
		return a, errNoAddress
	}
	return a, err
}

// clearDefaultTx removes the default flag of the customer's addresses of a
// kind, before another becomes the default (the partial unique index
// addresses_one_default allows only one). The advisory lock serialises two
// concurrent "make default" requests, which would otherwise both clear and
// one fail on the index.
func clearDefaultTx(ctx context.Context, tx bun.Tx, customerID, kind string) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtext(current_setting('app.tenant_id') || ' address default ' || ? || ' ' || ?))`,
		customerID, kind); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `UPDATE addresses SET is_default = false WHERE customer_id = ? AND kind = ? AND is_default`, customerID, kind)
	return err
}

// NotificationPreferences implements portal.AccountService.
func (s *AccountService) NotificationPreferences(ctx context.Context, actor *portal.User) ([]portal.NotificationPreference, error) {
	var out []portal.NotificationPreference
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = notificationPreferencesTx(ctx, tx, actor.ID)
		return err
	})
	return out, err
}

func notificationPreferencesTx(ctx context.Context, tx bun.Tx, userID string) ([]portal.NotificationPreference, error) {
	set := map[string]bool{}
	rows, err := tx.QueryContext(ctx, `SELECT kind, email FROM notification_preferences WHERE user_id = ?`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var kind string
		var email bool
		if err := rows.Scan(&kind, &email); err != nil {
			return nil, err
		}
		set[kind] = email
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]portal.NotificationPreference, 0, len(portal.NotificationKinds))
	for _, k := range portal.NotificationKinds {
		email, ok := set[k]
		out = append(out, portal.NotificationPreference{Kind: k, Email: email || !ok})
	}
	return out, nil
}

// SetNotificationPreferences implements portal.AccountService.
func (s *AccountService) SetNotificationPreferences(ctx context.Context, actor *portal.User, prefs []portal.NotificationPreference) ([]portal.NotificationPreference, error) {
	if err := portal.ValidateNotificationPreferences(prefs); err != nil {
		return nil, err
	}
	now := s.db.Now().UTC()
	var out []portal.NotificationPreference
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		for _, p := range prefs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO notification_preferences (tenant_id, user_id, kind, email, updated_at)
				VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?)
				ON CONFLICT (tenant_id, user_id, kind) DO UPDATE SET email = EXCLUDED.email, updated_at = EXCLUDED.updated_at`,
				actor.ID, p.Kind, p.Email, now); err != nil {
				return err
			}
		}
		var err error
		out, err = notificationPreferencesTx(ctx, tx, actor.ID)
		return err
	})
	return out, err
}
