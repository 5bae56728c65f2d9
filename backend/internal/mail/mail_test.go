package mail_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"html"
	"log/slog"
	"mime"
	"strings"
	"testing"
	"time"

	"example.com/portal/backend/internal/mail"
	"example.com/portal/tenants"
)

const platformFrom = "no-reply@portal.test"

// testTenant has a name that needs RFC 2047 encoding in the From header.
func testTenant() *tenants.Tenant {
	return &tenants.Tenant{
		ID:     "7d0c2b6e-4a57-4a43-9d8e-0f3c1b2a9e11",
		Slug:   "mueller-stahl",
		Name:   "Stahlhandel Müller & Co",
		Status: tenants.StatusActive,
		Branding: tenants.Branding{
			LogoURL:      "/web/tenants/mueller-stahl/logo.png",
			PrimaryColor: "#0f5e7a",
			AccentColor:  "#d97706",
			SupportEmail: "support@mueller-stahl.example",
			SupportPhone: "+49 30 5550100",
		},
	}
}

func newSender(t *testing.T, cfg mail.Config) *mail.Sender {
	t.Helper()
	if cfg.From == "" {
		cfg.From = platformFrom
	}
	s, err := mail.New(cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func onlyMessage(t *testing.T, srv *smtpServer) received {
	t.Helper()
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages, want 1", len(msgs))
	}
	return msgs[0]
}

func TestSend_PasswordReset(t *testing.T) {
	srv := startSMTP(t, "none", "", "")
	s := newSender(t, mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone})
	tn := testTenant()
	link := "https://mueller-stahl.portal.test/reset-password?token=R3s3tT0k3n"
	subject, text, htmlBody, err := mail.Render(mail.KindPasswordReset, mail.PasswordReset{
		Base:    mail.Base{BaseURL: "https://mueller-stahl.portal.test", RecipientName: "Maria"},
		Link:    link,
		Expires: time.Hour,
	}, tn)
	if err != nil {
		t.Fatal(err)
	}

	err = s.Send(t.Context(), mail.Message{To: []string{"maria@customer.example"}, Subject: subject, Text: text, HTML: htmlBody, Tenant: tn})
	if err != nil {
		t.Fatalf("Send: %v", err)
	}

	got := onlyMessage(t, srv)
	if got.From != platformFrom {
		t.Errorf("envelope sender = %q, want the platform's %q (SPF/DKIM)", got.From, platformFrom)
	}
	if len(got.To) != 1 || got.To[0] != "maria@customer.example" {
		t.Errorf("envelope recipients = %q", got.To)
	}
	m := parse(t, got.Data)
	from, err := m.Header.AddressList("From")
	if err != nil || len(from) != 1 {
		t.Fatalf("From %q: %v", m.Header.Get("From"), err)
	}
	if from[0].Name != tn.Name || from[0].Address != platformFrom {
		t.Errorf("From = %q <%s>, want %q <%s>", from[0].Name, from[0].Address, tn.Name, platformFrom)
	}
	if replyTo, err := m.Header.AddressList("Reply-To"); err != nil || len(replyTo) != 1 || replyTo[0].Address != tn.Branding.SupportEmail {
		t.Errorf("Reply-To = %q, want the tenant's support e-mail %s", m.Header.Get("Reply-To"), tn.Branding.SupportEmail)
	}
	if subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject")); subj != subject || subj != "Reset your Stahlhandel Müller & Co portal password" {
		t.Errorf("Subject = %q, want %q", subj, subject)
	}
	if id := m.Header.Get("Message-Id"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@portal.test>") {
		t.Errorf("Message-ID = %q, want <…@portal.test>", id)
	}
	if m.Header.Get("Date") == "" {
		t.Error("no Date header")
	}
	if got := m.Header.Get("Auto-Submitted"); got != "auto-generated" {
		t.Errorf("Auto-Submitted = %q", got)
	}
	if m.ContentType != "multipart/alternative" {
		t.Fatalf("Content-Type = %s, want multipart/alternative", m.ContentType)
	}
	if m.Text == "" || m.HTML == "" {
		t.Fatalf("want a text and an HTML part; text %d bytes, HTML %d bytes", len(m.Text), len(m.HTML))
	}
	if !strings.Contains(m.Text, link) {
		t.Errorf("text part lacks the reset link:\n%s", m.Text)
	}
	if !strings.Contains(html.UnescapeString(m.HTML), `href="`+link+`"`) {
		t.Errorf("HTML part lacks the reset link as a link:\n%s", m.HTML)
	}
	if !strings.Contains(m.Text, "1 hour") || !strings.Contains(m.HTML, "1 hour") {
		t.Error("expiry (1 hour) missing from a part")
	}
}

