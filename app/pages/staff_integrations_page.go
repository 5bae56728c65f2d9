package pages

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Element ids of the integrations screen. Rows' buttons carry their key's
// or endpoint's id in data-id ("key-rotate", "hook-test", …, with the id
// appended to the element id).
const (
	idKeysSection      = "api-keys"
	idKeysList         = "api-keys-list"
	idKeyForm          = "api-key-form"
	idKeyName          = "api-key-name"
	idKeyScopes        = "api-key-scopes"
	idKeySubmit        = "api-key-submit"
	idKeyError         = "api-key-error"
	idSecret           = "secret-once"
	idSecretValue      = "secret-once-value"
	idSecretDone       = "secret-once-done"
	idHooksSection     = "webhooks"
	idHooksList        = "webhooks-list"
	idHookForm         = "webhook-form"
	idHookURL          = "webhook-url"
	idHookDescription  = "webhook-description"
	idHookEvents       = "webhook-events"
	idHookSubmit       = "webhook-submit"
	idHookError        = "webhook-error"
	idIntegrationsLoad = "integrations-error"
	idHooksTurnedOff   = "webhooks-turned-off"
)

// staffIntegrationsPage is /portal/staff/integrations: the tenant's API
// keys (make, rotate, revoke; the secret shown once) and webhook endpoints
// (add, test, turn off and on, rotate the signing secret, delete, the
// delivery log with replay). Each half shows only with its capability
// (api_keys:manage, webhooks:manage: tenant admins).
type staffIntegrationsPage struct {
	app.Compo
	chrome

	session state.Session
	loaded  bool
	loadErr formProblem
	// nav is the context OnNav got, whose source is the page itself: the
	// lists and the outcomes of row buttons land through it, because go-app
	// drops a Dispatch whose source element is gone, and a row's button is
	// replaced as soon as the lists change under it.
	nav app.Context

	keys      []api.APIKey
	scopes    []string
	hooks     []api.Webhook
	events    []string
	keyName   string
	keyScopes []string
	keyForm   formState
	hookURL   string
	hookDesc  string
	hookEvts  []string
	hookForm  formState
	action    formProblem // the outcome of a row's button, when it failed

	// secret is a key or signing secret just made: shown once, until
	// dismissed; secretOf names what it belongs to.
	secret, secretOf string
	// tests are the latest test results by endpoint; deliveries the open
	// delivery log (one endpoint at a time).
	tests         map[string]api.WebhookTestResult
	deliveriesOf  string
	deliveries    []api.WebhookDelivery
	replayedOf    string
	deliveriesErr formProblem
}

func newStaffIntegrationsPage() app.Composer { return &staffIntegrationsPage{} }

// OnInit brands the first client render (see brand.Initial).
func (p *staffIntegrationsPage) OnInit() { p.initBrand() }

// OnNav loads both lists in the browser.
func (p *staffIntegrationsPage) OnNav(ctx app.Context) {
	p.locate(ctx)
	p.setHead(ctx, "Integrations", "API keys and webhooks of the e-commerce and back-office integrations")
	if !app.IsClient {
		return
	}
	ctx.ObserveState(state.KeySession, &p.session)
	ctx.NewAction(state.ActionLoadSession)
	p.nav = ctx
	p.load()
}

func (p *staffIntegrationsPage) can(capability string) bool {
	u, ok := p.session.User()
	return ok && slices.Contains(u.Capabilities, capability)
}

// load fetches the lists the user may see. A 403 on one list (a role
// with one capability only) leaves that list empty, not the page broken.
func (p *staffIntegrationsPage) load() {
	ctx := p.nav
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, onboardingTimeout)
		defer cancel()
		keys, kerr := client.APIKeys(c)
		hooks, herr := client.Webhooks(c)
		ctx.Dispatch(func(ctx app.Context) {
			p.loaded, p.loadErr = true, formProblem{}
			for _, err := range []error{kerr, herr} {
				switch code := apiclient.ErrorCode(err); {
				case err == nil || code == api.CodeForbidden:
				case code == api.CodeUnauthorized:
					ctx.Navigate(components.PathLogin)
					return
				default:
					p.loadErr = describeFormError(err, nil)
				}
			}
			if kerr == nil {
				p.keys, p.scopes = keys.Keys, keys.Scopes
			}
			if herr == nil {
				p.hooks, p.events = hooks.Webhooks, hooks.Events
			}
		})
	})
}

