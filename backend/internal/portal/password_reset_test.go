package portal

import (
	"strings"
	"testing"
)

func TestValidatePassword(t *testing.T) {
	const email = "maria.lopez@lakeshore-fab.example.com"
	cases := []struct {
		password string
		ok       bool
		want     string // part of the message when refused
	}{
		{"Blue-Lathe-Morning-42", true, ""},
		{"correct horse battery", true, ""},
		{"päßwörter-aus-Köln", true, ""},
		{"short", false, "at least 10"},
		{"1234567890", false, "easy to guess"},
		{"password123", false, "easy to guess"},
		{"qwertyuiop", false, "easy to guess"},
		{"Summer2026!!", false, "easy to guess"},
		{"aaaaaaaaaaaa", false, "easy to guess"},
		{"Lakeshore-Fab-2026", false, "easy to guess"}, // the company's own name
		{"my-maria.lopez-pass", false, "e-mail address"},
		{strings.Repeat("x", 1025), false, "too long"},
		{strings.Repeat("horse battery ", 10), true, ""}, // long: not scored
	}
	for _, c := range cases {
		fields := ValidatePassword(c.password, email)
		if c.ok != (fields == nil) {
			t.Errorf("ValidatePassword(%.30q) = %v, want ok=%v", c.password, fields, c.ok)
			continue
		}
		if !c.ok && (fields[0].Field != "password" || !strings.Contains(fields[0].Message, c.want)) {
			t.Errorf("ValidatePassword(%.30q) = %+v, want a password error containing %q", c.password, fields[0], c.want)
		}
	}
}
