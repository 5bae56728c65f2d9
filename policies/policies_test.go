package policies

import (
	"cmp"
	"slices"
	"strings"
	"sync"
	"testing"
)

// roles is the column order of matrix below.
var roles = []string{RoleAdmin, RoleBuyer, RoleViewer, RoleFinance, RoleTenantAdmin, RoleSalesRep}

// matrix is THE role matrix, written out by hand and not derived from
// policy.csv: one row per permission, one column per role in the order of
// roles, the role's letter where it is allowed and "." where it is denied
// (A=admin B=buyer V=viewer F=finance T=tenant_admin S=sales_rep). Changing
// who may do what means changing policy.csv and this table together.
var matrix = []struct {
	p    Permission
	want string
}{
	// Customer: reading what the account shows. Viewer reads all of it;
	// Buyer and Finance read at least what Viewer reads.
	{DashboardRead, "ABVF.."},
	{CatalogRead, "ABVF.."},
	{CatalogPrice, "ABVF.."},
	{OrdersRead, "ABVF.."},
	{ApprovalsRead, "ABVF.."},
	{QuotesRead, "ABVF.."},
	{InvoicesRead, "ABVF.."},
	{ReceiptsRead, "ABVF.."},
	{CreditNotesRead, "ABVF.."},
	{StatementsRead, "ABVF.."},
	{ShipmentsRead, "ABVF.."},
	{DocumentsRead, "ABVF.."},
	{ReturnsRead, "ABVF.."},
	{PurchaseListsRead, "ABVF.."},
	{TicketsRead, "ABVF.."},
	{AddressesRead, "ABVF.."},

	// Customer: buying. Finance never orders; Viewer never writes.
	{CartManage, "AB...."},
	{OrdersCreate, "AB...."},
	{OrdersReorder, "AB...."},
	{OrdersCancel, "AB...."},
	{QuotesRequest, "AB...."},
	{QuotesAccept, "AB...."},
	{ReturnsRequest, "AB...."},
	{PurchaseListsManage, "AB...."},
	{TicketsCreate, "AB.F.."},

	// Customer: paying. Buyer never pays.
	{InvoicesPay, "A..F.."},
	{PaymentMethodsRead, "A..F.."},
	{PaymentMethodsManage, "A..F.."},

	// Customer: administering the account.
	{ApprovalsApprove, "A....."},
	{AddressesManage, "A....."},
	{CustomerUsersRead, "A....."},
	{CustomerUsersManage, "A....."},
	{AuditLogRead, "A....."},

	// Self-service: everyone.
	{ProfileRead, "ABVFTS"},
	{ProfileUpdate, "ABVFTS"},
	{NotificationsManage, "ABVFTS"},

	// Staff.
	{AccessRequestsApprove, "....TS"},
	{CustomersRead, "....TS"},
	{QuotesRespond, "....TS"},
	{TicketsRespond, "....TS"},
	{CustomersManage, "....T."},
	{SettingsManage, "....T."},
	{BrandingManage, "....T."},
	{APIKeysManage, "....T."},
	{WebhooksManage, "....T."},
	{StaffUsersRead, "....T."},
	{StaffUsersManage, "....T."},

	// Product reviews (issue 8).
	{ReviewsWrite, "AB...."},
	{ReviewsModerate, "....T."},
}

// staffOnly and customerRoles restate by hand which side is which, for the
// test that the two never meet.
var (
	customerRoles = []string{RoleAdmin, RoleBuyer, RoleViewer, RoleFinance}
	staffRoles    = []string{RoleTenantAdmin, RoleSalesRep}
	staffOnly     = []Permission{SettingsManage, BrandingManage, APIKeysManage, WebhooksManage,
		AccessRequestsApprove, CustomersRead, CustomersManage, QuotesRespond, TicketsRespond,
		StaffUsersRead, StaffUsersManage,
		ReviewsModerate} // product reviews (issue 8)
	selfService = []Permission{ProfileRead, ProfileUpdate, NotificationsManage}
)

const (
	tenantX = "6f1c2a8e-0000-4000-8000-00000000000x" // customised in some tests
	tenantY = "6f1c2a8e-0000-4000-8000-00000000000y" // never customised
)

