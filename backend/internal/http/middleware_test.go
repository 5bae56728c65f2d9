package http

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClientAddress: the client address that throttling and the audit log
// key on can be set by a trusted load balancer only.
func TestClientAddress(t *testing.T) {
	s := &Server{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("fd00::/8")}}
	var got remote
	h := s.clientAddress(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = remoteFrom(r)
		if c := clientOf(r); c.IP != got.ip {
			t.Errorf("clientOf = %q, remote = %q", c.IP, got.ip)
		}
	}))
	cases := []struct {
		name, peer, xff, proto string
		want                   remote
	}{
		{"direct client", "203.0.113.5:4000", "", "", remote{ip: "203.0.113.5"}},
		{"forged headers from an untrusted peer", "203.0.113.5:4000", "198.51.100.1", "https", remote{ip: "203.0.113.5"}},
		{"behind the load balancer", "10.1.2.3:5000", "198.51.100.1", "https", remote{ip: "198.51.100.1", https: true}},
		{"client-written hops are ignored", "10.1.2.3:5000", "6.6.6.6, 198.51.100.1", "http", remote{ip: "198.51.100.1"}},
		{"two trusted hops", "10.1.2.3:5000", "198.51.100.1, 10.9.9.9", "", remote{ip: "198.51.100.1"}},
		{"garbage stops the walk", "10.1.2.3:5000", "198.51.100.1, not-an-ip", "", remote{ip: "10.1.2.3"}},
		{"only trusted hops", "10.1.2.3:5000", "10.4.4.4", "", remote{ip: "10.4.4.4"}},
		{"IPv6 behind the load balancer", "[fd00::1]:5000", "2001:db8::7", "", remote{ip: "2001:db8::7"}},
		{"IPv4-mapped peer", "[::ffff:203.0.113.5]:4000", "", "", remote{ip: "203.0.113.5"}},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.peer
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		if c.proto != "" {
			r.Header.Set("X-Forwarded-Proto", c.proto)
		}
		got = remote{}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}
