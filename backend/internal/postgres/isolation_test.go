package postgres_test

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"example.com/portal/backend/internal/pgtest"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/tenants"
)

// The isolation matrix (reliability checklist T3, T4, T5, T7) runs real
// queries as the app role against three seeded tenants and every
// tenant-owned table, discovered from the catalog. The checks are functions
// returning the problems they found, so the mutation test can break the
// row-level security of one table and prove each check notices.

// SQLSTATEs the checks expect.
const (
	isoCodeRLS            = "42501" // new row violates row-level security policy
	isoCodeFK             = "23503"
	isoCodeUndefinedGUC   = "42704" // unrecognized configuration parameter "app.tenant_id"
	isoCodeInvalidText    = "22P02" // invalid input syntax for type uuid
	isoCodeDivisionByZero = "22012"
)

// errIsoRollback ends a transaction the test only wanted to try.
var errIsoRollback = errors.New("rolled back by the test")

// isoFixture holds the ids of one tenant's seeded graph of rows: one row in
// every tenant-owned table, plus a root category and a second order line so
// that link tables can get a fresh row next to the seeded one.
type isoFixture struct {
	Name   string // "A", "B", "C"
	Tenant uuid.UUID

	SalesRep, Location, Location2, Customer, CustomerUser, Address uuid.UUID
	StaffUser                                                      uuid.UUID
	RootCategory, Category, Product                                uuid.UUID
	Order, OrderLine, OrderLine2, StatusHistory                    uuid.UUID
	Shipment, Invoice, Session, AuditEvent, Reset                  uuid.UUID
	AccessRequest, Payment, APIKey, Event                          uuid.UUID
	PaymentAttempt, PaymentAttempt2                                uuid.UUID
	PaymentMethod, CreditNote                                      uuid.UUID
	Document, Download                                             uuid.UUID
	CustomerToken, Quote                                           uuid.UUID
}

func newIsoFixture(name string) *isoFixture {
	id := func() uuid.UUID { return uuid.Must(uuid.NewV7()) }
	return &isoFixture{
		Name: name, Tenant: id(),
		SalesRep: id(), Location: id(), Location2: id(), Customer: id(), CustomerUser: id(), Address: id(), StaffUser: id(),
		RootCategory: id(), Category: id(), Product: id(),
		Order: id(), OrderLine: id(), OrderLine2: id(), StatusHistory: id(),
		Shipment: id(), Invoice: id(), Session: id(), AuditEvent: id(), Reset: id(),
		AccessRequest: id(), Payment: id(), APIKey: id(), Event: id(),
		PaymentAttempt: id(), PaymentAttempt2: id(),
		PaymentMethod: id(), CreditNote: id(),
		Document: id(), Download: id(),
		CustomerToken: id(), Quote: id(),
	}
}

func (fx *isoFixture) String() string { return "tenant " + fx.Name }

// isoRow is one row by column name. Values are what bun can inline: strings
// (uuids as text), integers, nil for NULL.
type isoRow map[string]any

// isoBuilder makes rows of one table.
type isoBuilder struct {
	// row returns fx's seeded row (fresh == false), or a new row with new
	// ids and new unique values that could be inserted next to it
	// (fresh == true). Either way every parent reference points at fx's
	// seeded rows and every nullable foreign key column is set, so the
	// foreign-key cases can swap in another tenant's parents.
	row func(fx *isoFixture, fresh bool) isoRow
	// extra returns rows the seed inserts before row(fx, false).
	extra func(fx *isoFixture) []isoRow
	// perTenant marks a table of one row per tenant (its primary key is
	// tenant_id): its inserts are upserts, so a fresh row replaces the
	// tenant's own instead of colliding with it, while another tenant's
	// row still fails the policy's WITH CHECK.
	perTenant bool
}