// toggle returns a checkbox handler adding or removing its value in *set.
func toggle(set *[]string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		v := ctx.JSSrc().Get("value").String()
		if ctx.JSSrc().Get("checked").Bool() {
			if !slices.Contains(*set, v) {
				*set = append(*set, v)
			}
			return
		}
		*set = slices.DeleteFunc(*set, func(s string) bool { return s == v })
	}
}

func (p *staffIntegrationsPage) createKey(ctx app.Context, e app.Event) {
	e.PreventDefault()
	readInputs(ctx, map[string]*string{idKeyName: &p.keyName})
	in := api.CreateAPIKeyRequest{Name: strings.TrimSpace(p.keyName), Scopes: slices.Clone(p.keyScopes)}
	var made api.APIKeyCreated
	p.keyForm.send(ctx, map[string]string{"name": idKeyName, "scopes": idKeyScopes}, func(c context.Context, client *apiclient.Client) (string, error) {
		var err error
		made, err = client.CreateAPIKey(c, in)
		return "", err
	}, func(ctx app.Context, err error) {
		if err == nil {
			p.secret, p.secretOf, p.keyName, p.keyScopes = made.Key, "API key "+made.Name, "", nil
			p.load()
		}
	})
}

func (p *staffIntegrationsPage) createHook(ctx app.Context, e app.Event) {
	e.PreventDefault()
	readInputs(ctx, map[string]*string{idHookURL: &p.hookURL, idHookDescription: &p.hookDesc})
	u, d := strings.TrimSpace(p.hookURL), strings.TrimSpace(p.hookDesc)
	in := api.WebhookRequest{URL: &u, Description: &d, Events: slices.Clone(p.hookEvts)}
	var made api.WebhookCreated
	ids := map[string]string{"url": idHookURL, "description": idHookDescription, "events": idHookEvents}
	p.hookForm.send(ctx, ids, func(c context.Context, client *apiclient.Client) (string, error) {
		var err error
		made, err = client.CreateWebhook(c, in)
		return "", err
	}, func(ctx app.Context, err error) {
		if err == nil {
			p.secret, p.secretOf, p.hookURL, p.hookDesc, p.hookEvts = made.Secret, "endpoint "+made.URL, "", "", nil
			p.load()
		}
	})
}

// rowAction runs call for the row whose button was clicked (its data-id,
// see staffAccessRequestsPage.open), after confirm when it is not "", then,
// through the page's context, applies what call returned and reloads the
// lists.
func (p *staffIntegrationsPage) rowAction(confirm string, call func(c context.Context, client *apiclient.Client, id string) (func(), error)) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		id := clickedID(ctx)
		if confirm != "" && !app.Window().Call("confirm", confirm).Bool() {
			return
		}
		nav := p.nav
		client := apiclient.New(nav.Page().URL())
		nav.Async(func() {
			c, cancel := context.WithTimeout(nav, onboardingTimeout)
			defer cancel()
			apply, err := call(c, client, id)
			nav.Dispatch(func(app.Context) {
				p.action = formProblem{}
				if err != nil {
					p.action = describeFormError(err, nil)
				} else if apply != nil {
					apply()
				}
				p.load()
			})
		})
	}
}

func (p *staffIntegrationsPage) rotateKey() app.EventHandler {
	return p.rowAction("Make a new key? The current one keeps working for 24 hours.", func(c context.Context, client *apiclient.Client, id string) (func(), error) {
		made, err := client.RotateAPIKey(c, id)
		return func() { p.secret, p.secretOf = made.Key, "API key "+made.Name }, err
	})
}

func (p *staffIntegrationsPage) revokeKey() app.EventHandler {
	return p.rowAction("Revoke this key now? Whatever uses it stops working at once.", func(c context.Context, client *apiclient.Client, id string) (func(), error) {
		return nil, client.RevokeAPIKey(c, id)
	})
}

