package portal

import (
	"strings"
	"testing"
)

func TestValidatePassword(t *testing.T) {
	const email = "maria.lopez@lakeshore-fab.example.com"
	cases := []struct {
		password string
		want     string // part of the message; "" when accepted
	}{
		{"Blue-Lathe-Morning-42", ""},
		{"päßwörter!", ""}, // 10 characters, more bytes
		{"short", "at least 10"},
		{"my-maria.lopez-pass", "e-mail address"},
		{strings.Repeat("x", 1025), "too long"},
	}
	for _, c := range cases {
		fields := ValidatePassword(c.password, email)
		if (c.want == "") != (fields == nil) {
			t.Errorf("ValidatePassword(%.30q) = %v, want %q", c.password, fields, c.want)
			continue
		}
		if c.want != "" && (fields[0].Field != "password" || !strings.Contains(fields[0].Message, c.want)) {
			t.Errorf("ValidatePassword(%.30q) = %+v, want a password error containing %q", c.password, fields[0], c.want)
		}
	}
}