func TestSend_ReplyTo(t *testing.T) {
	srv := startSMTP(t, "none", "", "")
	s := newSender(t, mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone})
	noSupport := testTenant()
	noSupport.Branding.SupportEmail = ""
	for _, tc := range []struct {
		name    string
		replyTo string
		tenant  *tenants.Tenant
		want    string // "" means no Reply-To header
	}{
		{"tenant support by default", "", testTenant(), "support@mueller-stahl.example"},
		{"explicit wins", "orders@mueller-stahl.example", testTenant(), "orders@mueller-stahl.example"},
		{"none without support e-mail", "", noSupport, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n := len(srv.Messages())
			err := s.Send(t.Context(), mail.Message{To: []string{"a@customer.example"}, Subject: "Hello", Text: "Hello.", ReplyTo: tc.replyTo, Tenant: tc.tenant})
			if err != nil {
				t.Fatal(err)
			}
			msgs := srv.Messages()
			if len(msgs) != n+1 {
				t.Fatalf("server has %d messages, want %d", len(msgs), n+1)
			}
			m := parse(t, msgs[n].Data)
			got := ""
			if list, err := m.Header.AddressList("Reply-To"); err == nil && len(list) == 1 {
				got = list[0].Address
			}
			if got != tc.want {
				t.Errorf("Reply-To = %q, want %q", m.Header.Get("Reply-To"), tc.want)
			}
			if m.ContentType != "text/plain" {
				t.Errorf("without HTML, Content-Type = %s, want text/plain", m.ContentType)
			}
		})
	}
}

func TestSend_HTMLEscapesUserValues(t *testing.T) {
	srv := startSMTP(t, "none", "", "")
	s := newSender(t, mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone})
	tn := testTenant()
	const company = `Evil <script>alert("x")</script> Corp`
	subject, text, htmlBody, err := mail.Render(mail.KindInvitation, mail.Invitation{
		Base:        mail.Base{BaseURL: "https://mueller-stahl.portal.test"},
		InviterName: `<img src=x onerror=alert(1)>`,
		CompanyName: company,
		Role:        "buyer",
		Link:        "https://mueller-stahl.portal.test/invitations/accept?token=abc",
		Expires:     7 * 24 * time.Hour,
	}, tn)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), mail.Message{To: []string{"new@customer.example"}, Subject: subject, Text: text, HTML: htmlBody, Tenant: tn}); err != nil {
		t.Fatal(err)
	}
	m := parse(t, onlyMessage(t, srv).Data)
	if strings.Contains(m.HTML, "<script>") || strings.Contains(m.HTML, "<img src=x") {
		t.Errorf("HTML part contains a user value unescaped:\n%s", m.HTML)
	}
	if !strings.Contains(m.HTML, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") {
		t.Errorf("HTML part lacks the escaped company name:\n%s", m.HTML)
	}
	if !strings.Contains(m.Text, company) {
		t.Errorf("text part should carry the company name as written:\n%s", m.Text)
	}
}

func TestSend_RejectsHeaderInjection(t *testing.T) {
	srv := startSMTP(t, "none", "", "")
	s := newSender(t, mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone})
	valid := func() mail.Message {
		return mail.Message{To: []string{"a@customer.example"}, Subject: "Hello", Text: "Hello.", Tenant: testTenant()}
	}
	for _, tc := range []struct {
		name   string
		modify func(*mail.Message)
		field  string // what the error must name
	}{
		{"CRLF in subject", func(m *mail.Message) { m.Subject = "Hello\r\nBcc: victim@example.com" }, "subject"},
		{"LF in subject", func(m *mail.Message) { m.Subject = "Hello\nBcc: victim@example.com" }, "subject"},
		{"CR in tenant name", func(m *mail.Message) { m.Tenant.Name = "Acme\rBcc: victim@example.com" }, "tenant name"},
		{"CRLF in recipient", func(m *mail.Message) { m.To = []string{"a@customer.example\r\nBcc: victim@example.com"} }, "to"},
		{"CRLF in reply-to", func(m *mail.Message) { m.ReplyTo = "x@example.com\r\nBcc: victim@example.com" }, "reply-to"},
		{"LF in tenant support e-mail", func(m *mail.Message) { m.Tenant.Branding.SupportEmail = "s@example.com\nBcc: v@example.com" }, "reply-to (tenant support e-mail)"},
		{"empty subject", func(m *mail.Message) { m.Subject = "" }, "subject"},
		{"no recipient", func(m *mail.Message) { m.To = nil }, "to"},
		{"no tenant", func(m *mail.Message) { m.Tenant = nil }, "tenant"},
		{"no text", func(m *mail.Message) { m.Text = " " }, "text"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := valid()
			tc.modify(&m)
			err := s.Send(t.Context(), m)
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if !strings.Contains(err.Error(), "mail: "+tc.field+":") && !strings.Contains(err.Error(), "mail: "+tc.field+" ") {
				t.Errorf("error %q does not name the field %q", err, tc.field)
			}
		})
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server received %d messages, want none", n)
	}
	// The same sender still delivers a clean message: the failures above
	// were validation, not a broken connection.
	if err := s.Send(t.Context(), valid()); err != nil {
		t.Fatal(err)
	}
}

