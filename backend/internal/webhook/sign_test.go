package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// The known answer published with the Standard Webhooks reference
// libraries.
func TestSignKnownAnswer(t *testing.T) {
	got, err := signBody("msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`),
		[]string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"})
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; err != nil || got != want {
		t.Fatalf("signature = %q, %v; want %q", got, err, want)
	}
}

func delivery(now time.Time) Delivery {
	return Delivery{
		Envelope: Envelope{ID: "evt_0192f5c1", Type: "order.shipped", TenantID: "7d6c0e0a-4a3c-4f57-9a4e-1f5b8c1d2e3f",
			OccurredAt: now.Add(-time.Minute).UTC(), Data: json.RawMessage(`{"order_number":"SO-1001","tracking_number":"1Z999"}`)},
		Timestamp: now,
	}
}

// independentVerify is written from the documentation alone, as a
// storefront developer would: HMAC-SHA256 of "id.timestamp.body" with the
// base64 key after "whsec_", compared with each "v1," signature.
func independentVerify(h http.Header, body []byte, secret string) bool {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return false
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(h.Get("X-Webhook-Id") + "." + h.Get("X-Webhook-Timestamp") + "." + string(body)))
	want := "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	for _, s := range strings.Split(h.Get("X-Webhook-Signature"), " ") {
		if hmac.Equal([]byte(s), []byte(want)) {
			return true
		}
	}
	return false
}

func TestSignVerifies(t *testing.T) {
	secret := NewSecret()
	now := time.Now()
	body, h, err := Sign(delivery(now), secret)
	if err != nil {
		t.Fatal(err)
	}
	if !independentVerify(h, body, secret) {
		t.Error("an independent verifier refuses our signature")
	}
	if err := Verify(h, body, secret, now); err != nil {
		t.Errorf("Verify: %v", err)
	}
	// An off-the-shelf Standard Webhooks verifier accepts the same delivery.
	wh, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	if err := wh.Verify(body, h); err != nil {
		t.Errorf("Standard Webhooks verifier: %v", err)
	}
	for name, want := range map[string]string{HeaderEvent: "order.shipped", HeaderTenant: "7d6c0e0a-4a3c-4f57-9a4e-1f5b8c1d2e3f",
		HeaderID: "evt_0192f5c1", "webhook-id": "evt_0192f5c1", HeaderTimestamp: strconv.FormatInt(now.Unix(), 10),
		"Content-Type": "application/json"} {
		if got := h.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	var env Envelope
	if err := json.Unmarshal(body, &env); err != nil || env.Type != "order.shipped" || env.TenantID == "" || string(env.Data) == "" {
		t.Errorf("envelope = %+v, %v", env, err)
	}
}

func TestVerifyRefusesTampering(t *testing.T) {
	secret := NewSecret()
	now := time.Now()
	body, h, err := Sign(delivery(now), secret)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name   string
		modify func(h http.Header, body []byte) []byte
		want   error
	}{
		{"body", func(_ http.Header, b []byte) []byte { return []byte(strings.Replace(string(b), "1Z999", "1Z998", 1)) }, ErrSignature},
		{"timestamp", func(h http.Header, b []byte) []byte {
			h.Set(HeaderTimestamp, strconv.FormatInt(now.Unix()-1, 10))
			return b
		}, ErrSignature},
		{"id", func(h http.Header, b []byte) []byte { h.Set(HeaderID, "evt_other"); return b }, ErrSignature},
		{"tenant header", func(h http.Header, b []byte) []byte { h.Set(HeaderTenant, "another-tenant"); return b }, ErrTenant},
		{"tenant in body", func(_ http.Header, b []byte) []byte {
			return []byte(strings.Replace(string(b), "7d6c0e0a", "8d6c0e0a", 1))
		}, ErrSignature},
		{"no signature", func(h http.Header, b []byte) []byte { h.Del(HeaderSignature); return b }, ErrMissingHeaders},
		{"other secret", func(h http.Header, b []byte) []byte {
			_, other, _ := Sign(delivery(now), NewSecret())
			h.Set(HeaderSignature, other.Get(HeaderSignature))
			return b
		}, ErrSignature},
	}
	for _, c := range cases {
		hh := h.Clone()
		b := c.modify(hh, append([]byte(nil), body...))
		if err := Verify(hh, b, secret, now); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if c.want == ErrSignature && independentVerify(hh, b, secret) {
			t.Errorf("%s: the independent verifier accepts it", c.name)
		}
	}
	// Stale or from the future: refused even with a right signature.
	for _, at := range []time.Time{now.Add(-Tolerance - time.Second), now.Add(Tolerance + time.Second)} {
		b, hh, _ := Sign(delivery(at), secret)
		if err := Verify(hh, b, secret, now); !errors.Is(err, ErrStale) {
			t.Errorf("signed at %v: %v, want stale", at, err)
		}
	}
}

// During rotation both secrets sign, so a receiver with either verifies.
func TestSignRotation(t *testing.T) {
	current, previous := NewSecret(), NewSecret()
	now := time.Now()
	body, h, err := Sign(delivery(now), current, previous)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(strings.Fields(h.Get(HeaderSignature))); n != 2 {
		t.Fatalf("%d signatures, want 2", n)
	}
	for _, s := range []string{current, previous} {
		if err := Verify(h, body, s, now); err != nil {
			t.Errorf("secret %s…: %v", s[:10], err)
		}
	}
	if err := Verify(h, body, NewSecret(), now); !errors.Is(err, ErrSignature) {
		t.Errorf("a third secret: %v", err)
	}
	if _, _, err := Sign(delivery(now)); err == nil {
		t.Error("signing with no secret succeeded")
	}
	if _, _, err := Sign(delivery(now), "whsec_not base64!"); err == nil {
		t.Error("signing with a malformed secret succeeded")
	}
}