// isoBuilders has a builder for every tenant-owned table. A table the
// catalog lists without a builder fails the isolation tests: a new table
// must get fixture rows to be covered.
var isoBuilders = map[string]isoBuilder{
	"number_counters": {row: func(fx *isoFixture, fresh bool) isoRow {
		kind := "order"
		if fresh {
			kind = "invoice"
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "kind": kind, "period": 2026, "last_value": 19}
	}},
	"sales_reps": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.SalesRep)
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "name": "Rep " + id, "email": "rep-" + id + "@example.com", "external_id": "REP-" + id}
	}},
	"locations": {
		row: func(fx *isoFixture, fresh bool) isoRow {
			id := isoPick(fresh, fx.Location)
			return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "code": "LOC-" + id, "name": "Warehouse " + id, "external_id": "LOC-EXT-" + id}
		},
		// A second site, so stock can get a fresh row beside the seeded one.
		extra: func(fx *isoFixture) []isoRow {
			id := isoID(fx.Location2)
			return []isoRow{{"tenant_id": isoID(fx.Tenant), "id": id, "code": "LOC-" + id, "name": "Branch " + id}}
		},
	},
	"customers": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.Customer)
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "account_number": "C-" + id, "company_name": "Buyer " + id,
			"sales_rep_id": isoID(fx.SalesRep), "external_id": "CUS-" + id}
	}},
	"users": {
		row: func(fx *isoFixture, fresh bool) isoRow {
			id := isoPick(fresh, fx.CustomerUser)
			return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer), "email": "buyer-" + id + "@example.com",
				"name": "Buyer " + id, "role": "buyer"}
		},
		// A staff user: no customer.
		extra: func(fx *isoFixture) []isoRow {
			id := isoID(fx.StaffUser)
			return []isoRow{{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": nil, "email": "rep-" + id + "@example.com",
				"name": "Rep " + id, "role": "sales_rep"}}
		},
	},
	"addresses": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": isoPick(fresh, fx.Address), "customer_id": isoID(fx.Customer), "kind": "shipping",
			"line1": "1 Mill Road", "city": "Pittsburgh", "country": "US"}
	}},
	"product_categories": {
		row: func(fx *isoFixture, fresh bool) isoRow {
			id := isoPick(fresh, fx.Category)
			return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "slug": "plate-" + id, "name": "Plate", "parent_id": isoID(fx.RootCategory)}
		},
		extra: func(fx *isoFixture) []isoRow {
			id := isoID(fx.RootCategory)
			return []isoRow{{"tenant_id": isoID(fx.Tenant), "id": id, "slug": "steel-" + id, "name": "Steel", "parent_id": nil}}
		},
	},
	"products": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.Product)
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "code": "PL-" + id, "name": "A36 plate 1/4\"", "form": "plate",
			"stock_uom": "EA", "pricing_uom": "LB", "list_price_minor": 12500, "external_id": "PRD-" + id}
	},
		// Shop (issue 8): a second product, for related products.
		extra: func(fx *isoFixture) []isoRow {
			id := isoShopID(fx, "product2")
			return []isoRow{{"tenant_id": isoID(fx.Tenant), "id": id, "code": "PL-" + id, "name": "A36 plate 1/2\"", "form": "plate",
				"stock_uom": "EA", "pricing_uom": "LB", "list_price_minor": 22500, "exclusive": true}}
		},
	},
	"product_category_links": {row: func(fx *isoFixture, fresh bool) isoRow {
		category := fx.Category
		if fresh {
			category = fx.RootCategory
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "product_id": isoID(fx.Product), "category_id": isoID(category)}
	}},
	"orders": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.Order)
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer), "order_number": "SO-" + id,
			"status": "confirmed", "order_date": "2026-11-02", "placed_by_id": isoID(fx.CustomerUser), "ship_to_id": isoID(fx.Address),
			"location_id": isoID(fx.Location), "external_id": "ORD-" + id}
	}},
	"order_lines": {
		row: func(fx *isoFixture, fresh bool) isoRow {
			if fresh {
				return isoOrderLine(fx, uuid.Must(uuid.NewV7()).String(), 3)
			}
			return isoOrderLine(fx, isoID(fx.OrderLine), 1)
		},
		extra: func(fx *isoFixture) []isoRow { return []isoRow{isoOrderLine(fx, isoID(fx.OrderLine2), 2)} },
	},
	"order_status_history": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": isoPick(fresh, fx.StatusHistory), "order_id": isoID(fx.Order), "status": "confirmed",
			"changed_at": "2026-11-02T10:00:00Z"}
	}},
	"shipments": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.Shipment)
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer), "order_id": isoID(fx.Order),
			"shipment_number": "SH-" + id, "status": "shipped",
			"external_id": "SHP-" + id}
	}},
	"shipment_lines": {row: func(fx *isoFixture, fresh bool) isoRow {
		line := fx.OrderLine
		if fresh {
			line = fx.OrderLine2
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "shipment_id": isoID(fx.Shipment), "order_id": isoID(fx.Order), "order_line_id": isoID(line), "quantity": "1.000"}
	}},
	"sessions": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.Session)
		hash := sha256.Sum256([]byte(id))
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "token_hash": hash[:], "customer_id": isoID(fx.Customer),
			"user_id": isoID(fx.CustomerUser), "created_at": "2026-11-02T10:00:00Z", "last_seen_at": "2026-11-02T10:00:00Z",
			"idle_expires_at": "2026-11-02T10:30:00Z", "expires_at": "2026-11-02T22:00:00Z"}
	}},
	"password_resets": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.Reset)
		hash := sha256.Sum256([]byte("reset " + id))
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "token_hash": hash[:], "customer_id": isoID(fx.Customer),
			"user_id": isoID(fx.CustomerUser), "created_at": "2026-11-02T10:00:00Z", "expires_at": "2026-11-02T11:00:00Z"}
	}},
	"sso_states": {row: func(fx *isoFixture, fresh bool) isoRow {
		key := isoPick(fresh, fx.Tenant)
		state, browser := sha256.Sum256([]byte("sso state "+key)), sha256.Sum256([]byte("sso browser "+key))
		return isoRow{"tenant_id": isoID(fx.Tenant), "state_hash": state[:], "browser_hash": browser[:], "nonce": "n-" + key,
			"verifier": "v-" + key, "created_at": "2026-11-02T10:00:00Z", "expires_at": "2026-11-02T10:10:00Z"}
	}},
	"access_requests": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.AccessRequest)
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "company_name": "Buyer " + id, "contact_name": "Contact " + id,
			"email": "req-" + id + "@example.com", "phone": "+1 555 0100", "status": "approved", "customer_id": isoID(fx.Customer),
			"user_id": isoID(fx.CustomerUser), "decided_by": isoID(fx.StaffUser), "decided_at": "2026-11-02T10:00:00Z",
			"created_at": "2026-11-02T09:00:00Z"}
	}},
	"mfa_recovery_codes": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.Reset)
		hash := sha256.Sum256([]byte("recovery " + id))
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "user_id": isoID(fx.CustomerUser), "code_hash": hash[:],
			"created_at": "2026-11-02T10:00:00Z", "used_at": "2026-11-02T10:05:00Z"}
	}},
	"audit_events": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": isoPick(fresh, fx.AuditEvent), "occurred_at": "2026-11-02T10:00:00Z",
			"kind": "signin", "customer_id": isoID(fx.Customer), "user_id": isoID(fx.CustomerUser)}
	}},
	"notification_preferences": {row: func(fx *isoFixture, fresh bool) isoRow {
		kind := "order_shipped"
		if fresh {
			kind = "invoice_issued"
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "user_id": isoID(fx.CustomerUser), "kind": kind, "email": false,
			"updated_at": "2026-11-02T10:00:00Z"}
	}},
	"inventory": {row: func(fx *isoFixture, fresh bool) isoRow {
		location := fx.Location
		if fresh {
			location = fx.Location2
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "product_id": isoID(fx.Product), "location_id": isoID(location),
			"quantity_on_hand": "12.000", "quantity_available": "10.000"}
	}},
	"payments": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.Payment)
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer), "invoice_id": isoID(fx.Invoice),
			"reference": "CHK-" + id, "method": "check", "status": "succeeded", "amount_minor": 25000, "received_on": "2026-11-20",
			"external_id": "PAY-EXT-" + id}
	}},
	"api_keys": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.APIKey)
		sum := sha256.Sum256([]byte(id))
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "name": "ERP " + id, "prefix": "pk_bo_" + id[len(id)-8:],
			"secret_hash": sum[:], "scopes": pgdialect.Array([]string{"backoffice"}), "created_at": "2026-11-02T10:00:00Z"}
	}},
	"payment_attempts": {
		row: func(fx *isoFixture, fresh bool) isoRow { return isoAttempt(fx, isoPick(fresh, fx.PaymentAttempt)) },
		// A second attempt, for a fresh payment_attempt_invoices row.
		extra: func(fx *isoFixture) []isoRow { return []isoRow{isoAttempt(fx, isoID(fx.PaymentAttempt2))} },
	},
	"payment_attempt_invoices": {row: func(fx *isoFixture, fresh bool) isoRow {
		attempt, open := fx.PaymentAttempt, true
		if fresh {
			attempt, open = fx.PaymentAttempt2, false
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "attempt_id": isoID(attempt), "invoice_id": isoID(fx.Invoice),
			"customer_id": isoID(fx.Customer), "amount_minor": 25000, "open": open, "payment_id": isoID(fx.Payment)}
	}},
	"webhook_endpoints": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": isoPick(fresh, fx.Event), "url": "https://hooks.example/" + fx.Name,
			"events": "{order.created}", "secret_sealed": "sealed", "previous_secret_sealed": "sealed-old",
			"previous_expires_at": "2026-11-21T10:00:00Z", "created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-20T10:00:00Z",
			"failing_since": "2026-11-20T11:00:00Z"}
	}},
	"webhook_deliveries": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": isoPick(fresh, fx.PaymentAttempt2), "endpoint_id": isoID(fx.Event),
			"event_id": isoID(fx.Event), "event_type": "order.created", "attempt": 1, "succeeded": true, "status_code": 200,
			"latency_ms": 12, "error": "", "attempted_at": "2026-11-20T10:00:00Z"}
	}},
	"stripe_events": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "event_id": "evt_" + strings.ReplaceAll(isoPick(fresh, fx.Event), "-", ""),
			"event_type": "payment_intent.succeeded", "created_at": "2026-11-20T10:00:00Z", "applied_at": "2026-11-20T10:00:01Z"}
	}},
	"outbox_events": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": isoPick(fresh, fx.Event), "event_type": "order.created",
			"subject_id": isoID(fx.Order), "payload": `{"order_id":"` + isoID(fx.Order) + `"}`, "occurred_at": "2026-11-02T10:00:00Z"}
	}},
	"invoices": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.Invoice)
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer), "order_id": isoID(fx.Order),
			"invoice_number": "INV-" + id, "status": "open", "invoice_date": "2026-11-03", "due_date": "2026-12-03",
			"total_minor": 25000, "external_id": "INV-EXT-" + id}
	}},
	"stripe_customers": {row: func(fx *isoFixture, fresh bool) isoRow {
		account, cus := "acct_"+fx.Name, "cus_"+fx.Name
		if fresh {
			id := strings.ReplaceAll(uuid.Must(uuid.NewV7()).String(), "-", "")
			account, cus = "acct_"+id, "cus_"+id
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "customer_id": isoID(fx.Customer), "stripe_account": account,
			"stripe_customer_id": cus, "created_at": "2026-11-20T10:00:00Z"}
	}},
	"payment_methods": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.PaymentMethod)
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer), "stripe_account": "acct_" + fx.Name,
			"payment_method_id": "pm_" + strings.ReplaceAll(id, "-", ""), "brand": "visa", "last4": "4242", "exp_month": 8,
			"exp_year": 2030, "is_default": !fresh, "created_at": "2026-11-20T10:00:00Z"}
	}},
	"credit_notes": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.CreditNote)
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer), "invoice_id": isoID(fx.Invoice),
			"credit_note_number": "CN-" + id, "status": "open", "issue_date": "2026-11-10", "amount_minor": 5000, "remaining_minor": 5000,
			"reason": "Damaged in transit", "external_id": "CN-EXT-" + id}
	}},
	"documents": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.Document)
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer), "type": "mtr", "name": "MTR-" + id + ".pdf",
			"order_id": isoID(fx.Order), "invoice_id": isoID(fx.Invoice), "shipment_id": isoID(fx.Shipment), "credit_note_id": isoID(fx.CreditNote),
			"quote_id":    isoID(fx.Quote), // quotes feature
			"heat_number": "H-" + id,
			"object_key":  isoID(fx.Tenant) + "/" + id, "content_type": "application/pdf", "size_bytes": 1024, "sha256": "00",
			"expires_at": "2030-01-01T00:00:00Z"}
	}},
	"document_order_lines": {row: func(fx *isoFixture, fresh bool) isoRow {
		line := fx.OrderLine
		if fresh {
			line = fx.OrderLine2
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "document_id": isoID(fx.Document), "order_id": isoID(fx.Order), "order_line_id": isoID(line)}
	}},
	"customer_tokens": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.CustomerToken)
		sum := sha256.Sum256([]byte(id))
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "api_key_id": isoID(fx.APIKey), "customer_id": isoID(fx.Customer),
			"user_id": isoID(fx.CustomerUser), "token_hash": sum[:], "created_at": "2026-11-20T10:00:00Z", "expires_at": "2026-11-20T11:00:00Z"}
	}},
	"api_rate_counters": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "api_key_id": isoID(fx.APIKey), "endpoint": "GET /api/v1/ecommerce/" + isoPick(fresh, fx.Event),
			"window_start": "2026-11-20T10:00:00Z", "count": 7}
	}},
	"quotes": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, fx.Quote)
		row := isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer), "quote_number": "QT-" + id,
			"status": "submitted", "source": "ecommerce", "requested_by_id": isoID(fx.CustomerUser), "needed_by_date": "2026-12-01",
			"expected_response_date": "2026-11-24", "created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-20T10:00:00Z"}
		// Quotes feature: the seeded quote was priced by the staff and
		// accepted into the fixture's order (one order per quote, so a
		// fresh one is only quoted).
		row["status"], row["currency"], row["subtotal_minor"], row["total_minor"], row["valid_until"] = "quoted", "USD", 5000, 5000, "2026-12-20"
		row["priced_by_id"], row["priced_at"], row["decided_by_id"] = isoID(fx.StaffUser), "2026-11-21T10:00:00Z", isoID(fx.CustomerUser)
		if !fresh {
			row["status"], row["order_id"], row["decided_at"] = "accepted", isoID(fx.Order), "2026-11-22T10:00:00Z"
		}
		return row
	}},
	"quote_lines": {row: func(fx *isoFixture, fresh bool) isoRow {
		line := 1
		if fresh {
			line = 2
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "quote_id": isoID(fx.Quote), "line_no": line, "product_id": isoID(fx.Product),
			"product_description": "Plate", "quantity": 4, "uom": "ea"}
	}},
	"document_downloads": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": isoPick(fresh, fx.Download), "customer_id": isoID(fx.Customer),
			"user_id": isoID(fx.CustomerUser), "document_id": isoID(fx.Document), "document_name": "MTR.pdf", "via": "stream",
			"at": "2026-11-20T10:00:00Z"}
	}},
	// The rollups' rows of the seeded orders and invoices come from their
	// triggers; the fixture's own rows take statuses no order has.
	"customer_order_counts": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "customer_id": isoID(fx.Customer), "status": "fixture-" + isoPick(fresh, fx.Event),
			"orders": 3}
	}},
	// Likewise the search terms of the seeded orders; the fixture's own are
	// words no order has.
	"order_search_terms": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "customer_id": isoID(fx.Customer), "term": "fixture-" + isoPick(fresh, fx.Event),
			"order_id": isoID(fx.Order)}
	}},
	"customer_invoice_sums": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "customer_id": isoID(fx.Customer), "status": "fixture-" + isoPick(fresh, fx.Event),
			"invoices": 2, "total_minor": 50000, "paid_minor": 1000}
	}},
	// Cart, checkout and purchase lists (issue 8): their seeded ids are
	// derived from the tenant's, so the fixture needs no fields of its own.
	"cart_lines": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, isoDerived(fx, "cart_line"))
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer), "user_id": isoID(fx.CustomerUser),
			"product_id": isoID(fx.Product), "quantity_milli": 2000, "uom": "EA", "config_key": "EA|" + id,
			"created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-20T10:00:00Z"}
	}},
	"checkout_orders": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, isoDerived(fx, "checkout_order"))
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "order_id": isoID(fx.Order), "customer_id": isoID(fx.Customer),
			"placed_by_id": isoID(fx.CustomerUser), "idempotency_key": "key-" + id, "billing_address": `{"line1":"1 Main"}`,
			"shipping_address": `{"line1":"1 Main"}`, "shipping_method": "standard", "payment": "card", "payment_intent_id": "pi_" + id,
			"stripe_account": "acct_" + fx.Name, "payment_status": "requires_payment_method", "estimated_ship_on": "2026-11-25",
			"created_at": "2026-11-20T10:00:00Z"}
	}},
	"purchase_lists": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": isoPick(fresh, isoDerived(fx, "purchase_list")), "customer_id": isoID(fx.Customer),
			"owner_id": isoID(fx.CustomerUser), "name": "Job list", "sharing": "team_read",
			"created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-20T10:00:00Z"}
	}},
	"purchase_list_items": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, isoDerived(fx, "purchase_list_item"))
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "list_id": isoID(isoDerived(fx, "purchase_list")),
			"customer_id": isoID(fx.Customer), "product_id": isoID(fx.Product), "quantity_milli": 1000, "config_key": "EA|" + id,
			"created_at": "2026-11-20T10:00:00Z"}
	}},
	// Shop: catalog details and customer pricing (issue 8, migration 28).
	"product_images": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "product_id": isoID(fx.Product), "position": isoShopN(fresh), "url": "/web/images/plate.jpg", "alt": "Plate"}
	}},
	"product_processing_options": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "product_id": isoID(fx.Product), "code": "cut-" + strconv.Itoa(isoShopN(fresh)), "name": "Cut",
			"charge_minor": 1500}
	}},
	"product_required_dimensions": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "product_id": isoID(fx.Product), "name": "length_" + strconv.Itoa(isoShopN(fresh)),
			"label": "Length", "unit": "in", "min_milli": 1000, "max_milli": 240000}
	}},
	"product_related": {row: func(fx *isoFixture, fresh bool) isoRow {
		a, b := isoID(fx.Product), isoShopID(fx, "product2")
		if fresh {
			a, b = b, a
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "product_id": a, "related_id": b}
	}},
	"customer_products": {row: func(fx *isoFixture, fresh bool) isoRow {
		p := isoShopID(fx, "product2")
		if fresh {
			p = isoID(fx.Product)
		}
		return isoRow{"tenant_id": isoID(fx.Tenant), "customer_id": isoID(fx.Customer), "product_id": p}
	}},
	"customer_prices": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, uuid.NewSHA1(fx.Tenant, []byte("customer_price")))
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "external_id": "CP-" + id, "customer_id": isoID(fx.Customer),
			"product_id": isoID(fx.Product), "min_quantity_milli": isoShopN(fresh) * 1000, "unit_price_minor": 11000, "valid_to": "2026-12-31"}
	}},
	"product_price_breaks": {row: func(fx *isoFixture, fresh bool) isoRow {
		return isoRow{"tenant_id": isoID(fx.Tenant), "product_id": isoID(fx.Product), "min_quantity_milli": (isoShopN(fresh) + 1) * 10_000,
			"unit_price_minor": 11500}
	}},
	"promotions": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, uuid.NewSHA1(fx.Tenant, []byte("promotion")))
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "external_id": "PROMO-" + id, "product_id": isoID(fx.Product), "name": "Winter",
			"percent_off_bp": 1000, "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2027-01-01T00:00:00Z"}
	}},
	"promo_codes": {row: func(fx *isoFixture, fresh bool) isoRow {
		id := isoPick(fresh, uuid.NewSHA1(fx.Tenant, []byte("promo_code")))
		return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "external_id": "PC-" + id, "code": "SAVE-" + strings.ToUpper(id[len(id)-12:]),
			"amount_off_minor": 2500, "starts_at": "2026-12-01T00:00:00Z", "ends_at": "2027-01-01T00:00:00Z", "usage_limit": 100}
	}},
}

