package pages

import (
	"context"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// approvalsPage is /portal/approvals (spec 001 "Order Approvals"): the
// orders of the account waiting for approval and those decided, with
// Approve and Reject (and a comment) for the account's Admins, and the
// account's approval rule, which the Admins set.
type approvalsPage struct {
	app.Compo

	chrome
	ui      app.Context
	session state.Session

	loadedFor string
	list      []api.OrderApproval
	rules     []api.ApprovalRule
	err       error
	loaded    bool

	comments  map[string]string
	deciding  string // the order being decided
	decideErr map[string]error

	threshold string
	ruleErr   error
	ruleMsg   string
}

func newApprovalsPage() app.Composer { return &approvalsPage{} }

// OnInit brands the first client render.
func (p *approvalsPage) OnInit() { p.initBrand() }

// OnNav loads the approvals once the session is known.
func (p *approvalsPage) OnNav(ctx app.Context) {
	p.ui = ctx
	p.locate(ctx)
	p.setHead(ctx, "Approvals", "Orders waiting for approval and the account's approval rule")
	ctx.ObserveState(state.KeySession, &p.session).OnChange(p.load)
	p.load()
	if app.IsClient {
		ctx.NewAction(state.ActionLoadSession)
	}
}

func (p *approvalsPage) load() {
	u, ok := p.session.User()
	if !ok || p.session.Status != state.Loaded || p.loadedFor == u.Email || !can(u, api.CapabilityApprovalsRead) {
		return
	}
	p.loadedFor = u.Email
	p.reload()
}

func (p *approvalsPage) reload() {
	p.comments, p.decideErr = map[string]string{}, map[string]error{}
	var l api.ApprovalList
	var rules api.ApprovalRuleList
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) error {
		var err error
		if l, err = cl.Approvals(c, ""); err != nil {
			return err
		}
		rules, err = cl.ApprovalRules(c)
		return err
	}, func(err error) {
		p.list, p.rules, p.err, p.loaded = l.Approvals, rules.Rules, err, true
		if p.threshold == "" {
			for _, r := range p.rules {
				if r.AppliesToRole == "buyer" {
					p.threshold = components.FormatMoney(api.Money{Amount: r.Threshold.Amount})
				}
			}
		}
	})
}

func (p *approvalsPage) decide(orderID, decision string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		if p.deciding != "" {
			return
		}
		in := api.ApprovalDecision{Decision: decision, Comment: p.comments[orderID]}
		p.deciding, p.decideErr[orderID] = orderID, nil
		var a api.OrderApproval
		callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) {
			a, err = cl.DecideApproval(c, orderID, in)
			return
		},
			func(err error) {
				p.deciding, p.decideErr[orderID] = "", err
				if err == nil {
					for i := range p.list {
						if p.list[i].OrderID == orderID {
							p.list[i] = a
						}
					}
				}
			})
	}
}

func (p *approvalsPage) onComment(orderID string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) { p.comments[orderID] = ctx.JSSrc().Get("value").String() }
}

func (p *approvalsPage) onSaveRule(ctx app.Context, e app.Event) {
	e.PreventDefault()
	in := api.ApprovalRuleInput{AppliesToRole: "buyer", Threshold: trimMoney(p.threshold)}
	p.ruleErr, p.ruleMsg = nil, ""
	var r api.ApprovalRule
	callAPI(p.ui, func(c context.Context, cl *apiclient.Client) (err error) { r, err = cl.SetApprovalRule(c, in); return }, func(err error) {
		p.ruleErr = err
		if err == nil {
			p.ruleMsg = "Saved: orders by Buyers above " + components.FormatMoney(r.Threshold) + " need approval."
			p.reload()
		}
	})
}

func (p *approvalsPage) onDeleteRule(id string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		p.ruleErr, p.ruleMsg = nil, ""
		callAPI(p.ui, func(c context.Context, cl *apiclient.Client) error { return cl.DeleteApprovalRule(c, id) }, func(err error) {
			p.ruleErr = err
			if err == nil {
				p.threshold, p.ruleMsg = "", "The rule is removed: no order needs approval."
				p.reload()
			}
		})
	}
}

// trimMoney drops a currency symbol and spaces from an amount typed or
// shown ("$5,000.00" → "5,000.00"); the server reads the rest.
func trimMoney(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		if (r >= '0' && r <= '9') || r == '.' || r == ',' || r == '-' {
			out = append(out, r)
		}
	}
	return string(out)
}

