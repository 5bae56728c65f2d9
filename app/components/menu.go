package components

import (
	"slices"
	"strings"

	"example.com/portal/app/state"
	"example.com/portal/backend/api"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Paths of the pages the layout links to outside the menu.
const (
	PathDashboard      = "/portal"
	PathLogin          = "/portal/login"
	PathForgotPassword = "/portal/forgot-password"
	// PathResetPassword is where the e-mailed reset links point (the token
	// is in the URL fragment, see api.PageResetPassword).
	PathResetPassword = api.PageResetPassword
	// Onboarding pages: request access, self-registration, the staff queue.
	PathRequestAccess       = api.PageRequestAccess
	PathRegister            = api.PageRegister
	PathRegisterProfile     = api.PageRegisterProfile
	PathRegisterPending     = api.PageRegisterPending
	PathStaffAccessRequests = api.PageStaffAccessRequests
	// PathAccount is the signed-in user's account (the header links it).
	PathAccount = api.PageAccount
)

// MenuItem is one entry of the main menu (spec 001, "Main Menu").
type MenuItem struct {
	Label       string
	Path        string
	Description string // the spec's description; shown as the link's tooltip
	// Built is true once the screen exists (and pages.Register routes Path).
	// Entries that are not built are not rendered at all: a link to a page
	// that answers 404 is worse than no link.
	Built bool
	// Capability is what /api/v1/me must list for the entry to show (staff
	// entries); "" shows it to everyone the table is for.
	Capability string
}

// Menu is the main menu, in the spec's order. It is the one table the menu
// renders from: when a screen ships, register its page and set Built here
// (pages' tests check that both agree).
var Menu = []MenuItem{
	{Label: "Dashboard", Path: PathDashboard, Description: "Account overview", Built: true},
	{Label: "Shop", Path: api.PageShop, Description: "Browse and order products", Built: true},
	{Label: "My Orders", Path: api.PageOrders, Description: "Order history and tracking", Built: true},
	{Label: "Quotations", Path: api.PageQuotes, Description: "View and accept quotes", Built: true},
	{Label: "Invoices", Path: api.PageInvoices, Description: "Invoice access", Built: true},
	{Label: "Receipts", Path: api.PageReceipts, Description: "Payment receipts", Built: true},
	{Label: "Shipments", Path: api.PageShipments, Description: "Shipment tracking", Built: true},
	{Label: "Credit Notes", Path: api.PageCreditNotes, Description: "Credit note history", Built: true},
	{Label: "Returns", Path: "/portal/returns", Description: "Return requests"},
	{Label: "Purchase Lists", Path: api.PageLists, Description: "Saved shopping lists", Built: true},
	{Label: "Support Tickets", Path: "/portal/tickets", Description: "Help and support"},
}

// StaffMenu is the menu of the tenant's staff, shown instead of Menu when
// the signed-in user is staff; each entry needs its capability.
var StaffMenu = []MenuItem{
	{Label: "Access Requests", Path: PathStaffAccessRequests, Description: "Approve or reject access requests and registrations",
		Built: true, Capability: api.CapabilityAccessRequests},
	{Label: "Staff", Path: api.PageStaffUsers, Description: "Invite and manage the staff", Built: true, Capability: "staff_users:read"},
	{Label: "Integrations", Path: api.PageStaffIntegrations, Description: "API keys and webhooks", Built: true, Capability: api.CapabilityAPIKeys},
	// Product reviews (issue 8).
	{Label: "Reviews", Path: api.PageStaffReviews, Description: "Moderate product reviews", Built: true, Capability: api.CapabilityReviewsModerate},
	// Quotes feature.
	{Label: "Quotes", Path: api.PageStaffQuotes, Description: "Price and send quote requests", Built: true, Capability: api.CapabilityQuotesRespond},
}

// BuiltItems returns the entries of items whose screen is built, in order.
func BuiltItems(items []MenuItem) []MenuItem {
	var out []MenuItem
	for _, it := range items {
		if it.Built {
			out = append(out, it)
		}
	}
	return out
}

// active reports whether the menu entry for itemPath is the current page:
// the exact path, or a page below it ("/portal/orders/42" is under My
// Orders). The dashboard is also the page at "/", and only exactly so,
// because every other page is below "/portal".
func active(itemPath, current string) bool {
	if itemPath == PathDashboard {
		return current == PathDashboard || current == "/" || current == ""
	}
	return current == itemPath || strings.HasPrefix(current, itemPath+"/")
}

// MainMenu renders the built entries of a menu table as the site
// navigation. On a phone it is one horizontally scrolling row under the
// header, on a desktop a sidebar (web/portal.css); neither needs the Wasm
// to have loaded, so it works in the pre-rendered page too.
type MainMenu struct {
	app.Compo

	Iitems   []MenuItem // defaults to Menu
	Icurrent string     // path of the current page

	// staff is the signed-in staff user's capabilities (nil for customers
	// and visitors), from the session state; it swaps in StaffMenu.
	staff []string
}

// OnMount follows the session: a staff user gets the staff menu, and a
// customer user whose self-registration is not complete is sent to finish
// it (guardRegistration).
func (m *MainMenu) OnMount(ctx app.Context) {
	var cur state.Session
	follow := func() {
		m.staff = nil
		u, ok := cur.User()
		if ok && u.Staff {
			m.staff = append([]string{}, u.Capabilities...)
		}
		if ok && cur.Status == state.Loaded {
			guardRegistration(ctx, u, m.Icurrent)
		}
	}
	ctx.ObserveState(state.KeySession, &cur).OnChange(follow)
	follow()
}

// visibleItems is the table to render: the staff entries the user's
// capabilities allow, or the built entries of Iitems.
func (m *MainMenu) visibleItems() []MenuItem {
	if m.staff == nil {
		return BuiltItems(m.Iitems)
	}
	var out []MenuItem
	for _, it := range BuiltItems(StaffMenu) {
		if it.Capability == "" || slices.Contains(m.staff, it.Capability) {
			out = append(out, it)
		}
	}
	return out
}

// NewMainMenu returns the menu over the Menu table.
func NewMainMenu() *MainMenu {
	return &MainMenu{Iitems: Menu}
}

// Items replaces the table the menu renders (tests use it).
func (m *MainMenu) Items(v []MenuItem) *MainMenu {
	m.Iitems = v
	return m
}

// Current sets the path of the current page, which marks its entry.
func (m *MainMenu) Current(path string) *MainMenu {
	m.Icurrent = path
	return m
}

// Render implements app.Composer.
func (m *MainMenu) Render() app.UI {
	items := m.visibleItems()
	return app.Nav().
		Class("portal-menu").
		Aria("label", "Main menu").
		Body(
			app.Ul().
				Class("portal-menu__list").
				Body(
					app.Range(items).Slice(func(i int) app.UI {
						it := items[i]
						a := app.A().
							Class("portal-menu__link").
							Href(it.Path).
							Title(it.Description).
							Text(it.Label)
						if active(it.Path, m.Icurrent) {
							a = a.Class("portal-menu__link--active").Aria("current", "page")
						}
						return app.Li().Class("portal-menu__item").Body(a)
					}),
				),
		)
}
