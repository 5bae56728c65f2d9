package state

import (
	"context"
	"testing"

	"example.com/portal/backend/api"
)

// TestSignInNeedsMFA: a sign-in answer that still needs the second factor
// signs nobody in and sends the page to the challenge.
func TestSignInNeedsMFA(t *testing.T) {
	session, sub := signIn(context.Background(), func(context.Context, api.SignIn) (api.Me, error) {
		return api.Me{Capabilities: []string{}, MFA: &api.MFAChallenge{Method: api.MFAMethodTOTP}}, nil
	}, api.SignIn{Email: "jane@x.example", Password: "secret"})
	if _, ok := session.User(); ok {
		t.Errorf("a pending sign-in stored a signed-in session %+v", session)
	}
	if sub.Status != Loaded || sub.Next != api.PageMFA {
		t.Errorf("submission %+v, want Loaded with Next %s", sub, api.PageMFA)
	}
}
