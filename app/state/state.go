// Package state holds the UI's shared asynchronous data, in the go-app docs
// pattern (CONVENTIONS item 13): an action name, a handler registered with
// app.Handle that does the loading and writes a {Status, Err, Data} value to
// a state key, and components that only post the action and observe the key.
package state

import (
	"context"
	"sync/atomic"
	"time"

	"example.com/portal/app/apiclient"
	"example.com/portal/backend/api"
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

	// ActionSignIn signs in (POST /api/v1/session) with the api.SignIn of
	// its value. Its progress lands in KeySignIn; on success the user lands
	// in KeySession, so every page shows them at once.
	ActionSignIn = "/session/sign-in"
	// KeySignIn holds the Submission of the last sign-in.
	KeySignIn = "/sign-in"

	// ActionSignOut signs out (DELETE /api/v1/session). Its progress lands
	// in KeySignOut; on success KeySession becomes signed out.
	ActionSignOut = "/session/sign-out"
	// KeySignOut holds the Submission of the last sign-out.
	KeySignOut = "/sign-out"

	// ActionRequestPasswordReset asks for a reset link (POST
	// /api/v1/password-reset) for the e-mail address of its value (a
	// string). Its progress lands in KeyPasswordResetRequest; on success
	// the Submission's Detail is the server's message for the user.
	ActionRequestPasswordReset = "/password-reset/request"
	// KeyPasswordResetRequest holds the Submission of the last request.
	KeyPasswordResetRequest = "/password-reset-request"

	// ActionResetPassword sets a new password (POST
	// /api/v1/password-reset/confirm) with the api.PasswordResetConfirm of
	// its value. Its progress lands in KeyResetPassword; on success
	// KeySession becomes signed out, because the server ends every session
	// of the user, this browser's included.
	ActionResetPassword = "/password-reset/confirm"
	// KeyResetPassword holds the Submission of the last reset.
	KeyResetPassword = "/password-reset"
)

// Session is the state under KeySession.
type Session struct {
	Status Status
	Err    error             // set when Status is LoadingErr
	Data   apiclient.Session // valid when Status is Loaded, and kept while Loading
}

// User returns the signed-in user and true when the state knows of one. A
// re-check in flight (Loading) keeps the last answer, so pages do not blank
// the user's name while /api/v1/me is asked again after every navigation.
func (s Session) User() (apiclient.User, bool) {
	if (s.Status == Loaded || s.Status == Loading) && s.Data.SignedIn {
		return s.Data.User, true
	}
	return apiclient.User{}, false
}

// Submission is the state of a request the user started: Loading while it
// runs, Loaded when it succeeded, LoadingErr (with Err, usually an
// *apiclient.Error) when it failed. The zero value is "not started".
type Submission struct {
	Status Status
	Err    error
	Detail string // on success, the server's message for the user when it sent one
	// Next is, on success, the page to go to when it is not the usual one:
	// a sign-in that still needs its second factor goes to api.PageMFA.
	Next string
}

// Timeouts of one API call, so a hung server turns into a visible error
// instead of a spinner forever. Sign-in is given longer: the server hashes
// the password on purpose slowly.
const (
	sessionTimeout = 15 * time.Second
	signInTimeout  = 30 * time.Second
)

// sessionEpoch counts sign-ins and sign-outs. A /api/v1/me answer that
// started before one of them describes the old session and is dropped, so a
// slow "signed out" cannot overwrite the user who has just signed in.
var sessionEpoch atomic.Uint64

// Register installs the action handlers. pages.Register calls it, in the
// Wasm binary and in the server (app.Handle is process-global, like routes).
func Register() {
	app.Handle(ActionLoadSession, handleLoadSession)
	app.Handle(ActionSignIn, handleSignIn)
	app.Handle(ActionSignOut, handleSignOut)
	app.Handle(ActionRequestPasswordReset, handleRequestPasswordReset)
	app.Handle(ActionResetPassword, handleResetPassword)
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

	epoch := sessionEpoch.Load()
	c, cancel := context.WithTimeout(ctx, sessionTimeout)
	defer cancel()
	s := loadSession(c, apiclient.New(ctx.Page().URL()).Me)
	if sessionEpoch.Load() != epoch {
		return // a sign-in or sign-out finished meanwhile and wrote the session
	}
	ctx.SetState(KeySession, s)
}

// loadSession calls me and turns its result into the state value.
func loadSession(ctx context.Context, me func(context.Context) (apiclient.Session, error)) Session {
	s, err := me(ctx)
	if err != nil {
		return Session{Status: LoadingErr, Err: err}
	}
	return Session{Status: Loaded, Data: s}
}

// handleSignIn runs on its own goroutine. The credentials travel in the
// action's value and nowhere else: no state holds the password.
func handleSignIn(ctx app.Context, a app.Action) {
	creds, ok := a.Value.(api.SignIn)
	if !ok {
		app.Logf("state: %s posted with a %T value, want api.SignIn", ActionSignIn, a.Value)
		return
	}
	var cur Submission
	ctx.GetState(KeySignIn, &cur)
	if cur.Status == Loading {
		return // the form is disabled while submitting; this is a double post
	}
	ctx.SetState(KeySignIn, Submission{Status: Loading})

	c, cancel := context.WithTimeout(ctx, signInTimeout)
	defer cancel()
	session, sub := signIn(c, apiclient.New(ctx.Page().URL()).SignIn, creds)
	if sub.Status == Loaded {
		sessionEpoch.Add(1)
		// The session first: the sign-in page redirects when it sees the
		// user, and keeps its button disabled until then.
		ctx.SetState(KeySession, session)
		ctx.SetState(KeySignOut, Submission{})
	}
	ctx.SetState(KeySignIn, sub)
}