func (p *staffIntegrationsPage) testHook() app.EventHandler {
	return p.rowAction("", func(c context.Context, client *apiclient.Client, id string) (func(), error) {
		res, err := client.TestWebhook(c, id)
		return func() {
			if p.tests == nil {
				p.tests = map[string]api.WebhookTestResult{}
			}
			p.tests[id] = res
		}, err
	})
}

func (p *staffIntegrationsPage) switchHook(enable bool) app.EventHandler {
	return p.rowAction("", func(c context.Context, client *apiclient.Client, id string) (func(), error) {
		_, err := client.UpdateWebhook(c, id, api.WebhookRequest{Enabled: &enable})
		return nil, err
	})
}

func (p *staffIntegrationsPage) rotateHookSecret() app.EventHandler {
	return p.rowAction("Make a new signing secret? Deliveries carry both signatures for 24 hours.", func(c context.Context, client *apiclient.Client, id string) (func(), error) {
		made, err := client.UpdateWebhook(c, id, api.WebhookRequest{RotateSecret: true})
		return func() { p.secret, p.secretOf = made.Secret, "endpoint "+made.URL }, err
	})
}

func (p *staffIntegrationsPage) deleteHook() app.EventHandler {
	return p.rowAction("Delete this endpoint? It receives nothing more.", func(c context.Context, client *apiclient.Client, id string) (func(), error) {
		return nil, client.DeleteWebhook(c, id)
	})
}

// showDeliveries opens (or closes) the delivery log of the endpoint.
func (p *staffIntegrationsPage) showDeliveries(ctx app.Context, _ app.Event) {
	id := clickedID(ctx)
	if p.deliveriesOf == id {
		p.deliveriesOf, p.deliveries = "", nil
		return
	}
	p.deliveriesOf, p.deliveries, p.deliveriesErr, p.replayedOf = id, nil, formProblem{}, ""
	p.loadDeliveries(id)
}

func (p *staffIntegrationsPage) loadDeliveries(id string) {
	ctx := p.nav
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, onboardingTimeout)
		defer cancel()
		list, err := client.WebhookDeliveries(c, id, 20)
		ctx.Dispatch(func(app.Context) {
			if p.deliveriesOf != id {
				return
			}
			p.deliveries, p.deliveriesErr = list, formProblem{}
			if err != nil {
				p.deliveriesErr = describeFormError(err, nil)
			}
		})
	})
}

func (p *staffIntegrationsPage) replay(ctx app.Context, _ app.Event) {
	delivery, hook := clickedID(ctx), p.deliveriesOf
	ctx = p.nav
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, onboardingTimeout)
		defer cancel()
		err := client.ReplayDelivery(c, hook, delivery)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.deliveriesErr = describeFormError(err, nil)
				return
			}
			p.replayedOf = delivery
			p.loadDeliveries(hook)
		})
	})
}

// Render implements app.Composer.
func (p *staffIntegrationsPage) Render() app.UI {
	name := ""
	if u, ok := p.session.User(); ok {
		name = u.Name
	}
	content := []app.UI{app.H1().Class("page__title").Text("Integrations")}
	keys, hooks := p.can(api.CapabilityAPIKeys), p.can(api.CapabilityWebhooks)
	switch {
	case !p.loaded:
		content = append(content, app.P().Class("card__note").Text("Loading…"))
	case p.session.Status == state.Loaded && !keys && !hooks:
		content = append(content, app.P().Class("card").Text("Your role does not include the integrations."))
	default:
		content = append(content, formAlert(idIntegrationsLoad, p.loadErr, p.brand.Name), formAlert(idIntegrationsLoad+"-action", p.action, p.brand.Name))
		// The slot is always there, so that the sections after it keep
		// their place (and their elements) when a secret shows.
		content = append(content, app.Div().ID(idSecret+"-slot").Body(app.If(p.secret != "", p.renderSecret)))
		if keys {
			content = append(content, p.renderKeys())
		}
		if hooks {
			content = append(content, p.renderHooks())
		}
	}
	return components.NewLayout().Brand(p.brand).Path(p.path).SignedInAs(name).Content(content...)
}