// isoShopID is a fixed id of fx for the shop's extra rows.
func isoShopID(fx *isoFixture, name string) string {
	return uuid.NewSHA1(fx.Tenant, []byte(name)).String()
}

// isoShopN is 0 for the seeded row and 1 for a fresh one.
func isoShopN(fresh bool) int {
	if fresh {
		return 1
	}
	return 0
}

func isoOrderLine(fx *isoFixture, id string, lineNo int) isoRow {
	return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "order_id": isoID(fx.Order), "line_no": lineNo, "product_id": isoID(fx.Product),
		"description": "A36 plate", "quantity": "2.000", "uom": "EA", "unit_price_minor": 12500, "line_total_minor": 25000}
}

func isoID(id uuid.UUID) string { return id.String() }

// isoDerived is a seeded id of fx's derived from its tenant's (cart and
// checkout rows, issue 8).
func isoDerived(fx *isoFixture, what string) uuid.UUID { return uuid.NewSHA1(fx.Tenant, []byte(what)) }

// isoPick returns seeded as text, or a new id for a fresh row.
func isoAttempt(fx *isoFixture, id string) isoRow {
	return isoRow{"tenant_id": isoID(fx.Tenant), "id": id, "customer_id": isoID(fx.Customer),
		"payment_intent_id": "pi_" + strings.ReplaceAll(id, "-", ""), "stripe_account": "acct_" + fx.Name, "currency": "USD",
		"amount_minor": 25000, "status": "requires_payment_method", "created_by_id": isoID(fx.CustomerUser),
		"created_at": "2026-11-20T10:00:00Z", "updated_at": "2026-11-20T10:00:00Z"}
}

func isoPick(fresh bool, seeded uuid.UUID) string {
	if fresh {
		return uuid.Must(uuid.NewV7()).String()
	}
	return seeded.String()
}

// isoInsert returns an INSERT of row into table, with bun placeholders
// (an upsert for a perTenant table).
func isoInsert(table string, row isoRow) (string, []any) {
	cols := slices.Sorted(maps.Keys(row))
	args := make([]any, len(cols))
	for i, c := range cols {
		args[i] = row[c]
		cols[i] = pgx.Identifier{c}.Sanitize()
	}
	q := fmt.Sprintf("INSERT INTO %s (%s) VALUES (%s)", pgx.Identifier{table}.Sanitize(), strings.Join(cols, ", "),
		strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", "))
	if isoBuilders[table].perTenant {
		set := make([]string, len(cols))
		for i, c := range cols {
			set[i] = c + " = EXCLUDED." + c
		}
		q += " ON CONFLICT (tenant_id) DO UPDATE SET " + strings.Join(set, ", ")
	}
	return q, args
}

