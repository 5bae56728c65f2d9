package postgres

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

var _ portal.EcommerceService = (*EcommerceService)(nil)

// EcommerceService is the e-commerce API over PostgreSQL: the catalog
// under the tenant of the request's host, and everything of a customer
// token filtered by the token's customer. It reuses the portal's order
// reads (OrderService) and document store, so the storefront sees exactly
// what the customer's portal shows.
type EcommerceService struct {
	db     *DB
	orders *OrderService
	// docs reads and streams documents; without an object store, a
	// customer's document answers EUNAVAILABLE (others' are still 404).
	docs *DocumentStore
}

// NewEcommerceService returns the service over db (app role); docs may be
// nil when no document store is configured.
func NewEcommerceService(db *DB, docs *DocumentStore) *EcommerceService {
	if docs == nil {
		docs = NewDocumentStore(db, nil)
	}
	return &EcommerceService{db: db, orders: NewOrderService(db), docs: docs}
}

var (
	errBadCustomerToken = portal.Errorf(portal.EUNAUTHORIZED, "The customer token is missing, unknown, expired or revoked.")
	errNoProduct        = portal.Errorf(portal.ENOTFOUND, "No such product.")
	errNoEcomCustomer   = portal.Errorf(portal.ENOTFOUND, "No such customer.")
	errNoShipTo         = portal.Errorf(portal.ENOTFOUND, "No such shipping address.")
	errNeedsToken       = portal.Errorf(portal.EUNAUTHORIZED, "This endpoint needs a customer token.")
)

// IssueCustomerToken implements portal.EcommerceService.
func (s *EcommerceService) IssueCustomerToken(ctx context.Context, key *portal.APIKey, email string, c portal.Client) (*portal.CustomerToken, string, error) {
	email = strings.ToLower(strings.TrimSpace(email))
	noUser := &portal.Error{Code: portal.EINVALID, Message: "No active customer user of this portal has this e-mail address.",
		Fields: []portal.FieldError{{Field: "email", Message: "No active customer user has this address."}}}
	if email == "" || len(email) > 254 {
		return nil, "", noUser
	}
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, "", fmt.Errorf("postgres: customer token: %w", err)
	}
	secret := portal.NewCustomerTokenSecret(raw)
	sum := sha256.Sum256([]byte(secret))
	now := s.db.Now().UTC()
	t := &portal.CustomerToken{ID: uuid.Must(uuid.NewV7()).String(), APIKeyID: key.ID, ExpiresAt: now.Add(portal.CustomerTokenLifetime)}
	err := s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT u.id::text, u.customer_id::text FROM users u
			JOIN customers c ON c.tenant_id = u.tenant_id AND c.id = u.customer_id
			WHERE u.email = ? AND u.status = 'active' AND c.status IN ('active', 'on_hold')`, email).Scan(&t.UserID, &t.CustomerID)
		if errors.Is(err, sql.ErrNoRows) {
			return noUser
		}
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO customer_tokens (tenant_id, id, api_key_id, customer_id, user_id, token_hash, created_at, expires_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?)`, t.ID, key.ID, t.CustomerID, t.UserID, sum[:], now, t.ExpiresAt)
		if err != nil {
			return err
		}
		// The user's tokens that ended more than a day ago go: a
		// storefront that asks for a token per visit leaves a bounded trail.
		if _, err := tx.ExecContext(ctx, `DELETE FROM customer_tokens WHERE user_id = ? AND (expires_at < ? OR revoked_at < ?)`,
			t.UserID, now.Add(-24*time.Hour), now.Add(-24*time.Hour)); err != nil {
			return err
		}
		return auditTx(ctx, tx, now, "customer_token_issued", &portal.User{ID: t.UserID, CustomerID: t.CustomerID}, email, c,
			map[string]any{"api_key": key.Prefix, "expires_at": t.ExpiresAt})
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, "", err
		}
		return nil, "", fmt.Errorf("postgres: issue customer token: %w", err)
	}
	return t, secret, nil
}