// renderSecret shows a just-made secret once, selectable for copying.
func (p *staffIntegrationsPage) renderSecret() app.UI {
	return app.Section().ID(idSecret).Class("card").Role("status").Body(
		app.H2().Class("card__title").Text("Copy the secret of "+p.secretOf+" now"),
		app.P().Class("card__note").Text("It is shown this once and cannot be shown again: store it in your system's secret store now."),
		app.Input().ID(idSecretValue).Class("field__input").ReadOnly(true).Value(p.secret).Attr("autocomplete", "off").
			Spellcheck(false).OnFocus(func(ctx app.Context, _ app.Event) { ctx.JSSrc().Call("select") }),
		app.Button().ID(idSecretDone).Class("button").Type("button").
			OnClick(func(app.Context, app.Event) { p.secret, p.secretOf = "", "" }).Text("I have stored it"),
	)
}

// checkboxes is a group of checkboxes, one per option, with its error.
func checkboxes(id string, options, checked []string, onChange app.EventHandler, errMsg string, label string) app.UI {
	return app.FieldSet().ID(id).Class("field field__options").Body(
		app.Legend().Class("field__label").Text(label),
		app.Range(options).Slice(func(i int) app.UI {
			o := options[i]
			return app.Label().Class("field__option").Body(
				app.Input().Type("checkbox").Class("field__check").ID(id+"-"+o).Name(id).Value(o).
					Checked(slices.Contains(checked, o)).OnChange(onChange),
				app.Span().Text(o),
			)
		}),
		fieldError(id, errMsg),
	)
}

func (p *staffIntegrationsPage) renderKeys() app.UI {
	f := p.keyForm.problem.Fields
	return app.Section().ID(idKeysSection).Body(
		app.H2().Class("page__subtitle").Text("API keys"),
		app.P().Class("card__note").Text("Your ERP (back office), your storefront (e-commerce) and webhook tools authenticate with a key, sent as \"Authorization: Bearer <key>\"."),
		app.If(len(p.keys) == 0, func() app.UI { return app.P().Class("card card__note").Text("No keys yet.") }),
		app.Ul().ID(idKeysList).Class("staff-list").Body(
			app.Range(p.keys).Slice(func(i int) app.UI {
				k := p.keys[i]
				status, live := keyStatus(k, time.Now())
				return app.Li().ID("key-"+k.ID).Class("card staff-list__item").DataSet("status", status).Body(
					app.H3().Class("card__title").Text(k.Name),
					app.P().Body(app.Code().Text(k.Prefix+"…"), app.Text(" · "+strings.Join(k.Scopes, ", "))),
					app.P().Class("card__note").Text(keyUse(k)),
					app.P().Class("card__status").Text(status),
					app.If(live, func() app.UI {
						return app.Div().Class("staff-list__actions").Body(
							app.Button().ID("key-rotate-"+k.ID).Class("button").Type("button").DataSet("id", k.ID).OnClick(p.rotateKey()).Text("Rotate"),
							app.Button().ID("key-revoke-"+k.ID).Class("button").Type("button").DataSet("id", k.ID).OnClick(p.revokeKey()).Text("Revoke"),
						)
					}),
				)
			}),
		),
		app.Form().ID(idKeyForm).Class("card signin__form").Method("post").OnSubmit(p.createKey).Body(
			app.H3().Class("card__title").Text("New key"),
			formAlert(idKeyError, p.keyForm.problem, p.brand.Name),
			app.FieldSet().Class("signin__fields").Body(
				textField(idKeyName, "Name (what uses it)", "text", "off", true, p.keyName, p.ValueTo(&p.keyName), f[idKeyName]),
				checkboxes(idKeyScopes, p.scopes, p.keyScopes, toggle(&p.keyScopes), f[idKeyScopes], "Scopes"),
				submitButton(idKeySubmit, "Create key", "Creating…", true, p.keyForm.busy),
			),
		),
	)
}

