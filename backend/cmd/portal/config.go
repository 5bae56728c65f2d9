package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strconv"
	"strings"

	"example.com/portal/backend/internal/sealed"
)

// Config is every setting of the portal, read from the environment once, in
// main, and passed down as plain values. README.md lists each variable; keep
// the two in step (TestConfigDocumented checks it).
type Config struct {
	DatabaseURL      string // PORTAL_DATABASE_URL: the app role (serve)
	OwnerDatabaseURL string // PORTAL_OWNER_DATABASE_URL: the owner role (migrate, tenants)
	Addr             string // PORTAL_ADDR
	BaseDomain       string // PORTAL_BASE_DOMAIN
	PublicPort       string // PORTAL_PUBLIC_PORT: port in printed portal addresses
	WebDir           string // PORTAL_WEB_DIR
	LogLevel         slog.Level
	S3Endpoint       string // PORTAL_S3_ENDPOINT
	S3AccessKey      string // PORTAL_S3_ACCESS_KEY (secret)
	S3SecretKey      string // PORTAL_S3_SECRET_KEY (secret)
	S3Bucket         string // PORTAL_S3_BUCKET
	S3Region         string // PORTAL_S3_REGION
	S3UseTLS         bool   // PORTAL_S3_USE_TLS
	S3SSE            bool   // PORTAL_S3_SSE
	DBMaxConns       int32  // PORTAL_DB_MAX_CONNS
	SMTPHost         string // PORTAL_SMTP_HOST
	SMTPPort         int    // PORTAL_SMTP_PORT
	SMTPUsername     string // PORTAL_SMTP_USERNAME
	SMTPPassword     string // PORTAL_SMTP_PASSWORD (secret)
	SMTPTLS          string // PORTAL_SMTP_TLS
	MailFrom         string // PORTAL_MAIL_FROM
	MailLogOnly      bool   // PORTAL_MAIL_LOG_ONLY
	// Card payments (Stripe Connect): the platform's keys; both or neither.
	StripeSecretKey      string // PORTAL_STRIPE_SECRET_KEY (secret)
	StripePublishableKey string // PORTAL_STRIPE_PUBLISHABLE_KEY
	StripeAPIURL         string // PORTAL_STRIPE_API_URL
	StripeWebhookSecret  string // PORTAL_STRIPE_WEBHOOK_SECRET (secret)
	// WebhookAllowLoopback lets webhook receivers be on loopback and use
	// plain http: local development only (PORTAL_WEBHOOK_ALLOW_LOOPBACK).
	WebhookAllowLoopback bool
	// EncryptionKeys seal secrets stored in the database (TOTP seeds):
	// the first seals, all open (PORTAL_ENCRYPTION_KEYS).
	EncryptionKeys [][]byte
	// TrustedProxies are the load balancers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed (PORTAL_TRUSTED_PROXIES).
	TrustedProxies []netip.Prefix
}

// envVar describes one environment variable: its default and meaning. The
// README's configuration table is checked against this list.
type envVar struct {
	Name, Default, Help string
	Secret              bool
}