// isoKey returns the condition selecting row by the primary key pk.
func isoKey(pk []string, row isoRow) (string, []any) {
	conds := make([]string, len(pk))
	args := make([]any, len(pk))
	for i, c := range pk {
		conds[i] = pgx.Identifier{c}.Sanitize() + " = ?"
		args[i] = row[c]
	}
	return strings.Join(conds, " AND "), args
}

// isoWorld is a database seeded with three tenants' graphs, and the catalog
// facts the checks are driven by.
type isoWorld struct {
	d            *pgtest.Database
	owner, app   *postgres.DB
	tables       []string            // tenant-owned tables, in insert (foreign key) order
	pk           map[string][]string // primary key columns by table
	fks          []lintConstraint    // foreign keys of tenant-owned tables
	A, B, C      *isoFixture
	counts       map[string]map[uuid.UUID]int // rows by table and tenant, counted by the superuser
	tenantsByRow map[uuid.UUID]*isoFixture
}

func (w *isoWorld) fixtures() []*isoFixture { return []*isoFixture{w.A, w.B, w.C} }

// newIsoWorld creates a database, reads the catalog and seeds three tenants
// as the owner: FORCE ROW LEVEL SECURITY applies to the owner too, so each
// tenant's rows go in inside a transaction for that tenant.
func newIsoWorld(tb testing.TB, appOpts postgres.Options) *isoWorld {
	tb.Helper()
	ctx := context.Background()
	d := pgtest.New(tb)
	w := &isoWorld{d: d, owner: d.OpenOwner(tb), app: d.OpenApp(tb, appOpts),
		A: newIsoFixture("A"), B: newIsoFixture("B"), C: newIsoFixture("C")}
	w.tenantsByRow = map[uuid.UUID]*isoFixture{w.A.Tenant: w.A, w.B.Tenant: w.B, w.C.Tenant: w.C}

	tables, err := catalogTenantTables(ctx, w.owner)
	if err != nil {
		tb.Fatalf("read tenant tables: %v", err)
	}
	var missing []string
	for _, t := range tables {
		if _, ok := isoBuilders[t]; !ok {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		tb.Fatalf("tenant-owned tables without fixture rows (add them to isoBuilders): %s", strings.Join(missing, ", "))
	}
	for t := range isoBuilders {
		if !slices.Contains(tables, t) {
			tb.Fatalf("isoBuilders has table %s, which is not a tenant-owned table in the schema", t)
		}
	}
	pks, err := isoConstraints(ctx, w.owner, "p", tables)
	if err != nil {
		tb.Fatalf("read primary keys: %v", err)
	}
	w.pk = map[string][]string{}
	for _, c := range pks {
		w.pk[c.table] = c.cols
	}
	if w.fks, err = isoConstraints(ctx, w.owner, "f", tables); err != nil {
		tb.Fatalf("read foreign keys: %v", err)
	}
	for _, t := range tables {
		if len(w.pk[t]) == 0 {
			tb.Fatalf("table %s has no primary key", t)
		}
	}
	if w.tables, err = isoInsertOrder(tables, w.fks); err != nil {
		tb.Fatal(err)
	}

	for _, fx := range w.fixtures() {
		if _, err := w.owner.Bun.ExecContext(ctx, "INSERT INTO tenants (id, slug, name) VALUES (?, ?, ?)",
			isoID(fx.Tenant), "iso-"+strings.ToLower(fx.Name), "Tenant "+fx.Name); err != nil {
			tb.Fatalf("insert %s: %v", fx, err)
		}
		err := w.owner.InTx(ctx, isoID(fx.Tenant), func(ctx context.Context, tx bun.Tx) error {
			for _, t := range w.tables {
				b := isoBuilders[t]
				var rows []isoRow
				if b.extra != nil {
					rows = b.extra(fx)
				}
				for _, row := range append(rows, b.row(fx, false)) {
					q, args := isoInsert(t, row)
					if _, err := tx.ExecContext(ctx, q, args...); err != nil {
						return fmt.Errorf("seed %s: %w", t, err)
					}
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatalf("seed %s: %v", fx, err)
		}
	}
	w.counts = isoCountRows(tb, d, w.tables)
	for _, t := range w.tables {
		for _, fx := range w.fixtures() {
			if w.counts[t][fx.Tenant] == 0 {
				tb.Fatalf("table %s has no fixture row for %s", t, fx)
			}
		}
	}
	return w
}

// isoCountRows counts each table's rows by tenant as the superuser, which
// row-level security does not filter: the truth the app role's view is
// compared with.
func isoCountRows(tb testing.TB, d *pgtest.Database, tables []string) map[string]map[uuid.UUID]int {
	tb.Helper()
	ctx := context.Background()
	admin, err := postgres.Open(ctx, d.AdminURL, postgres.Options{MaxConns: 1})
	if err != nil {
		tb.Fatal(err)
	}
	defer admin.Close()
	counts := map[string]map[uuid.UUID]int{}
	for _, t := range tables {
		counts[t] = map[uuid.UUID]int{}
		rows, err := admin.Pool.Query(ctx, "SELECT tenant_id, count(*) FROM "+pgx.Identifier{t}.Sanitize()+" GROUP BY 1")
		if err != nil {
			tb.Fatal(err)
		}
		var id uuid.UUID
		var n int
		if _, err := pgx.ForEachRow(rows, []any{&id, &n}, func() error { counts[t][id] = n; return nil }); err != nil {
			tb.Fatal(err)
		}
	}
	return counts
}

// isoConstraints returns the constraints of the kinds (pg_constraint.contype
// letters) on tables.
func isoConstraints(ctx context.Context, db *postgres.DB, kinds string, tables []string) ([]lintConstraint, error) {
	cons, err := (&schemaLinter{db: db}).constraints(ctx, kinds)
	return slices.DeleteFunc(cons, func(c lintConstraint) bool { return !slices.Contains(tables, c.table) }), err
}

// isoUniqueKeys returns the unique indexes (those of UNIQUE constraints and
// plain unique indexes, not primary keys) of tables, with their columns.
// Indexes on expressions are left out: the lint rejects those that do not
// start with tenant_id, and rows cannot be built for them generically.
func isoUniqueKeys(ctx context.Context, db *postgres.DB, tables []string) ([]lintConstraint, error) {
	rows, err := db.Pool.Query(ctx, `
		SELECT c.relname, ic.relname,
		       ARRAY(SELECT a.attname::text FROM unnest(i.indkey) WITH ORDINALITY k(num, ord)
		             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num ORDER BY k.ord)
		FROM pg_index i
		JOIN pg_class c ON c.oid = i.indrelid
		JOIN pg_class ic ON ic.oid = i.indexrelid
		JOIN pg_namespace n ON n.oid = c.relnamespace
		WHERE n.nspname = 'public' AND i.indisunique AND NOT i.indisprimary
		  AND c.relname = ANY ($1) AND NOT (0 = ANY (i.indkey::int2[]))
		ORDER BY 1, 2`, tables)
	if err != nil {
		return nil, err
	}
	var out []lintConstraint
	var u lintConstraint
	_, err = pgx.ForEachRow(rows, []any{&u.table, &u.name, &u.cols}, func() error {
		u.kind = "u"
		out = append(out, u)
		return nil
	})
	return out, err
}

// isoInsertOrder sorts tables so that every table comes after the tables
// its foreign keys reference (self-references aside).
func isoInsertOrder(tables []string, fks []lintConstraint) ([]string, error) {
	deps := map[string]map[string]bool{}
	for _, t := range tables {
		deps[t] = map[string]bool{}
	}
	for _, fk := range fks {
		if fk.refTable != fk.table && deps[fk.refTable] != nil {
			deps[fk.table][fk.refTable] = true
		}
	}
	var order []string
	done := map[string]bool{}
	for len(order) < len(tables) {
		progress := false
		for _, t := range tables {
			if done[t] {
				continue
			}
			ready := true
			for dep := range deps[t] {
				ready = ready && done[dep]
			}
			if ready {
				order, done[t], progress = append(order, t), true, true
			}
		}
		if !progress {
			return nil, fmt.Errorf("foreign keys between tenant tables form a cycle; seed order unknown")
		}
	}
	return order, nil
}

// isoPgCode returns the SQLSTATE of err, looked up through the error chain
// (bun, database/sql and InTx wrap the *pgconn.PgError), or "".
func isoPgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

func isoPgConstraint(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.ConstraintName
	}
	return ""
}

// isoTry runs one statement as tenant in a transaction that is always rolled
// back, and returns the rows it affected or its error.
func isoTry(ctx context.Context, db *postgres.DB, tenant uuid.UUID, q string, args ...any) (int64, error) {
	var n int64
	err := db.InTx(ctx, isoID(tenant), func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.ExecContext(ctx, q, args...)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		return errIsoRollback
	})
	if errors.Is(err, errIsoRollback) {
		err = nil
	}
	return n, err
}

// isoWantCode returns a problem unless err carries SQLSTATE code.
func isoWantCode(what string, err error, code string) []string {
	switch {
	case err == nil:
		return []string{fmt.Sprintf("%s: succeeded, want SQLSTATE %s", what, code)}
	case isoPgCode(err) != code:
		return []string{fmt.Sprintf("%s: %v, want SQLSTATE %s", what, err, code)}
	}
	return nil
}

// isoCheckSelect has every tenant read every table unfiltered through db and
// reports each table where the tenant does not see exactly its own rows:
// another tenant's row is a leak; a missing own row means the policy (or its
// absence) denies too much, which would also hide a broken setup.
func isoCheckSelect(ctx context.Context, db *postgres.DB, w *isoWorld, tables []string) []string {
	var problems []string
	for _, fx := range w.fixtures() {
		for _, t := range tables {
			own, foreign := 0, map[string]int{}
			err := db.InTx(ctx, isoID(fx.Tenant), func(ctx context.Context, tx bun.Tx) error {
				rows, err := tx.QueryContext(ctx, "SELECT tenant_id FROM "+pgx.Identifier{t}.Sanitize())
				if err != nil {
					return err
				}
				defer rows.Close()
				for rows.Next() {
					var id uuid.UUID
					if err := rows.Scan(&id); err != nil {
						return err
					}
					if id == fx.Tenant {
						own++
					} else if other, ok := w.tenantsByRow[id]; ok {
						foreign[other.String()]++
					} else {
						foreign[id.String()]++
					}
				}
				return rows.Err()
			})
			switch {
			case err != nil:
				problems = append(problems, fmt.Sprintf("%s: SELECT as %s: %v", t, fx, err))
			case len(foreign) > 0:
				problems = append(problems, fmt.Sprintf("%s: SELECT as %s leaks rows of other tenants: %v", t, fx, foreign))
			case own != w.counts[t][fx.Tenant]:
				problems = append(problems, fmt.Sprintf("%s: SELECT as %s returned %d of its %d rows", t, fx, own, w.counts[t][fx.Tenant]))
			}
		}
	}
	return problems
}

// isoCheckWrites reports every table where tenant a can write b's rows: an
// INSERT with b's tenant_id and an UPDATE moving a's row to b must fail the
// WITH CHECK (42501); UPDATE and DELETE of b's row by primary key must
// affect nothing. Controls (a inserting and updating its own rows) prove the
// statements themselves are valid, so a 0 or an error means isolation.
func isoCheckWrites(ctx context.Context, db *postgres.DB, w *isoWorld, tables []string, a, b *isoFixture) []string {
	var problems []string
	add := func(p []string) { problems = append(problems, p...) }
	for _, t := range tables {
		build, pk := isoBuilders[t], w.pk[t]
		name := pgx.Identifier{t}.Sanitize()

		q, args := isoInsert(t, build.row(a, true))
		if _, err := isoTry(ctx, db, a.Tenant, q, args...); err != nil {
			add([]string{fmt.Sprintf("%s: control: %s cannot insert its own fresh row: %v", t, a, err)})
		}
		q, args = isoInsert(t, build.row(b, true))
		_, err := isoTry(ctx, db, a.Tenant, q, args...)
		add(isoWantCode(fmt.Sprintf("%s: INSERT as %s of a row of %s", t, a, b), err, isoCodeRLS))

		ownKey, ownArgs := isoKey(pk, build.row(a, false))
		var mutable bool
		if err := db.Pool.QueryRow(ctx, "SELECT has_table_privilege($1, 'UPDATE') OR has_table_privilege($1, 'DELETE')", t).Scan(&mutable); err != nil {
			add([]string{fmt.Sprintf("%s: read privileges: %v", t, err)})
			continue
		}
		if !mutable {
			// Append-only for this role (the audit log): no row of any
			// tenant can change, which the grant, not RLS, guarantees.
			_, err := isoTry(ctx, db, a.Tenant, "UPDATE "+name+" SET tenant_id = tenant_id WHERE "+ownKey, ownArgs...)
			add(isoWantCode(fmt.Sprintf("%s: UPDATE of an append-only table as %s", t, a), err, isoCodeRLS))
			_, err = isoTry(ctx, db, a.Tenant, "DELETE FROM "+name+" WHERE "+ownKey, ownArgs...)
			add(isoWantCode(fmt.Sprintf("%s: DELETE from an append-only table as %s", t, a), err, isoCodeRLS))
			continue
		}
		n, err := isoTry(ctx, db, a.Tenant, "UPDATE "+name+" SET tenant_id = tenant_id WHERE "+ownKey, ownArgs...)
		if err != nil || n != 1 {
			add([]string{fmt.Sprintf("%s: control: %s updating its own row by key affected %d rows (%v), want 1", t, a, n, err)})
		}
		otherKey, otherArgs := isoKey(pk, build.row(b, false))
		n, err = isoTry(ctx, db, a.Tenant, "UPDATE "+name+" SET tenant_id = tenant_id WHERE "+otherKey, otherArgs...)
		if err != nil || n != 0 {
			add([]string{fmt.Sprintf("%s: UPDATE as %s of %s's row affected %d rows (%v), want 0", t, a, b, n, err)})
		}
		n, err = isoTry(ctx, db, a.Tenant, "DELETE FROM "+name+" WHERE "+otherKey, otherArgs...)
		if err != nil || n != 0 {
			add([]string{fmt.Sprintf("%s: DELETE as %s of %s's row affected %d rows (%v), want 0", t, a, b, n, err)})
		}
		_, err = isoTry(ctx, db, a.Tenant, "UPDATE "+name+" SET tenant_id = ? WHERE "+ownKey, append([]any{isoID(b.Tenant)}, ownArgs...)...)
		add(isoWantCode(fmt.Sprintf("%s: UPDATE as %s moving its row to %s", t, a, b), err, isoCodeRLS))
	}
	return problems
}

// isoCheckForeignKeys tries, for every foreign key, to insert a row of
// tenant a that points at b's parent row. Foreign-key checks bypass row-level
// security, so only composite keys (tenant_id, …) stop this: the insert must
// fail on that very constraint (23503). Keys to tenants(id) are tenant_id
// itself: pointing at b there is the cross-tenant INSERT that the WITH CHECK
// refuses, and a tenant id that does not exist must violate the key.
// A key the fixtures cannot exercise is reported, so none goes untested.
func isoCheckForeignKeys(ctx context.Context, db *postgres.DB, w *isoWorld, a, b *isoFixture) []string {
	fks, err := isoConstraints(ctx, db, "f", w.tables)
	if err != nil {
		return []string{fmt.Sprintf("read foreign keys: %v", err)}
	}
	if len(fks) == 0 {
		return []string{"no foreign keys found in the catalog"}
	}
	var problems []string
	for _, fk := range fks {
		build := isoBuilders[fk.table]
		what := fmt.Sprintf("%s: foreign key %s %s → %s", fk.table, fk.name, lintCols(fk.cols), fk.refTable)
		if fk.refTable == "tenants" {
			row := build.row(b, true)
			q, args := isoInsert(fk.table, row)
			_, err := isoTry(ctx, db, a.Tenant, q, args...)
			problems = append(problems, isoWantCode(fmt.Sprintf("%s: INSERT as %s with tenant_id of %s", what, a, b), err, isoCodeRLS)...)
			ghost := uuid.Must(uuid.NewV7())
			row = build.row(a, true)
			row["tenant_id"] = isoID(ghost)
			q, args = isoInsert(fk.table, row)
			_, err = isoTry(ctx, db, ghost, q, args...)
			problems = append(problems, isoWantCode(fmt.Sprintf("%s: INSERT for a tenant that does not exist", what), err, isoCodeFK)...)
			continue
		}
		// Point every column but tenant_id at b's parent. (A key without
		// tenant_id is tried all the same: the insert shows what it lets
		// through.)
		row, theirs := build.row(a, true), build.row(b, false)
		covered := len(fk.cols) > 0
		for _, c := range fk.cols {
			if c == "tenant_id" {
				continue
			}
			if theirs[c] == nil || fmt.Sprint(theirs[c]) == fmt.Sprint(row[c]) {
				covered = false
			}
			row[c] = theirs[c]
		}
		if !covered {
			problems = append(problems, fmt.Sprintf("%s: the fixture rows set no distinct %s of %s, not covered", what, lintCols(fk.cols), b))
			continue
		}
		q, args := isoInsert(fk.table, row)
		_, err := isoTry(ctx, db, a.Tenant, q, args...)
		if p := isoWantCode(fmt.Sprintf("%s: INSERT as %s pointing at %s's row", what, a, b), err, isoCodeFK); p != nil {
			problems = append(problems, p...)
		} else if got := isoPgConstraint(err); got != fk.name && !isoOverlappingKey(fks, fk, got) {
			problems = append(problems, fmt.Sprintf("%s: INSERT as %s pointing at %s's row violated %s instead", what, a, b, got))
		}
	}
	return problems
}

// isoOverlappingKey reports whether the constraint named got is another
// foreign key of fk's table that shares a column (besides tenant_id) with
// fk: pointing fk's columns at the other tenant's row points that key there
// too, and PostgreSQL may check either first (orders' (tenant_id,
// customer_id, ship_to_id) key overlaps its (tenant_id, customer_id) key).
//
// Only a key that is itself composite on tenant_id gets that benefit of the
// doubt: a single-column key must be caught by its own name.
func isoOverlappingKey(fks []lintConstraint, fk lintConstraint, got string) bool {
	if len(fk.cols) < 2 || fk.cols[0] != "tenant_id" || len(fk.refCols) < 2 || fk.refCols[0] != "tenant_id" {
		return false
	}
	for _, other := range fks {
		if other.table != fk.table || other.name != got {
			continue
		}
		for _, c := range other.cols {
			if c != "tenant_id" && slices.Contains(fk.cols, c) {
				return true
			}
		}
	}
	return false
}

// isoCheckUniquePerTenant reports unique keys that are global in effect:
// tenant a inserts a fresh row carrying b's values in the key's columns and
// must succeed, so a duplicate-key error can never reveal that another
// tenant has a value. Keys containing a foreign key column are skipped:
// their values point at a's own parents by construction. It returns the
// keys it checked.
func isoCheckUniquePerTenant(ctx context.Context, db *postgres.DB, w *isoWorld, a, b *isoFixture) (problems, checked []string) {
	uniques, err := isoUniqueKeys(ctx, db, w.tables)
	if err != nil {
		return []string{fmt.Sprintf("read unique keys: %v", err)}, nil
	}
	fkCols := map[string]bool{}
	for _, fk := range w.fks {
		for _, c := range fk.cols {
			fkCols[fk.table+"."+c] = true
		}
	}
keys:
	for _, u := range uniques {
		for _, c := range u.cols {
			if c != "tenant_id" && fkCols[u.table+"."+c] {
				continue keys
			}
		}
		build := isoBuilders[u.table]
		row, theirs := build.row(a, true), build.row(b, false)
		for _, c := range u.cols {
			if c != "tenant_id" {
				row[c] = theirs[c]
			}
		}
		q, args := isoInsert(u.table, row)
		if _, err := isoTry(ctx, db, a.Tenant, q, args...); err != nil {
			problems = append(problems, fmt.Sprintf("%s: %s cannot use %s's values of %s %s: %v", u.table, a, b, u.name, lintCols(u.cols), err))
		}
		checked = append(checked, u.table+"."+u.name)
	}
	return problems, checked
}

// isoCheckNoTenant runs, on conn, a SELECT and an INSERT on every table in
// transactions that never set a tenant (setting == nil) or set it to
// *setting, and reports each that did not fail with SQLSTATE code. Zero rows
// would hide a forgotten tenant; the policy must raise an error.
func isoCheckNoTenant(ctx context.Context, conn bun.Conn, w *isoWorld, setting *string, code string) []string {
	var problems []string
	run := func(t, what string, fn func(tx bun.Tx) error) {
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			problems = append(problems, fmt.Sprintf("%s: begin: %v", t, err))
			return
		}
		defer tx.Rollback() //nolint:errcheck // the transaction only tried something
		if setting != nil {
			if _, err := tx.ExecContext(ctx, "SELECT set_config('app.tenant_id', ?, true)", *setting); err != nil {
				problems = append(problems, fmt.Sprintf("%s: set_config: %v", t, err))
				return
			}
		}
		problems = append(problems, isoWantCode(t+": "+what+" without a tenant", fn(tx), code)...)
	}
	for _, t := range w.tables {
		run(t, "SELECT", func(tx bun.Tx) error {
			rows, err := tx.QueryContext(ctx, "SELECT tenant_id FROM "+pgx.Identifier{t}.Sanitize())
			if err != nil {
				return err
			}
			defer rows.Close()
			n := 0
			for rows.Next() {
				n++
			}
			if err := rows.Err(); err != nil {
				return err
			}
			if n > 0 {
				return fmt.Errorf("returned %d rows", n)
			}
			return nil
		})
		run(t, "INSERT", func(tx bun.Tx) error {
			q, args := isoInsert(t, isoBuilders[t].row(w.A, true))
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		})
	}
	return problems
}

// isoCheckNoTenantLifecycle follows one new app-role connection through its
// life and has every table refuse queries without a valid tenant at each
// stage: never configured (the setting is undefined: 42704), after a tenant
// transaction (a pooled connection, where the setting survives as the empty
// string: 22P02), and with a malformed value (22P02). Setup failures stop
// tb; findings are returned.
func isoCheckNoTenantLifecycle(ctx context.Context, tb testing.TB, w *isoWorld) []string {
	tb.Helper()
	db := w.d.OpenApp(tb, postgres.Options{MaxConns: 1})
	conn, err := db.Bun.Conn(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close()
	if v := isoTenantSetting(tb, conn); v.Valid {
		tb.Fatalf("fresh connection has app.tenant_id = %q; the fresh case would not be tested", v.String)
	}
	var problems []string
	for _, p := range isoCheckNoTenant(ctx, conn, w, nil, isoCodeUndefinedGUC) {
		problems = append(problems, "fresh connection: "+p)
	}

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	var n int
	if _, err := tx.ExecContext(ctx, "SELECT set_config('app.tenant_id', ?, true)", isoID(w.A.Tenant)); err != nil {
		tb.Fatal(err)
	}
	if err := tx.QueryRowContext(ctx, "SELECT count(*) FROM tenants").Scan(&n); err != nil {
		tb.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
	if v := isoTenantSetting(tb, conn); !v.Valid || v.String != "" {
		tb.Fatalf("after a tenant transaction app.tenant_id = %+v, want '' (the setting must end with the transaction)", v)
	}
	for _, p := range isoCheckNoTenant(ctx, conn, w, nil, isoCodeInvalidText) {
		problems = append(problems, "pooled connection after a tenant transaction: "+p)
	}
	malformed := "not-a-uuid"
	for _, p := range isoCheckNoTenant(ctx, conn, w, &malformed, isoCodeInvalidText) {
		problems = append(problems, "malformed tenant: "+p)
	}
	return problems
}

// isoTenantSetting returns app.tenant_id as conn sees it outside a
// transaction, and whether it is defined at all.
func isoTenantSetting(tb testing.TB, conn bun.Conn) sql.NullString {
	tb.Helper()
	var v sql.NullString
	if err := conn.QueryRowContext(context.Background(), "SELECT current_setting('app.tenant_id', true)").Scan(&v); err != nil {
		tb.Fatal(err)
	}
	return v
}

func isoReport(tb testing.TB, what string, problems []string) {
	tb.Helper()
	if len(problems) > 0 {
		tb.Errorf("%s: %d problems:\n  %s", what, len(problems), strings.Join(problems, "\n  "))
	}
}

// TestTenantIsolation is the cross-tenant matrix over every tenant-owned
// table, as the app role (which row-level security applies to, as in
// production) and as the owner (which only FORCE subjects to it).
func TestTenantIsolation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newIsoWorld(t, postgres.Options{})

	t.Run("select sees only own rows", func(t *testing.T) {
		isoReport(t, "as app role", isoCheckSelect(ctx, w.app, w, w.tables))
		isoReport(t, "as owner", isoCheckSelect(ctx, w.owner, w, w.tables))
	})
	t.Run("writes to other tenants fail", func(t *testing.T) {
		isoReport(t, "A on B", isoCheckWrites(ctx, w.app, w, w.tables, w.A, w.B))
		isoReport(t, "C on A", isoCheckWrites(ctx, w.app, w, w.tables, w.C, w.A))
	})
	t.Run("foreign keys stay within the tenant", func(t *testing.T) {
		isoReport(t, "A on B", isoCheckForeignKeys(ctx, w.app, w, w.A, w.B))
		t.Logf("%d foreign keys checked", len(w.fks))
	})
	t.Run("unique keys are per tenant", func(t *testing.T) {
		problems, checked := isoCheckUniquePerTenant(ctx, w.app, w, w.A, w.B)
		isoReport(t, "A with B's values", problems)
		if !slices.Contains(checked, "products.products_tenant_id_code_key") {
			t.Errorf("unique key of products.code not checked; checked %v", checked)
		}
		t.Logf("%d unique keys checked: %v", len(checked), checked)

		// And for real: A commits a product with B's code, then each
		// tenant sees exactly one product with that code.
		code := isoBuilders["products"].row(w.B, false)["code"]
		row := isoBuilders["products"].row(w.A, true)
		row["code"] = code
		q, args := isoInsert("products", row)
		if err := w.app.InTx(ctx, isoID(w.A.Tenant), func(ctx context.Context, tx bun.Tx) error {
			_, err := tx.ExecContext(ctx, q, args...)
			return err
		}); err != nil {
			t.Fatalf("A cannot create product code %v that B has: %v", code, err)
		}
		w.counts["products"][w.A.Tenant]++
		for _, fx := range []*isoFixture{w.A, w.B} {
			var n int
			if err := w.app.InTx(ctx, isoID(fx.Tenant), func(ctx context.Context, tx bun.Tx) error {
				return tx.QueryRowContext(ctx, "SELECT count(*) FROM products WHERE code = ?", code).Scan(&n)
			}); err != nil || n != 1 {
				t.Errorf("%s sees %d products with code %v (%v), want 1", fx, n, code, err)
			}
		}
	})
	t.Run("no tenant fails closed", func(t *testing.T) {
		if err := w.app.InTx(ctx, "", func(context.Context, bun.Tx) error { return nil }); !errors.Is(err, postgres.ErrNoTenant) {
			t.Errorf("InTx without a tenant = %v, want ErrNoTenant", err)
		}
		isoReport(t, "without a valid tenant", isoCheckNoTenantLifecycle(ctx, t, w))
	})
}

// TestTenantIsolationUnderConcurrency runs 200 goroutines through a pool of
// 8 connections, each transaction for one of the three tenants in turn and
// some failing or rolled back, and counts rows of a tenant other than the
// one set: a setting left behind on a pooled connection would show here.
func TestTenantIsolationUnderConcurrency(t *testing.T) {
	t.Parallel()
	w := newIsoWorld(t, postgres.Options{MaxConns: 8})
	if got := w.app.Pool.Config().MaxConns; got != 8 {
		t.Fatalf("pool size %d, want 8", got)
	}
	problems, stats := isoCheckConcurrent(context.Background(), w, 200, 10)
	isoReport(t, "concurrent transactions", problems)
	t.Log(stats)
}

// isoCheckConcurrent runs goroutines × perGoroutine transactions on w's app
// pool. Transaction n is for tenant n%3 and reads one table (all tables in
// turn); every tenth fails on purpose, half by returning an error, half by
// a failing statement. Each transaction checks that app.tenant_id is its
// tenant and that it reads exactly its tenant's rows; between transactions
// a pooled connection must carry no tenant. Leaked rows are reported per
// table.
func isoCheckConcurrent(ctx context.Context, w *isoWorld, goroutines, perGoroutine int) (problems []string, stats string) {
	errDeliberate := errors.New("deliberate failure")
	var seen, committed, failed atomic.Int64
	var mu sync.Mutex
	leaked := map[string]int{}
	more := 0
	report := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if len(problems) < 20 {
			problems = append(problems, fmt.Sprintf(format, args...))
		} else {
			more++
		}
	}
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				n := g*perGoroutine + i
				fx := w.fixtures()[n%3]
				table := w.tables[(n/3)%len(w.tables)]
				mode := n % 20 // 0: fn returns an error; 10: a statement fails; else commit
				err := w.app.InTx(ctx, isoID(fx.Tenant), func(ctx context.Context, tx bun.Tx) error {
					var set string
					if err := tx.QueryRowContext(ctx, "SELECT current_setting('app.tenant_id')").Scan(&set); err != nil {
						return err
					}
					if set != isoID(fx.Tenant) {
						report("transaction for %s runs with app.tenant_id %s", fx, set)
					}
					rows, err := tx.QueryContext(ctx, "SELECT tenant_id FROM "+pgx.Identifier{table}.Sanitize())
					if err != nil {
						return err
					}
					own, foreign := 0, 0
					for rows.Next() {
						var id uuid.UUID
						if err := rows.Scan(&id); err != nil {
							rows.Close()
							return err
						}
						if id == fx.Tenant {
							own++
						} else {
							foreign++
						}
					}
					rows.Close()
					if err := rows.Err(); err != nil {
						return err
					}
					seen.Add(int64(own))
					if foreign > 0 {
						mu.Lock()
						leaked[table] += foreign
						mu.Unlock()
					}
					if own != w.counts[table][fx.Tenant] {
						report("%s: %s saw %d of its %d rows", table, fx, own, w.counts[table][fx.Tenant])
					}
					switch mode {
					case 0:
						return errDeliberate
					case 10:
						_, err := tx.ExecContext(ctx, "SELECT 1/0")
						return err
					}
					return nil
				})
				switch {
				case mode == 0 && !errors.Is(err, errDeliberate):
					report("rolled-back transaction returned %v", err)
				case mode == 10 && isoPgCode(err) != isoCodeDivisionByZero:
					report("failing transaction returned %v", err)
				case mode != 0 && mode != 10 && err != nil:
					report("%s: transaction for %s: %v", table, fx, err)
				}
				if mode == 0 || mode == 10 {
					failed.Add(1)
				} else if err == nil {
					committed.Add(1)
				}
				// Outside a transaction, a pooled connection must carry no tenant.
				if i%3 == 0 {
					var v sql.NullString
					if err := w.app.Bun.QueryRowContext(ctx, "SELECT current_setting('app.tenant_id', true)").Scan(&v); err != nil {
						report("read setting: %v", err)
					} else if v.String != "" {
						report("pooled connection outside a transaction has app.tenant_id = %q", v.String)
					}
				}
			}
		})
	}
	wg.Wait()
	if more > 0 {
		problems = append(problems, fmt.Sprintf("… and %d more", more))
	}
	total := 0
	for _, t := range slices.Sorted(maps.Keys(leaked)) {
		problems = append(problems, fmt.Sprintf("%s: %d rows of other tenants leaked under load", t, leaked[t]))
		total += leaked[t]
	}
	if seen.Load() == 0 || committed.Load() == 0 || failed.Load() == 0 {
		problems = append(problems, fmt.Sprintf("vacuous run: %d own rows seen, %d committed, %d failed transactions",
			seen.Load(), committed.Load(), failed.Load()))
	}
	stats = fmt.Sprintf("%d transactions (%d committed, %d failing on purpose), %d own rows read, %d rows leaked",
		goroutines*perGoroutine, committed.Load(), failed.Load(), seen.Load(), total)
	return problems, stats
}