// keyStatus is a key's state as the list says it, and whether it still
// works (so it can be rotated or revoked).
func keyStatus(k api.APIKey, now time.Time) (string, bool) {
	switch {
	case k.RevokedAt == nil:
		return "active", true
	case k.RevokedAt.After(now):
		return "works until " + k.RevokedAt.Local().Format("Jan 2 15:04") + " (rotated)", true
	default:
		return "revoked", false
	}
}

func keyUse(k api.APIKey) string {
	s := "Created " + k.CreatedAt.Local().Format("Jan 2, 2006")
	if k.LastUsedAt != nil {
		return s + " · last used " + k.LastUsedAt.Local().Format("Jan 2, 2006 15:04")
	}
	return s + " · never used"
}

func (p *staffIntegrationsPage) renderHooks() app.UI {
	f := p.hookForm.problem.Fields
	return app.Section().ID(idHooksSection).Body(
		app.H2().Class("page__subtitle").Text("Webhooks"),
		app.P().Class("card__note").Text("The portal posts signed events to your endpoints (Standard Webhooks headers beside X-Webhook-Signature); failed deliveries are retried after 30 s, 2 min, 10 min, 1 h and 4 h."),
		app.If(len(p.hooks) == 0, func() app.UI { return app.P().Class("card card__note").Text("No endpoints yet.") }),
		turnedOffNotice(p.hooks),
		app.Ul().ID(idHooksList).Class("staff-list").Body(
			app.Range(p.hooks).Slice(func(i int) app.UI { return p.renderHook(p.hooks[i]) }),
		),
		app.Form().ID(idHookForm).Class("card signin__form").Method("post").OnSubmit(p.createHook).Body(
			app.H3().Class("card__title").Text("New endpoint"),
			formAlert(idHookError, p.hookForm.problem, p.brand.Name),
			app.FieldSet().Class("signin__fields").Body(
				textField(idHookURL, "URL (https)", "url", "off", true, p.hookURL, p.ValueTo(&p.hookURL), f[idHookURL]),
				textField(idHookDescription, "Description", "text", "off", false, p.hookDesc, p.ValueTo(&p.hookDesc), f[idHookDescription]),
				checkboxes(idHookEvents, p.events, p.hookEvts, toggle(&p.hookEvts), f[idHookEvents], "Events"),
				submitButton(idHookSubmit, "Add endpoint", "Adding…", true, p.hookForm.busy),
			),
		),
	)
}

func (p *staffIntegrationsPage) renderHook(h api.Webhook) app.UI {
	status := "enabled"
	if !h.Enabled {
		status = "disabled"
		if h.DisabledReason != "" {
			status += ": " + h.DisabledReason
		}
	}
	test, tested := p.tests[h.ID]
	button := func(id, label string, on app.EventHandler) app.UI {
		return app.Button().ID(id+"-"+h.ID).Class("button").Type("button").DataSet("id", h.ID).OnClick(on).Text(label)
	}
	return app.Li().ID("hook-"+h.ID).Class("card staff-list__item").DataSet("enabled", strconv.FormatBool(h.Enabled)).Body(
		app.H3().Class("card__title").Text(h.URL),
		app.If(h.Description != "", func() app.UI { return app.P().Text(h.Description) }),
		app.P().Class("card__note").Text(strings.Join(h.Events, ", ")),
		app.P().Class("card__status").Text(status),
		app.If(h.Enabled && h.FailingSince != nil, func() app.UI {
			return app.P().ID("hook-failing-" + h.ID).Class("account__alert").Role("status").Text("Every delivery failed since " +
				h.FailingSince.Local().Format("Jan 2 15:04") + "; after three days of this the portal turns the endpoint off.")
		}),
		app.If(h.PreviousSecretExpiresAt != nil, func() app.UI {
			return app.P().Class("card__note").Text("The previous secret signs too until " + h.PreviousSecretExpiresAt.Local().Format("Jan 2 15:04"))
		}),
		app.If(tested, func() app.UI { return app.P().ID("hook-test-result-" + h.ID).Role("status").Text(testOutcome(test)) }),
		app.Div().Class("staff-list__actions").Body(
			button("hook-test", "Send test", p.testHook()),
			app.If(h.Enabled, func() app.UI { return button("hook-disable", "Turn off", p.switchHook(false)) }).
				Else(func() app.UI { return button("hook-enable", "Turn on", p.switchHook(true)) }),
			button("hook-rotate", "Rotate secret", p.rotateHookSecret()),
			button("hook-deliveries", "Deliveries", p.showDeliveries),
			button("hook-delete", "Delete", p.deleteHook()),
		),
		app.If(p.deliveriesOf == h.ID, func() app.UI { return p.renderDeliveries() }),
	)
}

