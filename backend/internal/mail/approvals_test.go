package mail_test

import (
	"bytes"
	"io"
	netmail "net/mail"
	"strings"
	"testing"
	"time"

	"example.com/portal/backend/internal/mail"
	"example.com/portal/backend/internal/portal"
)

func TestSendApprovalMails(t *testing.T) {
	srv := startSMTP(t, "none", "", "")
	n := &mail.Notifier{Sender: newSender(t, mail.Config{Host: srv.Host, Port: srv.Port, TLS: mail.TLSNone})}
	decided := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	a := portal.ApprovalNotice{CustomerName: "Lakeshore Fab", To: []string{"ann@customer.example", "max@customer.example"},
		OrderApproval: portal.OrderApproval{OrderID: "0193-order", OrderNumber: "SO-2026-0042", PONumber: "PO-7", RequestedBy: "Tom Becker",
			Total: portal.Money{Amount: 123456789, Currency: "USD"}, Threshold: portal.Money{Amount: 500000, Currency: "USD"}, LineCount: 3}}
	if err := n.SendApprovalRequested(t.Context(), testTenant(), "https://acme.portal.example", a); err != nil {
		t.Fatal(err)
	}
	a.Status, a.DecidedBy, a.DecidedAt, a.Comment, a.To = portal.ApprovalRejected, "Ann Admin", &decided, "Split it in two", []string{"tom@customer.example"}
	if err := n.SendApprovalDecided(t.Context(), testTenant(), "https://acme.portal.example", a); err != nil {
		t.Fatal(err)
	}
	msgs := srv.Messages()
	if len(msgs) != 2 || len(msgs[0].To) != 2 || msgs[1].To[0] != "tom@customer.example" {
		t.Fatalf("messages: %+v", msgs)
	}
	for i, want := range [][]string{
		{"Order SO-2026-0042 awaits your approval", "Tom Becker placed order SO-2026-0042 for $1,234,567.89", "limit of $5,000.00",
			"PO number: PO-7", "https://acme.portal.example/portal/approvals"},
		{"Order SO-2026-0042 rejected", "was rejected by Ann Admin", "Comment: Split it in two", "https://acme.portal.example/portal/orders/0193-order"},
	} {
		msg, err := netmail.ReadMessage(bytes.NewReader(msgs[i].Data))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(msg.Body)
		text := msg.Header.Get("Subject") + "\n" + strings.ReplaceAll(string(body), "=\r\n", "")
		for _, w := range want {
			if !strings.Contains(text, w) {
				t.Errorf("mail %d lacks %q:\n%s", i, w, text)
			}
		}
	}
}