// isoDetector runs some of the checks above for a mutated table.
type isoDetector func(ctx context.Context, tb testing.TB, w *isoWorld, table string) []string

var (
	isoDetectSelectAsApp isoDetector = func(ctx context.Context, _ testing.TB, w *isoWorld, table string) []string {
		return isoCheckSelect(ctx, w.app, w, []string{table})
	}
	isoDetectSelectAsOwner isoDetector = func(ctx context.Context, _ testing.TB, w *isoWorld, table string) []string {
		return isoCheckSelect(ctx, w.owner, w, []string{table})
	}
	isoDetectWrites isoDetector = func(ctx context.Context, _ testing.TB, w *isoWorld, table string) []string {
		return isoCheckWrites(ctx, w.app, w, []string{table}, w.A, w.B)
	}
	isoDetectForeignKeys isoDetector = func(ctx context.Context, _ testing.TB, w *isoWorld, _ string) []string {
		return isoCheckForeignKeys(ctx, w.app, w, w.A, w.B)
	}
	isoDetectUnique isoDetector = func(ctx context.Context, _ testing.TB, w *isoWorld, _ string) []string {
		p, _ := isoCheckUniquePerTenant(ctx, w.app, w, w.A, w.B)
		return p
	}
	isoDetectNoTenant isoDetector = func(ctx context.Context, tb testing.TB, w *isoWorld, _ string) []string {
		return isoCheckNoTenantLifecycle(ctx, tb, w)
	}
	isoDetectUnderLoad isoDetector = func(ctx context.Context, _ testing.TB, w *isoWorld, _ string) []string {
		p, _ := isoCheckConcurrent(ctx, w, 40, 5)
		return p
	}
	isoDetectLint isoDetector = func(ctx context.Context, _ testing.TB, w *isoWorld, _ string) []string {
		return lintSchema(ctx, w.owner)
	}
)

