package pages

import (
	"context"
	"strconv"
	"strings"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Tabs of the account page; ?tab= selects one, so each can be linked to.
const (
	tabProfile       = "profile"
	tabAddresses     = "addresses"
	tabSecurity      = "security"
	tabNotifications = "notifications"
	tabCards         = "payment-methods"
)

// notificationLabels names the notification kinds (spec 002
// "Notifications"), in the server's order.
var notificationLabels = map[string]string{
	"order_confirmed":    "Order confirmed",
	"order_shipped":      "Order shipped, with tracking",
	"order_delivered":    "Order delivered",
	"invoice_issued":     "Invoice issued",
	"invoice_reminder":   "Invoice reminders",
	"payment_received":   "Payment received",
	"quote_responded":    "Quote answered",
	"document_available": "Documents available (MTRs, certificates)",
}

// accountPage is /portal/account (spec 000 account_overview, spec 001
// "Account Management"): the signed-in user's profile and company, the
// account's addresses, password and sessions, and e-mail notifications.
// Each tab shows only when the user's capabilities allow it.
type accountPage struct {
	app.Compo

	chrome
	ui      app.Context // from OnNav, see callAPI
	session state.Session
	tab     string
	loaded  string // e-mail of the user whose data was asked for; another user (a new sign-in) loads again

	// Profile.
	profile      api.Profile
	name, phone  string
	profileErr   error
	profileSaved bool

	// Addresses.
	addresses   []api.Address
	addrErr     error
	editing     bool // the address dialog is open
	editID      string
	addr        api.AddressInput
	addrDefault bool
	addrSaveErr error
	deleting    string // id awaiting confirmation

	// Security.
	sessions     []api.Session
	sessionsErr  error
	current      string
	password     string
	confirm      string
	pwChecked    bool
	pwErr        error
	pwSaved      bool
	pwSaving     bool
	endedSession bool

	// Notifications.
	prefs    []api.NotificationPreference
	prefsErr error

	// Saved cards (account_cards.go).
	cards cardsTab

	// Overview and payment history (account_overview.go).
	overview       api.AccountOverview
	overviewErr    error
	overviewLoaded bool
	payFilter      paymentFilter
	paymentsKey    string
	payments       api.PaymentList
	paymentsErr    error
	paymentsLoaded bool
}

func newAccountPage() app.Composer { return &accountPage{} }

// OnInit brands the first client render.
func (p *accountPage) OnInit() { p.initBrand() }

// OnNav runs on the server (pre-render) and in the browser.
func (p *accountPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Your account", "Your company's account, payments, profile, addresses, password and notifications")
	p.tab = ctx.Page().URL().Query().Get("tab")
	p.payFilter = parsePaymentFilter(ctx.Page().URL().Query())
	ctx.ObserveState(state.KeySession, &p.session).OnChange(func() { p.load(ctx) })
	p.load(ctx) // a navigation within the page (payment filters) keeps the session
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

// load asks for the data of the tabs the user may see, once per page visit.
func (p *accountPage) load(ctx app.Context) {
	user, ok := p.session.User()
	if !ok || p.session.Status != state.Loaded {
		return
	}
	if can(user, capReceiptsRead) {
		p.loadPayments() // once per filter
	}
	if p.loaded == user.Email {
		return
	}
	p.loaded = user.Email
	if can(user, capDashboardRead) && !user.Staff {
		p.loadOverview()
	}
	var prof api.Profile
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { prof, err = cl.Profile(c); return }, func(err error) {
		p.profileErr = err
		if err == nil {
			p.profile, p.name, p.phone = prof, prof.Name, prof.Phone
		}
	})
	if can(user, capAddressesRead) {
		p.loadAddresses(ctx)
	}
	if can(user, capPaymentMethodsRead) && !user.Staff {
		p.cards.load(p.ui)
	}
	p.loadSessions(ctx)
	if can(user, capNotifications) {
		var prefs []api.NotificationPreference
		callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { prefs, err = cl.Notifications(c); return }, func(err error) {
			p.prefs, p.prefsErr = prefs, err
		})
	}
}

func (p *accountPage) loadAddresses(ctx app.Context) {
	var list []api.Address
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { list, err = cl.Addresses(c); return }, func(err error) {
		p.addrErr = err
		if err == nil {
			p.addresses = list
		}
	})
}

func (p *accountPage) loadSessions(ctx app.Context) {
	var list []api.Session
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { list, err = cl.Sessions(c); return }, func(err error) {
		p.sessionsErr = err
		if err == nil {
			p.sessions = list
		}
	})
}

