package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
)

// TestReceiptsAndCreditNotesAPI: the ERP pushes credit notes (idempotent,
// bad rows named), the customer reads its own receipts (payments received,
// the card payments the webhook recorded included) and credit notes with
// the open credit; another customer's ids answer 404.
func TestReceiptsAndCreditNotesAPI(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	ctx := context.Background()
	seedUser(t, e.owner, "acme", "fiona@finance.example", "Fiona Finance", "finance")
	seedUser(t, e.owner, "acme", "olga@elsewhere.example", "Olga Other", "viewer")
	inv := seedInvoice(t, e, "fiona@finance.example", "INV-L1", 50000, 0)
	seedInvoice(t, e, "olga@elsewhere.example", "INV-L2", 7000, 0)
	tn, _ := e.owner.FindTenantBySlug(ctx, "acme")
	var receipt, pending, olgaReceipt string
	if err := e.owner.InTx(ctx, tn.ID, func(ctx context.Context, tx bun.Tx) error {
		for email, ext := range map[string]string{"fiona@finance.example": "C-FIONA", "olga@elsewhere.example": "C-OLGA"} {
			if _, err := tx.ExecContext(ctx, `UPDATE customers SET external_id = ? WHERE id = (SELECT customer_id FROM users WHERE email = ?)`, ext, email); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invoices SET external_id = 'INV-L1' WHERE id = ?`, inv); err != nil {
			return err
		}
		receipt, pending, olgaReceipt = uuid.NewString(), uuid.NewString(), uuid.NewString()
		for _, p := range []struct{ id, email, ref, status string }{
			{receipt, "fiona@finance.example", "pi_1Card", "succeeded"},
			{pending, "fiona@finance.example", "ACH-9", "pending"},
			{olgaReceipt, "olga@elsewhere.example", "CHK-7", "succeeded"},
		} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO payments (tenant_id, id, customer_id, invoice_id, reference, method, status, amount_minor, received_on)
				SELECT u.tenant_id, ?, u.customer_id, CASE WHEN ? = 'pi_1Card' THEN ?::uuid END, ?, 'card', ?, 12345, current_date
				FROM users u WHERE u.email = ?`, p.id, p.ref, inv, p.ref, p.status, p.email); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	_, key := e.boKey(t, "acme", portal.ScopeBackOffice)
	push := `[
		{"external_id":"CN-1","customer_external_id":"C-FIONA","invoice_external_id":"INV-L1","credit_note_number":"CN-2026-001",
		 "status":"open","issue_date":"2026-12-01","amount":15000,"reason":"Short shipment"},
		{"external_id":"CN-2","customer_external_id":"C-FIONA","credit_note_number":"CN-2026-002","status":"applied","issue_date":"2026-11-01","amount":4000},
		{"external_id":"CN-3","customer_external_id":"C-OLGA","credit_note_number":"CN-2026-003","status":"open","issue_date":"2026-12-02","amount":900,"remaining":300},
		{"external_id":"CN-4","customer_external_id":"C-OLGA","invoice_external_id":"INV-L1","credit_note_number":"CN-2026-004","status":"open","issue_date":"2026-12-02","amount":900},
		{"external_id":"CN-5","customer_external_id":"C-FIONA","credit_note_number":"CN-2026-005","status":"open","issue_date":"2026-12-02","amount":900,"remaining":901}]`
	res := decodeBatch(t, e.bo("PUT", host, api.PathBackOfficeCreditNotes, push, key))
	if len(res.Rows) != 5 || res.Rows[0].Status != api.RowCreated || res.Rows[1].Status != api.RowCreated || res.Rows[2].Status != api.RowCreated ||
		res.Rows[3].Status != api.RowError || res.Rows[3].Errors[0].Field != "invoice_external_id" ||
		res.Rows[4].Status != api.RowError || res.Rows[4].Errors[0].Field != "remaining" {
		t.Fatalf("push: %+v", res.Rows)
	}
	if again := decodeBatch(t, e.bo("PUT", host, api.PathBackOfficeCreditNotes, push, key)); again.Rows[0].Status != api.RowUnchanged {
		t.Errorf("second push: %+v", again.Rows[0])
	}
	// A session is not a back-office key.

	signIn := func(email string) []*http.Cookie {
		t.Helper()
		w := e.request("POST", host, api.PathSession, `{"email":"`+email+`","password":"`+testPassword+`"}`, nil, nil)
		if w.Code != 200 {
			t.Fatalf("sign in %s: %d", email, w.Code)
		}
		return w.Result().Cookies()
	}
	fiona, olga := signIn("fiona@finance.example"), signIn("olga@elsewhere.example")
	if w := e.request("PUT", host, api.PathBackOfficeCreditNotes, push, fiona, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("credit notes pushed with a session: %d", w.Code)
	}

	var notes api.CreditNoteList
	w := e.request("GET", host, api.PathCreditNotes, "", fiona, nil)
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &notes) != nil {
		t.Fatalf("credit notes: %d %s", w.Code, w.Body)
	}
	if notes.Total != 2 || notes.CreditNotes[0].Number != "CN-2026-001" || notes.CreditNotes[0].Remaining.Amount != 15000 ||
		notes.CreditNotes[0].InvoiceNumber != "INV-L1" || notes.CreditNotes[1].Remaining.Amount != 0 ||
		len(notes.Available) != 1 || notes.Available[0] != (api.Money{Amount: 15000, Currency: "USD"}) {
		t.Errorf("fiona's credit notes: %s", w.Body)
	}
	w = e.request("GET", host, api.PathCreditNotes+"?status=applied", "", fiona, nil)
	if json.Unmarshal(w.Body.Bytes(), &notes) != nil || notes.Total != 1 || notes.CreditNotes[0].Status != "applied" {
		t.Errorf("applied filter: %s", w.Body)
	}
	mine := notes.CreditNotes[0].ID
	if w := e.request("GET", host, api.PathCreditNotes+"/"+mine, "", fiona, nil); w.Code != 200 || !strings.Contains(w.Body.String(), "CN-2026-002") {
		t.Errorf("credit note detail: %d %s", w.Code, w.Body)
	}
	for _, id := range []string{mine, uuid.NewString(), "x'--"} {
		if w := e.request("GET", host, api.PathCreditNotes+"/"+id, "", olga, nil); w.Code != http.StatusNotFound {
			t.Errorf("olga reading credit note %s: %d", id, w.Code)
		}
	}
	if p := decodeProblem(t, e.request("GET", host, api.PathCreditNotes+"?status=lost&from=2026-13-01", "", fiona, nil), http.StatusBadRequest); len(p.Errors) != 2 {
		t.Errorf("bad query: %+v", p)
	}

	// Receipts: money received only, newest first; the pending payment is
	// not one.
	var receipts api.PaymentList
	w = e.request("GET", host, api.PathReceipts, "", fiona, nil)
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &receipts) != nil || receipts.Total != 1 || receipts.Payments[0].ID != receipt ||
		receipts.Payments[0].InvoiceNumber != "INV-L1" || receipts.Payments[0].Amount.Amount != 12345 {
		t.Errorf("receipts: %d %s", w.Code, w.Body)
	}
	var rc api.Receipt
	w = e.request("GET", host, api.PathReceipts+"/"+receipt, "", fiona, nil)
	if w.Code != 200 || json.Unmarshal(w.Body.Bytes(), &rc) != nil || rc.Reference != "pi_1Card" || rc.CompanyName != "Lakeshore Fab" {
		t.Errorf("receipt: %d %s", w.Code, w.Body)
	}
	for name, id := range map[string]string{"pending payment": pending, "olga's receipt": olgaReceipt, "unknown": uuid.NewString()} {
		if w := e.request("GET", host, api.PathReceipts+"/"+id, "", fiona, nil); w.Code != http.StatusNotFound {
			t.Errorf("%s: %d", name, w.Code)
		}
	}
	if w := e.request("GET", host, api.PathReceipts+"?status=pending", "", fiona, nil); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `"status"`) {
		t.Errorf("pending receipts: %d %s", w.Code, w.Body)
	}
}
