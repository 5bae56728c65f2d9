package components

import (
	"strings"
	"testing"

	"example.com/portal/app/brand"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// render mounts c in a test engine (server mode, as when pre-rendering) and
// returns its HTML. Asserting on HTML rather than on child-index paths keeps
// the tests valid when a wrapper element is added.
func render(t *testing.T, c app.Composer) string {
	t.Helper()
	e := app.NewTestEngine()
	if err := e.Load(c); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return app.HTMLString(c)
}

var acme = brand.Brand{
	Name: "Acme Metals", ShortName: "Acme", PrimaryColor: "#c0392b", AccentColor: "#2c3e50", BackgroundColor: "#fff5f3",
	SupportEmail: "help@acme.example", SupportPhone: "+1 (555) 010-2000",
}

func TestMenuRendersOnlyBuiltEntries(t *testing.T) {
	items := []MenuItem{
		{Label: "Dashboard", Path: "/portal", Built: true},
		{Label: "Shop", Path: "/portal/shop"},
		{Label: "My Orders", Path: "/portal/orders", Built: true},
		{Label: "Invoices", Path: "/portal/invoices"},
	}
	html := render(t, NewMainMenu().Items(items).Current("/portal/orders/SO-1"))

	for _, want := range []string{`href="/portal"`, ">Dashboard<", `href="/portal/orders"`, ">My Orders<"} {
		if !strings.Contains(html, want) {
			t.Errorf("menu lacks %s:\n%s", want, html)
		}
	}
	for _, unwanted := range []string{"Shop", "/portal/shop", "Invoices", "/portal/invoices"} {
		if strings.Contains(html, unwanted) {
			t.Errorf("menu renders unbuilt entry %q:\n%s", unwanted, html)
		}
	}
	if n := strings.Count(html, "<li"); n != 2 {
		t.Errorf("menu has %d entries, want 2", n)
	}
	// The order page is under My Orders, not under the dashboard.
	if n := strings.Count(html, `aria-current="page"`); n != 1 {
		t.Fatalf("%d entries marked current, want 1:\n%s", n, html)
	}
	cur := html[strings.Index(html, `aria-current="page"`):]
	if i := strings.Index(cur, "</a>"); !strings.Contains(cur[:i], "My Orders") {
		t.Errorf("current entry is not My Orders:\n%s", html)
	}
}

func TestMenuTableFollowsSpec(t *testing.T) {
	want := []string{"Dashboard", "Shop", "My Orders", "Quotations", "Invoices", "Receipts", "Shipments",
		"Credit Notes", "Returns", "Purchase Lists", "Support Tickets"}
	if len(Menu) != len(want) {
		t.Fatalf("Menu has %d entries, spec 001 lists %d", len(Menu), len(want))
	}
	paths := map[string]bool{}
	for i, it := range Menu {
		if it.Label != want[i] {
			t.Errorf("Menu[%d] = %q, want %q (spec order)", i, it.Label, want[i])
		}
		if !strings.HasPrefix(it.Path, "/portal") || paths[it.Path] {
			t.Errorf("Menu[%d] path %q: must be unique and under /portal", i, it.Path)
		}
		paths[it.Path] = true
	}
	// Today the dashboard, My Orders, Invoices, Receipts, Shipments and Credit
	// Notes exist; the real menu renders those alone.
	html := render(t, NewMainMenu().Current("/portal"))
	if n := strings.Count(html, "<li"); n != len(BuiltItems(Menu)) || n != 9 { // 9: the shop, purchase lists and quotations (issue 8)
		t.Errorf("real menu renders %d entries, want exactly the %d built one(s):\n%s", n, len(BuiltItems(Menu)), html)
	}
	for _, href := range []string{`href="/portal"`, `href="/portal/orders"`, `href="/portal/invoices"`, `href="/portal/shipments"`,
		`href="/portal/receipts"`, `href="/portal/credit-notes"`, `href="/portal/lists"`, `href="/portal/quotes"`} {
		if !strings.Contains(html, href) {
			t.Errorf("real menu lacks %s:\n%s", href, html)
		}
	}
}

func TestActive(t *testing.T) {
	tests := []struct {
		item, current string
		want          bool
	}{
		{"/portal", "/portal", true},
		{"/portal", "/", true},
		{"/portal", "/portal/orders", false},
		{"/portal/orders", "/portal/orders", true},
		{"/portal/orders", "/portal/orders/SO-1/reorder", true},
		{"/portal/orders", "/portal/ordersx", false},
	}
	for _, tt := range tests {
		if got := active(tt.item, tt.current); got != tt.want {
			t.Errorf("active(%q, %q) = %v, want %v", tt.item, tt.current, got, tt.want)
		}
	}
}

func TestLayoutRendersBrand(t *testing.T) {
	html := render(t, NewLayout().Brand(acme).Path("/portal").Content(app.P().Text("page body")))
	for _, want := range []string{
		"Acme Metals",                       // header name
		`class="portal-header"`,             // branded header
		`href="/portal/login"`, ">Sign in<", // sign-in placeholder
		"mailto:help@acme.example",  // footer e-mail
		`href="tel:+15550102000"`,   // footer phone, dialable
		"+1 (555) 010-2000",         // phone as written
		">AM<",                      // initials: Acme has no logo
		"page body",                 // the page's content
		`id="main"`, `href="#main"`, // skip link target
		`aria-label="Main menu"`, // the menu
	} {
		if !strings.Contains(html, want) {
			t.Errorf("layout lacks %s:\n%s", want, html)
		}
	}

	b := acme
	b.Name, b.LogoURL, b.SupportPhone = "Beta Steel", "/web/tenants/beta/logo.svg", ""
	html = render(t, NewLayout().Brand(b).SignedInAs("Jane Buyer"))
	for _, want := range []string{"Beta Steel", `src="/web/tenants/beta/logo.svg"`, "Jane Buyer"} {
		if !strings.Contains(html, want) {
			t.Errorf("layout lacks %s:\n%s", want, html)
		}
	}
	for _, unwanted := range []string{"Acme", "tel:", ">Sign in<"} {
		if strings.Contains(html, unwanted) {
			t.Errorf("layout shows %q:\n%s", unwanted, html)
		}
	}
}

func TestTelURI(t *testing.T) {
	for in, want := range map[string]string{
		"+1 (555) 010-2000": "+15550102000",
		"0800 123 456":      "0800123456",
		"555-0100 ext. 12":  "555010012",
		"1+2":               "12",
	} {
		if got := TelURI(in); got != want {
			t.Errorf("TelURI(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestHeaderAccount(t *testing.T) {
	tests := []struct {
		name     string
		header   *Header
		want     []string
		unwanted []string
	}{
		{
			name:     "signed out",
			header:   NewHeader().Brand(acme).Path("/portal"),
			want:     []string{`href="/portal/login"`, ">Sign in<"},
			unwanted: []string{"signout", "Sign out"},
		},
		{
			name:     "signed out, on the sign-in page",
			header:   NewHeader().Brand(acme).Path(PathLogin),
			unwanted: []string{`href="/portal/login"`, ">Sign in<", "signout"},
		},
		{
			name:     "signed in",
			header:   NewHeader().Brand(acme).Path("/portal").SignedInAs("Jane Buyer"),
			want:     []string{`id="signout"`, `type="button"`, ">Sign out<", ">Jane Buyer<", `title="Jane Buyer"`},
			unwanted: []string{">Sign in<", "/portal/login", "disabled", `role="alert"`},
		},
		{
			name: "signing out",
			header: func() *Header {
				h := NewHeader().Brand(acme).SignedInAs("Jane Buyer")
				h.signOut = state.Submission{Status: state.Loading}
				return h
			}(),
			want:     []string{`id="signout"`, "disabled", "Signing out…"},
			unwanted: []string{">Sign out<", ">Sign in<"},
		},
		{
			name: "sign-out failed",
			header: func() *Header {
				h := NewHeader().Brand(acme).SignedInAs("Jane Buyer")
				h.signOut = state.Submission{Status: state.LoadingErr}
				return h
			}(),
			want:     []string{`id="signout"`, ">Sign out<", `role="alert"`, "We could not sign you out"},
			unwanted: []string{"disabled"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html := render(t, tt.header)
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("header lacks %s:\n%s", w, html)
				}
			}
			for _, u := range tt.unwanted {
				if strings.Contains(html, u) {
					t.Errorf("header contains %s:\n%s", u, html)
				}
			}
		})
	}
}

func TestStaffMenuFollowsCapabilities(t *testing.T) {
	m := NewMainMenu()
	m.staff = []string{api.CapabilityAccessRequests}
	html := render(t, m)
	if !strings.Contains(html, `href="/portal/staff/access-requests"`) || strings.Contains(html, ">Dashboard<") {
		t.Errorf("staff menu:\n%s", html)
	}
	m = NewMainMenu()
	m.staff = []string{"profile:read"}
	if html := render(t, m); strings.Contains(html, "access-requests") {
		t.Errorf("staff entry shown without its capability:\n%s", html)
	}
	if html := render(t, NewMainMenu()); !strings.Contains(html, ">Dashboard<") || strings.Contains(html, "access-requests") {
		t.Errorf("customer menu:\n%s", html)
	}
}
