package state

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"example.com/portal/app/apiclient"
	"example.com/portal/backend/api"
)

func TestLoadSession(t *testing.T) {
	boom := &apiclient.Error{Status: 503, Code: "unavailable", RequestID: "r1"}
	tests := []struct {
		name string
		me   func(context.Context) (apiclient.Session, error)
		want Session
	}{
		{
			name: "signed out",
			me:   func(context.Context) (apiclient.Session, error) { return apiclient.Session{}, nil },
			want: Session{Status: Loaded},
		},
		{
			name: "signed in",
			me: func(context.Context) (apiclient.Session, error) {
				return apiclient.Session{SignedIn: true, User: apiclient.User{Email: "j@x.example"}}, nil
			},
			want: Session{Status: Loaded, Data: apiclient.Session{SignedIn: true, User: apiclient.User{Email: "j@x.example"}}},
		},
		{
			name: "error",
			me:   func(context.Context) (apiclient.Session, error) { return apiclient.Session{}, boom },
			want: Session{Status: LoadingErr, Err: boom},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := loadSession(context.Background(), tt.me)
			if got.Status != tt.want.Status || !reflect.DeepEqual(got.Data, tt.want.Data) || !errors.Is(got.Err, tt.want.Err) {
				t.Errorf("loadSession = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestSessionUser(t *testing.T) {
	jane := apiclient.User{Email: "jane@x.example", Name: "Jane"}
	in := apiclient.Session{SignedIn: true, User: jane}
	tests := []struct {
		name string
		s    Session
		want bool
	}{
		{"never loaded", Session{}, false},
		{"signed out", Session{Status: Loaded}, false},
		{"signed in", Session{Status: Loaded, Data: in}, true},
		{"re-checking keeps the user", Session{Status: Loading, Data: in}, true},
		{"error hides the user", Session{Status: LoadingErr, Data: in, Err: errors.New("x")}, false},
	}
	for _, tt := range tests {
		u, ok := tt.s.User()
		if ok != tt.want || (ok && !reflect.DeepEqual(u, jane)) || (!ok && !reflect.DeepEqual(u, apiclient.User{})) {
			t.Errorf("%s: User() = %+v, %v; want signed in = %v", tt.name, u, ok, tt.want)
		}
	}
}

func TestSignIn(t *testing.T) {
	creds := api.SignIn{Email: "jane@x.example", Password: "secret", Remember: true}
	me := api.Me{Email: "jane@x.example", Name: "Jane", Role: "buyer", CustomerName: "Customer Co"}

	var sent api.SignIn
	session, sub := signIn(context.Background(), func(_ context.Context, in api.SignIn) (api.Me, error) {
		sent = in
		return me, nil
	}, creds)
	if sent != creds {
		t.Errorf("sent %+v, want %+v", sent, creds)
	}
	wantSession := Session{Status: Loaded, Data: apiclient.Session{SignedIn: true, User: me}}
	if !reflect.DeepEqual(session, wantSession) || sub != (Submission{Status: Loaded}) {
		t.Errorf("signIn = %+v, %+v; want %+v, Loaded", session, sub, wantSession)
	}
	if u, ok := session.User(); !ok || u.Name != "Jane" {
		t.Errorf("the stored session does not show Jane as signed in: %+v", session)
	}

	wrong := &apiclient.Error{Status: 401, Code: api.CodeUnauthorized, Detail: "E-mail or password is incorrect."}
	session, sub = signIn(context.Background(), func(context.Context, api.SignIn) (api.Me, error) {
		return api.Me{}, wrong
	}, creds)
	if sub.Status != LoadingErr || !errors.Is(sub.Err, wrong) {
		t.Errorf("failed signIn submission = %+v, want LoadingErr with the API error", sub)
	}
	if _, ok := session.User(); ok {
		t.Errorf("failed signIn returned a signed-in session %+v", session)
	}
}

func TestSignOut(t *testing.T) {
	if got := signOut(context.Background(), func(context.Context) error { return nil }); got != (Submission{Status: Loaded}) {
		t.Errorf("signOut success = %+v, want Loaded", got)
	}
	boom := &apiclient.Error{Status: 503, Code: api.CodeUnavailable}
	got := signOut(context.Background(), func(context.Context) error { return boom })
	if got.Status != LoadingErr || !errors.Is(got.Err, boom) {
		t.Errorf("signOut failure = %+v, want LoadingErr with the API error", got)
	}
}

func TestRequestPasswordReset(t *testing.T) {
	var sent string
	got := requestPasswordReset(context.Background(), func(_ context.Context, email string) (api.Accepted, error) {
		sent = email
		return api.Accepted{Detail: "If an account uses this address, we have sent it a link."}, nil
	}, "jane@x.example")
	if sent != "jane@x.example" {
		t.Errorf("sent %q", sent)
	}
	if want := (Submission{Status: Loaded, Detail: "If an account uses this address, we have sent it a link."}); got != want {
		t.Errorf("requestPasswordReset = %+v, want %+v", got, want)
	}

	bad := &apiclient.Error{Status: 400, Code: api.CodeInvalid, Fields: []api.FieldError{{Field: "email", Message: "Enter a valid e-mail address."}}}
	got = requestPasswordReset(context.Background(), func(context.Context, string) (api.Accepted, error) {
		return api.Accepted{}, bad
	}, "jane@")
	if got.Status != LoadingErr || !errors.Is(got.Err, bad) || got.Detail != "" {
		t.Errorf("failed requestPasswordReset = %+v, want LoadingErr with the API error", got)
	}
}

func TestResetPassword(t *testing.T) {
	in := api.PasswordResetConfirm{Token: "tok", Password: "a-long-new-password"}
	var sent api.PasswordResetConfirm
	got := resetPassword(context.Background(), func(_ context.Context, token, password string) error {
		sent = api.PasswordResetConfirm{Token: token, Password: password}
		return nil
	}, in)
	if sent != in || got != (Submission{Status: Loaded}) {
		t.Errorf("resetPassword sent %+v and = %+v; want %+v and Loaded", sent, got, in)
	}

	bad := &apiclient.Error{Status: 400, Code: api.CodeInvalid, Fields: []api.FieldError{{Field: "token", Message: "expired"}}}
	got = resetPassword(context.Background(), func(context.Context, string, string) error { return bad }, in)
	if got.Status != LoadingErr || !errors.Is(got.Err, bad) {
		t.Errorf("failed resetPassword = %+v, want LoadingErr with the API error", got)
	}
}