func (p *accountPage) selectTab(tab string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		p.tab = tab
		if tab == tabSecurity {
			p.loadSessions(ctx) // a device may have signed in since
		}
		u := *ctx.Page().URL()
		u.RawQuery = "tab=" + tab
		ctx.Page().ReplaceURL(&u)
	}
}

// Render implements app.Composer.
func (p *accountPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.H1().Class("welcome__title").Text("Your account")}
	if gate := accountGate(p.session, ""); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, p.renderTabs(user), p.renderTab(user))
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("account").Body(content...))
}

// tabs returns the tabs user may see, in order.
func accountTabs(user apiclient.User) [][2]string {
	// Profile stays first and the default: the header's account link
	// leads to the user's own profile.
	tabs := [][2]string{{tabProfile, "Profile"}}
	if can(user, capDashboardRead) && !user.Staff {
		tabs = append(tabs, [2]string{tabOverview, "Overview"})
	}
	if can(user, capReceiptsRead) && !user.Staff {
		tabs = append(tabs, [2]string{tabPayments, "Payments"})
	}
	if can(user, capPaymentMethodsRead) && !user.Staff {
		tabs = append(tabs, [2]string{tabCards, "Payment methods"})
	}
	if can(user, capAddressesRead) {
		tabs = append(tabs, [2]string{tabAddresses, "Addresses"})
	}
	tabs = append(tabs, [2]string{tabSecurity, "Security"})
	if can(user, capNotifications) {
		tabs = append(tabs, [2]string{tabNotifications, "Notifications"})
	}
	return tabs
}

func (p *accountPage) activeTab(user apiclient.User) string {
	for _, t := range accountTabs(user) {
		if t[0] == p.tab {
			return p.tab
		}
	}
	return tabProfile
}

func (p *accountPage) renderTabs(user apiclient.User) app.UI {
	tabs := accountTabs(user)
	active := p.activeTab(user)
	links := []app.UI{}
	for _, t := range tabs {
		b := app.Button().ID("tab-"+t[0]).Type("button").Class("account__tab").Role("tab").
			Aria("selected", strconv.FormatBool(t[0] == active)).OnClick(p.selectTab(t[0])).Text(t[1])
		if t[0] == active {
			b = b.Class("account__tab--active")
		}
		links = append(links, b)
	}
	if can(user, capUsersRead) {
		links = append(links, app.A().ID("link-users").Class("account__tab").Href(api.PageAccountUsers).Text("Users"))
	}
	if can(user, capAuditLogRead) {
		links = append(links, app.A().ID("link-audit-log").Class("account__tab").Href(api.PageAuditLog).Text("Audit log"))
	}
	return app.Div().Class("account__tabs").Role("tablist").Body(links...)
}

func (p *accountPage) renderTab(user apiclient.User) app.UI {
	switch p.activeTab(user) {
	case tabOverview:
		return p.renderOverview()
	case tabPayments:
		return p.renderPayments()
	case tabCards:
		return p.cards.render(p.ui)
	case tabAddresses:
		return p.renderAddresses(user)
	case tabSecurity:
		return p.renderSecurity()
	case tabNotifications:
		return p.renderNotifications()
	default:
		return p.renderProfile()
	}
}

// ---- Profile ----

func (p *accountPage) saveProfile(ctx app.Context, e app.Event) {
	e.PreventDefault()
	in := api.ProfileUpdate{Name: &p.name, Phone: &p.phone}
	var prof api.Profile
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { prof, err = cl.UpdateProfile(c, in); return }, func(err error) {
		p.profileErr, p.profileSaved = err, err == nil
		if err == nil {
			p.profile, p.name, p.phone = prof, prof.Name, prof.Phone
			ctx.NewAction(state.ActionLoadSession) // the header shows the new name
		}
	})
}

