package state

import (
	"example.com/portal/app/apiclient"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// SignedIn stores me as the signed-in user, as a finished sign-in does: the
// second-factor page calls it once the code is accepted. Call it on the UI
// goroutine (in ctx.Dispatch).
func SignedIn(ctx app.Context, me api.Me) {
	sessionEpoch.Add(1)
	ctx.SetState(KeySession, Session{Status: Loaded, Data: apiclient.Session{SignedIn: true, User: me}})
	ctx.SetState(KeySignOut, Submission{})
}
