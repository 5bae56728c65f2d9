package postgres_test

import (
	"context"
	"slices"
	"testing"

	"github.com/google/uuid"
	"github.com/uptrace/bun"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
)

// TestStaffQuotesFollowAssignments: a sales rep sees and decides the
// quotes, registrations and access requests of the customers the back
// office assigned to them (the sales rep with their e-mail address, in
// any case), and nothing of the others (ENOTFOUND, as if absent); a
// tenant admin sees all; a new assignment takes effect at once.
func TestStaffQuotesFollowAssignments(t *testing.T) {
	e := newQuoteEnv(t) // Sam (sales_rep) is Jane's customer's rep
	ctx := e.a
	sam := e.staff
	rita := &portal.User{ID: uuid.NewString(), Name: "Rita Rep", Email: "rita@alpha.example", Role: "sales_rep"}
	admin := &portal.User{ID: uuid.NewString(), Name: "Ada Admin", Email: "ada@alpha.example", Role: "tenant_admin"}
	otter := &portal.User{ID: uuid.NewString(), CustomerID: uuid.NewString(), Email: "olly@otter.example", Role: "buyer"}
	loose := &portal.User{ID: uuid.NewString(), CustomerID: uuid.NewString(), Email: "lou@loose.example", Role: "buyer"}
	ritaRep, samReg, looseReg := uuid.NewString(), uuid.NewString(), uuid.NewString()
	var janeAccount, samRep string
	exec := func(ctx context.Context, tx bun.Tx, q string, args ...any) {
		t.Helper()
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	if err := e.owner.InTx(context.Background(), e.tenant.ID, func(ctx context.Context, tx bun.Tx) error {
		tid := e.tenant.ID
		if err := tx.QueryRowContext(ctx, `SELECT account_number, sales_rep_id::text FROM customers WHERE id = ?`, e.jane.CustomerID).
			Scan(&janeAccount, &samRep); err != nil {
			return err
		}
		// The ERP spells Rita's address in capitals.
		exec(ctx, tx, `INSERT INTO sales_reps (tenant_id, id, name, email) VALUES (?, ?, 'Rita Rep', 'Rita@Alpha.EXAMPLE')`, tid, ritaRep)
		exec(ctx, tx, `INSERT INTO customers (tenant_id, id, account_number, company_name, sales_rep_id) VALUES (?, ?, 'OT-1', 'Otter Works', ?),
			(?, ?, 'LO-1', 'Loose Ends', NULL)`, tid, otter.CustomerID, ritaRep, tid, loose.CustomerID)
		exec(ctx, tx, `INSERT INTO customers (tenant_id, id, account_number, company_name, sales_rep_id, status, profile_completed)
			VALUES (?, ?, 'REG-1', 'Sam Prospect', ?, 'pending', true), (?, ?, 'REG-2', 'Nobody Prospect', NULL, 'pending', true)`,
			tid, samReg, samRep, tid, looseReg)
		for _, u := range []*portal.User{rita, admin} {
			exec(ctx, tx, `INSERT INTO users (tenant_id, id, email, name, role, status) VALUES (?, ?, ?, ?, ?, 'active')`, tid, u.ID, u.Email, u.Name, u.Role)
		}
		for _, u := range []*portal.User{otter, loose} {
			exec(ctx, tx, `INSERT INTO users (tenant_id, id, customer_id, email, name, role, status) VALUES (?, ?, ?, ?, 'Buyer', 'buyer', 'active')`,
				tid, u.ID, u.CustomerID, u.Email)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	submit := func(u *portal.User) string {
		t.Helper()
		q, err := e.quotes.Submit(ctx, u, "", portal.QuoteInput{Lines: []portal.QuoteLineInput{{ProductID: e.plate, Quantity: "3"}}})
		if err != nil {
			t.Fatal(err)
		}
		return q.ID
	}
	qJane, qOtter, qLoose := submit(e.jane), submit(otter), submit(loose)
	names := map[string]string{qJane: "jane", qOtter: "otter", qLoose: "loose"}
	list := func(u *portal.User) []string {
		t.Helper()
		l, err := e.quotes.StaffQuotes(ctx, u, "")
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, q := range l {
			out = append(out, names[q.ID])
		}
		slices.Sort(out)
		return out
	}
	for who, c := range map[string]struct {
		u    *portal.User
		want []string
	}{"admin": {admin, []string{"jane", "loose", "otter"}}, "sam": {sam, []string{"jane"}}, "rita": {rita, []string{"otter"}}} {
		if got := list(c.u); !slices.Equal(got, c.want) {
			t.Errorf("%s's queue: %v, want %v", who, got, c.want)
		}
	}
	if l, err := e.quotes.StaffQuotes(ctx, sam, portal.QuoteSubmitted); err != nil || len(l) != 1 || l[0].ID != qJane {
		t.Errorf("sam's submitted quotes: %+v %v", l, err)
	}

	// Detail, review and pricing of another rep's or nobody's customer:
	// not found; of their own: fine.
	price := portal.QuoteResponse{ValidUntil: "2026-11-30", Lines: []portal.QuoteLinePrice{{LineNo: 1, UnitPrice: 1100}}}
	for _, id := range []string{qOtter, qLoose} {
		if _, err := e.quotes.StaffQuote(ctx, sam, id); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("sam reads %s: %v", names[id], err)
		}
		if _, err := e.quotes.Review(ctx, sam, id); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("sam reviews %s: %v", names[id], err)
		}
		if _, _, err := e.quotes.Respond(ctx, sam, id, price); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("sam prices %s: %v", names[id], err)
		}
	}
	if q, err := e.quotes.StaffQuote(ctx, sam, qJane); err != nil || q.ID != qJane {
		t.Errorf("sam reads his own: %v", err)
	}
	if q, _, err := e.quotes.Respond(ctx, rita, qOtter, price); err != nil || q.Status != portal.QuoteQuoted {
		t.Errorf("rita prices hers: %+v %v", q, err)
	}
	if q, err := e.quotes.StaffQuote(ctx, admin, qLoose); err != nil || q.ID != qLoose {
		t.Errorf("admin reads the unassigned one: %v", err)
	}
	if st, _ := e.quotes.StaffQuote(ctx, admin, qLoose); st != nil && st.Status != portal.QuoteSubmitted {
		t.Errorf("sam's refused pricing changed the quote: %s", st.Status)
	}

	// The ERP assigns Loose Ends to Sam: his at once.
	if err := e.owner.InTx(context.Background(), e.tenant.ID, func(ctx context.Context, tx bun.Tx) error {
		exec(ctx, tx, `UPDATE customers SET sales_rep_id = ? WHERE id = ?`, samRep, loose.CustomerID)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got := list(sam); !slices.Equal(got, []string{"jane", "loose"}) {
		t.Errorf("sam after the assignment: %v", got)
	}

	// Registrations awaiting approval.
	onb := postgres.NewOnboardingService(e.app)
	regs := func(u *portal.User) []string {
		t.Helper()
		l, err := onb.ListRegistrations(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, r := range l {
			out = append(out, r.CompanyName)
		}
		slices.Sort(out)
		return out
	}
	if got := regs(admin); !slices.Equal(got, []string{"Nobody Prospect", "Sam Prospect"}) {
		t.Errorf("admin's registrations: %v", got)
	}
	if got := regs(sam); !slices.Equal(got, []string{"Sam Prospect"}) {
		t.Errorf("sam's registrations: %v", got)
	}
	if got := regs(rita); len(got) != 0 {
		t.Errorf("rita's registrations: %v", got)
	}
	if _, err := onb.ApproveRegistration(ctx, rita, samReg, portal.Client{}); portal.ErrorCode(err) != portal.ENOTFOUND {
		t.Errorf("rita approves sam's registration: %v", err)
	}
	if r, err := onb.ApproveRegistration(ctx, sam, samReg, portal.Client{}); err != nil || r.CompanyName != "Sam Prospect" {
		t.Errorf("sam approves his: %+v %v", r, err)
	}

	// Access requests: a requester giving the account number of a
	// customer is that customer's rep's; one without is the admins'.
	request := func(email, account string) string {
		t.Helper()
		in := accessInput(email)
		in.AccountNumber = account
		r, err := onb.RequestAccess(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		return r.ID
	}
	rJane, rOtter, rNew := request("joe@lakeshore.example", janeAccount), request("oz@otter.example", "OT-1"), request("neu@new.example", "")
	requests := func(u *portal.User) []string {
		t.Helper()
		l, err := onb.ListAccessRequests(ctx, u, "")
		if err != nil {
			t.Fatal(err)
		}
		out := []string{}
		for _, r := range l {
			out = append(out, r.Email)
		}
		slices.Sort(out)
		return out
	}
	if got := requests(admin); len(got) != 3 {
		t.Errorf("admin's requests: %v", got)
	}
	if got := requests(sam); !slices.Equal(got, []string{"joe@lakeshore.example"}) {
		t.Errorf("sam's requests: %v", got)
	}
	if got := requests(rita); !slices.Equal(got, []string{"oz@otter.example"}) {
		t.Errorf("rita's requests: %v", got)
	}
	for _, id := range []string{rOtter, rNew} {
		if _, err := onb.ApproveAccessRequest(ctx, sam, id, portal.ApproveInput{AccountNumber: janeAccount}); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("sam approves a request not his: %v", err)
		}
		if _, err := onb.RejectAccessRequest(ctx, sam, id, "", portal.Client{}); portal.ErrorCode(err) != portal.ENOTFOUND {
			t.Errorf("sam rejects a request not his: %v", err)
		}
	}
	// His own request, but into Rita's customer or a new one: refused.
	if _, err := onb.ApproveAccessRequest(ctx, sam, rJane, portal.ApproveInput{AccountNumber: "OT-1"}); !hasField(err, "account_number") {
		t.Errorf("sam approves into rita's customer: %v", err)
	}
	if _, err := onb.ApproveAccessRequest(ctx, sam, rJane, portal.ApproveInput{CustomerID: otter.CustomerID}); !hasField(err, "customer_id") {
		t.Errorf("sam approves into rita's customer by id: %v", err)
	}
	if _, err := onb.ApproveAccessRequest(ctx, sam, rJane, portal.ApproveInput{NewAccountNumber: "NEW-1"}); portal.ErrorCode(err) != portal.EFORBIDDEN {
		t.Errorf("sam creates a customer: %v", err)
	}
	if a, err := onb.ApproveAccessRequest(ctx, sam, rJane, portal.ApproveInput{AccountNumber: janeAccount, Role: "buyer"}); err != nil ||
		a.Request.CustomerID != e.jane.CustomerID {
		t.Errorf("sam approves his own: %+v %v", a, err)
	}
	if a, err := onb.ApproveAccessRequest(ctx, admin, rNew, portal.ApproveInput{NewAccountNumber: "NEW-1"}); err != nil || a.Request.Status != "approved" {
		t.Errorf("admin approves the new one: %+v %v", a, err)
	}
	// Decided requests stay with their customer's rep.
	if got := requests(sam); !slices.Equal(got, []string{"joe@lakeshore.example"}) {
		t.Errorf("sam's requests after deciding: %v", got)
	}
}
