package mail_test

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	netmail "net/mail"
	"strings"
	"testing"

	"example.com/portal/backend/internal/mail"
	"example.com/portal/backend/internal/portal"
)

// attachments walks a MIME tree and returns its attachments by file name,
// decoded, and the text/plain body.
func attachments(t *testing.T, h map[string][]string, body io.Reader, files map[string][]byte, text *string) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(netmail.Header(h).Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			attachments(t, p.Header, p, files, text)
		}
	}
	b, _ := io.ReadAll(body)
	if strings.EqualFold(netmail.Header(h).Get("Content-Transfer-Encoding"), "base64") {
		if b, err = base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(b)), "")); err != nil {
			t.Fatal(err)
		}
	}
	if _, dp, err := mime.ParseMediaType(netmail.Header(h).Get("Content-Disposition")); err == nil && dp["filename"] != "" {
		files[dp["filename"]] = b
	} else if mt == "text/plain" && *text == "" {
		*text = string(b)
	}
}

func TestSendDocument(t *testing.T) {
	srv := startSMTP(t, "none", "", "")
	s := newSender(t, mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone})
	n := &mail.Notifier{Sender: s}
	pdf := append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 1, 2, 0xff}, 300)...)
	err := n.SendDocument(t.Context(), testTenant(), "https://mueller.portal.example",
		portal.User{Name: "Jane Buyer", Email: "jane@customer.example"}, "Lakeshore Fab",
		[]string{"ap@customer.example", "Bob <bob@customer.example>"},
		portal.Document{Name: "MTR-H777.pdf", Type: "mtr", ContentType: "application/pdf"}, pdf, "For the audit.\nThanks")
	if err != nil {
		t.Fatal(err)
	}
	m := onlyMessage(t, srv)
	if len(m.To) != 2 {
		t.Errorf("envelope recipients %v", m.To)
	}
	msg, err := netmail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Subject"); !strings.Contains(got, "MTR-H777.pdf") || !strings.Contains(got, "Jane Buyer") {
		t.Errorf("Subject = %q", got)
	}
	if list, err := msg.Header.AddressList("Reply-To"); err != nil || len(list) != 1 || list[0].Address != "jane@customer.example" {
		t.Errorf("Reply-To = %q", msg.Header.Get("Reply-To"))
	}
	files := map[string][]byte{}
	var text string
	attachments(t, msg.Header, msg.Body, files, &text)
	if !bytes.Equal(files["MTR-H777.pdf"], pdf) {
		t.Errorf("attachment = %d bytes, want the %d of the PDF (files %v)", len(files["MTR-H777.pdf"]), len(pdf), len(files))
	}
	for _, want := range []string{"Jane Buyer of Lakeshore Fab", "Mill Test Report", "For the audit.", "jane@customer.example"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
}
