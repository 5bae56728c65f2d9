package password

import (
	"errors"
	"regexp"
	"strings"
	"testing"
)

var phcRE = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestPasswordRoundTrip(t *testing.T) {
	const plain = "Portal-Demo-2026!"
	encoded, err := Hash(plain)
	if err != nil {
		t.Fatal(err)
	}
	if !phcRE.MatchString(encoded) {
		t.Errorf("Hash = %q, want the PHC format with OWASP parameters", encoded)
	}
	ok, err := Verify(encoded, plain)
	if err != nil || !ok {
		t.Errorf("Verify(right password) = %v, %v; want true, nil", ok, err)
	}
	if NeedsRehash(encoded) {
		t.Error("NeedsRehash of a fresh hash = true")
	}

	again, err := Hash(plain)
	if err != nil {
		t.Fatal(err)
	}
	if again == encoded {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

func TestPasswordWrong(t *testing.T) {
	encoded, err := Hash("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	for _, wrong := range []string{"", "correct horse battery stapl", "Correct horse battery staple", "correct horse battery staple "} {
		ok, err := Verify(encoded, wrong)
		if err != nil || ok {
			t.Errorf("Verify(%q) = %v, %v; want false, nil", wrong, ok, err)
		}
	}
}

// TestPasswordKnownHash pins the encoding: a hash stored today must verify
// after any refactoring of this package, and encoding the same salt must
// give the same string.
func TestPasswordKnownHash(t *testing.T) {
	const stored = "$argon2id$v=19$m=19456,t=2,p=1$MDEyMzQ1Njc4OWFiY2RlZg$Z+o1rrYkPh8Kq1ixqu7fl0/bKoELAvtO5iibKaKDMsY"
	ok, err := Verify(stored, "Portal-Demo-2026!")
	if err != nil || !ok {
		t.Errorf("Verify(stored) = %v, %v; want true", ok, err)
	}
	got := encode(params{memory: Memory, time: Time, threads: Threads}, []byte("0123456789abcdef"), []byte("Portal-Demo-2026!"), KeyLen)
	if got != stored {
		t.Errorf("encode = %s, want %s", got, stored)
	}
}

func TestPasswordEmpty(t *testing.T) {
	if _, err := Hash(""); !errors.Is(err, ErrEmpty) {
		t.Errorf("Hash(\"\") error = %v, want ErrEmpty", err)
	}
}

func TestPasswordTampered(t *testing.T) {
	encoded, err := Hash("s3cret-enough")
	if err != nil {
		t.Fatal(err)
	}
	// Flip one character of the key: still well-formed, must not match.
	i := len(encoded) - 5
	flipped := byte('A')
	if encoded[i] == 'A' {
		flipped = 'B'
	}
	tampered := encoded[:i] + string(flipped) + encoded[i+1:]
	ok, err := Verify(tampered, "s3cret-enough")
	if err != nil || ok {
		t.Errorf("Verify(tampered key) = %v, %v; want false, nil", ok, err)
	}
	// Another salt gives another key.
	parts := strings.Split(encoded, "$")
	parts[4] = "MDEyMzQ1Njc4OWFiY2RlZg"
	ok, err = Verify(strings.Join(parts, "$"), "s3cret-enough")
	if err != nil || ok {
		t.Errorf("Verify(other salt) = %v, %v; want false, nil", ok, err)
	}
}

func TestPasswordMalformed(t *testing.T) {
	good, err := Hash("pw-for-malformed-cases")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	cases := map[string]string{
		"empty":            "",
		"plain text":       "pw-for-malformed-cases",
		"bcrypt":           "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":          with(1, "argon2i"),
		"old version":      with(2, "v=16"),
		"no version":       strings.Replace(good, "$v=19", "", 1),
		"params reordered": with(3, "t=2,m=19456,p=1"),
		"param not number": with(3, "m=lots,t=2,p=1"),
		"negative param":   with(3, "m=-1,t=2,p=1"),
		"zero time":        with(3, "m=19456,t=0,p=1"),
		"zero threads":     with(3, "m=19456,t=2,p=0"),
		"huge memory":      with(3, "m=4194304,t=2,p=1"),
		"huge time":        with(3, "m=19456,t=1000000,p=1"),
		"memory too small": with(3, "m=4,t=2,p=1"),
		"salt not base64":  with(4, "!!!!"),
		"salt padded":      with(4, parts[4]+"=="),
		"short salt":       with(4, "AAAA"),
		"key not base64":   with(5, "***"),
		"short key":        with(5, "AAAA"),
		"trailing field":   good + "$x",
		"missing key":      strings.Join(parts[:5], "$"),
		"no leading $":     strings.TrimPrefix(good, "$"),
	}
	for name, encoded := range cases {
		t.Run(name, func(t *testing.T) {
			ok, err := Verify(encoded, "pw-for-malformed-cases")
			if ok || !errors.Is(err, ErrMalformed) {
				t.Errorf("Verify(%q) = %v, %v; want false, ErrMalformed", encoded, ok, err)
			}
			if !NeedsRehash(encoded) {
				t.Errorf("NeedsRehash(%q) = false for an unreadable hash", encoded)
			}
		})
	}
}

func TestPasswordNeedsRehash(t *testing.T) {
	old := encode(params{memory: 8 * 1024, time: 3, threads: 1}, []byte("0123456789abcdef"), []byte("pw"), KeyLen)
	ok, err := Verify(old, "pw")
	if err != nil || !ok {
		t.Fatalf("Verify(old params) = %v, %v; want true: old hashes keep working", ok, err)
	}
	if !NeedsRehash(old) {
		t.Error("NeedsRehash(old params) = false")
	}
}

// BenchmarkPasswordHash shows what a sign-in costs the server (and a guess costs an
// attacker): tens of milliseconds and 19 MiB.
func BenchmarkPasswordHash(b *testing.B) {
	for b.Loop() {
		if _, err := Hash("Portal-Demo-2026!"); err != nil {
			b.Fatal(err)
		}
	}
}
