package postgres_test

import "github.com/google/uuid"

// Fixture rows of the tables of reorder, order approvals and reviews
// (issue 8, migration 31), added to isoBuilders from this file so the
// shared isolation test needs no edit. Their ids derive from the
// fixture's tenant.
func init() {
	derived := func(fx *isoFixture, name string) string { return uuid.NewSHA1(fx.Tenant, []byte(name)).String() }
	// A second order of the customer, so an approval can get a fresh row
	// beside the seeded one (one approval per order).
	orders := isoBuilders["orders"]
	before := orders.extra
	orders.extra = func(fx *isoFixture) []isoRow {
		var rows []isoRow
		if before != nil {
			rows = before(fx)
		}
		id := derived(fx, "approval order")
		return append(rows, isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer), "order_number": "SO-" + id,
			"status": "draft", "order_date": "2026-11-02", "placed_by_id": isoID(fx.CustomerUser), "ship_to_id": isoID(fx.Address)})
	}
	isoBuilders["orders"] = orders
	isoBuilders["approval_rules"] = isoBuilder{row: func(fx *isoFixture, fresh bool) isoRow {
		role := "buyer"
		if fresh {
			role = "admin"
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": isoPick(fresh, uuid.NewSHA1(fx.Tenant, []byte("rule"))), "customer_id": isoID(fx.Customer),
			"applies_to_role": role, "threshold_minor": 500000, "currency": "USD", "created_by_id": isoID(fx.CustomerUser),
			"created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-20T10:00:00Z"}
	}}
	isoBuilders["order_approvals"] = isoBuilder{row: func(fx *isoFixture, fresh bool) isoRow {
		order := isoID(fx.Order)
		if fresh {
			order = derived(fx, "approval order")
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "order_id": order, "customer_id": isoID(fx.Customer), "status": "approved",
			"requested_by_id": isoID(fx.CustomerUser), "threshold_minor": 100, "decided_by_id": isoID(fx.CustomerUser),
			"decided_at": "2026-11-20T11:00:00Z", "notified_at": "2026-11-20T10:01:00Z", "created_at": "2026-11-20T10:00:00Z"}
	}}
	isoBuilders["product_reviews"] = isoBuilder{row: func(fx *isoFixture, fresh bool) isoRow {
		user := isoID(fx.CustomerUser)
		if fresh {
			// Another user of the customer may review the same product.
			user = derived(fx, "reviewer")
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": isoPick(fresh, uuid.NewSHA1(fx.Tenant, []byte("review"))), "product_id": isoID(fx.Product),
			"customer_id": isoID(fx.Customer), "user_id": user, "rating": 4, "body": "Flat and clean", "hidden_at": "2026-11-21T10:00:00Z",
			"hidden_by_id": isoID(fx.StaffUser), "created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-20T10:00:00Z"}
	}}
	users := isoBuilders["users"]
	beforeUsers := users.extra
	users.extra = func(fx *isoFixture) []isoRow {
		var rows []isoRow
		if beforeUsers != nil {
			rows = beforeUsers(fx)
		}
		id := derived(fx, "reviewer")
		return append(rows, isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer), "email": "reviewer-" + id + "@example.com",
			"name": "Reviewer " + id, "role": "buyer"})
	}
	isoBuilders["users"] = users
}
