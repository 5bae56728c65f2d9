// Package sealed encrypts the few secrets the portal must be able to read
// back, such as TOTP seeds, so that a copy of the database (a backup, a
// replica, a leaked dump) does not hand them out: AES-256-GCM under a key
// that lives only in the server's configuration.
//
// A sealed value names the key that sealed it, so keys can be rotated: the
// first key seals, every key opens, and values sealed under an old key are
// re-sealed whenever they are next written. The additional data binds a
// value to where it belongs (tenant, user, column): a sealed value copied
// into another row does not open.
package sealed

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the size of a key: AES-256.
const KeySize = 32

const prefix = "v1."

// ErrOpen is returned for a value that does not open: tampered, moved to
// another row, or sealed under a key the Box does not have.
var ErrOpen = errors.New("sealed: cannot open value")

// Box seals and opens values. The zero Box has no key and seals nothing.
type Box struct {
	keys []key // keys[0] seals
}

type key struct {
	id   string // first 4 bytes of SHA-256 of the key, hex: names the key in values
	aead cipher.AEAD
}

// New returns a Box over raw keys, each KeySize bytes; the first seals.
func New(keys ...[]byte) (*Box, error) {
	if len(keys) == 0 {
		return nil, errors.New("sealed: no key")
	}
	b := &Box{}
	for i, k := range keys {
		if len(k) != KeySize {
			return nil, fmt.Errorf("sealed: key %d is %d bytes, want %d", i+1, len(k), KeySize)
		}
		block, err := aes.NewCipher(k)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(k)
		b.keys = append(b.keys, key{id: hex.EncodeToString(sum[:4]), aead: aead})
	}
	return b, nil
}

// ParseKeys reads a comma-separated list of base64 keys (standard or URL
// alphabet, padded or not), as the configuration holds them.
func ParseKeys(s string) ([][]byte, error) {
	var out [][]byte
	for i, f := range strings.Split(s, ",") {
		f = strings.TrimRight(strings.TrimSpace(f), "=")
		if f == "" {
			continue
		}
		k, err := base64.RawStdEncoding.DecodeString(f)
		if err != nil {
			k, err = base64.RawURLEncoding.DecodeString(f)
		}
		if err != nil || len(k) != KeySize {
			return nil, fmt.Errorf("key %d: must be %d random bytes in base64 (e.g. openssl rand -base64 32)", i+1, KeySize)
		}
		out = append(out, k)
	}
	if len(out) == 0 {
		return nil, errors.New("no key")
	}
	return out, nil
}

// Seal encrypts plain, bound to aad, under the first key.
func (b *Box) Seal(plain, aad []byte) (string, error) {
	k := b.keys[0]
	nonce := make([]byte, k.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	ct := k.aead.Seal(nonce, nonce, plain, aad)
	return prefix + k.id + "." + base64.RawURLEncoding.EncodeToString(ct), nil
}

// Open decrypts a value Seal made with the same aad.
func (b *Box) Open(sealed string, aad []byte) ([]byte, error) {
	rest, ok := strings.CutPrefix(sealed, prefix)
	if !ok {
		return nil, ErrOpen
	}
	id, data, ok := strings.Cut(rest, ".")
	if !ok {
		return nil, ErrOpen
	}
	ct, err := base64.RawURLEncoding.DecodeString(data)
	if err != nil {
		return nil, ErrOpen
	}
	for _, k := range b.keys {
		if k.id != id || len(ct) < k.aead.NonceSize() {
			continue
		}
		plain, err := k.aead.Open(nil, ct[:k.aead.NonceSize()], ct[k.aead.NonceSize():], aad)
		if err != nil {
			return nil, ErrOpen
		}
		return plain, nil
	}
	return nil, ErrOpen
}

// Current reports whether sealed was made with the sealing key; values
// that are not are re-sealed when next written.
func (b *Box) Current(sealed string) bool {
	return strings.HasPrefix(sealed, prefix+b.keys[0].id+".")
}
