package pages

import (
	"context"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The onboarding screens (request access, sign-up, profile, staff queue)
// are forms whose outcome only their own page shows, so each keeps its
// submission in the page (formState) instead of a shared state key.

// onboardingTimeout bounds one API call of these screens; sign-up hashes a
// password on the server, on purpose slowly.
const onboardingTimeout = 30 * time.Second

// formState is a page's form in flight or done.
type formState struct {
	busy    bool
	done    bool
	detail  string // the server's message on success, when it sent one
	problem formProblem
}

// send runs call off the UI goroutine and then, on it, records the outcome
// in f and calls then (with the error, nil on success). ids maps API field
// names to the form's input ids.
func (f *formState) send(ctx app.Context, ids map[string]string, call func(context.Context, *apiclient.Client) (string, error), then func(app.Context, error)) {
	if f.busy {
		return
	}
	f.busy, f.problem = true, formProblem{}
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, onboardingTimeout)
		defer cancel()
		detail, err := call(c, client)
		ctx.Dispatch(func(ctx app.Context) {
			f.busy = false
			if err != nil {
				f.problem = describeFormError(err, ids)
			} else {
				f.done, f.detail = true, detail
			}
			if then != nil {
				then(ctx, err)
			}
		})
	})
}

// describeFormError turns a failed submission into what a form shows.
func describeFormError(err error, ids map[string]string) formProblem {
	e, problem, answered := apiError(err)
	if !answered {
		return problem
	}
	switch e.Code {
	case api.CodeInvalid, api.CodeConflict:
		if fields := fieldMessages(e.Fields, ids); len(fields) > 0 {
			return formProblem{Message: "Please correct the marked fields.", Fields: fields}
		}
		return formProblem{Message: orDefault(e.Detail, "Please check the form."), Ref: e.RequestID}
	case api.CodeRateLimited, api.CodeForbidden, api.CodeNotFound, api.CodeProfileIncomplete, api.CodePendingApproval:
		return formProblem{Message: orDefault(e.Detail, "This cannot be done now.")}
	default:
		return formProblem{Message: "Something went wrong. Please try again in a moment.", Ref: e.RequestID}
	}
}

// readInputs copies the values of the form that sent the submit event into
// the strings of ids (element id → destination), for browsers that fill
// fields without input events.
func readInputs(ctx app.Context, ids map[string]*string) {
	elements := ctx.JSSrc().Get("elements")
	if !elements.Truthy() {
		return
	}
	for id, dst := range ids {
		if el := elements.Call("namedItem", id); el.Truthy() {
			*dst = el.Get("value").String()
		}
	}
}

// textField is a labelled input with its error message.
func textField(id, label, typ, autocomplete string, required bool, value string, onInput app.EventHandler, errMsg string) app.UI {
	input := app.Input().
		ID(id).
		Name(id).
		Class("field__input").
		Type(typ).
		Value(value).
		OnInput(onInput)
	if required {
		input = input.Required(true) // only when true: go-app renders required="false"
	}
	if autocomplete != "" {
		input = input.Attr("autocomplete", autocomplete)
	}
	if typ == "email" {
		input = input.Attr("autocapitalize", "none").Spellcheck(false)
	}
	lbl := label
	if !required {
		lbl += " (optional)"
	}
	return app.Div().Class("field").Body(
		app.Label().Class("field__label").For(id).Text(lbl),
		withFieldError(input, id, errMsg),
		fieldError(id, errMsg),
	)
}

// fieldSet is the form's fieldset, disabled until the Wasm runs the page
// (see loginPage.interactive).
func fieldSet(interactive bool) app.HTMLFieldSet {
	fs := app.FieldSet().Class("signin__fields")
	if !interactive {
		fs = fs.Disabled(true) // only when true: see loginPage.renderForm
	}
	return fs
}

// submitButton is a form's primary button: "Loading…" before the Wasm
// runs, a spinner while busy.
func submitButton(id, label, busyLabel string, interactive, busy bool) app.UI {
	b := app.Button().ID(id).Class("button button--primary button--block").Type("submit")
	switch {
	case !interactive:
		return b.Disabled(true).Text("Loading…")
	case busy:
		return b.Disabled(true).Class("button--busy").Body(app.Span().Class("spinner"), app.Text(busyLabel))
	default:
		return b.Text(label)
	}
}

// signinCard is the centred card of the signed-out screens.
func signinCard(p *chrome, title string, body app.UI) app.UI {
	return app.Section().Class("signin").Body(
		components.NewLogo().Brand(p.brand).Large(true),
		app.H1().Class("signin__title").Text(title),
		app.Div().Class("card signin__card").Body(body),
	)
}