// isoMutation is one way of breaking tenant isolation on one table.
type isoMutation struct {
	table, name  string
	dropPolicies bool   // drop the table's policies first
	sql          string // then run this as the owner, {table} replaced by the quoted table name
	detectors    map[string]isoDetector
}

// isoRLSMutations are the ways row-level security itself breaks, for table.
// With RLS enabled and no policy PostgreSQL denies everything, so a dropped
// policy shows as missing rows; a permissive policy or disabled RLS shows as
// leaks and accepted cross-tenant writes; NO FORCE only changes what the
// owner sees, so it shows in the owner's run.
func isoRLSMutations(table string) []isoMutation {
	return []isoMutation{
		{
			table: table, name: "permissive policy", dropPolicies: true,
			sql:       "CREATE POLICY anything_goes ON {table} USING (true) WITH CHECK (true)",
			detectors: map[string]isoDetector{"select as app": isoDetectSelectAsApp, "writes as app": isoDetectWrites, "lint": isoDetectLint},
		},
		{
			table: table, name: "rls disabled",
			sql:       "ALTER TABLE {table} DISABLE ROW LEVEL SECURITY",
			detectors: map[string]isoDetector{"select as app": isoDetectSelectAsApp, "writes as app": isoDetectWrites, "lint": isoDetectLint},
		},
		{
			table: table, name: "rls not forced",
			sql:       "ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY",
			detectors: map[string]isoDetector{"select as owner": isoDetectSelectAsOwner, "lint": isoDetectLint},
		},
		{
			table: table, name: "policy dropped", dropPolicies: true,
			detectors: map[string]isoDetector{"select as app": isoDetectSelectAsApp, "lint": isoDetectLint},
		},
	}
}

