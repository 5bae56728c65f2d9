package webhook

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"
)

// ErrForbiddenAddress is the error of a dial to an address receivers may
// not have.
var ErrForbiddenAddress = errors.New("webhook: receiver address not allowed")

// Guard decides which addresses a delivery may connect to. Tenants type in
// their receivers' URLs, so without it a URL could point the portal at its
// own network: loopback, private ranges, link-local (where cloud metadata
// services answer, 169.254.169.254 and fd00:ec2::254) and the like.
//
// The check runs at dial time on the address actually connected to, after
// DNS resolution, so a name that resolves to a private address (or
// re-resolves to one later: DNS rebinding) is refused too.
type Guard struct {
	// AllowLoopback admits 127.0.0.0/8 and ::1: an operator setting for
	// local development and the tests, never for production.
	AllowLoopback bool
}

// blocked are the ranges no receiver may be in, beyond what netip's
// predicates name: shared address space (carrier-grade NAT), IETF protocol
// assignments, benchmarking, reserved and broadcast, documentation, NAT64
// and 6to4 (which embed IPv4 addresses).
var blocked = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("192.0.0.0/24"),
	netip.MustParsePrefix("192.0.2.0/24"),
	netip.MustParsePrefix("198.18.0.0/15"),
	netip.MustParsePrefix("198.51.100.0/24"),
	netip.MustParsePrefix("203.0.113.0/24"),
	netip.MustParsePrefix("240.0.0.0/4"),
	netip.MustParsePrefix("64:ff9b::/96"),
	netip.MustParsePrefix("64:ff9b:1::/48"),
	netip.MustParsePrefix("2001:db8::/32"),
	netip.MustParsePrefix("2002::/16"),
	netip.MustParsePrefix("100::/64"),
}

// Allowed reports whether a receiver may be at addr.
func (g Guard) Allowed(addr netip.Addr) bool {
	addr = addr.Unmap() // ::ffff:10.0.0.1 is 10.0.0.1
	if addr.Zone() != "" {
		return false
	}
	if addr.IsLoopback() {
		return g.AllowLoopback
	}
	if !addr.IsGlobalUnicast() || addr.IsPrivate() {
		// Not global unicast: unspecified, link-local, multicast.
		// Private: 10/8, 172.16/12, 192.168/16, fc00::/7.
		return false
	}
	for _, p := range blocked {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// control is a net.Dialer Control: it sees the resolved address of every
// connection attempt.
func (g Guard) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, address)
	}
	if !g.Allowed(ap.Addr()) {
		return fmt.Errorf("%w: %s", ErrForbiddenAddress, ap.Addr())
	}
	return nil
}

// Client returns the HTTP client deliveries use: every connection passes
// the guard, no proxy from the environment (it would connect for us, past
// the guard), redirects are not followed (a 3xx is the receiver's answer,
// counted as a failure), and each request ends after timeout.
func (g Guard) Client(timeout time.Duration) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second, Control: g.control}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy: nil,
			DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
				return dialer.DialContext(ctx, network, addr)
			},
			ForceAttemptHTTP2:     true,
			MaxIdleConnsPerHost:   32, // a busy receiver keeps the workers' connections open
			IdleConnTimeout:       90 * time.Second,
			TLSHandshakeTimeout:   5 * time.Second,
			ResponseHeaderTimeout: timeout,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}