// AuthenticateCustomerToken implements portal.EcommerceService. The token
// is found by its hash under the tenant of the host, so another tenant's
// token is unknown here.
func (s *EcommerceService) AuthenticateCustomerToken(ctx context.Context, token string) (*portal.Shopper, error) {
	if !portal.WellFormedCustomerToken(token) {
		return nil, errBadCustomerToken
	}
	sum := sha256.Sum256([]byte(token))
	now := s.db.Now().UTC()
	sh := &portal.Shopper{APIKey: &portal.APIKey{}, User: &portal.User{}}
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		return tx.QueryRowContext(ctx, `SELECT t.id::text, k.id::text, k.name, k.prefix, u.id::text, u.customer_id::text, c.company_name,
				u.email, u.name, u.role
			FROM customer_tokens t
			JOIN api_keys k ON k.tenant_id = t.tenant_id AND k.id = t.api_key_id
			JOIN users u ON u.tenant_id = t.tenant_id AND u.id = t.user_id AND u.customer_id = t.customer_id
			JOIN customers c ON c.tenant_id = t.tenant_id AND c.id = t.customer_id
			WHERE t.token_hash = ? AND t.revoked_at IS NULL AND t.expires_at > ?
			  AND (k.revoked_at IS NULL OR k.revoked_at > ?) AND 'ecommerce' = ANY (k.scopes)
			  AND u.status = 'active' AND c.status IN ('active', 'on_hold')`, sum[:], now, now).Scan(
			&sh.TokenID, &sh.APIKey.ID, &sh.APIKey.Name, &sh.APIKey.Prefix, &sh.User.ID, &sh.User.CustomerID, &sh.User.CustomerName,
			&sh.User.Email, &sh.User.Name, &sh.User.Role)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errBadCustomerToken
	}
	if err != nil {
		return nil, fmt.Errorf("postgres: authenticate customer token: %w", err)
	}
	sh.APIKey.Scopes = []string{portal.ScopeEcommerce}
	return sh, nil
}

