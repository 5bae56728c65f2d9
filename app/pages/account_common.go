package pages

import (
	"context"
	"slices"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Capabilities of /api/v1/me the account screens depend on.
const (
	capAddressesRead   = "addresses:read"
	capAddressesManage = "addresses:manage"
	capNotifications   = "notifications:manage"
	capUsersRead       = "customer_users:read"
	capUsersManage     = "customer_users:manage"
	capAuditLogRead    = "audit_log:read"
)

// can reports whether the signed-in user's capabilities include c.
func can(u apiclient.User, c string) bool { return slices.Contains(u.Capabilities, c) }

// sessionCan reports whether s is a signed-in user's with the capability c.
func sessionCan(s state.Session, c string) bool {
	u, ok := s.User()
	return ok && can(u, c)
}

// accountCallTimeout bounds one API call of the account screens; changing a
// password hashes it, on purpose slowly.
const accountCallTimeout = 30 * time.Second

// callAPI runs fn off the UI goroutine with a client for the page's tenant
// and a timeout, then done on the UI goroutine with fn's error. fn must not
// touch the component; it hands its results to done through variables it
// closes over. ctx must be the page's own context from OnNav, not an event's:
// go-app drops a Dispatch whose source element is gone, and the button or
// form that started a call is often gone by the time it answers (a dialog
// closes, "Really delete" turns back into "Delete").
func callAPI(ctx app.Context, fn func(c context.Context, cl *apiclient.Client) error, done func(err error)) {
	cl := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, accountCallTimeout)
		defer cancel()
		err := fn(c, cl)
		ctx.Dispatch(func(app.Context) { done(err) })
	})
}

// accountGate is what an account screen shows instead of its content while
// the session is checked, when nobody is signed in, or when the user's role
// lacks the capability; nil when the content may show.
func accountGate(s state.Session, capability string) app.UI {
	user, signedIn := s.User()
	switch {
	case s.Status == state.LoadingErr:
		return errorPanel(s.Err, func(ctx app.Context, _ app.Event) { ctx.NewAction(state.ActionLoadSession) })
	case signedIn && (capability == "" || can(user, capability)):
		return nil
	case signedIn:
		return app.Div().ID("account-denied").Class("card card--alert").Role("alert").Body(
			app.H2().Class("card__title").Text("Not available for your role"),
			app.P().Text("Ask an Admin of your company's account if you need this."),
		)
	case s.Status == state.Loaded:
		return app.Div().Class("card card--cta").Body(
			app.H2().Class("card__title").Text("You are not signed in"),
			app.P().Text("Sign in to manage your account."),
			app.A().Class("button button--primary").Href(components.PathLogin).Text("Sign in"),
		)
	default:
		return app.Div().Class("card card--muted").Body(app.P().Class("card__status").Text("Checking whether you are signed in…"))
	}
}

// problemText is the one-line message for a failed call: the server's
// detail when it answered, else what apiError says.
func problemText(err error) string {
	if err == nil {
		return ""
	}
	e, problem, answered := apiError(err)
	if !answered {
		return problem.Message
	}
	msg := orDefault(e.Detail, "Something went wrong. Please try again.")
	if e.Code == "internal" && e.RequestID != "" {
		msg += " (reference " + e.RequestID + ")"
	}
	return msg
}

// alertLine renders msg as an alert, or nothing.
func alertLine(id, msg string) app.UI {
	if msg == "" {
		return nil
	}
	return app.P().ID(id).Class("account__alert").Role("alert").Text(msg)
}

// statusLine renders msg as a polite status, or nothing.
func statusLine(id, msg string) app.UI {
	if msg == "" {
		return nil
	}
	return app.P().ID(id).Class("account__status").Role("status").Text(msg)
}

// formatTime shows a time in the browser's zone, minutes precision.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04")
}
