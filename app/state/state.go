// Package state holds the UI's shared asynchronous data, in the go-app docs
// pattern (CONVENTIONS item 13): an action name, a handler registered with
// app.Handle that does the loading and writes a {Status, Err, Data} value to
// a state key, and components that only post the action and observe the key.
package state

import (
	"context"
	"time"

	"example.com/portal/app/apiclient"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Status is where an asynchronous load stands.
type Status int

// Load statuses, in the go-app docs' order.
const (
	NeverLoaded Status = iota
	Loading
	LoadingErr
	Loaded
)

// Action names and state keys.
const (
	// ActionLoadSession asks for GET /api/v1/me; the result lands in
	// KeySession.
	ActionLoadSession = "/session/load"
	// KeySession holds a Session.
	KeySession = "/session"
)

// Session is the state under KeySession.
type Session struct {
	Status Status
	Err    error             // set when Status is LoadingErr
	Data   apiclient.Session // valid when Status is Loaded
}

// sessionTimeout bounds one /api/v1/me call, so a hung server turns into a
// visible error with a retry button instead of a spinner forever.
const sessionTimeout = 15 * time.Second

// Register installs the action handlers. pages.Register calls it, in the
// Wasm binary and in the server (app.Handle is process-global, like routes).
func Register() {
	app.Handle(ActionLoadSession, handleLoadSession)
}

// handleLoadSession runs on its own goroutine (app.Handle handlers do). It
// is only posted in the browser: on the server the pre-render has no cookies,
// so the answer would always be "signed out", and it would cost a request
// from the server to itself on every page.
func handleLoadSession(ctx app.Context, _ app.Action) {
	var cur Session
	ctx.GetState(KeySession, &cur)
	if cur.Status == Loading {
		return
	}
	// Keep the last known data while reloading, so a re-check does not blank
	// the page.
	ctx.SetState(KeySession, Session{Status: Loading, Data: cur.Data})

	c, cancel := context.WithTimeout(ctx, sessionTimeout)
	defer cancel()
	ctx.SetState(KeySession, loadSession(c, apiclient.New(ctx.Page().URL()).Me))
}

// loadSession calls me and turns its result into the state value.
func loadSession(ctx context.Context, me func(context.Context) (apiclient.Session, error)) Session {
	s, err := me(ctx)
	if err != nil {
		return Session{Status: LoadingErr, Err: err}
	}
	return Session{Status: Loaded, Data: s}
}