// turnedOffNotice says which endpoints the portal turned off (410 Gone,
// or failing for days) and what to do; the tenant's admins were mailed too.
func turnedOffNotice(hooks []api.Webhook) app.UI {
	var urls []string
	for _, h := range hooks {
		if !h.Enabled && h.DisabledReason != "" {
			urls = append(urls, h.URL)
		}
	}
	what := "an endpoint"
	if len(urls) > 1 {
		what = strconv.Itoa(len(urls)) + " endpoints"
	}
	return app.If(len(urls) > 0, func() app.UI {
		return app.Div().ID(idHooksTurnedOff).Class("card card--alert").Role("alert").Body(
			app.P().Text("The portal turned off "+what+" because deliveries failed: "+strings.Join(urls, ", ")+"."),
			app.P().Text("Once the receiver works again, turn it back on and send the missed events again (Deliveries, or a time range through the API)."),
		)
	})
}

func testOutcome(r api.WebhookTestResult) string {
	ms := strconv.FormatInt(r.LatencyMS, 10) + " ms"
	switch {
	case r.Delivered:
		return "Test delivered: HTTP " + strconv.Itoa(r.StatusCode) + " in " + ms
	case r.StatusCode != 0:
		return "Test failed: HTTP " + strconv.Itoa(r.StatusCode) + " in " + ms
	default:
		return "Test failed: " + orDefault(r.Error, "no answer")
	}
}

func (p *staffIntegrationsPage) renderDeliveries() app.UI {
	return app.Div().ID("deliveries-"+p.deliveriesOf).Class("table-wrap").Body(
		formAlert("deliveries-error", p.deliveriesErr, p.brand.Name),
		app.If(p.replayedOf != "", func() app.UI {
			return app.P().ID("replay-queued").Role("status").Text("Sent again: it shows here once attempted.")
		}),
		app.If(len(p.deliveries) == 0, func() app.UI { return app.P().Class("card__note").Text("No deliveries yet.") }),
		app.If(len(p.deliveries) > 0, func() app.UI {
			return app.Table().Class("table").Body(
				app.THead().Body(app.Tr().Body(app.Th().Text("When"), app.Th().Text("Event"), app.Th().Text("Attempt"),
					app.Th().Text("Result"), app.Th().Text("Latency"), app.Th())),
				app.TBody().Body(app.Range(p.deliveries).Slice(func(i int) app.UI {
					d := p.deliveries[i]
					result := "failed"
					if d.Succeeded {
						result = "delivered"
					}
					if d.StatusCode != 0 {
						result += " (HTTP " + strconv.Itoa(d.StatusCode) + ")"
					} else if d.Error != "" {
						result += ": " + d.Error
					}
					return app.Tr().ID("delivery-"+d.ID).DataSet("succeeded", strconv.FormatBool(d.Succeeded)).Body(
						app.Td().Text(d.AttemptedAt.Local().Format("Jan 2 15:04:05")),
						app.Td().Text(d.EventType),
						app.Td().Text(strconv.Itoa(d.Attempt)),
						app.Td().Text(result),
						app.Td().Text(strconv.Itoa(d.LatencyMS)+" ms"),
						app.Td().Body(app.If(!d.Succeeded, func() app.UI {
							return app.Button().ID("delivery-replay-"+d.ID).Class("button").Type("button").DataSet("id", d.ID).OnClick(p.replay).Text("Send again")
						})),
					)
				})),
			)
		}),
	)
}