// signIn calls signInFn and turns its result into the session to store and
// the submission's outcome.
func signIn(ctx context.Context, signInFn func(context.Context, api.SignIn) (api.Me, error), creds api.SignIn) (Session, Submission) {
	me, err := signInFn(ctx, creds)
	if err != nil {
		return Session{}, Submission{Status: LoadingErr, Err: err}
	}
	if me.MFA != nil {
		// Not signed in yet: the second factor is due.
		return Session{Status: Loaded}, Submission{Status: Loaded, Next: api.PageMFA}
	}
	return Session{Status: Loaded, Data: apiclient.Session{SignedIn: true, User: me}}, Submission{Status: Loaded}
}

// handleSignOut runs on its own goroutine. The session state is cleared only
// once the server has ended the session: if the request fails, the cookie
// may still be valid, and the user must not be told they are signed out.
func handleSignOut(ctx app.Context, _ app.Action) {
	var cur Submission
	ctx.GetState(KeySignOut, &cur)
	if cur.Status == Loading {
		return
	}
	ctx.SetState(KeySignOut, Submission{Status: Loading})

	c, cancel := context.WithTimeout(ctx, sessionTimeout)
	defer cancel()
	sub := signOut(c, apiclient.New(ctx.Page().URL()).SignOut)
	if sub.Status == Loaded {
		sessionEpoch.Add(1)
		ctx.SetState(KeySession, Session{Status: Loaded})
		ctx.SetState(KeySignIn, Submission{})
	}
	ctx.SetState(KeySignOut, sub)
}

// signOut calls signOutFn and turns its result into the submission's
// outcome.
func signOut(ctx context.Context, signOutFn func(context.Context) error) Submission {
	if err := signOutFn(ctx); err != nil {
		return Submission{Status: LoadingErr, Err: err}
	}
	return Submission{Status: Loaded}
}

// handleRequestPasswordReset runs on its own goroutine.
func handleRequestPasswordReset(ctx app.Context, a app.Action) {
	email, ok := a.Value.(string)
	if !ok {
		app.Logf("state: %s posted with a %T value, want string", ActionRequestPasswordReset, a.Value)
		return
	}
	var cur Submission
	ctx.GetState(KeyPasswordResetRequest, &cur)
	if cur.Status == Loading {
		return // the form is disabled while sending; this is a double post
	}
	ctx.SetState(KeyPasswordResetRequest, Submission{Status: Loading})

	c, cancel := context.WithTimeout(ctx, sessionTimeout)
	defer cancel()
	ctx.SetState(KeyPasswordResetRequest, requestPasswordReset(c, apiclient.New(ctx.Page().URL()).RequestPasswordReset, email))
}

// requestPasswordReset calls requestFn and turns its result into the
// submission's outcome.
func requestPasswordReset(ctx context.Context, requestFn func(context.Context, string) (api.Accepted, error), email string) Submission {
	a, err := requestFn(ctx, email)
	if err != nil {
		return Submission{Status: LoadingErr, Err: err}
	}
	return Submission{Status: Loaded, Detail: a.Detail}
}

// handleResetPassword runs on its own goroutine. The token and the new
// password travel in the action's value and nowhere else: no state holds
// them.
func handleResetPassword(ctx app.Context, a app.Action) {
	in, ok := a.Value.(api.PasswordResetConfirm)
	if !ok {
		app.Logf("state: %s posted with a %T value, want api.PasswordResetConfirm", ActionResetPassword, a.Value)
		return
	}
	var cur Submission
	ctx.GetState(KeyResetPassword, &cur)
	if cur.Status == Loading {
		return
	}
	ctx.SetState(KeyResetPassword, Submission{Status: Loading})

	// As long as a sign-in: the server hashes the new password on purpose
	// slowly.
	c, cancel := context.WithTimeout(ctx, signInTimeout)
	defer cancel()
	sub := resetPassword(c, apiclient.New(ctx.Page().URL()).ResetPassword, in)
	if sub.Status == Loaded {
		// The server ended every session of the user and cleared this
		// browser's cookie: whoever was signed in here is not any more.
		sessionEpoch.Add(1)
		ctx.SetState(KeySession, Session{Status: Loaded})
		ctx.SetState(KeySignIn, Submission{})
	}
	ctx.SetState(KeyResetPassword, sub)
}

// resetPassword calls resetFn and turns its result into the submission's
// outcome.
func resetPassword(ctx context.Context, resetFn func(ctx context.Context, token, password string) error, in api.PasswordResetConfirm) Submission {
	if err := resetFn(ctx, in.Token, in.Password); err != nil {
		return Submission{Status: LoadingErr, Err: err}
	}
	return Submission{Status: Loaded}
}
