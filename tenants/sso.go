package tenants

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
)

// SSO is a tenant's single sign-on with its own OpenID Connect provider
// (Microsoft Entra ID, Google Workspace, Okta, …). The client secret is
// never part of the definition or the database: ClientSecretEnv names the
// environment variable of the server process that holds it.
type SSO struct {
	Issuer          string `json:"issuer" yaml:"issuer"`                       // https URL; discovery at <issuer>/.well-known/openid-configuration
	ClientID        string `json:"client_id" yaml:"client_id"`                 // the portal's client id at the provider
	ClientSecretEnv string `json:"client_secret_env" yaml:"client_secret_env"` // name of the variable holding the client secret
	ButtonLabel     string `json:"button_label" yaml:"button_label"`           // e.g. "Sign in with Microsoft"
	// AllowedDomains are the e-mail domains (lower case, "example.com")
	// whose addresses may sign in this way.
	AllowedDomains []string `json:"allowed_domains" yaml:"allowed_domains"`
	// FirstTime says what a verified address without a portal user
	// becomes; nil lets only existing users sign in with SSO.
	FirstTime *SSOFirstTime `json:"first_time,omitempty" yaml:"first_time,omitempty"`
}

// SSOFirstTime is where a first-time SSO user is provisioned: a user of the
// customer with AccountNumber, in customer role Role.
type SSOFirstTime struct {
	AccountNumber string `json:"account_number" yaml:"account_number"`
	Role          string `json:"role" yaml:"role"` // admin | buyer | viewer | finance
}

var (
	envNameRE = regexp.MustCompile(`^[A-Z_][A-Z0-9_]{0,127}$`)
	domainRE  = regexp.MustCompile(`^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$`)
)

// customerRoles are the roles a first-time SSO user may get: never staff.
var customerRoles = []string{"admin", "buyer", "viewer", "finance"}

// Validate reports every field of s that cannot be applied, prefixed "sso.".
func (s *SSO) Validate() error {
	var errs []error
	if err := checkIssuer(s.Issuer); err != nil {
		errs = append(errs, fmt.Errorf("sso.issuer %q: %w", s.Issuer, err))
	}
	if strings.TrimSpace(s.ClientID) == "" {
		errs = append(errs, errors.New("sso.client_id: required"))
	}
	if !envNameRE.MatchString(s.ClientSecretEnv) {
		errs = append(errs, fmt.Errorf("sso.client_secret_env %q: must name an environment variable (A-Z, 0-9, _); the secret itself never goes in the definition", s.ClientSecretEnv))
	}
	if l := strings.TrimSpace(s.ButtonLabel); l == "" || len([]rune(l)) > 60 {
		errs = append(errs, errors.New("sso.button_label: required, at most 60 characters"))
	}
	if len(s.AllowedDomains) == 0 {
		errs = append(errs, errors.New("sso.allowed_domains: at least one e-mail domain"))
	}
	for _, d := range s.AllowedDomains {
		if !domainRE.MatchString(d) {
			errs = append(errs, fmt.Errorf("sso.allowed_domains: %q must be a lower-case domain such as example.com", d))
		}
	}
	if f := s.FirstTime; f != nil {
		if strings.TrimSpace(f.AccountNumber) == "" {
			errs = append(errs, errors.New("sso.first_time.account_number: required (the customer first-time users join)"))
		}
		if !contains(customerRoles, f.Role) {
			errs = append(errs, fmt.Errorf("sso.first_time.role %q: must be one of %s", f.Role, strings.Join(customerRoles, ", ")))
		}
	}
	return errors.Join(errs...)
}

// AllowsEmail reports whether address's domain is one of s's allowed domains.
func (s *SSO) AllowsEmail(address string) bool {
	at := strings.LastIndexByte(address, '@')
	return at > 0 && contains(s.AllowedDomains, strings.ToLower(address[at+1:]))
}

// checkIssuer accepts an https URL without query or fragment, or plain
// http on a loopback address (an in-process provider in tests).
func checkIssuer(issuer string) error {
	u, err := url.Parse(issuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return errors.New("must be an absolute URL without query, fragment or credentials")
	}
	switch {
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	}
	return errors.New("must be https (plain http only on a loopback address)")
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
