// Package webhook signs the portal's outgoing webhook deliveries and dials
// the receivers that tenants configure without letting them reach inside
// our network.
//
// One signature scheme, the Standard Webhooks one (standardwebhooks.com):
// HMAC-SHA256 with the endpoint's secret over "{id}.{timestamp}.{body}",
// base64, prefixed "v1,". It travels twice: in the Standard Webhooks
// headers (webhook-id, webhook-timestamp, webhook-signature), so
// off-the-shelf verifiers work, and in the spec's own headers
// (X-Webhook-Id, X-Webhook-Timestamp, X-Webhook-Signature) beside
// X-Webhook-Event and X-Tenant-Id. The body is an envelope that carries the
// event type and the tenant id too, so both are covered by the signature: a
// receiver trusts the body's tenant_id, and Verify also refuses a delivery
// whose X-Tenant-Id differs from it.
//
// While an endpoint's secret is rotated, deliveries carry one signature per
// secret, separated by spaces (as Standard Webhooks specifies); a receiver
// accepts the delivery when any of them verifies.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Header names of a delivery.
const (
	HeaderEvent     = "X-Webhook-Event"
	HeaderTimestamp = "X-Webhook-Timestamp"
	HeaderSignature = "X-Webhook-Signature"
	HeaderTenant    = "X-Tenant-Id"
	HeaderID        = "X-Webhook-Id"
)

// SecretPrefix starts every endpoint secret, as in Standard Webhooks.
const SecretPrefix = "whsec_"

// Tolerance is how far a delivery's timestamp may be from the receiver's
// clock; older deliveries are refused as replays.
const Tolerance = 5 * time.Minute

// NewSecret returns a new endpoint secret: "whsec_" and 32 random bytes in
// base64.
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand documents it)
	return SecretPrefix + base64.StdEncoding.EncodeToString(b)
}

// Envelope is the body of every delivery: the spec's event payload under
// data, with what identifies the event.
type Envelope struct {
	ID         string          `json:"id"` // stable across retries and replays
	Type       string          `json:"type"`
	TenantID   string          `json:"tenant_id"`
	OccurredAt time.Time       `json:"occurred_at"`
	Data       json.RawMessage `json:"data"`
}

// Delivery is one signed request.
type Delivery struct {
	Envelope Envelope
	// Timestamp is when this attempt was signed (each retry signs anew).
	Timestamp time.Time
}

// Sign returns the body and the headers of the delivery signed with each of
// secrets (the current one first, then a previous one during rotation).
func Sign(d Delivery, secrets ...string) ([]byte, http.Header, error) {
	if len(secrets) == 0 {
		return nil, nil, errors.New("webhook: no secret to sign with")
	}
	body, err := json.Marshal(d.Envelope)
	if err != nil {
		return nil, nil, fmt.Errorf("webhook: body: %w", err)
	}
	sig, err := signBody(d.Envelope.ID, d.Timestamp, body, secrets)
	if err != nil {
		return nil, nil, err
	}
	ts := strconv.FormatInt(d.Timestamp.Unix(), 10)
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set(HeaderEvent, d.Envelope.Type)
	h.Set(HeaderTenant, d.Envelope.TenantID)
	h.Set(HeaderID, d.Envelope.ID)
	h.Set(HeaderTimestamp, ts)
	h.Set(HeaderSignature, sig)
	h.Set(standardwebhooks.HeaderWebhookID, d.Envelope.ID)
	h.Set(standardwebhooks.HeaderWebhookTimestamp, ts)
	h.Set(standardwebhooks.HeaderWebhookSignature, sig)
	return body, h, nil
}

// signBody is the signature header's value for body: one "v1,…" per
// secret, space separated.
func signBody(id string, ts time.Time, body []byte, secrets []string) (string, error) {
	sigs := make([]string, 0, len(secrets))
	for _, s := range secrets {
		wh, err := standardwebhooks.NewWebhook(s)
		if err != nil {
			return "", fmt.Errorf("webhook: secret: %w", err)
		}
		sig, err := wh.Sign(id, ts, body)
		if err != nil {
			return "", fmt.Errorf("webhook: sign: %w", err)
		}
		sigs = append(sigs, sig)
	}
	return strings.Join(sigs, " "), nil
}

// Errors of Verify.
var (
	ErrMissingHeaders = errors.New("webhook: missing id, timestamp or signature")
	ErrStale          = errors.New("webhook: timestamp outside the tolerance")
	ErrSignature      = errors.New("webhook: no signature matches")
	ErrTenant         = errors.New("webhook: X-Tenant-Id differs from the signed body")
)

// Verify checks a delivery as a receiver should, against the spec's
// headers, at now: the signature over id, timestamp and body with secret,
// the timestamp within Tolerance, and X-Tenant-Id equal to the signed
// body's tenant_id. It is what our documentation tells storefront
// developers to do, and what the delivery tests run.
func Verify(h http.Header, body []byte, secret string, now time.Time) error {
	id, ts, sigs := h.Get(HeaderID), h.Get(HeaderTimestamp), h.Get(HeaderSignature)
	if id == "" || ts == "" || sigs == "" {
		return ErrMissingHeaders
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return ErrMissingHeaders
	}
	if d := now.Sub(time.Unix(unix, 0)); d > Tolerance || d < -Tolerance {
		return ErrStale
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, SecretPrefix))
	if err != nil {
		return fmt.Errorf("webhook: secret: %w", err)
	}
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(id + "." + ts + "."))
	mac.Write(body)
	want := mac.Sum(nil)
	ok := false
	for _, s := range strings.Fields(sigs) {
		v, b64, found := strings.Cut(s, ",")
		if !found || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(b64)
		if err == nil && hmac.Equal(got, want) {
			ok = true
		}
	}
	if !ok {
		return ErrSignature
	}
	var env struct {
		TenantID string `json:"tenant_id"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.TenantID != h.Get(HeaderTenant) {
		return ErrTenant
	}
	return nil
}
