package pages

import (
	"context"
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"

	"example.com/portal/app/apiclient"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// formProblem is what a form shows for a failed submission.
type formProblem struct {
	Message string            // for the error area above the fields
	Ref     string            // request id to quote to support; "" when not useful
	Fields  map[string]string // element id of a field → message under it
}

// apiError returns the API's answer in err and true; or, when the request
// never got one (a timeout, a network failure), false and the problem to
// show for that, the same on every form.
func apiError(err error) (*apiclient.Error, formProblem, bool) {
	var e *apiclient.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return nil, formProblem{Message: "The portal took too long to answer. Please try again."}, false
	case !errors.As(err, &e):
		return nil, formProblem{Message: "We could not reach the portal. Check your connection and try again."}, false
	}
	return e, formProblem{}, true
}

// fieldMessages maps the API's field errors to the form's fields: ids maps
// an API field name ("email") to the id of its input. Only the first
// message of each field is kept, capitalised (see sentence); fields the form
// does not have are left out.
func fieldMessages(fields []api.FieldError, ids map[string]string) map[string]string {
	out := map[string]string{}
	for _, f := range fields {
		if id, ok := ids[f.Field]; ok && out[id] == "" {
			out[id] = sentence(f.Message)
		}
	}
	return out
}

// hasField reports whether the API refused the named field.
func hasField(e *apiclient.Error, field string) bool {
	for _, f := range e.Fields {
		if f.Field == field {
			return true
		}
	}
	return false
}

// withFieldError marks an input as invalid and points it at its message.
func withFieldError(input app.HTMLInput, id, msg string) app.HTMLInput {
	if msg == "" {
		return input
	}
	return input.Aria("invalid", "true").Aria("describedby", id+"-error")
}

// fieldError is the message under a field, or nothing.
func fieldError(id, msg string) app.UI {
	if msg == "" {
		return nil
	}
	return app.P().ID(id + "-error").Class("field__error").Text(msg)
}

// formAlert is the error area above a form's fields: a live region (role
// alert) that is empty, and hidden by the stylesheet, until there is a
// problem to show. supportName is who to contact with the reference.
func formAlert(id string, problem formProblem, supportName string) app.UI {
	return app.Div().
		ID(id).
		Class("signin__error").
		Role("alert").
		Body(
			app.If(problem.Message != "", func() app.UI {
				return app.P().Text(problem.Message)
			}),
			app.If(problem.Ref != "", func() app.UI {
				return app.P().Class("signin__ref").Text(
					"If this keeps happening, contact " + supportName +
						" support and quote reference " + problem.Ref + ".")
			}),
		)
}

// focusFirst focuses the first element of ids that exists, unless the user
// has already focused something: the autofocus attribute alone does not act
// on a form the app inserts after the page has loaded. Browser only.
func focusFirst(ctx app.Context, ids ...string) {
	ctx.Defer(func(app.Context) {
		doc := app.Window().Get("document")
		if active := doc.Get("activeElement"); active.Truthy() && active.Get("tagName").String() != "BODY" {
			return
		}
		for _, id := range ids {
			if el := doc.Call("getElementById", id); el.Truthy() {
				el.Call("focus")
				return
			}
		}
	})
}

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

// sentence capitalises the first letter of a server message ("is
// required" → "Is required"), which is written to follow a field name.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
