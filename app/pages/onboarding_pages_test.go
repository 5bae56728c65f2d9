package pages

import (
	"errors"
	"strings"
	"testing"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/state"
	"example.com/portal/backend/api"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func renderCompo(t *testing.T, c app.Composer) string {
	t.Helper()
	e := app.NewTestEngine()
	if err := e.Load(c); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return app.HTMLString(c)
}

func TestRequestAccessForm(t *testing.T) {
	p := &requestAccessPage{chrome: chrome{brand: brands["acme.test"], path: "/portal/request-access"}, interactive: true}
	html := renderCompo(t, p)
	for id, want := range map[string][]string{
		idRequestCompany: {"<input", "required", `autocomplete="organization"`},
		idRequestContact: {"<input", "required"},
		idRequestEmail:   {"<input", `type="email"`, "required"},
		idRequestPhone:   {"<input", `type="tel"`, "required"},
		idRequestAccount: {"<input"},
		idRequestSubmit:  {"<button", `type="submit"`},
	} {
		if missing := hasAttrs(tag(t, html, id), want...); len(missing) > 0 {
			t.Errorf("#%s lacks %v", id, missing)
		}
	}
	if strings.Contains(tag(t, html, idRequestAccount), "required") || !strings.Contains(html, "Account number (optional)") {
		t.Error("the account number must be optional")
	}
	// A refusal marks the fields the server named.
	p = &requestAccessPage{chrome: p.chrome, interactive: true}
	p.form.problem = describeFormError(&apiclient.Error{Status: 400, Code: api.CodeInvalid,
		Fields: []api.FieldError{{Field: "phone", Message: "enter a phone number."}}}, requestFields)
	html = renderCompo(t, p)
	if !strings.Contains(tag(t, html, idRequestPhone), "aria-invalid") || !strings.Contains(html, "Enter a phone number.") {
		t.Errorf("field error not shown:\n%s", html)
	}
	// Done: the confirmation with the server's wording.
	p = &requestAccessPage{chrome: p.chrome, interactive: true, form: formState{done: true, detail: "Thank you, we got it."}}
	html = renderCompo(t, p)
	if !strings.Contains(html, `id="request-sent"`) || !strings.Contains(html, "Thank you, we got it.") {
		t.Errorf("confirmation:\n%s", html)
	}
}

func TestDescribeFormError(t *testing.T) {
	if p := describeFormError(errors.New("offline"), nil); !strings.Contains(p.Message, "could not reach") {
		t.Errorf("network failure: %+v", p)
	}
	if p := describeFormError(&apiclient.Error{Status: 429, Code: api.CodeRateLimited, Detail: "Try again in an hour."}, nil); p.Message != "Try again in an hour." {
		t.Errorf("rate limited: %+v", p)
	}
	if p := describeFormError(&apiclient.Error{Status: 500, Code: api.CodeInternal, RequestID: "r1"}, nil); p.Ref != "r1" {
		t.Errorf("internal: %+v", p)
	}
}

func TestStaffQueueRender(t *testing.T) {
	me := apiclient.Session{SignedIn: true, User: api.Me{Name: "Sam", Staff: true, Capabilities: []string{api.CapabilityAccessRequests}}}
	newPage := func() *staffAccessRequestsPage {
		return &staffAccessRequestsPage{chrome: chrome{brand: brands["acme.test"]}, loaded: true,
			session: state.Session{Status: state.Loaded, Data: me},
			requests: []api.AccessRequest{
				{ID: "r1", CompanyName: "Harbor Welding", ContactName: "Hana", Email: "h@x.example", Phone: "1", Status: "pending"},
				{ID: "r2", CompanyName: "Old Co", ContactName: "Ole", Email: "o@x.example", Phone: "2", Status: "rejected"},
			}}
	}
	p := newPage()
	html := renderCompo(t, p)
	if !strings.Contains(html, `id="approve-r1"`) || !strings.Contains(html, `id="reject-r1"`) || strings.Contains(html, `id="approve-r2"`) {
		t.Errorf("only pending requests get decision buttons:\n%s", html)
	}
	p = newPage()
	p.deciding, p.approve, p.mode = &p.requests[0], true, "new"
	html = renderCompo(t, p)
	for _, id := range []string{idDialog, idDialogCompany, idDialogNewAccount, idDialogRole, idDialogSubmit} {
		tag(t, html, id)
	}
	// Without the capability, no queue.
	p = newPage()
	p.session.Data.User.Capabilities = nil
	if html := renderCompo(t, p); strings.Contains(html, `id="approve-r1"`) {
		t.Errorf("queue shown without the capability:\n%s", html)
	}
}