func TestSend_STARTTLSWithAuth(t *testing.T) {
	srv := startSMTP(t, "starttls", "relay-user", "relay-pass")
	s := newSender(t, mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.TLSStartTLS, Username: "relay-user", Password: "relay-pass"})
	mail.SetRootCAs(s, srv.Roots)
	if err := s.Send(t.Context(), mail.Message{To: []string{"a@customer.example"}, Subject: "Hello", Text: "Hello.", Tenant: testTenant()}); err != nil {
		t.Fatal(err)
	}
	got := onlyMessage(t, srv)
	if !got.TLS || got.AuthUser != "relay-user" {
		t.Errorf("TLS %v, authenticated as %q; want TLS and relay-user", got.TLS, got.AuthUser)
	}
}

func TestSend_ImplicitTLSWithAuth(t *testing.T) {
	srv := startSMTP(t, "tls", "relay-user", "relay-pass")
	s := newSender(t, mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.TLSImplicit, Username: "relay-user", Password: "relay-pass"})
	mail.SetRootCAs(s, srv.Roots)
	if err := s.Send(t.Context(), mail.Message{To: []string{"a@customer.example"}, Subject: "Hello", Text: "Hello.", Tenant: testTenant()}); err != nil {
		t.Fatal(err)
	}
	got := onlyMessage(t, srv)
	if !got.TLS || got.AuthUser != "relay-user" {
		t.Errorf("TLS %v, authenticated as %q; want TLS and relay-user", got.TLS, got.AuthUser)
	}
}

// TestSend_TLSFailuresDoNotFallBack: in starttls mode a server without
// STARTTLS, or with a certificate the sender does not trust, gets nothing.
func TestSend_TLSFailuresDoNotFallBack(t *testing.T) {
	for _, tc := range []struct {
		name, mode string
	}{
		{"no STARTTLS offered", "none"},
		{"untrusted certificate", "starttls"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := startSMTP(t, tc.mode, "", "")
			s := newSender(t, mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.TLSStartTLS})
			err := s.Send(t.Context(), mail.Message{To: []string{"a@customer.example"}, Subject: "Hello", Text: "Hello.", Tenant: testTenant()})
			if err == nil {
				t.Fatal("Send succeeded")
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("server received %d messages, want none", n)
			}
		})
	}
}

func TestSend_ContextBoundsSilentServer(t *testing.T) {
	const wait = 300 * time.Millisecond
	// go-mail's own timeout is 15-30 s; anything near wait proves ctx ended it.
	const slack = 2 * time.Second
	msg := mail.Message{To: []string{"a@customer.example"}, Subject: "Hello", Text: "Hello.", Tenant: testTenant()}

	t.Run("deadline", func(t *testing.T) {
		host, port, accepted := silentServer(t)
		s := newSender(t, mail.Config{Host: host, Port: port, TLS: mail.TLSStartTLS})
		ctx, cancel := context.WithTimeout(t.Context(), wait)
		defer cancel()
		start := time.Now()
		err := s.Send(ctx, msg)
		if elapsed := time.Since(start); elapsed > wait+slack {
			t.Errorf("Send returned after %s, deadline was %s", elapsed, wait)
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("err = %v, want context.DeadlineExceeded", err)
		}
		if accepted.Load() != 1 {
			t.Errorf("server accepted %d connections, want 1 (the test must reach the silent greeting)", accepted.Load())
		}
	})

	t.Run("cancel", func(t *testing.T) {
		host, port, accepted := silentServer(t)
		s := newSender(t, mail.Config{Host: host, Port: port, TLS: mail.TLSNone})
		ctx, cancel := context.WithCancel(t.Context())
		timer := time.AfterFunc(wait, cancel)
		defer timer.Stop()
		start := time.Now()
		err := s.Send(ctx, msg)
		if elapsed := time.Since(start); elapsed > wait+slack {
			t.Errorf("Send returned after %s, cancelled at %s", elapsed, wait)
		}
		if !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if accepted.Load() != 1 {
			t.Errorf("server accepted %d connections, want 1", accepted.Load())
		}
	})

	t.Run("already cancelled", func(t *testing.T) {
		host, port, accepted := silentServer(t)
		s := newSender(t, mail.Config{Host: host, Port: port, TLS: mail.TLSNone})
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := s.Send(ctx, msg); !errors.Is(err, context.Canceled) {
			t.Errorf("err = %v, want context.Canceled", err)
		}
		if accepted.Load() != 0 {
			t.Errorf("server accepted %d connections, want none", accepted.Load())
		}
	})
}