// isoSchemaMutations break the other conventions the isolation relies on.
var isoSchemaMutations = []isoMutation{
	{
		// The concurrent run must see a leak too, not just the matrix.
		table: "orders", name: "permissive policy under load", dropPolicies: true,
		sql:       "CREATE POLICY anything_goes ON {table} USING (true) WITH CHECK (true)",
		detectors: map[string]isoDetector{"under load": isoDetectUnderLoad},
	},
	{
		table: "orders", name: "single-column foreign key",
		sql: `ALTER TABLE orders DROP CONSTRAINT orders_tenant_id_customer_id_fkey;
			ALTER TABLE customers ADD CONSTRAINT customers_id_key UNIQUE (id);
			ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id)`,
		detectors: map[string]isoDetector{"foreign keys": isoDetectForeignKeys, "lint": isoDetectLint},
	},
	{
		table: "products", name: "global unique key",
		sql:       `ALTER TABLE products ADD CONSTRAINT products_code_key UNIQUE (code)`,
		detectors: map[string]isoDetector{"unique keys": isoDetectUnique, "lint": isoDetectLint},
	},
	{
		// Matches nothing without a tenant, silently, instead of failing.
		table: "invoices", name: "lenient policy", dropPolicies: true,
		sql: `CREATE POLICY tenant_isolation ON {table}
			USING (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)
			WITH CHECK (tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid)`,
		detectors: map[string]isoDetector{"no tenant": isoDetectNoTenant, "lint": isoDetectLint},
	},
	{
		// Zero rows on a fresh connection, an error on a pooled one.
		table: "customers", name: "missing_ok policy", dropPolicies: true,
		sql: `CREATE POLICY tenant_isolation ON {table}
			USING (tenant_id = current_setting('app.tenant_id', true)::uuid)
			WITH CHECK (tenant_id = current_setting('app.tenant_id', true)::uuid)`,
		detectors: map[string]isoDetector{"no tenant": isoDetectNoTenant, "lint": isoDetectLint},
	},
}

