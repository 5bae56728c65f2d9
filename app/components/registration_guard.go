package components

import (
	"context"
	"strings"
	"sync"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// registrationSeen remembers, per signed-in customer user (by e-mail),
// that their registration is complete ("done") or being asked about
// ("asking"), so the guard asks the server once per session, not per page.
var registrationSeen sync.Map

// guardRegistration sends a self-registered customer user whose
// registration is not complete to the page for its state (profile or
// pending): until then the API refuses everything else with
// api.CodeProfileIncomplete or api.CodePendingApproval. The main menu, on
// every page, calls it for the signed-in user.
func guardRegistration(ctx app.Context, u api.Me, path string) {
	if u.Staff || strings.HasPrefix(path, PathRegister) {
		return
	}
	if _, seen := registrationSeen.LoadOrStore(u.Email, "asking"); seen {
		return
	}
	client := apiclient.New(ctx.Page().URL())
	ctx.Async(func() {
		c, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		st, err := client.Registration(c)
		ctx.Dispatch(func(ctx app.Context) {
			switch {
			case err == nil && st.State == "":
				registrationSeen.Store(u.Email, "done")
				return
			case err == nil && st.State == api.CodeProfileIncomplete:
				ctx.Navigate(PathRegisterProfile)
			case err == nil && st.State == api.CodePendingApproval:
				ctx.Navigate(PathRegisterPending)
			}
			registrationSeen.Delete(u.Email) // ask again on the next page
		})
	})
}
