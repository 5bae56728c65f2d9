// Package policies holds the portal's authorization: the Casbin model and the
// default role → permission matrix (model.conf, policy.csv, embedded), the
// role and permission names that routes declare, and the Authorizer that
// answers "may role R in tenant T do this?".
//
// Casbin holds the role matrix, not the memberships (CONVENTIONS.md,
// amendments): a user's role comes from PostgreSQL with the session, so the
// subjects here are roles and the number of users never reaches this
// package. Casbin stays the source of truth, but requests never call its
// Enforce (tens of microseconds and allocation-heavy, reference/stack-notes.md
// §3): the Authorizer evaluates every (tenant, role, permission) once, when it
// loads, and answers from the resulting table in tens of nanoseconds.
package policies

import (
	"cmp"
	_ "embed"
	"encoding/csv"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	stringadapter "github.com/casbin/casbin/v2/persist/string-adapter"
)

//go:embed model.conf
var modelText string

//go:embed policy.csv
var policyText string

// DefaultDomain is the Casbin domain of the default matrix. A tenant with no
// rows of its own gets exactly the default; tenant IDs are UUIDs, so no tenant
// can be named "*".
const DefaultDomain = "*"

// Roles. Customer roles (spec 001 "Multi-User Access") belong to a user's
// membership in a customer account; staff roles to the tenant's own people
// (DESIGN.md §2). They are plain strings because the role arrives as text from
// PostgreSQL with the session; Allowed denies any string it does not know.
const (
	RoleAdmin       = "admin"        // customer: everything for the account, incl. its users and audit log
	RoleBuyer       = "buyer"        // customer: shop, quote, order, reorder, view history; never pays, never manages users
	RoleViewer      = "viewer"       // customer: read only
	RoleFinance     = "finance"      // customer: invoices, statements, receipts, credit notes, payments, saved cards; never orders
	RoleTenantAdmin = "tenant_admin" // staff: every staff permission
	RoleSalesRep    = "sales_rep"    // staff: access requests, customers (read), quotes and tickets
)

// Permission is what a route declares it needs: an action on an object, the
// obj and act of a Casbin request. Routes use the exported values below, never
// literals, so a typo fails to compile instead of silently denying.
type Permission struct {
	Object string
	Action string
}

// String returns "object:action", the capability name /api/v1/me sends and
// logs show.
func (p Permission) String() string { return p.Object + ":" + p.Action }

// Customer permissions: what a customer user may do in its own account. A
// permission says nothing about which rows: the handler still scopes every
// query to the user's customer account (and "own" to the user), and RLS to
// the tenant.
var (
	DashboardRead        = Permission{"dashboard", "read"}         // credit status, recent orders and invoices
	CatalogRead          = Permission{"catalog", "read"}           // browse and search the shop
	CatalogPrice         = Permission{"catalog", "price"}          // see the customer's own prices (a tenant may deny it: price visibility)
	CartManage           = Permission{"cart", "manage"}            // fill the cart, apply promo codes; checking out needs OrdersCreate
	OrdersRead           = Permission{"orders", "read"}            // order list, detail and tracking
	OrdersCreate         = Permission{"orders", "create"}          // place an order (checkout, quick order)
	OrdersReorder        = Permission{"orders", "reorder"}         // copy a past order into a new one
	OrdersCancel         = Permission{"orders", "cancel"}          // cancel an order still open
	ApprovalsRead        = Permission{"approvals", "read"}         // see orders waiting for approval
	ApprovalsApprove     = Permission{"approvals", "approve"}      // approve or reject a submitted order
	QuotesRead           = Permission{"quotes", "read"}            // quote list and detail
	QuotesRequest        = Permission{"quotes", "request"}         // ask for a quote
	QuotesAccept         = Permission{"quotes", "accept"}          // accept a quote, which commits to buy
	InvoicesRead         = Permission{"invoices", "read"}          // invoice list, detail and PDF
	InvoicesPay          = Permission{"invoices", "pay"}           // pay invoices online
	PaymentMethodsRead   = Permission{"payment_methods", "read"}   // list saved cards
	PaymentMethodsManage = Permission{"payment_methods", "manage"} // add or remove saved cards
	ReceiptsRead         = Permission{"receipts", "read"}          // payment receipts
	CreditNotesRead      = Permission{"credit_notes", "read"}      // credit notes (credit memos)
	StatementsRead       = Permission{"statements", "read"}        // account statements
	ShipmentsRead        = Permission{"shipments", "read"}         // shipments and tracking
	DocumentsRead        = Permission{"documents", "read"}         // view and download documents (packing slips, BOL, MTR, …)
	ReturnsRead          = Permission{"returns", "read"}           // return requests and their status
	ReturnsRequest       = Permission{"returns", "request"}        // request a return
	PurchaseListsRead    = Permission{"purchase_lists", "read"}    // saved purchase lists
	PurchaseListsManage  = Permission{"purchase_lists", "manage"}  // create, edit, share and delete purchase lists
	TicketsRead          = Permission{"tickets", "read"}           // the account's support tickets
	TicketsCreate        = Permission{"tickets", "create"}         // open a ticket or reply to one
	AddressesRead        = Permission{"addresses", "read"}         // the account's shipping and billing addresses
	AddressesManage      = Permission{"addresses", "manage"}       // add, edit and delete addresses
	CustomerUsersRead    = Permission{"customer_users", "read"}    // the account's users and their roles
	CustomerUsersManage  = Permission{"customer_users", "manage"}  // invite, change the role of, and remove users
	AuditLogRead         = Permission{"audit_log", "read"}         // the account's audit log
)

