// Package mail is the e-mail adapter: it sends the portal's messages to a
// tenant's customers (password resets, invitations, access-request
// decisions, MFA codes) over SMTP, in the tenant's name, through
// github.com/wneessen/go-mail.
//
// Every message is sent from the platform's own address with the tenant's
// name as display name ("Acme Metals <no-reply@portal.example>"), and the
// SMTP envelope sender is the same platform address. The tenant's name is
// what the customer sees; the platform's domain is what SPF, DKIM and DMARC
// check, so one set of DNS records covers every tenant. Replies go to the
// tenant's support address (Reply-To), not to the unattended platform box.
//
// Without an SMTP server (`make run` on a laptop) the Sender runs in log-only
// mode: it validates and composes each message exactly as for delivery, then
// writes it to the log instead, plain-text body included, so a developer can
// follow a reset link from the terminal. Log-only mode writes live sign-in
// links and codes to the log; it must never run in production.
//
// Render turns the embedded templates (templates/*.tmpl) into a subject, a
// plain-text body and a branded HTML body for a tenant.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"example.com/portal/tenants"
)

// TLS modes of Config.TLS.
const (
	TLSNone     = "none"     // plain SMTP; only for a local catcher such as Mailpit
	TLSStartTLS = "starttls" // submission port 587: plain greeting, then mandatory STARTTLS
	TLSImplicit = "tls"      // port 465: TLS from the first byte
)

// sessionTimeout bounds one SMTP conversation (connect, greeting, auth and
// one message) when the caller's context allows longer: a relay that stops
// answering must not hold a worker forever.
const sessionTimeout = 30 * time.Second

// Config is how the portal reaches its SMTP relay. The zero Port picks the
// usual port of the TLS mode (587, 465, or 25 for none); the empty TLS means
// starttls.
type Config struct {
	Host     string
	Port     int
	Username string
	Password string // secret: never logged (see LogValue)
	TLS      string // "none" | "starttls" | "tls"
	From     string // platform sender address, e.g. no-reply@portal.example
	LogOnly  bool   // write messages to the log instead of sending them
}

// LogValue lets a Config be logged without its password.
func (c Config) LogValue() slog.Value {
	password := ""
	if c.Password != "" {
		password = "[redacted]"
	}
	return slog.GroupValue(
		slog.String("host", c.Host),
		slog.Int("port", c.Port),
		slog.String("username", c.Username),
		slog.String("password", password),
		slog.String("tls", c.TLS),
		slog.String("from", c.From),
		slog.Bool("log_only", c.LogOnly),
	)
}

// Sender sends messages. It holds no connection: each Send dials, delivers
// and quits, which suits the portal's low volume (a few messages per user
// action) and leaves nothing to go stale between sends. It is safe for
// concurrent use.
type Sender struct {
	cfg        Config
	from       string // bare platform address: envelope sender and From address
	fromDomain string // right side of from, for Message-IDs
	logger     *slog.Logger
	rootCAs    *x509.CertPool // nil: the system roots; tests set their own CA
}

// Message is one e-mail in a tenant's name.
type Message struct {
	To      []string // recipient addresses: "a@b.example" or "Name <a@b.example>"
	Subject string
	Text    string // plain-text body; required
	HTML    string // HTML body; empty sends plain text only
	ReplyTo string // empty: the tenant's support e-mail
	Tenant  *tenants.Tenant
	// Attachments are files sent with the message (a shared document).
	Attachments []Attachment
}

// Attachment is one file attached to a message.
type Attachment struct {
	Name        string // file name shown to the recipient
	ContentType string // e.g. application/pdf
	Data        []byte
}

