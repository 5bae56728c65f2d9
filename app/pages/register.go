// Package pages holds one component per screen of the portal and the route
// table that maps paths to them.
package pages

import (
	"sync"

	"example.com/portal/app/brand"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

var registerOnce sync.Once

// Register routes every page and installs the UI's action handlers. Both
// the Wasm main and the server call it: go-app's Handler answers 404 for a
// path that is not routed in the server process, and pre-renders the page
// that is. It is safe to call more than once (go-app's route and action
// tables are process-global and not idempotent for regexp routes).
func Register() {
	registerOnce.Do(func() {
		// "/" renders the dashboard instead of redirecting: go-app's service
		// worker caches "/" at install time, and a cached redirect would
		// break the installed app.
		app.Route("/", newDashboardPage)
		app.Route(components.PathDashboard, newDashboardPage)
		app.Route(components.PathLogin, newLoginPage)
		app.Route(components.PathForgotPassword, newForgotPasswordPage)
		app.Route(components.PathResetPassword, newResetPasswordPage)
		// Onboarding: request access, self-registration, the staff queue.
		app.Route(components.PathRequestAccess, newRequestAccessPage)
		app.Route(components.PathRegister, newSignUpPage)
		app.Route(components.PathRegisterProfile, newProfilePage)
		app.Route(components.PathRegisterPending, newPendingPage)
		app.Route(components.PathStaffAccessRequests, newStaffAccessRequestsPage)
		app.Route(api.PageStaffIntegrations, newStaffIntegrationsPage)
		app.Route(api.PageMFA, newMFAPage)
		app.Route(api.PageMFASettings, newMFASettingsPage)
		app.Route(api.PageAccount, newAccountPage)
		app.Route(api.PageAccountUsers, newAccountUsersPage)
		app.Route(api.PageStaffUsers, newAccountUsersPage) // the same screen over the staff
		app.Route(api.PageAuditLog, newAuditLogPage)
		// Orders and shipments (issue 4).
		app.Route(api.PageOrders, newOrdersPage)
		app.RouteWithRegexp(orderPathPattern, newOrderPage)
		app.Route(api.PageInvoices, newInvoicesPage)
		app.RouteWithRegexp(invoicePathPattern, newInvoicePage)
		app.Route(api.PageShipments, newShipmentsPage)
		app.Route(api.PageReceipts, newReceiptsPage)
		app.Route(api.PageCreditNotes, newCreditNotesPage)
		app.Route(api.PageDocuments, newDocumentsPage)
		// Reorder, order approvals and review moderation (issue 8).
		app.RouteWithRegexp(reorderPathPattern, newReorderPage)
		app.Route(api.PageApprovals, newApprovalsPage)
		app.Route(api.PageStaffReviews, newStaffReviewsPage)
		// Cart, checkout, quick order and purchase lists (issue 8).
		app.Route(api.PageCart, newCartPage)
		app.Route(api.PageCheckout, newCheckoutPage)
		app.Route(api.PageQuickOrder, newQuickOrderPage)
		app.Route(api.PageLists, newListsPage)
		app.RouteWithRegexp(listPathPattern, newListPage)
		app.Route(api.PageGuestCheckout, newGuestCheckoutPage)
		// Quotes feature: the list, the request flow, a quote, the staff's queue.
		app.Route(api.PageQuotes, newQuotesPage)
		app.Route(api.PageQuoteNew, newQuoteNewPage)
		app.RouteWithRegexp(quotePathPattern, newQuotePage)
		app.Route(api.PageStaffQuotes, newStaffQuotesPage)
		// Shop (issue 8).
		app.Route(api.PageShop, newShopPage)
		app.RouteWithRegexp(shopProductPathPattern, newShopProductPage)
		state.Register()
	})
}

// pageTitle is the document title of a page: "<page> · <tenant>".
func pageTitle(page string, b brand.Brand) string {
	return page + " · " + b.Name
}