// Self-service permissions: every signed-in user, customer or staff, has
// them, and they concern only the user's own record.
var (
	ProfileRead         = Permission{"profile", "read"}         // one's own profile
	ProfileUpdate       = Permission{"profile", "update"}       // one's own contact details and password
	NotificationsManage = Permission{"notifications", "manage"} // one's own notification preferences
)

// Staff permissions: the tenant's own people at work in the staff area.
// Responding and approving include reading the queue they act on.
var (
	SettingsManage        = Permission{"settings", "manage"}         // the tenant's portal settings
	BrandingManage        = Permission{"branding", "manage"}         // logo, colours, texts
	APIKeysManage         = Permission{"api_keys", "manage"}         // storefront and back-office API keys
	WebhooksManage        = Permission{"webhooks", "manage"}         // outbound webhook endpoints and deliveries
	AccessRequestsApprove = Permission{"access_requests", "approve"} // approve or reject registrations and access requests
	CustomersRead         = Permission{"customers", "read"}          // customer accounts and their history
	CustomersManage       = Permission{"customers", "manage"}        // edit customer accounts and their users
	QuotesRespond         = Permission{"quotes", "respond"}          // price and send quotes
	TicketsRespond        = Permission{"tickets", "respond"}         // answer and close support tickets
	StaffUsersRead        = Permission{"staff_users", "read"}        // the tenant's staff users
	StaffUsersManage      = Permission{"staff_users", "manage"}      // invite, change the role of, and remove staff users
)

// Product reviews (issue 8, reorder/approvals/reviews): customers who buy
// write reviews of what they received; staff moderate them. Reading them
// is CatalogRead.
var (
	ReviewsWrite    = Permission{"reviews", "write"}    // rate a received product and edit one's review
	ReviewsModerate = Permission{"reviews", "moderate"} // staff: list every review, hide or show one
)

// scope says which kind of role may hold a permission.
type scope int

const (
	scopeCustomer scope = iota + 1
	scopeStaff
	scopeSelf
)

// known lists every permission the code declares. A policy row naming
// anything else is a typo or a permission no route checks, so loading
// refuses it; and no role may mix customer and staff permissions, so that a
// tenant's customisation cannot hand a customer user the staff area.
var known = map[Permission]scope{
	DashboardRead: scopeCustomer, CatalogRead: scopeCustomer, CatalogPrice: scopeCustomer,
	CartManage: scopeCustomer, OrdersRead: scopeCustomer, OrdersCreate: scopeCustomer,
	OrdersReorder: scopeCustomer, OrdersCancel: scopeCustomer, ApprovalsRead: scopeCustomer,
	ApprovalsApprove: scopeCustomer, QuotesRead: scopeCustomer, QuotesRequest: scopeCustomer,
	QuotesAccept: scopeCustomer, InvoicesRead: scopeCustomer, InvoicesPay: scopeCustomer,
	PaymentMethodsRead: scopeCustomer, PaymentMethodsManage: scopeCustomer, ReceiptsRead: scopeCustomer,
	CreditNotesRead: scopeCustomer, StatementsRead: scopeCustomer, ShipmentsRead: scopeCustomer,
	DocumentsRead: scopeCustomer, ReturnsRead: scopeCustomer, ReturnsRequest: scopeCustomer,
	PurchaseListsRead: scopeCustomer, PurchaseListsManage: scopeCustomer, TicketsRead: scopeCustomer,
	TicketsCreate: scopeCustomer, AddressesRead: scopeCustomer, AddressesManage: scopeCustomer,
	CustomerUsersRead: scopeCustomer, CustomerUsersManage: scopeCustomer, AuditLogRead: scopeCustomer,

	ProfileRead: scopeSelf, ProfileUpdate: scopeSelf, NotificationsManage: scopeSelf,

	SettingsManage: scopeStaff, BrandingManage: scopeStaff, APIKeysManage: scopeStaff,
	WebhooksManage: scopeStaff, AccessRequestsApprove: scopeStaff, CustomersRead: scopeStaff,
	CustomersManage: scopeStaff, QuotesRespond: scopeStaff, TicketsRespond: scopeStaff,
	StaffUsersRead: scopeStaff, StaffUsersManage: scopeStaff,

	// Product reviews (issue 8).
	ReviewsWrite: scopeCustomer, ReviewsModerate: scopeStaff,
}