// New returns a sender for cfg. It reports every invalid setting at once and
// does not contact the server: a relay that is down at start must not keep
// the portal from serving.
func New(cfg Config, logger *slog.Logger) (*Sender, error) {
	if logger == nil {
		return nil, errors.New("mail: logger is required")
	}
	if cfg.TLS == "" {
		cfg.TLS = TLSStartTLS
	}
	var errs []error
	from, err := bareAddress("from", cfg.From)
	if err != nil {
		errs = append(errs, err)
	}
	if !cfg.LogOnly {
		errs = append(errs, cfg.validateSMTP()...)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Port == 0 {
		cfg.Port = map[string]int{TLSNone: 25, TLSStartTLS: 587, TLSImplicit: 465}[cfg.TLS]
	}
	s := &Sender{cfg: cfg, from: from, fromDomain: from[strings.LastIndexByte(from, '@')+1:], logger: logger}
	if cfg.LogOnly {
		logger.Warn("mail: log-only mode: messages are written to this log, not delivered, sign-in links included; never use in production", "config", cfg)
	} else {
		logger.Info("mail: SMTP delivery", "config", cfg)
	}
	return s, nil
}

// validateSMTP checks what delivery needs, one error per setting.
func (c Config) validateSMTP() []error {
	var errs []error
	if c.Host == "" {
		errs = append(errs, errors.New("mail: host: required unless log-only"))
	}
	if c.Port < 0 || c.Port > 65535 {
		errs = append(errs, fmt.Errorf("mail: port %d: must be 1-65535 (0 for the TLS mode's default)", c.Port))
	}
	switch c.TLS {
	case TLSNone, TLSStartTLS, TLSImplicit:
	default:
		errs = append(errs, fmt.Errorf("mail: tls %q: must be none, starttls or tls", c.TLS))
	}
	if c.Password != "" && c.Username == "" {
		errs = append(errs, errors.New("mail: password: set without a username"))
	}
	// The library refuses to send a password in the clear to anything but a
	// loopback host; say so at start rather than at the first reset e-mail.
	if c.Username != "" && c.TLS == TLSNone && !loopback(c.Host) {
		errs = append(errs, errors.New("mail: username: credentials need tls starttls or tls unless the host is loopback"))
	}
	return errs
}

// loopback reports whether host is one go-mail lets credentials go to in
// the clear (its smtp.isLocalhost): a catcher on the developer's machine.
func loopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// Send delivers m, or logs it in log-only mode. The message is validated the
// same way in both modes, so header mistakes show up in development.
//
// ctx bounds the whole SMTP conversation: when it is cancelled or its
// deadline passes, the connection is closed and Send returns an error that
// wraps ctx.Err(). An error from the relay is returned as is (wrapped); the
// caller (a job queue) decides whether to retry.
func (s *Sender) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	msg, id, err := s.compose(m)
	if err != nil {
		return err
	}
	if s.cfg.LogOnly {
		s.logger.InfoContext(ctx, "mail: not sent (log-only mode)",
			"message_id", id,
			"tenant", m.Tenant.Slug,
			"from", m.Tenant.Name+" <"+s.from+">",
			"reply_to", bareAddresses(msg.GetReplyTo()),
			"to", bareAddresses(msg.GetTo()),
			"subject", m.Subject,
			"text", m.Text,
			"attachments", attachmentNames(m.Attachments),
		)
		return nil
	}
	if err := s.deliver(ctx, msg); err != nil {
		return fmt.Errorf("mail: send %s: %w", id, err)
	}
	s.logger.InfoContext(ctx, "mail: sent", "message_id", id, "tenant", m.Tenant.Slug, "recipients", len(m.To))
	return nil
}

// compose validates m and builds the MIME message. Header values are checked
// here rather than left to the library's encoding: a CR or LF in a subject or
// name is a bug upstream (or an attack), and sending a mangled header would
// hide it.
func (s *Sender) compose(m Message) (*gomail.Msg, string, error) {
	if m.Tenant == nil {
		return nil, "", errors.New("mail: tenant: required")
	}
	var errs []error
	if err := headerText("tenant name", m.Tenant.Name); err != nil {
		errs = append(errs, err)
	}
	if err := headerText("subject", m.Subject); err != nil {
		errs = append(errs, err)
	}
	if len(m.To) == 0 {
		errs = append(errs, errors.New("mail: to: at least one recipient required"))
	}
	var to []*netmail.Address
	for _, a := range m.To {
		addr, err := address("to", a)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		to = append(to, addr)
	}
	replyField, reply := "reply-to", m.ReplyTo
	if reply == "" {
		replyField, reply = "reply-to (tenant support e-mail)", m.Tenant.Branding.SupportEmail
	}
	var replyTo *netmail.Address
	if reply != "" {
		var err error
		if replyTo, err = address(replyField, reply); err != nil {
			errs = append(errs, err)
		}
	}
	if strings.TrimSpace(m.Text) == "" {
		errs = append(errs, errors.New("mail: text: required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, "", err
	}

	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	msg.FromMailAddress(&netmail.Address{Name: m.Tenant.Name, Address: s.from})
	msg.EnvelopeFromMailAddress(&netmail.Address{Address: s.from})
	msg.ToMailAddress(to...)
	if replyTo != nil {
		msg.ReplyToMailAddress(replyTo)
	}
	msg.Subject(m.Subject)
	id, err := s.messageID()
	if err != nil {
		return nil, "", err
	}
	msg.SetMessageIDWithValue(id)
	msg.SetDate()
	// RFC 3834: tells auto-responders (out-of-office) not to answer a
	// password reset; Exchange reads its own header for the same purpose.
	msg.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	msg.SetGenHeader(gomail.HeaderXAutoResponseSuppress, "All")
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		if err := headerText("attachment name", a.Name); err != nil || a.Name == "" {
			return nil, "", errors.Join(errors.New("mail: attachment: a name is required"), err)
		}
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType))); err != nil {
			return nil, "", fmt.Errorf("mail: attachment %s: %w", a.Name, err)
		}
	}
	return msg, id, nil
}

