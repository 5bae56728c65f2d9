package password

import (
	"strings"
	"unicode/utf8"

	zxcvbn "github.com/ccojocar/zxcvbn-go"
)

// MinScore is the zxcvbn score (0–4) a new password needs: 3 means "safely
// unguessable" (about 10^10 guesses), which rules out common passwords,
// keyboard walks, dates and words with digits stuck on ("Summer2026!"),
// whatever their length.
const MinScore = 3

// Guessable reports whether a guessing attack would find plain, as zxcvbn
// (the maintained ccojocar fork) estimates against its dictionaries of
// common passwords, names and words, and the hints: things about the user
// an attacker knows (the e-mail address, the company).
func Guessable(plain string, hints ...string) bool {
	// zxcvbn's cost grows with length; past 100 characters a password is
	// not found by enumeration anyway.
	if utf8.RuneCountInString(plain) > 100 {
		return false
	}
	return zxcvbn.PasswordStrength(plain, hints).Score < MinScore
}

// EmailHints are the parts of an e-mail address worth a guess: the local
// part and the domain's labels ("maria.lopez", "lakeshore", "fab", …).
func EmailHints(email string) []string {
	local, domain, _ := strings.Cut(strings.ToLower(email), "@")
	return append([]string{local}, strings.FieldsFunc(domain, func(r rune) bool { return r == '.' || r == '-' })...)
}