func TestSend_LogOnly(t *testing.T) {
	const password = "smtp-Pa55w0rd-never-logged"
	var buf bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(&buf, nil))
	s, err := mail.New(mail.Config{
		Host: "smtp.relay.example", Port: 587, TLS: mail.TLSStartTLS,
		Username: "relay-user", Password: password,
		From: platformFrom, LogOnly: true,
	}, logger)
	if err != nil {
		t.Fatal(err)
	}
	tn := testTenant()
	link := "https://mueller-stahl.portal.test/reset-password?token=abc&next=%2Forders"
	subject, text, htmlBody, err := mail.Render(mail.KindPasswordReset, mail.PasswordReset{
		Base: mail.Base{BaseURL: "https://mueller-stahl.portal.test"}, Link: link, Expires: time.Hour,
	}, tn)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Send(t.Context(), mail.Message{To: []string{"maria@customer.example"}, Subject: subject, Text: text, HTML: htmlBody, Tenant: tn}); err != nil {
		t.Fatal(err)
	}

	if bytes.Contains(buf.Bytes(), []byte(password)) {
		t.Errorf("log contains the SMTP password:\n%s", buf.String())
	}
	// New logs its configuration; without this the check above would pass
	// on an empty log.
	if !bytes.Contains(buf.Bytes(), []byte("smtp.relay.example")) {
		t.Errorf("log lacks the configuration:\n%s", buf.String())
	}

	type record struct {
		Level   string   `json:"level"`
		To      []string `json:"to"`
		Subject string   `json:"subject"`
		Text    string   `json:"text"`
		From    string   `json:"from"`
		ReplyTo []string `json:"reply_to"`
	}
	var rec record
	var found bool
	for line := range bytes.Lines(buf.Bytes()) {
		rec = record{}
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec.Text != "" {
			found = true
			break
		}
	}
	if !found {
		t.Fatalf("no log record with the message body:\n%s", buf.String())
	}
	if rec.Level != "INFO" || rec.Subject != subject || len(rec.To) != 1 || rec.To[0] != "maria@customer.example" ||
		rec.From != tn.Name+" <"+platformFrom+">" || len(rec.ReplyTo) != 1 || rec.ReplyTo[0] != tn.Branding.SupportEmail {
		t.Errorf("record = %+v", rec)
	}
	if rec.Text != text || !strings.Contains(rec.Text, link) {
		t.Errorf("logged text = %q, want the full text body with the link", rec.Text)
	}
	// slog's JSON keeps & and < as they are, so the link can be copied.
	if !bytes.Contains(buf.Bytes(), []byte(link)) {
		t.Errorf("raw log does not contain the link verbatim:\n%s", buf.String())
	}
}

func TestNew_RejectsInvalidConfig(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	ok := mail.Config{Host: "smtp.relay.example", TLS: mail.TLSStartTLS, From: platformFrom}
	for _, tc := range []struct {
		name   string
		modify func(*mail.Config)
		want   string
	}{
		{"no from", func(c *mail.Config) { c.From = "" }, "mail: from:"},
		{"from with display name", func(c *mail.Config) { c.From = "Portal <no-reply@portal.test>" }, "mail: from "},
		{"from with CRLF", func(c *mail.Config) { c.From = "no-reply@portal.test\r\nBcc: x@y.example" }, "mail: from:"},
		{"no host", func(c *mail.Config) { c.Host = "" }, "mail: host:"},
		{"unknown tls", func(c *mail.Config) { c.TLS = "ssl" }, "mail: tls "},
		{"bad port", func(c *mail.Config) { c.Port = 70000 }, "mail: port "},
		{"password alone", func(c *mail.Config) { c.Password = "x" }, "mail: password:"},
		{"credentials in the clear", func(c *mail.Config) { c.TLS, c.Username, c.Password = mail.TLSNone, "u", "p" }, "mail: username:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := ok
			tc.modify(&cfg)
			_, err := mail.New(cfg, logger)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err = %v, want one containing %q", err, tc.want)
			}
		})
	}
	if _, err := mail.New(ok, logger); err != nil {
		t.Errorf("valid config: %v", err)
	}
	if _, err := mail.New(mail.Config{From: platformFrom, LogOnly: true}, logger); err != nil {
		t.Errorf("log-only needs no host: %v", err)
	}
	if _, err := mail.New(mail.Config{Host: "localhost", TLS: mail.TLSNone, Username: "u", Password: "p", From: platformFrom}, logger); err != nil {
		t.Errorf("credentials in the clear to loopback (a local catcher): %v", err)
	}
	if _, err := mail.New(ok, nil); err == nil {
		t.Error("nil logger accepted")
	}
}