func (p *accountPage) renderProfile() app.UI {
	var fields map[string]string
	if e, _, ok := apiError(p.profileErr); p.profileErr != nil && ok {
		fields = fieldMessages(e.Fields, map[string]string{"name": "profile-name", "phone": "profile-phone"})
	}
	var company app.UI
	if c := p.profile.Company; c != nil {
		company = app.Div().ID("company").Class("card").Body(
			app.H2().Class("card__title").Text("Company"),
			app.Dl().Class("facts").Body(
				fact("Company", c.Name), fact("Account number", c.AccountNumber), fact("Payment terms", c.PaymentTerms),
				fact("Company e-mail", c.Email), fact("Company phone", c.Phone),
			),
		)
	}
	saved := ""
	if p.profileSaved {
		saved = "Your profile is saved."
	}
	return app.Div().ID("panel-profile").Class("account__panel").Body(
		app.Form().ID("profile").Class("card").OnSubmit(p.saveProfile).Body(
			app.H2().Class("card__title").Text("Profile"),
			app.Dl().Class("facts").Body(fact("E-mail (your sign-in)", p.profile.Email), fact("Role", roleLabel(p.profile.Role))),
			textField("profile-name", "Name", "text", "name", true, p.name, p.ValueTo(&p.name), fields["profile-name"]),
			textField("profile-phone", "Phone", "tel", "tel", false, p.phone, p.ValueTo(&p.phone), fields["profile-phone"]),
			alertLine("profile-error", problemTextUnlessFields(p.profileErr, fields)),
			statusLine("profile-saved", saved),
			app.Button().ID("profile-submit").Class("button button--primary").Type("submit").Text("Save profile"),
		),
		company,
	)
}

// problemTextUnlessFields is problemText, or "" when the fields already
// carry the messages.
func problemTextUnlessFields(err error, fields map[string]string) string {
	if len(fields) > 0 {
		return "Check the highlighted fields."
	}
	return problemText(err)
}

// ---- Addresses ----

func (p *accountPage) openAddress(a *api.Address) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		p.editing, p.addrSaveErr = true, nil
		if a == nil {
			p.editID, p.addr = "", api.AddressInput{Kind: "shipping", Country: "US"}
		} else {
			p.editID = a.ID
			p.addr = api.AddressInput{Kind: a.Kind, Label: a.Label, Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region,
				PostalCode: a.PostalCode, Country: a.Country, IsDefault: a.IsDefault}
		}
		focusFirst(ctx, "address-line1")
	}
}

func (p *accountPage) saveAddress(ctx app.Context, e app.Event) {
	e.PreventDefault()
	id, in := p.editID, p.addr
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) error { _, err := cl.SaveAddress(c, id, in); return err }, func(err error) {
		p.addrSaveErr = err
		if err == nil {
			p.editing = false
			p.loadAddresses(ctx)
		}
	})
}

func (p *accountPage) addressAction(fn func(c context.Context, cl *apiclient.Client) error) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		callAPI(p.ui, fn, func(err error) {
			p.addrErr, p.deleting = err, ""
			p.loadAddresses(ctx)
		})
	}
}

// clickedID is the data-id of the control that fired the event.
func clickedID(ctx app.Context) string { return ctx.JSSrc().Call("getAttribute", "data-id").String() }

func (p *accountPage) onEditAddress(ctx app.Context, e app.Event) {
	id := clickedID(ctx)
	for i := range p.addresses {
		if p.addresses[i].ID == id {
			p.openAddress(&p.addresses[i])(ctx, e)
			return
		}
	}
}

func (p *accountPage) onDefaultAddress(ctx app.Context, e app.Event) {
	id := clickedID(ctx)
	p.addressAction(func(c context.Context, cl *apiclient.Client) error {
		_, err := cl.SetDefaultAddress(c, id)
		return err
	})(ctx, e)
}

func (p *accountPage) onDeleteAddress(ctx app.Context, e app.Event) {
	id := clickedID(ctx)
	p.addressAction(func(c context.Context, cl *apiclient.Client) error { return cl.DeleteAddress(c, id) })(ctx, e)
}

func (p *accountPage) onAskDelete(ctx app.Context, _ app.Event) { p.deleting = clickedID(ctx) }

