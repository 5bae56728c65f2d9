package stripe_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"example.com/portal/backend/internal/stripe"
)

func signed(t *testing.T, body string, at time.Time) (string, string) {
	t.Helper()
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: []byte(body), Secret: "whsec_unit", Timestamp: at})
	return string(sp.Payload), sp.Header
}

// TestParseCardSetupEvents: the saved-card events name their SetupIntent,
// Stripe Customer and PaymentMethod, whether the PaymentMethod comes as an
// id or expanded; a tampered or stale one does not verify.
func TestParseCardSetupEvents(t *testing.T) {
	now := time.Now()
	for name, c := range map[string]struct {
		body                   string
		seti, customer, pm, ob string
	}{
		"setup, ids": {`{"id":"evt_1","object":"event","type":"setup_intent.succeeded","account":"acct_1T","created":1,"api_version":"2026-08-26.dahlia",
			"data":{"object":{"id":"seti_1","object":"setup_intent","status":"succeeded","customer":"cus_1","payment_method":"pm_1"}}}`,
			"seti_1", "cus_1", "pm_1", "seti_1"},
		"setup, expanded": {`{"id":"evt_2","object":"event","type":"setup_intent.succeeded","account":"acct_1T","created":1,"api_version":"2023-10-16",
			"data":{"object":{"id":"seti_2","object":"setup_intent","customer":{"id":"cus_2","object":"customer"},
			"payment_method":{"id":"pm_2","object":"payment_method","card":{"brand":"visa","last4":"4242"}}}}}`,
			"seti_2", "cus_2", "pm_2", "seti_2"},
		"detached": {`{"id":"evt_3","object":"event","type":"payment_method.detached","account":"acct_1T","created":1,"api_version":"2026-08-26.dahlia",
			"data":{"object":{"id":"pm_3","object":"payment_method","customer":null}}}`,
			"", "", "pm_3", "pm_3"},
	} {
		body, header := signed(t, c.body, now)
		ev, err := stripe.ParseEvent([]byte(body), header, "whsec_unit")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if ev.SetupIntentID != c.seti || ev.Customer != c.customer || ev.PaymentMethodID != c.pm || ev.ObjectID() != c.ob || ev.Account != "acct_1T" {
			t.Errorf("%s: %+v (object %s)", name, ev, ev.ObjectID())
		}
		if _, err := stripe.ParseEvent([]byte(strings.Replace(body, `"pm_`, `"pm_X`, 1)), header, "whsec_unit"); !errors.Is(err, stripe.ErrSignature) {
			t.Errorf("%s tampered: %v", name, err)
		}
		staleBody, staleHeader := signed(t, c.body, now.Add(-10*time.Minute))
		if _, err := stripe.ParseEvent([]byte(staleBody), staleHeader, "whsec_unit"); !errors.Is(err, stripe.ErrSignature) {
			t.Errorf("%s stale: %v", name, err)
		}
	}
}