// Render implements app.Composer.
func (p *approvalsPage) Render() app.UI {
	user, signedIn := p.session.User()
	var signedInAs string
	if signedIn {
		signedInAs = displayName(user)
	}
	content := []app.UI{app.H1().ID("approvals-title").Class("welcome__title").Text("Order Approvals")}
	if gate := accountGate(p.session, api.CapabilityApprovalsRead); gate != nil {
		content = append(content, gate)
	} else {
		content = append(content, p.renderBody(can(user, api.CapabilityApprovalsApprove))...)
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(signedInAs).
		Content(app.Section().Class("approvals").Body(content...))
}

func (p *approvalsPage) renderBody(approver bool) []app.UI {
	switch {
	case p.err != nil:
		return []app.UI{errorPanel(p.err, func(app.Context, app.Event) { p.reload() })}
	case !p.loaded:
		return []app.UI{app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Loading approvals…"))}
	}
	var pending, decided []app.UI
	for _, a := range p.list {
		if a.Status == api.ApprovalPending {
			pending = append(pending, p.renderApproval(a, approver))
		} else {
			decided = append(decided, p.renderApproval(a, false))
		}
	}
	return []app.UI{
		app.Section().Class("card card--wide").Aria("labelledby", "approvals-pending-title").Body(
			app.H2().ID("approvals-pending-title").Class("card__title").Text("Waiting for Approval"),
			app.If(len(pending) == 0, func() app.UI {
				return app.P().ID("approvals-none").Class("card__note").Text("No order is waiting for approval.")
			}),
			app.Ul().ID("approvals-pending").Class("account__list").Body(pending...),
		),
		app.If(len(decided) > 0, func() app.UI {
			return app.Section().Class("card card--wide").Aria("labelledby", "approvals-decided-title").Body(
				app.H2().ID("approvals-decided-title").Class("card__title").Text("Decided"),
				app.Ul().ID("approvals-decided").Class("account__list").Body(decided...),
			)
		}),
		p.renderRules(approver),
	}
}

func (p *approvalsPage) renderApproval(a api.OrderApproval, actions bool) app.UI {
	id := a.OrderID
	label := map[string]string{api.ApprovalPending: "Pending", api.ApprovalApproved: "Approved", api.ApprovalRejected: "Rejected"}[a.Status]
	color := map[string]string{api.ApprovalPending: "yellow", api.ApprovalApproved: "green", api.ApprovalRejected: "red"}[a.Status]
	return app.Li().ID("approval-"+id).Class("approval").DataSet("status", a.Status).Body(
		app.Div().Class("shipment-card__head").Body(
			app.A().Class("account__item-title").Href(api.PageOrders+"/"+id).Text("Order "+a.OrderNumber),
			app.Span().ID("approval-status-"+id).Class("chip chip--"+color).Text(label),
		),
		app.Dl().Class("facts").Body(
			fact("Requested by", a.RequestedBy),
			fact("Requested", components.FormatDay(&a.RequestedAt)),
			fact("Your PO#", a.PONumber),
			fact("Items", itoa(a.LineCount)),
			app.Div().Class("facts__row").Body(app.Dt().Text("Total"), app.Dd().ID("approval-total-"+id).Body(components.MoneyText(a.Total))),
			fact("Approval limit", components.FormatMoney(a.Threshold)),
			fact("Decided by", a.DecidedBy),
			fact("Comment", a.Comment),
		),
		app.If(actions, func() app.UI {
			busy := p.deciding != ""
			return app.Div().Class("approval__actions").Body(
				app.Div().Class("field").Body(
					app.Label().For("comment-"+id).Class("field__label").Text("Comment (required to reject)"),
					app.Textarea().ID("comment-"+id).Class("field__input").MaxLength(1000).OnInput(p.onComment(id)).Text(p.comments[id]),
				),
				app.If(p.decideErr[id] != nil, func() app.UI { return alertLine("approval-error-"+id, problemText(p.decideErr[id])) }),
				app.Div().Class("account__actions").Body(
					app.Button().ID("approve-"+id).Type("button").Class("button button--primary").Disabled(busy).
						OnClick(p.decide(id, "approve")).Text("Approve"),
					app.Button().ID("reject-"+id).Type("button").Class("button").Disabled(busy).
						OnClick(p.decide(id, "reject")).Text("Reject"),
				),
			)
		}),
	)
}

func (p *approvalsPage) renderRules(approver bool) app.UI {
	var rows []app.UI
	for _, r := range p.rules {
		rows = append(rows, app.Li().ID("rule-"+r.ID).Class("account__item").Body(
			app.Span().Text("Orders placed by Buyers above "+components.FormatMoney(r.Threshold)+" need an Admin's approval."),
			app.If(approver, func() app.UI {
				return app.Button().ID("rule-delete-" + r.ID).Type("button").Class("button button--small").OnClick(p.onDeleteRule(r.ID)).Text("Remove")
			}),
		))
	}
	return app.Section().ID("approval-rules").Class("card card--wide").Aria("labelledby", "approval-rules-title").Body(
		app.H2().ID("approval-rules-title").Class("card__title").Text("Approval Rule"),
		app.If(len(rows) == 0, func() app.UI {
			return app.P().ID("rules-none").Class("card__note").Text("No rule: orders go straight to us.")
		}),
		app.Ul().ID("rules-list").Class("plain-list").Body(rows...),
		app.If(approver, func() app.UI {
			return app.Form().ID("rule-form").OnSubmit(p.onSaveRule).Body(
				app.Div().Class("field").Body(
					app.Label().For("rule-threshold").Class("field__label").Text("Buyers' orders above this total need approval"),
					app.Input().ID("rule-threshold").Class("field__input").Type("text").Attr("inputmode", "decimal").
						Placeholder("5000.00").Value(p.threshold).OnInput(p.ValueTo(&p.threshold)),
				),
				alertLine("rule-error", problemText(p.ruleErr)),
				statusLine("rule-saved", p.ruleMsg),
				app.Button().ID("rule-save").Type("submit").Class("button button--primary").Text("Save Rule"),
			)
		}),
	)
}

// The activity log's names of the approval events (issue 8), added to the
// audit log's table.
func init() {
	for kind, label := range map[string]string{
		"approval_rule_set":        "Approval rule set",
		"approval_rule_deleted":    "Approval rule removed",
		"order_approval_requested": "Order submitted for approval",
		"order_approved":           "Order approved",
		"order_rejected":           "Order rejected",
	} {
		auditKindLabels[kind] = label
	}
}
