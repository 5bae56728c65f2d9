package password

import (
	"strings"
	"testing"
)

func TestGuessable(t *testing.T) {
	hints := EmailHints("maria.lopez@lakeshore-fab.example.com")
	for _, c := range []struct {
		password  string
		guessable bool
	}{
		{"Blue-Lathe-Morning-42", false},
		{"correct horse battery", false},
		{"päßwörter-aus-Köln", false},
		{"1234567890", true},
		{"password123", true},
		{"qwertyuiop", true},
		{"Summer2026!!", true},
		{"aaaaaaaaaaaa", true},
		{"Lakeshore-Fab-2026", true}, // the company's own name
		{strings.Repeat("horse battery ", 10), false},
	} {
		if got := Guessable(c.password, hints...); got != c.guessable {
			t.Errorf("Guessable(%.30q) = %v, want %v", c.password, got, c.guessable)
		}
	}
}
