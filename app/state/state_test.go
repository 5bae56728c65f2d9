package state

import (
	"context"
	"errors"
	"testing"

	"example.com/portal/app/apiclient"
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
			if got.Status != tt.want.Status || got.Data != tt.want.Data || !errors.Is(got.Err, tt.want.Err) {
				t.Errorf("loadSession = %+v, want %+v", got, tt.want)
			}
		})
	}
}
