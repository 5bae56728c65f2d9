package webhook

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestGuardAllowed(t *testing.T) {
	cases := map[string]bool{
		"93.184.216.34":        true,
		"2606:4700:4700::1111": true,
		"8.8.8.8":              true,
		"127.0.0.1":            false,
		"127.8.9.10":           false,
		"::1":                  false,
		"10.1.2.3":             false,
		"172.16.0.1":           false,
		"192.168.1.1":          false,
		"169.254.169.254":      false, // cloud metadata
		"fd00:ec2::254":        false, // AWS metadata over IPv6
		"fe80::1":              false,
		"0.0.0.0":              false,
		"::":                   false,
		"100.64.0.1":           false,
		"224.0.0.1":            false,
		"255.255.255.255":      false,
		"::ffff:10.0.0.1":      false, // IPv4-mapped private
		"::ffff:127.0.0.1":     false,
		"64:ff9b::a00:1":       false, // NAT64 of 10.0.0.1
		"2002:a00:1::":         false, // 6to4 of 10.0.0.1
		"198.18.0.1":           false,
	}
	for s, want := range cases {
		if got := (Guard{}).Allowed(netip.MustParseAddr(s)); got != want {
			t.Errorf("%s: allowed = %v, want %v", s, got, want)
		}
	}
	if !(Guard{AllowLoopback: true}).Allowed(netip.MustParseAddr("127.0.0.1")) {
		t.Error("loopback refused with AllowLoopback")
	}
	if (Guard{AllowLoopback: true}).Allowed(netip.MustParseAddr("10.0.0.1")) {
		t.Error("AllowLoopback admits a private address")
	}
}

// The check runs on the connected address: a URL with a name that resolves
// to loopback is refused like the address itself, and nothing reaches the
// receiver.
func TestClientRefusesAtDialTime(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	for _, u := range []string{srv.URL, "http://localhost" + port} {
		_, err := (Guard{}).Client(5*time.Second).Post(u, "application/json", strings.NewReader("{}"))
		if !errors.Is(err, ErrForbiddenAddress) {
			t.Errorf("%s: %v, want the guard's refusal", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the receiver got %d requests", n)
	}
	resp, err := (Guard{AllowLoopback: true}).Client(5*time.Second).Post(srv.URL, "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := hits.Load(); n != 1 || resp.StatusCode != http.StatusOK {
		t.Errorf("with loopback allowed: %d hits, status %d", n, resp.StatusCode)
	}
}

// A redirect is the receiver's answer, not followed: it could point
// anywhere, the guard's checks included or not.
func TestClientDoesNotFollowRedirects(t *testing.T) {
	var followed atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/elsewhere" {
			followed.Store(true)
			return
		}
		http.Redirect(w, r, "/elsewhere", http.StatusTemporaryRedirect)
	}))
	defer srv.Close()
	resp, err := (Guard{AllowLoopback: true}).Client(5*time.Second).Post(srv.URL+"/hook", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || followed.Load() {
		t.Errorf("status %d, followed %v; want the 307 itself", resp.StatusCode, followed.Load())
	}
}