// Authorizer answers whether a role may use a permission in a tenant. It is
// safe for concurrent use; build one with New at start-up and share it (the
// zero value is not usable).
type Authorizer struct {
	enforcer *casbin.SyncedEnforcer
	reload   sync.Mutex            // one Reload at a time
	table    atomic.Pointer[table] // swapped whole by Reload; Allowed never locks
}

// table is the effective policy, evaluated by Casbin for every domain that
// has rows of its own, every role and every known permission. Users are not
// in it, so its size depends only on the policy.
type table struct {
	domains map[string]map[string]map[Permission]struct{} // domain → role → permissions
}

// New builds the Authorizer from the embedded model and default matrix. It
// reads no file and no database at run time, and fails if the embedded policy
// is malformed, names an unknown permission or mixes customer and staff
// permissions in one role.
func New() (*Authorizer, error) {
	return newAuthorizer(modelText, policyText)
}

func newAuthorizer(modelText, policyText string) (*Authorizer, error) {
	rows, err := parseDefaultPolicy(policyText)
	if err != nil {
		return nil, err
	}
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("policies: model: %w", err)
	}
	e, err := casbin.NewSyncedEnforcer(m, stringadapter.NewAdapter(policyText))
	if err != nil {
		return nil, fmt.Errorf("policies: enforcer: %w", err)
	}
	// The string adapter skips lines it cannot parse without saying so;
	// parseDefaultPolicy has read the same text strictly, so the counts must
	// agree.
	loaded, err := e.GetPolicy()
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	if len(loaded) != rows {
		return nil, fmt.Errorf("policies: casbin loaded %d of the %d rows of policy.csv", len(loaded), rows)
	}
	// The embedded text is read-only: with auto-save on, Casbin would hand
	// every policy change to the string adapter, which cannot store rows and
	// panics on batches (it is no BatchAdapter).
	e.EnableAutoSave(false)
	a := &Authorizer{enforcer: e}
	if err := a.Reload(); err != nil {
		return nil, err
	}
	return a, nil
}

// parseDefaultPolicy checks the default matrix strictly and returns its
// number of rows: only "p, role, *, object, action, allow|deny" rows, no
// duplicates, no role inheritance (each role lists its permissions, so the
// file reads as the whole truth).
func parseDefaultPolicy(text string) (int, error) {
	seen := make(map[string]bool)
	for i, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		r := csv.NewReader(strings.NewReader(line))
		r.TrimLeadingSpace = true
		f, err := r.Read()
		if err != nil {
			return 0, fmt.Errorf("policies: policy.csv line %d: %w", i+1, err)
		}
		for j := range f {
			f[j] = strings.TrimSpace(f[j])
		}
		switch {
		case len(f) != 6 || f[0] != "p":
			return 0, fmt.Errorf("policies: policy.csv line %d: want \"p, role, *, object, action, allow|deny\"", i+1)
		case f[2] != DefaultDomain:
			return 0, fmt.Errorf("policies: policy.csv line %d: domain %q; the default matrix uses only %q", i+1, f[2], DefaultDomain)
		case f[5] != "allow" && f[5] != "deny":
			return 0, fmt.Errorf("policies: policy.csv line %d: effect %q is neither allow nor deny", i+1, f[5])
		case slices.Contains(f, ""):
			return 0, fmt.Errorf("policies: policy.csv line %d: empty field", i+1)
		}
		key := strings.Join(f, ",")
		if seen[key] {
			return 0, fmt.Errorf("policies: policy.csv line %d: duplicate row", i+1)
		}
		seen[key] = true
	}
	return len(seen), nil
}

// Enforcer returns the Casbin enforcer, the source of truth, for policy
// administration: a tenant customises by adding rows in its own domain (its
// tenant ID). Changes stay in memory, since nothing stores tenant rows yet
// (auto-save is off because the embedded policy is read-only; LoadPolicy
// would restore the defaults), and reach Allowed only through Reload. Never
// add users to it: a membership costs about 1 KB and slows every Enforce, and
// memberships live in PostgreSQL (CONVENTIONS.md, amendments).
func (a *Authorizer) Enforcer() *casbin.SyncedEnforcer { return a.enforcer }

