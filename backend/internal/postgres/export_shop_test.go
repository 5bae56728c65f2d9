package postgres

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
)

// PriceItems prices items as priceItemsTx does for customerID ("" a
// guest) at the moment at, in a read transaction of db.
func PriceItems(ctx context.Context, db *DB, customerID, promoCode string, items []portal.CartItem, at time.Time) (*portal.CartPrice, error) {
	var out *portal.CartPrice
	err := db.InTenantReadTx(ctx, customerReadTimeout, func(ctx context.Context, tx bun.Tx) error {
		var err error
		out, err = priceItemsTx(ctx, tx, pricingRequest{Field: "items", CustomerID: customerID, PromoCode: promoCode, Items: items, At: at})
		return err
	})
	return out, err
}

// RedeemPromoCode counts one use of code, as checkout will.
func RedeemPromoCode(ctx context.Context, db *DB, code string) error {
	return db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error { return redeemPromoCodeTx(ctx, tx, code) })
}

// ShopProductsSQL is the shop's list in SQL, as it was before the copy in
// memory: the reference the tests and the benchmark compare it with.
func (s *ShopService) ShopProductsSQL(ctx context.Context, v portal.ShopViewer, f portal.ShopFilter) ([]portal.ShopProduct, int, error) {
	return s.shopProductsSQL(ctx, v, f)
}

// LoadShopCatalog reads the context tenant's catalog copy, as a list
// does when the version moved, and returns its number of products.
func LoadShopCatalog(ctx context.Context, db *DB) (int, error) {
	cat, err := readShopCatalog(ctx, db)
	if err != nil {
		return 0, err
	}
	return len(cat.products), nil
}