// messageID returns a globally unique Message-ID (without angle brackets)
// under the platform's domain, which is the domain the message is sent from.
func (s *Sender) messageID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("mail: message-id: %w", err)
	}
	return hex.EncodeToString(b[:]) + "@" + s.fromDomain, nil
}

// deliver runs one SMTP conversation for msg.
//
// go-mail honours ctx only while dialing; after that it relies on its own
// connection deadline. So the dial function ties the connection to ctx
// itself: cancelling ctx closes the socket, which fails whatever read or
// write is blocked (a greeting that never comes, a DATA reply that hangs).
func (s *Sender) deliver(ctx context.Context, msg *gomail.Msg) (err error) {
	tlsConfig := &tls.Config{ServerName: s.cfg.Host, MinVersion: tls.VersionTLS12, RootCAs: s.rootCAs}
	var stop func() bool // set by dial, which go-mail calls once, on this goroutine
	defer func() {
		if stop != nil {
			stop()
		}
	}()
	dial := func(dialCtx context.Context, network, addr string) (net.Conn, error) {
		var conn net.Conn
		var err error
		if s.cfg.TLS == TLSImplicit {
			// Dialing TLS ourselves returns a *tls.Conn, which go-mail's SMTP
			// client recognises as encrypted (it allows PLAIN auth over it).
			conn, err = (&tls.Dialer{Config: tlsConfig}).DialContext(dialCtx, network, addr)
		} else {
			conn, err = (&net.Dialer{}).DialContext(dialCtx, network, addr)
		}
		if err != nil {
			return nil, err
		}
		stop = context.AfterFunc(ctx, func() { conn.Close() })
		return conn, nil
	}
	opts := []gomail.Option{
		gomail.WithPort(s.cfg.Port),
		gomail.WithTimeout(sessionTimeout),
		gomail.WithTLSConfig(tlsConfig),
		gomail.WithDialContextFunc(dial),
	}
	switch s.cfg.TLS {
	case TLSNone:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	case TLSStartTLS:
		// Mandatory: a relay (or a man in the middle) that does not offer
		// STARTTLS gets an error, not the password and the reset link in
		// the clear.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case TLSImplicit:
		opts = append(opts, gomail.WithSSL())
	}
	if s.cfg.Username != "" {
		// PLAIN and LOGIN are what hosted relays (SES, Postmark, SendGrid,
		// Microsoft 365) offer; the connection is encrypted by then. The
		// library falls back to discovering a mechanism if neither is offered.
		opts = append(opts,
			gomail.WithOpportunisticSMTPAuth(gomail.SMTPAuthPlain, gomail.SMTPAuthLogin),
			gomail.WithUsername(s.cfg.Username),
			gomail.WithPassword(s.cfg.Password),
		)
	}
	client, err := gomail.NewClient(s.cfg.Host, opts...)
	if err != nil {
		return err
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		if ctxErr := ctx.Err(); ctxErr != nil {
			return fmt.Errorf("%w: %w", ctxErr, err)
		}
		return err
	}
	return nil
}

// headerText checks a value that goes into a header as text (a subject, a
// display name): present, and free of control characters, CR and LF above
// all, which would end the header and start another.
func headerText(field, v string) error {
	if strings.TrimSpace(v) == "" {
		return fmt.Errorf("mail: %s: required", field)
	}
	if i := strings.IndexFunc(v, func(r rune) bool { return r < 0x20 && r != '\t' || r == 0x7f }); i >= 0 {
		return fmt.Errorf("mail: %s: contains control character %q (CR or LF would inject headers)", field, v[i])
	}
	return nil
}

// address parses one recipient or reply-to address ("a@b.example" or
// "Name <a@b.example>").
func address(field, v string) (*netmail.Address, error) {
	if err := headerText(field, v); err != nil {
		return nil, err
	}
	a, err := netmail.ParseAddress(v)
	if err != nil {
		return nil, fmt.Errorf("mail: %s %q: %w", field, v, err)
	}
	return a, nil
}

// bareAddress parses an address that must not carry a display name: the
// platform sender, whose name is always the tenant's.
func bareAddress(field, v string) (string, error) {
	a, err := address(field, v)
	if err != nil {
		return "", err
	}
	if a.Name != "" || a.Address != strings.TrimSpace(v) {
		return "", fmt.Errorf("mail: %s %q: must be a bare address; the display name is the tenant's", field, v)
	}
	return a.Address, nil
}

// bareAddresses lists the addresses without display names, for the log.
func bareAddresses(as []*netmail.Address) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = a.Address
	}
	return out
}

func attachmentNames(as []Attachment) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.Name)
	}
	return out
}