// Reload evaluates the enforcer's current policy into the table that Allowed
// and Permissions read, and swaps it in atomically; checks running meanwhile
// see the old table or the new one, never a mix. It costs one Enforce per
// role and known permission, for the default and for each customised tenant
// (about 300 calls, some 20 ms, per domain), so call it when the policy
// changes, never per request.
// If the policy names an unknown permission, gives a role both customer and
// staff permissions, or puts role inheritance in the default domain, Reload
// returns an error and the previous table stays in force.
func (a *Authorizer) Reload() error {
	a.reload.Lock()
	defer a.reload.Unlock()
	t, err := evaluate(a.enforcer)
	if err != nil {
		return err
	}
	a.table.Store(t)
	return nil
}

// evaluate asks Casbin about every (domain, role, known permission) under the
// enforcer's read lock, so that the table reflects one consistent policy.
func evaluate(se *casbin.SyncedEnforcer) (*table, error) {
	lock := se.GetLock()
	lock.RLock()
	defer lock.RUnlock()
	e := se.Enforcer // the unsynchronised methods: we hold the lock

	policy, err := e.GetPolicy()
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	grouping, err := e.GetGroupingPolicy()
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	domains := map[string]bool{DefaultDomain: true}
	roles := make(map[string]bool)
	for _, r := range policy {
		if len(r) != 5 {
			return nil, fmt.Errorf("policies: row %q: want role, domain, object, action, effect", r)
		}
		if _, ok := known[Permission{r[2], r[3]}]; !ok {
			return nil, fmt.Errorf("policies: row %q: unknown permission %s:%s", r, r[2], r[3])
		}
		roles[r[0]], domains[r[1]] = true, true
	}
	for _, g := range grouping {
		if len(g) != 3 {
			return nil, fmt.Errorf("policies: role inheritance %q: want role, base role, tenant", g)
		}
		// The default domain's table stands in for every tenant without
		// rows, but Casbin applies a g row only in its own domain: with "*"
		// here the table would answer differently from Enforce.
		if g[2] == DefaultDomain {
			return nil, fmt.Errorf("policies: role inheritance %q: name a tenant, not %q", g, DefaultDomain)
		}
		roles[g[0]], roles[g[1]], domains[g[2]] = true, true, true
	}

	t := &table{domains: make(map[string]map[string]map[Permission]struct{}, len(domains))}
	for dom := range domains {
		byRole := make(map[string]map[Permission]struct{})
		for role := range roles {
			var customer, staff Permission
			set := make(map[Permission]struct{})
			for p, s := range known {
				ok, err := e.Enforce(role, dom, p.Object, p.Action)
				if err != nil {
					return nil, fmt.Errorf("policies: enforce %s %s %s: %w", role, dom, p, err)
				}
				if !ok {
					continue
				}
				set[p] = struct{}{}
				switch s {
				case scopeCustomer:
					customer = p
				case scopeStaff:
					staff = p
				}
			}
			if customer != (Permission{}) && staff != (Permission{}) {
				return nil, fmt.Errorf("policies: role %q in domain %q has customer permission %s and staff permission %s; a role is one or the other", role, dom, customer, staff)
			}
			if len(set) > 0 {
				byRole[role] = set
			}
		}
		t.domains[dom] = byRole
	}
	return t, nil
}

// Allowed reports whether role may use p in the tenant. A tenant without rows
// of its own gets the default matrix. An empty tenant ID, an unknown role or
// an unknown permission is denied. It reads a precomputed table: no lock, no
// allocation, no Casbin call.
func (a *Authorizer) Allowed(tenantID, role string, p Permission) bool {
	if tenantID == "" {
		return false
	}
	_, ok := a.roles(tenantID)[role][p]
	return ok
}

// Permissions returns what role may do in the tenant, sorted by object then
// action: the capabilities /api/v1/me sends, so that the UI shows only what
// the server will allow. It returns nil when Allowed would deny everything.
// The slice is the caller's.
func (a *Authorizer) Permissions(tenantID, role string) []Permission {
	if tenantID == "" {
		return nil
	}
	set := a.roles(tenantID)[role]
	if len(set) == 0 {
		return nil
	}
	list := make([]Permission, 0, len(set))
	for p := range set {
		list = append(list, p)
	}
	slices.SortFunc(list, func(x, y Permission) int {
		return cmp.Or(cmp.Compare(x.Object, y.Object), cmp.Compare(x.Action, y.Action))
	})
	return list
}

// roles returns the tenant's role table, or the default one when the tenant
// has no rows of its own.
func (a *Authorizer) roles(tenantID string) map[string]map[Permission]struct{} {
	t := a.table.Load()
	if byRole, ok := t.domains[tenantID]; ok {
		return byRole
	}
	return t.domains[DefaultDomain]
}
