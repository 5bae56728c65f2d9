package pages

import (
	"context"
	"slices"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Element ids of the staff queue; each request's buttons carry its id
// ("approve-<id>", "reject-<id>").
const (
	idStaffQueue         = "staff-queue"
	idStaffRegistrations = "staff-registrations"
	idStaffEmpty         = "staff-empty"
	idStaffError         = "staff-error"
	idDialog             = "decide-dialog"
	idDialogForm         = "decide-form"
	idDialogMode         = "decide-mode"
	idDialogAccount      = "decide-account"
	idDialogCompany      = "decide-company"
	idDialogNewAccount   = "decide-new-account"
	idDialogRole         = "decide-role"
	idDialogReason       = "decide-reason"
	idDialogSubmit       = "decide-submit"
	idDialogCancel       = "decide-cancel"
	idDialogError        = "decide-error"
)

// staffAccessRequestsPage is /portal/staff/access-requests: the staff queue
// of access requests (pending first) with approve and reject dialogs, and
// beside it the self-registered customers awaiting approval. Shown only to
// users whose /api/v1/me capabilities include access_requests:approve.
type staffAccessRequestsPage struct {
	app.Compo
	chrome

	session  state.Session
	loaded   bool
	loadErr  formProblem
	requests []api.AccessRequest
	regs     []api.Registration

	// The open dialog: the request decided, and whether to approve it.
	deciding                                   *api.AccessRequest
	approve                                    bool
	mode                                       string // new | link
	account, company, newAccount, role, reason string
	form                                       formState
}

func newStaffAccessRequestsPage() app.Composer { return &staffAccessRequestsPage{} }

// OnInit brands the first client render (see brand.Initial).
func (p *staffAccessRequestsPage) OnInit() { p.initBrand() }

// OnNav loads the queue in the browser.
func (p *staffAccessRequestsPage) OnNav(ctx app.Context) {
	p.locate(ctx)
	p.setHead(ctx, "Access requests", "Approve or reject access requests and registrations")
	if !app.IsClient {
		return
	}
	ctx.ObserveState(state.KeySession, &p.session)
	ctx.NewAction(state.ActionLoadSession)
	p.load(ctx, nil)
}

// allowed reports whether the signed-in user may decide requests.
func (p *staffAccessRequestsPage) allowed() bool {
	u, ok := p.session.User()
	return ok && slices.Contains(u.Capabilities, api.CapabilityAccessRequests)
}

// mayCreateCustomer reports whether the user may approve a request into
// a new customer (a sales rep links it to one of theirs).
func (p *staffAccessRequestsPage) mayCreateCustomer() bool {
	u, ok := p.session.User()
	return ok && slices.Contains(u.Capabilities, api.CapabilityCustomersCreate)
}

// load fetches both lists, then runs after (if any). The lists land
// through ctx, whose source element must still be mounted then: a dialog
// closes only in after, once the lists are in.
func (p *staffAccessRequestsPage) load(ctx app.Context, after func()) {
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, onboardingTimeout)
		defer cancel()
		reqs, err := client.AccessRequests(c, "")
		var regs []api.Registration
		if err == nil {
			regs, err = client.Registrations(c)
		}
		ctx.Dispatch(func(ctx app.Context) {
			p.loaded, p.loadErr = true, formProblem{}
			if after != nil {
				after()
			}
			if apiclient.ErrorCode(err) == api.CodeUnauthorized {
				ctx.Navigate(components.PathLogin)
				return
			}
			if err != nil {
				p.loadErr = describeFormError(err, nil)
				return
			}
			p.requests, p.regs = reqs, regs
		})
	})
}

// open starts deciding the request whose button was clicked. The request
// is found by the button's data-id at the time of the click: go-app keeps
// the first handler bound to a row's button when the queue reloads and
// rows shift, so a closure over the request would decide another one.
func (p *staffAccessRequestsPage) open(approve bool) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		id := clickedID(ctx)
		i := slices.IndexFunc(p.requests, func(r api.AccessRequest) bool { return r.ID == id })
		if i < 0 {
			return
		}
		r := p.requests[i]
		p.deciding, p.approve, p.form = &r, approve, formState{}
		p.mode, p.account, p.company, p.newAccount, p.role, p.reason = "new", "", r.CompanyName, r.AccountNumber, "admin", ""
		if r.AccountNumber != "" || !p.mayCreateCustomer() {
			p.mode, p.account = "link", r.AccountNumber
		}
		focusFirst(ctx, idDialogMode, idDialogReason)
	}
}