// RevokeCustomerToken implements portal.EcommerceService.
func (s *EcommerceService) RevokeCustomerToken(ctx context.Context, sh *portal.Shopper) error {
	if sh == nil || sh.TokenID == "" {
		return errNeedsToken
	}
	return s.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE customer_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL`, s.db.Now().UTC(), sh.TokenID)
		return err
	})
}

// catalogColumns select a CatalogProduct from products p: its first
// category by name and its stock over all locations.
const catalogColumns = `p.id::text, p.code, p.name, p.description, coalesce(cat.id::text, ''), coalesce(cat.name, ''),
	p.form, p.grade, p.dimensions, p.pricing_uom, p.stock_uom, p.currency, p.list_price_minor,
	(coalesce((SELECT sum(i.quantity_available) FROM inventory i WHERE i.tenant_id = p.tenant_id AND i.product_id = p.id), 0) * 1000)::bigint,
	(p.low_stock_level * 1000)::bigint, p.lead_time_days, p.exclusive,
	coalesce((SELECT im.url FROM product_images im WHERE im.tenant_id = p.tenant_id AND im.product_id = p.id ORDER BY im.position LIMIT 1), '')`

const catalogFrom = ` FROM products p LEFT JOIN LATERAL (SELECT pc.id, pc.name FROM product_category_links l
		JOIN product_categories pc ON pc.tenant_id = l.tenant_id AND pc.id = l.category_id
		WHERE l.tenant_id = p.tenant_id AND l.product_id = p.id ORDER BY pc.name, pc.id LIMIT 1) cat ON true`

func scanCatalogProduct(row interface{ Scan(...any) error }, extra ...any) (portal.CatalogProduct, error) {
	var p portal.CatalogProduct
	err := row.Scan(append([]any{&p.ID, &p.Code, &p.Name, &p.Description, &p.CategoryID, &p.CategoryName, &p.Form, &p.Grade,
		&p.Dimensions, &p.PricingUOM, &p.StockUOM, &p.ListPrice.Currency, &p.ListPrice.Amount, &p.QuantityAvailable,
		&p.LowStockLevel, &p.LeadTimeDays, &p.Exclusive, &p.ImageURL}, extra...)...)
	return p, err
}

// Products implements portal.EcommerceService.
func (s *EcommerceService) Products(ctx context.Context, f portal.CatalogFilter) ([]portal.CatalogProduct, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	vis, args := visibleSQL(f.CustomerID)
	where := []string{vis}
	if f.CategoryID != "" {
		where = append(where, `EXISTS (SELECT 1 FROM product_category_links l WHERE l.tenant_id = p.tenant_id AND l.product_id = p.id AND l.category_id = ?)`)
		args = append(args, f.CategoryID)
	}
	if f.Search != "" {
		like := "%" + escapeLike(f.Search) + "%"
		where = append(where, `(p.code ILIKE ? OR p.name ILIKE ? OR p.description ILIKE ? OR p.grade ILIKE ?)`)
		args = append(args, like, like, like, like)
	}
	if f.InStockOnly {
		where = append(where, `(SELECT sum(i.quantity_available) FROM inventory i WHERE i.tenant_id = p.tenant_id AND i.product_id = p.id) > 0`)
	}
	cond := " WHERE " + strings.Join(where, " AND ")
	out := []portal.CatalogProduct{}
	var total int
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM products p"+cond, args...).Scan(&total); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, "SELECT "+catalogColumns+catalogFrom+cond+" ORDER BY p.code LIMIT ? OFFSET ?",
			append(args, f.PageSize, (f.Page-1)*f.PageSize)...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			p, err := scanCatalogProduct(rows)
			if err != nil {
				return err
			}
			out = append(out, p)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: ecommerce products: %w", err)
	}
	return out, total, nil
}

// catalogProductTx reads one active product.
func catalogProductTx(ctx context.Context, tx bun.Tx, id string) (*portal.CatalogProduct, error) {
	if !portal.ValidUUID(id) {
		return nil, errNoProduct
	}
	p, err := scanCatalogProduct(tx.QueryRowContext(ctx, "SELECT "+catalogColumns+catalogFrom+" WHERE p.id = ? AND p.active", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoProduct
	}
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// Product implements portal.EcommerceService: the shop's product page
// (shopProductDetailTx) as the shopper's customer sees it, or as a guest
// with the API key alone; its price steps are the quantity breaks.
func (s *EcommerceService) Product(ctx context.Context, sh *portal.Shopper, id string) (*portal.ProductDetail, error) {
	var d portal.ProductDetail
	now := s.db.Now()
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		sd, err := shopProductDetailTx(ctx, tx, portal.ShopViewer{CustomerID: sh.CustomerID(), ShowPrices: true}, id, now)
		if err != nil {
			return err
		}
		d.Product, d.ProcessingOptions, d.RelatedProducts = sd.CatalogProduct, []string{}, []string{}
		if sh.CustomerID() != "" {
			d.CustomerPrice = sd.Price
		}
		d.QuantityBreaks = sd.PriceSteps
		for _, o := range sd.ProcessingOptions {
			d.ProcessingOptions = append(d.ProcessingOptions, o.Code)
		}
		for _, r := range sd.Related {
			d.RelatedProducts = append(d.RelatedProducts, r.ID)
		}
		return nil
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: ecommerce product: %w", err)
	}
	return &d, nil
}

// Availability implements portal.EcommerceService.
func (s *EcommerceService) Availability(ctx context.Context, id string, q portal.AvailabilityQuery) (*portal.AvailabilityCheck, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	var c portal.AvailabilityCheck
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		p, err := catalogProductTx(ctx, tx, id)
		if err != nil {
			return err
		}
		if q.LocationID != "" {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM locations WHERE id = ?`, q.LocationID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return &portal.Error{Code: portal.EINVALID, Message: "No such location.",
					Fields: []portal.FieldError{{Field: "location_id", Message: "No location has this id."}}}
			}
		}
		rows, err := tx.QueryContext(ctx, `SELECT location_id::text, (quantity_available * 1000)::bigint FROM inventory
			WHERE product_id = ? ORDER BY location_id`, p.ID)
		if err != nil {
			return err
		}
		defer rows.Close()
		c.Locations = []portal.LocationStock{}
		for rows.Next() {
			var l portal.LocationStock
			if err := rows.Scan(&l.LocationID, &l.QuantityAvailable); err != nil {
				return err
			}
			if q.LocationID == "" || l.LocationID == q.LocationID {
				c.Locations = append(c.Locations, l)
				c.QuantityAvailable += l.QuantityAvailable
			}
		}
		if err := rows.Err(); err != nil {
			return err
		}
		c.Available = c.QuantityAvailable >= q.QuantityMilli()
		if !c.Available {
			c.LeadTimeDays = p.LeadTimeDays
			if p.LeadTimeDays > 0 {
				d := dateOnly(s.db.Now()).AddDate(0, 0, p.LeadTimeDays)
				c.NextAvailableDate = &d
			}
		}
		return nil
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: ecommerce availability: %w", err)
	}
	return &c, nil
}
