package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

var _ portal.ShopService = (*ShopService)(nil)

// ShopService is the portal shop's catalog over PostgreSQL, as one
// customer or a guest may see it (visibleSQL), priced by portal.PriceFor
// from loadPricingTx. Its list is served from a copy of each tenant's
// catalog in memory (shop_catalog.go).
type ShopService struct {
	db       *DB
	catalogs *shopCatalogs
}

// NewShopService returns the shop over db (app role).
func NewShopService(db *DB) *ShopService { return &ShopService{db: db, catalogs: newShopCatalogs()} }

// ShopFacets implements portal.ShopService: every category (with the
// number of products the viewer sees directly in it) and the forms and
// grades of the products the viewer sees, in one statement.
func (s *ShopService) ShopFacets(ctx context.Context, v portal.ShopViewer) (*portal.ShopFacets, error) {
	out := &portal.ShopFacets{Categories: []portal.ShopCategory{}, Forms: []string{}, Grades: []string{}}
	vis, args := visibleSQL(v.CustomerID)
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		rows, err := tx.QueryContext(ctx, `WITH vis AS (SELECT p.id, p.form, p.grade FROM products p WHERE `+vis+`)
			SELECT 'c', c.id::text, c.slug, c.name, coalesce(c.parent_id::text, ''),
				(SELECT count(*) FROM product_category_links l JOIN vis ON vis.id = l.product_id WHERE l.category_id = c.id)
				FROM product_categories c
			UNION ALL SELECT DISTINCT 'f', '', '', form, '', 0 FROM vis
			UNION ALL SELECT DISTINCT 'g', '', '', grade, '', 0 FROM vis WHERE grade <> ''
			ORDER BY 1, 4`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var kind string
			var c portal.ShopCategory
			if err := rows.Scan(&kind, &c.ID, &c.Slug, &c.Name, &c.ParentID, &c.ProductCount); err != nil {
				return err
			}
			switch kind {
			case "c":
				out.Categories = append(out.Categories, c)
			case "f":
				out.Forms = append(out.Forms, c.Name)
			case "g":
				out.Grades = append(out.Grades, c.Name)
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("postgres: shop facets: %w", err)
	}
	return out, nil
}

// ShopProducts implements portal.ShopService. Each search word must occur
// in the product's search_text (code, name, grade, form, dimensions); a
// category takes in its descendants. It answers from the tenant's copy in
// memory, checked against the tenant's catalog version in one round trip
// (shopProductsMemory); shopProductsSQL is the same list in SQL, which
// the tests compare it with.
func (s *ShopService) ShopProducts(ctx context.Context, v portal.ShopViewer, f portal.ShopFilter) ([]portal.ShopProduct, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	out, total, err := s.shopProductsMemory(ctx, v, f)
	if err != nil {
		return nil, 0, fmt.Errorf("postgres: shop products: %w", err)
	}
	return out, total, nil
}

// shopProductsSQL is ShopProducts in SQL: the page is chosen first (its
// ids) and only its rows are read in full and priced.
func (s *ShopService) shopProductsSQL(ctx context.Context, v portal.ShopViewer, f portal.ShopFilter) ([]portal.ShopProduct, int, error) {
	if err := f.Validate(); err != nil {
		return nil, 0, err
	}
	vis, args := visibleSQL(v.CustomerID)
	where := []string{vis}
	with := ""
	if f.CategoryID != "" {
		with = `WITH RECURSIVE cats(id) AS (SELECT ?::uuid UNION SELECT c.id FROM product_categories c JOIN cats ON c.parent_id = cats.id) `
		args = append([]any{f.CategoryID}, args...)
		where = append(where, `EXISTS (SELECT 1 FROM product_category_links l WHERE l.tenant_id = p.tenant_id AND l.product_id = p.id
			AND l.category_id IN (SELECT id FROM cats))`)
	}
	for _, w := range f.SearchWords() {
		where = append(where, `p.search_text LIKE ?`)
		args = append(args, "%"+escapeLike(w)+"%")
	}
	if f.Form != "" {
		where = append(where, `p.form = ?`)
		args = append(args, f.Form)
	}
	if f.Grade != "" {
		where = append(where, `p.grade = ?`)
		args = append(args, f.Grade)
	}
	if f.InStockOnly {
		where = append(where, `(SELECT sum(i.quantity_available) FROM inventory i WHERE i.tenant_id = p.tenant_id AND i.product_id = p.id) > 0`)
	}
	out := []portal.ShopProduct{}
	var total int
	now := s.db.Now()
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		// The total, then the page in code order: the page reads the
		// index on (tenant_id, active, code) and stops after its rows,
		// where one pass with count(*) OVER () would sort every match.
		cond := strings.Join(where, " AND ")
		if err := tx.QueryRowContext(ctx, with+`SELECT count(*) FROM products p WHERE `+cond, args...).Scan(&total); err != nil {
			return err
		}
		if total == 0 || (f.Page-1)*f.PageSize >= total {
			return nil
		}
		var page []struct{ ID string }
		if err := tx.NewRaw(with+`SELECT p.id::text AS id FROM products p WHERE `+cond+` ORDER BY p.code LIMIT ? OFFSET ?`,
			append(args, f.PageSize, (f.Page-1)*f.PageSize)...).Scan(ctx, &page); err != nil {
			return err
		}
		ids := make([]string, len(page))
		for i, r := range page {
			ids[i] = r.ID
		}
		var err error
		out, err = shopProductsTx(ctx, tx, v, ids, now)
		return err
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, 0, err
		}
		return nil, 0, fmt.Errorf("postgres: shop products: %w", err)
	}
	return out, total, nil
}