func (p *staffAccessRequestsPage) cancel(ctx app.Context, _ app.Event) { p.deciding = nil }

func (p *staffAccessRequestsPage) decide(ctx app.Context, e app.Event) {
	e.PreventDefault()
	if p.deciding == nil {
		return
	}
	readInputs(ctx, map[string]*string{idDialogMode: &p.mode, idDialogAccount: &p.account, idDialogCompany: &p.company,
		idDialogNewAccount: &p.newAccount, idDialogRole: &p.role, idDialogReason: &p.reason})
	id, approve := p.deciding.ID, p.approve
	in := api.AccessRequestApprove{Role: p.role}
	if p.mode == "link" {
		in.AccountNumber = p.account
	} else {
		in.NewCompanyName, in.NewAccountNumber = p.company, p.newAccount
	}
	reason := p.reason
	ids := map[string]string{"account_number": idDialogAccount, "customer_id": idDialogAccount, "new_company_name": idDialogCompany,
		"new_account_number": idDialogNewAccount, "role": idDialogRole, "email": idDialogAccount, "reason": idDialogReason}
	p.form.send(ctx, ids, func(c context.Context, client *apiclient.Client) (string, error) {
		var err error
		if approve {
			_, err = client.ApproveAccessRequest(c, id, in)
		} else {
			_, err = client.RejectAccessRequest(c, id, reason)
		}
		return "", err
	}, func(ctx app.Context, err error) {
		if err == nil || apiclient.ErrorCode(err) == api.CodeConflict && len(p.form.problem.Fields) == 0 {
			p.load(ctx, func() { p.deciding = nil })
		}
	})
}

// approveRegistration approves the registration whose button was clicked
// (its data-id, for the reason given at open).
func (p *staffAccessRequestsPage) approveRegistration(ctx app.Context, _ app.Event) {
	id := clickedID(ctx)
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, onboardingTimeout)
		defer cancel()
		_, err := client.ApproveRegistration(c, id)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.loadErr = describeFormError(err, nil)
			}
			p.load(ctx, nil)
		})
	})
}