func mustNew(t testing.TB) *Authorizer {
	t.Helper()
	a, err := New()
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// want reads the matrix cell of role for row.
func want(t *testing.T, mask, role string) bool {
	t.Helper()
	if len(mask) != len(roles) {
		t.Fatalf("mask %q: want %d columns", mask, len(roles))
	}
	i := slices.Index(roles, role)
	letter := strings.ToUpper(role[:1])
	switch mask[i : i+1] {
	case letter:
		return true
	case ".":
		return false
	}
	t.Fatalf("mask %q column %d: want %q or \".\" for %s", mask, i, letter, role)
	return false
}

func TestMatrix(t *testing.T) {
	a := mustNew(t)
	for _, tenant := range []string{DefaultDomain, tenantY} {
		for _, row := range matrix {
			for _, role := range roles {
				if got, w := a.Allowed(tenant, role, row.p), want(t, row.want, role); got != w {
					t.Errorf("Allowed(%s, %s, %s) = %v, want %v", tenant, role, row.p, got, w)
				}
			}
		}
	}
}

// TestMatrixIsComplete: the table covers every permission the code declares
// and every permission the policy grants, so a row added to policy.csv or a
// new constant cannot escape the table.
func TestMatrixIsComplete(t *testing.T) {
	inTable := make(map[Permission]bool)
	for _, row := range matrix {
		if inTable[row.p] {
			t.Errorf("%s appears twice in the table", row.p)
		}
		inTable[row.p] = true
	}
	for p := range known {
		if !inTable[p] {
			t.Errorf("declared permission %s is missing from the table", p)
		}
	}
	a := mustNew(t)
	policy, err := a.Enforcer().GetPolicy()
	if err != nil {
		t.Fatal(err)
	}
	if len(policy) == 0 {
		t.Fatal("the default policy is empty")
	}
	for _, r := range policy {
		if p := (Permission{r[2], r[3]}); !inTable[p] {
			t.Errorf("policy.csv grants %s, which the table does not list", p)
		}
		if !slices.Contains(roles, r[0]) {
			t.Errorf("policy.csv names role %q, which the table does not list", r[0])
		}
	}
}

// TestRoleLattice states the shape of the matrix: Viewer reads, Buyer and
// Finance each add their own writes on top of Viewer, and Admin holds both.
func TestRoleLattice(t *testing.T) {
	a := mustNew(t)
	has := func(role string) map[Permission]bool {
		m := make(map[Permission]bool)
		for _, p := range a.Permissions(DefaultDomain, role) {
			m[p] = true
		}
		return m
	}
	viewer, buyer, finance, admin := has(RoleViewer), has(RoleBuyer), has(RoleFinance), has(RoleAdmin)
	for p := range viewer {
		if p.Action != "read" && p != CatalogPrice && !slices.Contains(selfService, p) {
			t.Errorf("viewer may %s, which is not a read", p)
		}
		if !buyer[p] || !finance[p] {
			t.Errorf("viewer may %s but buyer (%v) or finance (%v) may not", p, buyer[p], finance[p])
		}
	}
	for _, m := range []map[Permission]bool{buyer, finance} {
		for p := range m {
			if !admin[p] {
				t.Errorf("buyer or finance may %s but admin may not", p)
			}
		}
	}
}

func TestUnknownIsDenied(t *testing.T) {
	a := mustNew(t)
	for _, role := range []string{"", "Admin", "admin ", "superuser", "user-42", "*"} {
		for _, row := range matrix {
			if a.Allowed(tenantY, role, row.p) {
				t.Errorf("unknown role %q may %s", role, row.p)
			}
		}
		if got := a.Permissions(tenantY, role); got != nil {
			t.Errorf("Permissions(%q) = %v, want nil", role, got)
		}
	}
	for _, p := range []Permission{{}, {"orders", ""}, {"", "read"}, {"orders", "delete"}, {"Orders", "read"}, {"orders", "read "}, {"*", "*"}} {
		for _, role := range roles {
			if a.Allowed(tenantY, role, p) {
				t.Errorf("%s may do unknown permission %q", role, p)
			}
		}
	}
	// An empty tenant is a bug upstream (no tenant resolved): fail closed
	// rather than fall back to the default matrix.
	if a.Allowed("", RoleAdmin, OrdersRead) || a.Permissions("", RoleAdmin) != nil {
		t.Error("an empty tenant ID is allowed something")
	}
}

func TestCustomerAndStaffNeverMeet(t *testing.T) {
	a := mustNew(t)
	for _, role := range customerRoles {
		for _, p := range a.Permissions(tenantY, role) {
			if slices.Contains(staffOnly, p) {
				t.Errorf("customer role %s has staff permission %s", role, p)
			}
		}
	}
	for _, role := range staffRoles {
		for _, p := range a.Permissions(tenantY, role) {
			if !slices.Contains(staffOnly, p) && !slices.Contains(selfService, p) {
				t.Errorf("staff role %s has customer permission %s", role, p)
			}
		}
	}

	// A tenant's customisation cannot cross the line either: Reload refuses
	// it and the previous table stays in force.
	e := a.Enforcer()
	for _, rule := range [][]string{
		{RoleAdmin, tenantX, CustomersManage.Object, CustomersManage.Action, "allow"},
		{RoleSalesRep, tenantX, OrdersCreate.Object, OrdersCreate.Action, "allow"},
	} {
		if _, err := e.AddPolicy(rule); err != nil {
			t.Fatal(err)
		}
		if err := a.Reload(); err == nil {
			t.Errorf("Reload accepted %v", rule)
		}
		if a.Allowed(tenantX, rule[0], Permission{rule[2], rule[3]}) {
			t.Errorf("%v took effect although Reload failed", rule)
		}
		if _, err := e.RemovePolicy(rule); err != nil {
			t.Fatal(err)
		}
	}
	// The same holds for a customised role that inherits from both sides.
	if _, err := e.AddGroupingPolicies([][]string{{"hybrid", RoleBuyer, tenantX}, {"hybrid", RoleSalesRep, tenantX}}); err != nil {
		t.Fatal(err)
	}
	if err := a.Reload(); err == nil {
		t.Error("Reload accepted a role inheriting from buyer and sales_rep")
	}
}

// customise gives tenantX its own rows: a deny, an extra allow and a custom
// role that inherits from buyer.
func customise(t testing.TB, a *Authorizer) {
	t.Helper()
	e := a.Enforcer()
	rules := [][]string{
		{RoleViewer, tenantX, "invoices", "read", "deny"},
		{RoleBuyer, tenantX, "invoices", "pay", "allow"},
		{"purchasing_manager", tenantX, "approvals", "approve", "allow"},
	}
	if ok, err := e.AddPolicies(rules); err != nil || !ok {
		t.Fatalf("AddPolicies: %v, %v", ok, err)
	}
	if ok, err := e.AddGroupingPolicy("purchasing_manager", RoleBuyer, tenantX); err != nil || !ok {
		t.Fatalf("AddGroupingPolicy: %v, %v", ok, err)
	}
}

func TestTenantCustomisation(t *testing.T) {
	a := mustNew(t)
	customise(t, a)

	// Until Reload, the fast path still answers from the old table.
	if a.Allowed(tenantX, RoleBuyer, InvoicesPay) {
		t.Fatal("the customisation took effect before Reload")
	}
	if err := a.Reload(); err != nil {
		t.Fatal(err)
	}

	for _, c := range []struct {
		tenant, role string
		p            Permission
		want         bool
	}{
		{tenantX, RoleBuyer, InvoicesPay, true},             // extended
		{tenantX, RoleViewer, InvoicesRead, false},          // denied
		{tenantX, RoleViewer, OrdersRead, true},             // the rest of the default still applies
		{tenantX, RoleAdmin, InvoicesRead, true},            // a deny for viewer touches only viewer
		{tenantX, "purchasing_manager", OrdersCreate, true}, // inherited from buyer
		{tenantX, "purchasing_manager", ApprovalsApprove, true},
		{tenantX, "purchasing_manager", InvoicesPay, true}, // buyer's tenant row is inherited too
		{tenantX, "purchasing_manager", CustomerUsersManage, false},
		{tenantY, RoleBuyer, InvoicesPay, false}, // other tenants keep the default
		{tenantY, RoleViewer, InvoicesRead, true},
		{tenantY, "purchasing_manager", OrdersCreate, false},
		{DefaultDomain, RoleBuyer, InvoicesPay, false},
		{DefaultDomain, RoleViewer, InvoicesRead, true},
	} {
		if got := a.Allowed(c.tenant, c.role, c.p); got != c.want {
			t.Errorf("Allowed(%s, %s, %s) = %v, want %v", c.tenant, c.role, c.p, got, c.want)
		}
	}
	if got := a.Permissions(tenantX, RoleBuyer); !slices.Contains(got, InvoicesPay) {
		t.Errorf("Permissions(tenantX, buyer) = %v, want it to include %s", got, InvoicesPay)
	}
	if got := a.Permissions(tenantY, RoleBuyer); slices.Contains(got, InvoicesPay) {
		t.Errorf("Permissions(tenantY, buyer) = %v, want no %s", got, InvoicesPay)
	}
}

// TestFastPathAgreesWithCasbin: the table must answer exactly as Casbin's
// Enforce does, for every domain, role and permission, known or not, with and
// without a tenant's customisation.
func TestFastPathAgreesWithCasbin(t *testing.T) {
	a := mustNew(t)
	allRoles := append(slices.Clone(roles), "purchasing_manager", "superuser", "")
	perms := []Permission{{"orders", "delete"}, {"", ""}}
	for _, row := range matrix {
		perms = append(perms, row.p)
	}
	check := func(stage string) {
		t.Helper()
		n := 0
		for _, dom := range []string{DefaultDomain, tenantX, tenantY} {
			for _, role := range allRoles {
				for _, p := range perms {
					w, err := a.Enforcer().Enforce(role, dom, p.Object, p.Action)
					if err != nil {
						t.Fatal(err)
					}
					if got := a.Allowed(dom, role, p); got != w {
						t.Errorf("%s: Allowed(%s, %s, %s) = %v, Enforce = %v", stage, dom, role, p, got, w)
					}
					if w {
						n++
					}
				}
			}
		}
		if n == 0 {
			t.Fatalf("%s: Enforce allowed nothing; the comparison proves nothing", stage)
		}
	}
	check("default")
	customise(t, a)
	if err := a.Reload(); err != nil {
		t.Fatal(err)
	}
	check("customised")
}

func TestPermissions(t *testing.T) {
	a := mustNew(t)
	for _, role := range roles {
		var w []Permission
		for _, row := range matrix {
			if want(t, row.want, role) {
				w = append(w, row.p)
			}
		}
		got := a.Permissions(tenantY, role)
		byObjectThenAction := func(x, y Permission) int {
			return cmp.Or(strings.Compare(x.Object, y.Object), strings.Compare(x.Action, y.Action))
		}
		if !slices.IsSortedFunc(got, byObjectThenAction) {
			t.Errorf("Permissions(%s) is not sorted: %v", role, got)
		}
		slices.SortFunc(w, byObjectThenAction)
		if !slices.Equal(got, w) {
			t.Errorf("Permissions(%s) = %v, want %v", role, got, w)
		}
		// The slice belongs to the caller.
		if len(got) > 0 {
			got[0] = Permission{"x", "y"}
			if a.Permissions(tenantY, role)[0] == got[0] {
				t.Errorf("Permissions(%s) shares its slice", role)
			}
		}
	}
}

func TestPermissionString(t *testing.T) {
	if got := CreditNotesRead.String(); got != "credit_notes:read" {
		t.Errorf("String() = %q", got)
	}
}

// TestDefaultPolicyIsStrict: the string adapter would drop a bad line
// silently, so New checks the embedded file itself.
func TestDefaultPolicyIsStrict(t *testing.T) {
	good := "p, admin, *, orders, read, allow\n"
	if _, err := newAuthorizer(modelText, good); err != nil {
		t.Fatalf("a valid one-line policy: %v", err)
	}
	for name, text := range map[string]string{
		"duplicate":         good + good,
		"missing effect":    "p, admin, *, orders, read\n",
		"extra field":       "p, admin, *, orders, read, allow, x\n",
		"bad effect":        "p, admin, *, orders, read, maybe\n",
		"tenant domain":     "p, admin, tenant-1, orders, read, allow\n",
		"inheritance":       good + "g, admin, buyer, *\n",
		"empty role":        "p, , *, orders, read, allow\n",
		"unknown object":    "p, admin, *, order, read, allow\n",
		"unknown action":    "p, admin, *, orders, write, allow\n",
		"mixed role":        good + "p, admin, *, settings, manage, allow\n",
		"unbalanced quotes": "p, \"admin, *, orders, read, allow\n",
	} {
		if _, err := newAuthorizer(modelText, text); err == nil {
			t.Errorf("%s: New accepted %q", name, text)
		}
	}
}

func TestReloadRejectsDefaultDomainInheritance(t *testing.T) {
	a := mustNew(t)
	if _, err := a.Enforcer().AddGroupingPolicy("senior_buyer", RoleBuyer, DefaultDomain); err != nil {
		t.Fatal(err)
	}
	if err := a.Reload(); err == nil {
		t.Error("Reload accepted role inheritance in the default domain")
	}
}

// TestConcurrentReload is meant for -race: checks keep running while the
// table is rebuilt.
func TestConcurrentReload(t *testing.T) {
	a := mustNew(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if !a.Allowed(tenantY, RoleAdmin, OrdersRead) {
					t.Error("admin lost orders:read during Reload")
					return
				}
				_ = a.Permissions(tenantX, RoleBuyer)
			}
		}()
	}
	for range 5 {
		if err := a.Reload(); err != nil {
			t.Error(err)
		}
	}
	close(stop)
	wg.Wait()
}