// shopProductsTx reads and prices the products ids (those v may see) in
// the order of ids: two statements.
func shopProductsTx(ctx context.Context, tx bun.Tx, v portal.ShopViewer, ids []string, at time.Time) ([]portal.ShopProduct, error) {
	products, err := visibleProductsTx(ctx, tx, v.CustomerID, ids)
	if err != nil {
		return nil, err
	}
	found := make([]string, 0, len(products))
	for id := range products {
		found = append(found, id)
	}
	var pricing map[string]*portal.PricingData
	if v.ShowPrices {
		if pricing, err = loadPricingTx(ctx, tx, v.CustomerID, found, at); err != nil {
			return nil, err
		}
	}
	out := make([]portal.ShopProduct, 0, len(ids))
	for _, id := range ids {
		p := products[strings.ToLower(id)]
		if p == nil {
			continue
		}
		sp := portal.ShopProduct{CatalogProduct: *p}
		if v.ShowPrices {
			price := portal.PriceFor(p, pricing[p.ID], 1000, at)
			sp.Price = &price
		}
		out = append(out, sp)
	}
	return out, nil
}

// ShopProduct implements portal.ShopService: the product, its images,
// stock by location, configuration, price steps and related products
// (its own list, else others of its category), all as v may see them.
func (s *ShopService) ShopProduct(ctx context.Context, v portal.ShopViewer, id string) (*portal.ShopProductDetail, error) {
	var d *portal.ShopProductDetail
	now := s.db.Now()
	err := s.db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		var err error
		d, err = shopProductDetailTx(ctx, tx, v, id, now)
		return err
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: shop product: %w", err)
	}
	return d, nil
}

// shopProductDetailTx is ShopProduct inside a transaction (the e-commerce
// API's product detail reads the same).
func shopProductDetailTx(ctx context.Context, tx bun.Tx, v portal.ShopViewer, id string, at time.Time) (*portal.ShopProductDetail, error) {
	list, err := shopProductsTx(ctx, tx, v, []string{id}, at)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, errNoProduct
	}
	d := &portal.ShopProductDetail{ShopProduct: list[0], Images: []portal.ProductImage{}, Locations: []portal.LocationAvailability{},
		ProcessingOptions: []portal.ProcessingOption{}, RequiredDimensions: []portal.RequiredDimension{}, Related: []portal.ShopProduct{}}
	p := &d.CatalogProduct
	// Images, stock by location and related ids in one statement.
	rows, err := tx.QueryContext(ctx, `SELECT 'i', url, alt, '', 0::bigint, position FROM product_images WHERE product_id = ?
		UNION ALL SELECT 'l', l.id::text, l.code, l.name, (i.quantity_available * 1000)::bigint, 0
			FROM inventory i JOIN locations l ON l.tenant_id = i.tenant_id AND l.id = i.location_id WHERE i.product_id = ?
		UNION ALL SELECT 'r', related_id::text, '', '', 0, position FROM product_related WHERE product_id = ?
		ORDER BY 1, 6, 3`, p.ID, p.ID, p.ID)
	if err != nil {
		return nil, err
	}
	var related []string
	for rows.Next() {
		var kind, a, b, c string
		var n int64
		var pos int
		if err := rows.Scan(&kind, &a, &b, &c, &n, &pos); err != nil {
			rows.Close()
			return nil, err
		}
		switch kind {
		case "i":
			d.Images = append(d.Images, portal.ProductImage{URL: a, Alt: b})
		case "l":
			d.Locations = append(d.Locations, portal.LocationAvailability{LocationID: a, Code: b, Name: c, QuantityAvailable: n})
		case "r":
			related = append(related, a)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(related) == 0 && p.CategoryID != "" {
		vis, args := visibleSQL(v.CustomerID)
		if err := tx.NewRaw(`SELECT p.id::text FROM product_category_links l JOIN products p ON p.tenant_id = l.tenant_id AND p.id = l.product_id
			WHERE l.category_id = ? AND p.id <> ? AND `+vis+` ORDER BY p.code LIMIT 8`, append([]any{p.CategoryID, p.ID}, args...)...).Scan(ctx, &related); err != nil {
			return nil, err
		}
	}
	cfg, err := productConfigTx(ctx, tx, []string{p.ID})
	if err != nil {
		return nil, err
	}
	if c := cfg[p.ID]; c != nil {
		d.ProcessingOptions = append(d.ProcessingOptions, c.Processing...)
		d.RequiredDimensions = append(d.RequiredDimensions, c.Dimensions...)
	}
	if v.ShowPrices {
		pricing, err := loadPricingTx(ctx, tx, v.CustomerID, []string{p.ID}, at)
		if err != nil {
			return nil, err
		}
		d.PriceSteps = portal.PriceSteps(p, pricing[p.ID], at)
	}
	if len(related) > 0 {
		if d.Related, err = shopProductsTx(ctx, tx, v, related, at); err != nil {
			return nil, err
		}
	}
	return d, nil
}