// TestTenantIsolationMutations breaks tenant isolation one way at a time, in
// a fresh database each, and asserts that the checks pass before and report
// the broken table after: the proof that the isolation tests (and the lint)
// can fail. Every tenant-owned table gets one of the RLS mutations.
func TestTenantIsolationMutations(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tables, err := catalogTenantTables(ctx, pgtest.New(t).OpenOwner(t))
	if err != nil {
		t.Fatal(err)
	}
	// Every table gets one RLS mutation, the kinds taken in turn, so each
	// table's policy and each kind (on several tables) is proven detectable
	// while the database count, the bulk of the run time, stays low.
	mutations := slices.Clone(isoSchemaMutations)
	for i, table := range tables {
		kinds := isoRLSMutations(table)
		mutations = append(mutations, kinds[i%len(kinds)])
	}
	for _, m := range mutations {
		t.Run(m.table+"/"+m.name, func(t *testing.T) {
			t.Parallel()
			w := newIsoWorld(t, postgres.Options{})
			for _, name := range slices.Sorted(maps.Keys(m.detectors)) {
				if p := m.detectors[name](ctx, t, w, m.table); len(p) > 0 {
					t.Fatalf("%s reports problems before the mutation:\n  %s", name, strings.Join(p, "\n  "))
				}
			}
			isoMutate(t, w, m)
			for _, name := range slices.Sorted(maps.Keys(m.detectors)) {
				p := m.detectors[name](ctx, t, w, m.table)
				// Every check starts its lines with "<table>:" (the lint with
				// "table <table>:"); foreign keys are reported on their table.
				if !slices.ContainsFunc(p, func(line string) bool { return strings.Contains(line, m.table+":") }) {
					t.Errorf("%s did not detect the mutation; it reported %q", name, p)
					continue
				}
				t.Logf("%s detected it (%d problems), e.g. %s", name, len(p), p[0])
			}
		})
	}
}

// isoMutate applies m as the owner, in a transaction for tenant A: adding a
// foreign key validates existing rows, which FORCE subjects to the policy.
func isoMutate(tb testing.TB, w *isoWorld, m isoMutation) {
	tb.Helper()
	ctx := context.Background()
	ident := pgx.Identifier{m.table}.Sanitize()
	err := w.owner.InTx(ctx, isoID(w.A.Tenant), func(ctx context.Context, tx bun.Tx) error {
		if m.dropPolicies {
			var policies []string
			if err := tx.NewRaw("SELECT polname FROM pg_policy WHERE polrelid = ?::regclass", ident).Scan(ctx, &policies); err != nil {
				return err
			}
			if len(policies) == 0 {
				return fmt.Errorf("%s has no policy to drop", m.table)
			}
			for _, p := range policies {
				if _, err := tx.ExecContext(ctx, "DROP POLICY "+pgx.Identifier{p}.Sanitize()+" ON "+ident); err != nil {
					return err
				}
			}
		}
		if m.sql == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, strings.ReplaceAll(m.sql, "{table}", ident))
		return err
	})
	if err != nil {
		tb.Fatalf("mutate %s (%s): %v", m.table, m.name, err)
	}
}

// TestTenantIsolationPreparedReads: the customer reads' pool prepares its
// statements once per connection and PostgreSQL switches them to generic
// plans, made once for whichever tenant came first; row-level security
// must still apply to each execution (its policies read current_setting at
// run time). One connection serves the three tenants in turn, each table's
// count read 8 times per tenant through both InTenantReadConn and
// InTenantReadBatch: a statement without parameters runs its generic plan
// from the first execution, so every read after the first tenant's reuses
// a plan made for another tenant.
func TestTenantIsolationPreparedReads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	w := newIsoWorld(t, postgres.Options{MaxConns: 1})
	var problems []string
	for round := range 8 {
		for _, fx := range w.fixtures() {
			tctx := tenants.NewContext(ctx, &tenants.Tenant{ID: isoID(fx.Tenant)})
			for _, table := range w.tables {
				q := "SELECT count(*) FROM " + pgx.Identifier{table}.Sanitize()
				var viaConn, viaBatch int
				err := w.app.InTenantReadConn(tctx, time.Second, func(ctx context.Context, b *postgres.ReadBatch) error {
					b.QueryRow(func(row pgx.Row) error { return row.Scan(&viaConn) }, q)
					return b.Send(ctx)
				})
				if err != nil {
					t.Fatalf("%s, %s: %v", fx, table, err)
				}
				err = w.app.InTenantReadBatch(tctx, time.Second, func(b *postgres.ReadBatch) {
					b.QueryRow(func(row pgx.Row) error { return row.Scan(&viaBatch) }, q)
				})
				if err != nil {
					t.Fatalf("%s, %s (batch): %v", fx, table, err)
				}
				if want := w.counts[table][fx.Tenant]; viaConn != want || viaBatch != want {
					problems = append(problems, fmt.Sprintf("round %d: %s counts %d (batch: %d) rows of %s, want %d", round, fx, viaConn, viaBatch, table, want))
				}
			}
		}
	}
	isoReport(t, "prepared reads", problems)
	// The statements were prepared (not re-sent as text) and ran on generic
	// plans: what the test is about.
	var generic int
	err := w.app.InTenantReadConn(tenants.NewContext(ctx, &tenants.Tenant{ID: isoID(w.A.Tenant)}), time.Second,
		func(ctx context.Context, b *postgres.ReadBatch) error {
			b.QueryRow(func(row pgx.Row) error { return row.Scan(&generic) },
				"SELECT coalesce(sum(generic_plans), 0)::int FROM pg_prepared_statements WHERE statement LIKE 'SELECT count(*) FROM %'")
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(w.tables) * 3 * 8 * 2; generic < want {
		t.Errorf("%d executions on generic plans, want %d (every one)", generic, want)
	}
	t.Logf("%d tables, %d executions on generic plans", len(w.tables), generic)
}