var envVars = []envVar{
	{Name: "PORTAL_DATABASE_URL", Help: "PostgreSQL URL of the app role the server connects as (not superuser, no BYPASSRLS, owns nothing)", Secret: true},
	{Name: "PORTAL_OWNER_DATABASE_URL", Help: "PostgreSQL URL of the owner role; used only by `portal migrate` and `portal tenants`", Secret: true},
	{Name: "PORTAL_ADDR", Default: ":8080", Help: "address the server listens on"},
	{Name: "PORTAL_BASE_DOMAIN", Default: "localhost", Help: "tenants are served at <slug>.<base domain>; other hosts must be a tenant's custom domain"},
	{Name: "PORTAL_PUBLIC_PORT", Default: "8080", Help: "port shown in the portal addresses the commands print (80 and 443 are left out)"},
	{Name: "PORTAL_WEB_DIR", Default: "web", Help: "directory of app.wasm (and .br/.gz), portal.css and tenant assets"},
	{Name: "PORTAL_LOG_LEVEL", Default: "info", Help: "debug, info, warn or error; logs are JSON on stdout"},
	{Name: "PORTAL_S3_ENDPOINT", Help: "host:port of the S3-compatible document store (MinIO)"},
	{Name: "PORTAL_S3_ACCESS_KEY", Help: "access key of the document store", Secret: true},
	{Name: "PORTAL_S3_SECRET_KEY", Help: "secret key of the document store", Secret: true},
	{Name: "PORTAL_S3_BUCKET", Default: "portal-documents", Help: "bucket of the documents; created at start when missing"},
	{Name: "PORTAL_S3_REGION", Default: "us-east-1", Help: "region of the bucket"},
	{Name: "PORTAL_S3_USE_TLS", Default: "false", Help: "use HTTPS to reach the document store"},
	{Name: "PORTAL_S3_SSE", Default: "true", Help: "store every document with server-side encryption (SSE-S3: the store needs a KMS; `make run` gives its MinIO one)"},
	{Name: "PORTAL_DB_MAX_CONNS", Default: "0", Help: "maximum PostgreSQL connections of the server's pool (0: pgx default, max(4, CPUs))"},
	{Name: "PORTAL_SMTP_HOST", Help: "SMTP relay for e-mail (password resets, invitations); required unless PORTAL_MAIL_LOG_ONLY"},
	{Name: "PORTAL_SMTP_PORT", Default: "0", Help: "SMTP port; 0: the TLS mode's usual port (587 starttls, 465 tls, 25 none)"},
	{Name: "PORTAL_SMTP_USERNAME", Help: "SMTP login; empty: no login"},
	{Name: "PORTAL_SMTP_PASSWORD", Help: "SMTP password", Secret: true},
	{Name: "PORTAL_SMTP_TLS", Default: "starttls", Help: "starttls (required, no fallback), tls (from the first byte) or none (local mail catchers only)"},
	{Name: "PORTAL_MAIL_FROM", Help: "platform sender address (SPF/DKIM domain); default no-reply@<base domain>; the display name is the tenant's"},
	{Name: "PORTAL_MAIL_LOG_ONLY", Default: "false", Help: "write e-mails (with their links) to the log instead of sending them: development only"},
	{Name: "PORTAL_ENCRYPTION_KEYS", Help: "comma-separated base64 keys of 32 random bytes (openssl rand -base64 32) that encrypt secrets kept in the database, such as TOTP seeds; the first encrypts, all decrypt (put a new key first to rotate); required by serve; make run makes a development key", Secret: true},
	{Name: "PORTAL_STRIPE_SECRET_KEY", Help: "the platform's Stripe secret key (sk_… or a restricted rk_…); without it no tenant takes card payments", Secret: true},
	{Name: "PORTAL_STRIPE_PUBLISHABLE_KEY", Help: "the platform's Stripe publishable key (pk_…), handed to Stripe.js in the browser at payment time; required with the secret key"},
	{Name: "PORTAL_STRIPE_WEBHOOK_SECRET", Help: "signing secret (whsec_…) of the platform's Connect webhook endpoint, <any tenant host>/stripe/webhook; without it the endpoint answers 404", Secret: true},
	{Name: "PORTAL_WEBHOOK_ALLOW_LOOPBACK", Default: "false", Help: "let webhook receivers be on loopback (127.0.0.1, ::1) and use plain http: local development only; private, link-local and metadata addresses stay refused"},
	{Name: "PORTAL_STRIPE_API_URL", Help: "Stripe's API address; empty: Stripe itself (make test points it at stripe-mock)"},
	{Name: "PORTAL_TRUSTED_PROXIES", Help: "comma-separated addresses or CIDRs of the load balancers in front of the server; only their X-Forwarded-For/-Proto are believed (client addresses drive sign-in throttling and the audit log)"},
}

