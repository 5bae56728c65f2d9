package tenants

import (
	"net"
	"strings"
)

// NormalizeHost turns a Host header value into the form host names are
// stored in: lower case, without port and without a trailing dot.
func NormalizeHost(host string) string {
	host = strings.TrimSpace(host)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.TrimSuffix(host, ".")
	return strings.ToLower(host)
}

// SubdomainHost returns the host name of a tenant's portal under the
// platform's base domain: "<slug>.<baseDomain>".
func SubdomainHost(slug, baseDomain string) string {
	return slug + "." + NormalizeHost(baseDomain)
}

// SlugFromHost returns the tenant slug when host is a direct sub-domain of
// baseDomain ("acme.portal.example" under "portal.example" gives "acme").
// Custom domains are not sub-domains: they resolve through the stored host
// names only.
func SlugFromHost(host, baseDomain string) (string, bool) {
	host, baseDomain = NormalizeHost(host), NormalizeHost(baseDomain)
	if baseDomain == "" {
		return "", false
	}
	label, ok := strings.CutSuffix(host, "."+baseDomain)
	if !ok || !ValidSlug(label) {
		return "", false
	}
	return label, true
}

// ValidHost reports whether host (normalised) is a DNS host name: at most
// 253 bytes of dot-separated labels of letters, digits and inner dashes. IP
// addresses are not tenant hosts.
func ValidHost(host string) bool {
	if host == "" || len(host) > 253 {
		return false
	}
	for _, label := range strings.Split(host, ".") {
		if len(label) == 0 || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range label {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}