func (p *accountPage) renderAddresses(user apiclient.User) app.UI {
	manage := can(user, capAddressesManage)
	rows := []app.UI{}
	for i := range p.addresses {
		a := p.addresses[i]
		var actions app.UI
		if manage {
			// The handlers read the address id from the button when
			// clicked: go-app keeps the first closure bound to a row's
			// button when the list reloads and rows shift.
			btn := func(id string) app.HTMLButton {
				return app.Button().ID(id).Class("button").Type("button").DataSet("id", a.ID)
			}
			actions = app.Div().Class("account__actions").Body(
				btn("address-edit-"+a.ID).OnClick(p.onEditAddress).Text("Edit"),
				app.If(!a.IsDefault, func() app.UI {
					return btn("address-default-" + a.ID).OnClick(p.onDefaultAddress).Text("Make default")
				}),
				app.If(p.deleting == a.ID, func() app.UI {
					return btn("address-delete-confirm-" + a.ID).Class("button button--danger").OnClick(p.onDeleteAddress).Text("Really delete")
				}).Else(func() app.UI {
					return btn("address-delete-" + a.ID).OnClick(p.onAskDelete).Text("Delete")
				}),
			)
		}
		title := orDefault(a.Label, strings.ToUpper(a.Kind[:1])+a.Kind[1:])
		rows = append(rows, app.Li().ID("address-"+a.ID).Class("account__item").Body(
			app.P().Class("account__item-title").Body(
				app.Text(title+" · "+a.Kind),
				app.If(a.IsDefault, func() app.UI { return app.Span().Class("badge").Text("Default " + a.Kind) }),
			),
			app.P().Text(addressLine(a)),
			actions,
		))
	}
	return app.Div().ID("panel-addresses").Class("account__panel").Body(
		app.Div().Class("card").Body(
			app.H2().Class("card__title").Text("Addresses"),
			alertLine("addresses-error", problemText(p.addrErr)),
			app.If(len(rows) == 0 && p.addrErr == nil, func() app.UI { return app.P().Text("No addresses yet.") }),
			app.Ul().ID("address-list").Class("account__list").Body(rows...),
			app.If(manage, func() app.UI {
				return app.Button().ID("address-add").Class("button button--primary").Type("button").OnClick(p.openAddress(nil)).Text("Add address")
			}),
		),
		app.If(p.editing, p.renderAddressDialog),
	)
}

func addressLine(a api.Address) string {
	parts := []string{a.Line1, a.Line2, strings.TrimSpace(a.City + " " + a.Region + " " + a.PostalCode), a.Country}
	var out []string
	for _, s := range parts {
		if s != "" {
			out = append(out, s)
		}
	}
	return strings.Join(out, ", ")
}

func (p *accountPage) renderAddressDialog() app.UI {
	var fields map[string]string
	ids := map[string]string{"kind": "address-kind", "label": "address-label", "line1": "address-line1", "line2": "address-line2",
		"city": "address-city", "region": "address-region", "postal_code": "address-postal", "country": "address-country"}
	if e, _, ok := apiError(p.addrSaveErr); p.addrSaveErr != nil && ok {
		fields = fieldMessages(e.Fields, ids)
	}
	title := "Add address"
	if p.editID != "" {
		title = "Edit address"
	}
	f := func(id, label, auto string, v *string, required bool) app.UI {
		return textField(id, label, "text", auto, required, *v, p.ValueTo(v), fields[id])
	}
	return app.Div().Class("dialog").Body(
		app.Form().ID("address-form").Class("card dialog__box").Role("dialog").Aria("modal", "true").Aria("labelledby", "address-title").
			OnSubmit(p.saveAddress).Body(
			app.H2().ID("address-title").Class("card__title").Text(title),
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For("address-kind").Text("Kind"),
				app.Select().ID("address-kind").Name("address-kind").Class("field__input").OnChange(p.ValueTo(&p.addr.Kind)).Body(
					app.Option().Value("shipping").Selected(p.addr.Kind == "shipping").Text("Shipping"),
					app.Option().Value("billing").Selected(p.addr.Kind == "billing").Text("Billing"),
				),
				fieldError("address-kind", fields["address-kind"]),
			),
			f("address-label", "Label (e.g. Main dock)", "", &p.addr.Label, false),
			f("address-line1", "Street address", "address-line1", &p.addr.Line1, true),
			f("address-line2", "Address line 2", "address-line2", &p.addr.Line2, false),
			f("address-city", "City", "address-level2", &p.addr.City, true),
			f("address-region", "State / region", "address-level1", &p.addr.Region, false),
			f("address-postal", "Postal code", "postal-code", &p.addr.PostalCode, false),
			f("address-country", "Country (two letters)", "country", &p.addr.Country, true),
			app.Div().Class("field field--check").Body(
				app.Input().ID("address-default").Type("checkbox").Class("field__check").Checked(p.addr.IsDefault).
					OnChange(func(ctx app.Context, _ app.Event) { p.addr.IsDefault = ctx.JSSrc().Get("checked").Bool() }),
				app.Label().For("address-default").Text("Default address of its kind"),
			),
			alertLine("address-error", problemTextUnlessFields(p.addrSaveErr, fields)),
			app.Div().Class("account__actions").Body(
				app.Button().ID("address-save").Class("button button--primary").Type("submit").Text("Save address"),
				app.Button().ID("address-cancel").Class("button").Type("button").OnClick(func(app.Context, app.Event) { p.editing = false }).Text("Cancel"),
			),
		),
	)
}
