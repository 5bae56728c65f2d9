package mail

import "crypto/x509"

// SetRootCAs makes s trust pool instead of the system roots, so tests can
// run a TLS server with a certificate of their own.
func SetRootCAs(s *Sender, pool *x509.CertPool) { s.rootCAs = pool }
