package http_test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"testing"

	"github.com/google/uuid"

	"example.com/portal/backend/api"
)

func TestInviteAndManageUsers(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	seedUser(t, e.owner, "acme", "boss@acme-customer.example", "Boss", "admin")
	seedUser(t, e.owner, "acme", "other@elsewhere.example", "Other Admin", "admin") // a different customer account
	signIn := func(email, pw string) []*http.Cookie {
		t.Helper()
		w := e.request("POST", host, api.PathSession, `{"email":"`+email+`","password":"`+pw+`"}`, nil, nil)
		if w.Code != 200 {
			t.Fatalf("sign in %s: %d %s", email, w.Code, w.Body)
		}
		return w.Result().Cookies()
	}
	boss := signIn("boss@acme-customer.example", testPassword)

	w := e.request("POST", host, api.PathUsers, `{"email":"fin@acme-customer.example","name":"Fin","role":"finance"}`, boss, nil)
	if w.Code != http.StatusCreated {
		t.Fatalf("invite: %d %s\n%s", w.Code, w.Body, e.logs)
	}
	var invited api.AccountUser
	if err := json.Unmarshal(w.Body.Bytes(), &invited); err != nil || invited.Status != "invited" {
		t.Fatalf("invited = %+v (%v)", invited, err)
	}
	if p := decodeProblem(t, e.request("POST", host, api.PathUsers, `{"email":"fin@acme-customer.example","name":"Fin","role":"finance"}`, boss, nil), http.StatusConflict); p.Code != api.CodeConflict {
		t.Errorf("duplicate invite: %+v", p)
	}
	e.srv.Wait()
	links := regexp.MustCompile(`reset-password#invite=1&token=([A-Za-z0-9_-]+)`)
	first := links.FindStringSubmatch(e.logs.String())
	if first == nil {
		t.Fatalf("no invitation mailed; log:\n%s", e.logs)
	}
	// Resending replaces the link: the first one stops working.
	if w := e.request("POST", host, api.PathUsers+"/"+invited.ID+"/invitation", "", boss, nil); w.Code != http.StatusOK {
		t.Fatalf("resend invitation: %d %s", w.Code, w.Body)
	}
	e.srv.Wait()
	all := links.FindAllStringSubmatch(e.logs.String(), -1)
	m := all[len(all)-1]
	if m[1] == first[1] {
		t.Fatal("the resent invitation has the same token")
	}
	if w := e.request("POST", host, api.PathPasswordResetConfirm, `{"token":"`+first[1]+`","password":"Blue-Lathe-Morning-42"}`, nil, nil); w.Code != http.StatusBadRequest {
		t.Errorf("the replaced link still works: %d %s", w.Code, w.Body)
	}
	if w := e.request("POST", host, api.PathPasswordResetConfirm, `{"token":"`+m[1]+`","password":"Blue-Lathe-Morning-42"}`, nil, nil); w.Code != http.StatusNoContent {
		t.Fatalf("accept invitation: %d %s", w.Code, w.Body)
	}
	fin := signIn("fin@acme-customer.example", "Blue-Lathe-Morning-42")
	if p := decodeProblem(t, e.request("POST", host, api.PathUsers+"/"+invited.ID+"/invitation", "", boss, nil), http.StatusConflict); p.Code != api.CodeConflict {
		t.Errorf("resend after acceptance: %+v", p)
	}

	// Finance may not manage users.
	decodeProblem(t, e.request("GET", host, api.PathUsers, "", fin, nil), http.StatusForbidden)

	w = e.request("GET", host, api.PathUsers, "", boss, nil)
	var list []api.AccountUser
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list) != 2 {
		t.Fatalf("users of boss's account: %s (%v)", w.Body, err)
	}
	var other string
	wOther := e.request("GET", host, api.PathUsers, "", signIn("other@elsewhere.example", testPassword), nil)
	var otherList []api.AccountUser
	if err := json.Unmarshal(wOther.Body.Bytes(), &otherList); err != nil || len(otherList) != 1 {
		t.Fatalf("other account: %s", wOther.Body)
	}
	other = otherList[0].ID

	for name, id := range map[string]string{"another account's user": other, "unknown": uuid.NewString(), "malformed": "%27"} {
		if p := decodeProblem(t, e.request("PATCH", host, api.PathUsers+"/"+id, `{"role":"viewer"}`, boss, nil), http.StatusNotFound); p.Code != api.CodeNotFound {
			t.Errorf("%s: %+v", name, p)
		}
		if p := decodeProblem(t, e.request("DELETE", host, api.PathUsers+"/"+id+"/sessions", "", boss, nil), http.StatusNotFound); p.Code != api.CodeNotFound {
			t.Errorf("sign out %s: %+v", name, p)
		}
	}
	// Signing Fin out everywhere ends both of Fin's sessions, not boss's.
	fin2 := signIn("fin@acme-customer.example", "Blue-Lathe-Morning-42")
	if w := e.request("DELETE", host, api.PathUsers+"/"+invited.ID+"/sessions", "", boss, nil); w.Code != http.StatusNoContent {
		t.Fatalf("sign fin out everywhere: %d %s", w.Code, w.Body)
	}
	for _, c := range [][]*http.Cookie{fin, fin2} {
		if w := e.request("GET", host, api.PathMe, "", c, nil); w.Code != http.StatusUnauthorized {
			t.Errorf("fin still signed in: %d", w.Code)
		}
	}
	if w := e.request("GET", host, api.PathMe, "", boss, nil); w.Code != http.StatusOK {
		t.Errorf("boss signed out too: %d", w.Code)
	}
	fin = signIn("fin@acme-customer.example", "Blue-Lathe-Morning-42")
	if w := e.request("PATCH", host, api.PathUsers+"/"+invited.ID, `{"status":"disabled"}`, boss, nil); w.Code != 200 {
		t.Fatalf("deactivate: %d %s", w.Code, w.Body)
	}
	if w := e.request("GET", host, api.PathMe, "", fin, nil); w.Code != http.StatusUnauthorized {
		t.Errorf("deactivated user still signed in: %d", w.Code)
	}
	w = e.request("GET", host, api.PathAuditEvents+"?limit=20", "", boss, nil)
	var events []api.AuditEvent
	if err := json.Unmarshal(w.Body.Bytes(), &events); err != nil || len(events) == 0 || events[0].Kind != "user_deactivated" {
		t.Errorf("audit events: %s (%v)", w.Body, err)
	}
	decodeProblem(t, e.request("GET", host, api.PathAuditEvents+"?limit=x", "", boss, nil), http.StatusBadRequest)
}