// Render implements app.Composer.
func (p *staffAccessRequestsPage) Render() app.UI {
	name := ""
	if u, ok := p.session.User(); ok {
		name = u.Name
	}
	var content []app.UI
	content = append(content, app.H1().Class("page__title").Text("Access requests"))
	switch {
	case !p.loaded:
		content = append(content, app.P().Class("card__note").Text("Loading…"))
	case p.session.Status == state.Loaded && !p.allowed():
		content = append(content, app.P().Class("card").Text("Your role does not include deciding access requests."))
	default:
		content = append(content, formAlert(idStaffError, p.loadErr, p.brand.Name), p.renderRequests(), p.renderRegistrations())
	}
	if p.deciding != nil {
		content = append(content, p.renderDialog())
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(name).Content(content...)
}

func (p *staffAccessRequestsPage) renderRequests() app.UI {
	if len(p.requests) == 0 {
		return app.P().ID(idStaffEmpty).Class("card card__note").Text("No access requests.")
	}
	return app.Ul().ID(idStaffQueue).Class("staff-list").Body(
		app.Range(p.requests).Slice(func(i int) app.UI {
			r := p.requests[i]
			status := r.Status
			if r.Status == "approved" && r.CustomerName != "" {
				status += " · " + r.CustomerName
			}
			return app.Li().ID("request-"+r.ID).Class("card staff-list__item").DataSet("status", r.Status).Body(
				app.H2().Class("card__title").Text(r.CompanyName),
				app.P().Text(r.ContactName+" · "+r.Email+" · "+r.Phone),
				app.If(r.AccountNumber != "", func() app.UI { return app.P().Text("Account number: " + r.AccountNumber) }),
				app.P().Class("card__status").Text(status),
				app.If(r.Status == "pending", func() app.UI {
					return app.Div().Class("staff-list__actions").Body(
						app.Button().ID("approve-"+r.ID).Class("button button--primary").Type("button").DataSet("id", r.ID).OnClick(p.open(true)).Text("Approve"),
						app.Button().ID("reject-"+r.ID).Class("button").Type("button").DataSet("id", r.ID).OnClick(p.open(false)).Text("Reject"),
					)
				}),
			)
		}),
	)
}

func (p *staffAccessRequestsPage) renderRegistrations() app.UI {
	return app.Section().ID(idStaffRegistrations).Body(
		app.H2().Class("page__subtitle").Text("Registrations awaiting approval"),
		app.If(len(p.regs) == 0, func() app.UI { return app.P().Class("card card__note").Text("None.") }),
		app.Ul().Class("staff-list").Body(
			app.Range(p.regs).Slice(func(i int) app.UI {
				g := p.regs[i]
				return app.Li().Class("card staff-list__item").Body(
					app.H2().Class("card__title").Text(g.CompanyName),
					app.P().Text(g.Name+" · "+g.Email+" · "+g.Type),
					app.Button().ID("approve-registration-"+g.CustomerID).Class("button button--primary").Type("button").
						DataSet("id", g.CustomerID).OnClick(p.approveRegistration).Text("Approve"),
				)
			}),
		),
	)
}

func (p *staffAccessRequestsPage) renderDialog() app.UI {
	r, f := p.deciding, p.form.problem.Fields
	title, label := "Reject "+r.CompanyName, "Reject"
	var fields []app.UI
	if p.approve {
		title, label = "Approve "+r.CompanyName, "Approve and invite"
		fields = append(fields,
			app.Div().Class("field").Body(
				app.Label().Class("field__label").For(idDialogMode).Text("Customer"),
				app.Select().ID(idDialogMode).Name(idDialogMode).Class("field__input").OnChange(p.ValueTo(&p.mode)).Body(
					app.If(p.mayCreateCustomer(), func() app.UI {
						return app.Option().Value("new").Selected(p.mode == "new").Text("Create a new customer")
					}),
					app.Option().Value("link").Selected(p.mode == "link").Text("Link to an existing customer"),
				),
			))
		if p.mode == "link" {
			fields = append(fields, textField(idDialogAccount, "Existing account number", "text", "off", true, p.account, p.ValueTo(&p.account), f[idDialogAccount]))
		} else {
			fields = append(fields,
				textField(idDialogCompany, "Company name", "text", "off", true, p.company, p.ValueTo(&p.company), f[idDialogCompany]),
				textField(idDialogNewAccount, "New account number", "text", "off", true, p.newAccount, p.ValueTo(&p.newAccount), f[idDialogNewAccount]),
				fieldError(idDialogAccount, f[idDialogAccount]),
			)
		}
		fields = append(fields, app.Div().Class("field").Body(
			app.Label().Class("field__label").For(idDialogRole).Text("Role of "+r.ContactName),
			app.Select().ID(idDialogRole).Name(idDialogRole).Class("field__input").OnChange(p.ValueTo(&p.role)).Body(
				app.Range([]string{"admin", "buyer", "viewer", "finance"}).Slice(func(i int) app.UI {
					role := []string{"admin", "buyer", "viewer", "finance"}[i]
					return app.Option().Value(role).Selected(p.role == role).Text(role)
				}),
			),
		))
	} else {
		fields = append(fields, app.Div().Class("field").Body(
			app.Label().Class("field__label").For(idDialogReason).Text("Reason, sent to "+r.ContactName+" (optional)"),
			app.Textarea().ID(idDialogReason).Name(idDialogReason).Class("field__input").Text(p.reason).OnInput(p.ValueTo(&p.reason)),
			fieldError(idDialogReason, f[idDialogReason]),
		))
	}
	fields = append(fields,
		submitButton(idDialogSubmit, label, "Saving…", true, p.form.busy),
		app.Button().ID(idDialogCancel).Class("button button--block").Type("button").OnClick(p.cancel).Text("Cancel"),
	)
	return app.Div().ID(idDialog).Class("dialog").Role("dialog").Aria("modal", "true").Aria("labelledby", idDialog+"-title").Body(
		app.Form().ID(idDialogForm).Class("card dialog__card signin__form").Method("post").OnSubmit(p.decide).Body(
			app.H2().ID(idDialog+"-title").Class("card__title").Text(title),
			formAlert(idDialogError, p.form.problem, p.brand.Name),
			app.FieldSet().Class("signin__fields").Body(fields...),
		),
	)
}
