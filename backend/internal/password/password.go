// Package password hashes and verifies customer users' passwords with
// argon2id, stored in the PHC string format so that the parameters travel
// with each hash and can be raised later without invalidating old ones.
//
// The parameters are OWASP's recommendation for argon2id (Password Storage
// Cheat Sheet): 19 MiB of memory, 2 iterations, 1 lane. That costs tens of
// milliseconds per hash on a server core, which is the point: an attacker
// with a stolen table pays the same price for every guess.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/crypto/argon2"
)

// The parameters new hashes are made with.
const (
	Memory  = 19 * 1024 // KiB (19 MiB)
	Time    = 2         // iterations
	Threads = 1         // lanes
	SaltLen = 16        // bytes
	KeyLen  = 32        // bytes
)

// Upper bounds on the parameters Verify accepts. A hash string comes from the
// database; a tampered one must not make a login allocate gigabytes or spin
// for minutes.
const (
	maxMemory  = 256 * 1024 // KiB
	maxTime    = 16
	maxThreads = 16
	minSaltLen = 8
	maxSaltLen = 64
	minKeyLen  = 16
	maxKeyLen  = 128
)

// ErrMalformed is returned by Verify when the stored string is not an argon2id
// PHC string this package can check (including the empty string of an
// SSO-only user). It is an error, not a mismatch: the stored data is wrong.
var ErrMalformed = errors.New("password: malformed argon2id hash")

// ErrEmpty is returned by Hash for an empty password, which would otherwise
// produce a valid hash that anyone could sign in with.
var ErrEmpty = errors.New("password: empty password")

// b64 is the PHC string format's Base64: standard alphabet, no padding.
var b64 = base64.RawStdEncoding

// Hash returns the PHC string of plain under a fresh random salt:
// $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>.
func Hash(plain string) (string, error) {
	if plain == "" {
		return "", ErrEmpty
	}
	salt := make([]byte, SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password: read salt: %w", err)
	}
	return encode(params{memory: Memory, time: Time, threads: Threads}, salt, []byte(plain), KeyLen), nil
}

// Verify reports whether plain is the password encoded. A mismatch is
// (false, nil); a string that cannot be checked is (false, ErrMalformed-wrapped
// error). The comparison takes the same time wherever the keys differ.
func Verify(encoded, plain string) (bool, error) {
	p, salt, key, err := decode(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(plain), salt, p.time, p.memory, p.threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// NeedsRehash reports whether encoded was made with other parameters than
// new hashes are (or cannot be read at all), so that a successful sign-in can
// store a fresh hash when the parameters are raised.
func NeedsRehash(encoded string) bool {
	p, salt, key, err := decode(encoded)
	return err != nil || p != (params{memory: Memory, time: Time, threads: Threads}) ||
		len(salt) != SaltLen || len(key) != KeyLen
}

type params struct {
	memory  uint32
	time    uint32
	threads uint8
}

func encode(p params, salt, plain []byte, keyLen uint32) string {
	key := argon2.IDKey(plain, salt, p.time, p.memory, p.threads, keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// decode parses a PHC argon2id string strictly: the fields in their canonical
// order, version 19 only, parameters and lengths within bounds.
func decode(encoded string) (p params, salt, key []byte, err error) {
	fail := func(why string) (params, []byte, []byte, error) {
		return params{}, nil, nil, fmt.Errorf("%w: %s", ErrMalformed, why)
	}
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" {
		return fail("want $argon2id$v=19$m=…,t=…,p=…$salt$hash")
	}
	if parts[1] != "argon2id" {
		return fail(fmt.Sprintf("algorithm %q is not argon2id", parts[1]))
	}
	if parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return fail(fmt.Sprintf("version %q is not v=%d", parts[2], argon2.Version))
	}
	kv := strings.Split(parts[3], ",")
	if len(kv) != 3 {
		return fail("parameters must be m=…,t=…,p=…")
	}
	var vals [3]uint64
	for i, name := range []string{"m=", "t=", "p="} {
		digits, ok := strings.CutPrefix(kv[i], name)
		if !ok {
			return fail(fmt.Sprintf("parameter %d must start with %q", i+1, name))
		}
		v, err := strconv.ParseUint(digits, 10, 32)
		if err != nil {
			return fail(fmt.Sprintf("parameter %s is not a number", name))
		}
		vals[i] = v
	}
	m, t, th := vals[0], vals[1], vals[2]
	if th < 1 || th > maxThreads || t < 1 || t > maxTime || m < 8*th || m > maxMemory {
		return fail(fmt.Sprintf("parameters m=%d,t=%d,p=%d out of range", m, t, th))
	}
	if salt, err = b64.Strict().DecodeString(parts[4]); err != nil || len(salt) < minSaltLen || len(salt) > maxSaltLen {
		return fail("salt is not unpadded base64 of 8–64 bytes")
	}
	if key, err = b64.Strict().DecodeString(parts[5]); err != nil || len(key) < minKeyLen || len(key) > maxKeyLen {
		return fail("hash is not unpadded base64 of 16–128 bytes")
	}
	return params{memory: uint32(m), time: uint32(t), threads: uint8(th)}, salt, key, nil
}
