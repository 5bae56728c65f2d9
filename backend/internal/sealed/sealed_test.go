package sealed

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"strings"
	"testing"
)

func newKey(t *testing.T) []byte {
	t.Helper()
	k := make([]byte, KeySize)
	if _, err := rand.Read(k); err != nil {
		t.Fatal(err)
	}
	return k
}

func TestSealOpen(t *testing.T) {
	old, cur := newKey(t), newKey(t)
	oldBox, err := New(old)
	if err != nil {
		t.Fatal(err)
	}
	box, err := New(cur, old)
	if err != nil {
		t.Fatal(err)
	}
	secret, aad := []byte("JBSWY3DPEHPK3PXP"), []byte("tenant/user/totp_secret")

	a, err := box.Seal(secret, aad)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := box.Seal(secret, aad)
	if a == b {
		t.Error("two seals of one value are equal: the nonce is not random")
	}
	if strings.Contains(a, string(secret)) || strings.Contains(a, base64.RawURLEncoding.EncodeToString(secret)) {
		t.Errorf("sealed value shows the secret: %s", a)
	}
	if got, err := box.Open(a, aad); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Open = %q, %v", got, err)
	}
	if !box.Current(a) {
		t.Error("a fresh seal is not current")
	}

	// Rotation: a value sealed under the old key still opens, and is not
	// current; the old box cannot open the new key's values.
	legacy, _ := oldBox.Seal(secret, aad)
	if got, err := box.Open(legacy, aad); err != nil || !bytes.Equal(got, secret) {
		t.Errorf("old key's value: %q, %v", got, err)
	}
	if box.Current(legacy) {
		t.Error("a value of the old key is current")
	}
	if _, err := oldBox.Open(a, aad); err != ErrOpen {
		t.Errorf("opened without the key: %v", err)
	}

	// Tampering and moving are refused.
	raw := []byte(a)
	raw[len(raw)-2] ^= 1
	for name, v := range map[string]string{"tampered": string(raw), "plain text": "JBSWY3DPEHPK3PXP", "empty": "", "bad base64": "v1." + strings.Split(a, ".")[1] + ".!!"} {
		if _, err := box.Open(v, aad); err != ErrOpen {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := box.Open(a, []byte("tenant/other-user/totp_secret")); err != ErrOpen {
		t.Errorf("opened in another row: %v", err)
	}
}

func TestParseKeys(t *testing.T) {
	k1, k2 := newKey(t), newKey(t)
	keys, err := ParseKeys(" " + base64.StdEncoding.EncodeToString(k1) + "," + base64.RawURLEncoding.EncodeToString(k2) + ", ")
	if err != nil || len(keys) != 2 || !bytes.Equal(keys[0], k1) || !bytes.Equal(keys[1], k2) {
		t.Fatalf("ParseKeys = %v, %v", keys, err)
	}
	for _, bad := range []string{"", " , ", "c2hvcnQ=", "not base64!"} {
		if _, err := ParseKeys(bad); err == nil {
			t.Errorf("ParseKeys(%q) accepted", bad)
		}
	}
	if _, err := New(k1[:16]); err == nil {
		t.Error("a 16-byte key accepted")
	}
}