// LoadConfig reads the configuration through getenv and reports every
// invalid variable at once.
func LoadConfig(getenv func(string) string) (Config, error) {
	get := func(name string) string {
		if v := strings.TrimSpace(getenv(name)); v != "" {
			return v
		}
		for _, e := range envVars {
			if e.Name == name {
				return e.Default
			}
		}
		panic("config: undeclared variable " + name)
	}
	var errs []error
	c := Config{
		DatabaseURL:      get("PORTAL_DATABASE_URL"),
		OwnerDatabaseURL: get("PORTAL_OWNER_DATABASE_URL"),
		Addr:             get("PORTAL_ADDR"),
		BaseDomain:       strings.ToLower(strings.TrimSuffix(get("PORTAL_BASE_DOMAIN"), ".")),
		PublicPort:       get("PORTAL_PUBLIC_PORT"),
		WebDir:           get("PORTAL_WEB_DIR"),
		S3Endpoint:       get("PORTAL_S3_ENDPOINT"),
		S3AccessKey:      get("PORTAL_S3_ACCESS_KEY"),
		S3SecretKey:      get("PORTAL_S3_SECRET_KEY"),
		S3Bucket:         get("PORTAL_S3_BUCKET"),
		S3Region:         get("PORTAL_S3_REGION"),
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("PORTAL_LOG_LEVEL"))); err != nil {
		errs = append(errs, fmt.Errorf("PORTAL_LOG_LEVEL: %w", err))
	}
	tls, err := strconv.ParseBool(get("PORTAL_S3_USE_TLS"))
	if err != nil {
		errs = append(errs, errors.New("PORTAL_S3_USE_TLS: must be true or false"))
	}
	c.S3UseTLS = tls
	sse, err := strconv.ParseBool(get("PORTAL_S3_SSE"))
	if err != nil {
		errs = append(errs, errors.New("PORTAL_S3_SSE: must be true or false"))
	}
	c.S3SSE = sse
	n, err := strconv.ParseInt(get("PORTAL_DB_MAX_CONNS"), 10, 32)
	if err != nil || n < 0 {
		errs = append(errs, errors.New("PORTAL_DB_MAX_CONNS: must be a non-negative integer"))
	}
	c.DBMaxConns = int32(n)
	c.SMTPHost, c.SMTPUsername, c.SMTPPassword = get("PORTAL_SMTP_HOST"), get("PORTAL_SMTP_USERNAME"), get("PORTAL_SMTP_PASSWORD")
	c.SMTPTLS, c.MailFrom = get("PORTAL_SMTP_TLS"), get("PORTAL_MAIL_FROM")
	if c.MailFrom == "" {
		c.MailFrom = "no-reply@" + c.BaseDomain
	}
	if c.SMTPPort, err = strconv.Atoi(get("PORTAL_SMTP_PORT")); err != nil || c.SMTPPort < 0 || c.SMTPPort > 65535 {
		errs = append(errs, errors.New("PORTAL_SMTP_PORT: must be a port number"))
	}
	if c.MailLogOnly, err = strconv.ParseBool(get("PORTAL_MAIL_LOG_ONLY")); err != nil {
		errs = append(errs, errors.New("PORTAL_MAIL_LOG_ONLY: must be true or false"))
	}
	c.StripeSecretKey, c.StripePublishableKey, c.StripeAPIURL = get("PORTAL_STRIPE_SECRET_KEY"), get("PORTAL_STRIPE_PUBLISHABLE_KEY"), get("PORTAL_STRIPE_API_URL")
	c.StripeWebhookSecret = get("PORTAL_STRIPE_WEBHOOK_SECRET")
	if c.WebhookAllowLoopback, err = strconv.ParseBool(get("PORTAL_WEBHOOK_ALLOW_LOOPBACK")); err != nil {
		errs = append(errs, errors.New("PORTAL_WEBHOOK_ALLOW_LOOPBACK: must be true or false"))
	}
	switch {
	case c.StripeWebhookSecret != "" && !strings.HasPrefix(c.StripeWebhookSecret, "whsec_"):
		errs = append(errs, errors.New("PORTAL_STRIPE_WEBHOOK_SECRET: must be a webhook signing secret, whsec_…"))
	case c.StripeSecretKey != "" && !strings.HasPrefix(c.StripeSecretKey, "sk_") && !strings.HasPrefix(c.StripeSecretKey, "rk_"):
		errs = append(errs, errors.New("PORTAL_STRIPE_SECRET_KEY: must be a Stripe secret key, sk_… or rk_…"))
	case c.StripePublishableKey != "" && !strings.HasPrefix(c.StripePublishableKey, "pk_"):
		errs = append(errs, errors.New("PORTAL_STRIPE_PUBLISHABLE_KEY: must be a Stripe publishable key, pk_…"))
	case (c.StripeSecretKey == "") != (c.StripePublishableKey == ""):
		errs = append(errs, errors.New("PORTAL_STRIPE_SECRET_KEY and PORTAL_STRIPE_PUBLISHABLE_KEY: set both or neither"))
	}
	if c.BaseDomain == "" {
		errs = append(errs, errors.New("PORTAL_BASE_DOMAIN: required"))
	}
	if v := get("PORTAL_ENCRYPTION_KEYS"); v != "" {
		if c.EncryptionKeys, err = sealed.ParseKeys(v); err != nil {
			errs = append(errs, fmt.Errorf("PORTAL_ENCRYPTION_KEYS: %w", err))
		}
	}
	for _, f := range strings.Split(get("PORTAL_TRUSTED_PROXIES"), ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if a, aerr := netip.ParseAddr(f); aerr == nil {
			p, err = a.Prefix(a.BitLen())
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("PORTAL_TRUSTED_PROXIES: %q is not an address or CIDR", f))
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, p.Masked())
	}
	return c, errors.Join(errs...)
}

// ValidateServe checks what `portal serve` needs.
func (c Config) ValidateServe() error {
	var errs []error
	if c.DatabaseURL == "" {
		errs = append(errs, errors.New("PORTAL_DATABASE_URL: required (the app role's PostgreSQL URL)"))
	}
	if c.S3Endpoint == "" {
		errs = append(errs, errors.New("PORTAL_S3_ENDPOINT: required (host:port of MinIO)"))
	}
	if len(c.EncryptionKeys) == 0 {
		errs = append(errs, errors.New("PORTAL_ENCRYPTION_KEYS: required (openssl rand -base64 32)"))
	}
	if c.SMTPHost == "" && !c.MailLogOnly {
		errs = append(errs, errors.New("PORTAL_SMTP_HOST: required (or PORTAL_MAIL_LOG_ONLY=true for development)"))
	}
	return errors.Join(errs...)
}

// ValidateOwner checks what the owner commands (migrate, tenants) need.
func (c Config) ValidateOwner() error {
	if c.OwnerDatabaseURL == "" {
		return errors.New("PORTAL_OWNER_DATABASE_URL: required (the owner role's PostgreSQL URL)")
	}
	return nil
}
