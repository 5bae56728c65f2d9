package mail_test

import (
	"mime"
	"slices"
	"strings"
	"testing"

	"example.com/portal/backend/internal/mail"
	"example.com/portal/backend/internal/portal"
)

// The notice that the portal turned a webhook endpoint off reaches every
// admin given, names the endpoint and the reason, and links to the staff
// screen where it is turned back on.
func TestSendWebhookDisabled(t *testing.T) {
	srv := startSMTP(t, "none", "", "")
	n := &mail.Notifier{Sender: newSender(t, mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone})}
	tn := testTenant()
	ep := portal.WebhookEndpoint{ID: "e1", URL: "https://shop.example/hooks", Description: "Storefront",
		DisabledReason: "Every delivery failed since 2026-12-01T09:00:00Z."}
	to := []string{"alex@mueller-stahl.example", "kim@mueller-stahl.example"}
	if err := n.SendWebhookDisabled(t.Context(), tn, "https://mueller-stahl.portal.test", to, ep); err != nil {
		t.Fatal(err)
	}
	got := onlyMessage(t, srv)
	if !slices.Equal(got.To, to) {
		t.Errorf("recipients %q, want %q", got.To, to)
	}
	m := parse(t, got.Data)
	if subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); subj != "Webhook endpoint turned off: https://shop.example/hooks" {
		t.Errorf("Subject = %q", subj)
	}
	for _, want := range []string{ep.URL, ep.Description, ep.DisabledReason, "https://mueller-stahl.portal.test/portal/staff/integrations"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("text lacks %q:\n%s", want, m.Text)
		}
	}
	if err := n.SendWebhookDisabled(t.Context(), tn, "https://mueller-stahl.portal.test", nil, ep); err == nil {
		t.Error("a notice to nobody was accepted")
	}
}
