package http_test

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"example.com/portal/backend/api"
)

func TestPasswordResetFlow(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	// A port in the Host header (the client's choice) must not reach the link.
	known := e.request("POST", host+":8081", api.PathPasswordReset, `{"email":"jane@acme-customer.example"}`, nil, nil)
	unknown := e.request("POST", host, api.PathPasswordReset, `{"email":"nobody@acme-customer.example"}`, nil, nil)
	if known.Code != http.StatusAccepted || unknown.Code != http.StatusAccepted || known.Body.String() != unknown.Body.String() {
		t.Fatalf("known %d %s / unknown %d %s: must be the same 202", known.Code, known.Body, unknown.Code, unknown.Body)
	}
	e.srv.Wait() // the mail goes out in the background

	// Log-only mail: the link is in the logged message, token in the fragment.
	m := regexp.MustCompile(`https://acme\.portal\.test/portal/reset-password#token=([A-Za-z0-9_-]+)`).FindStringSubmatch(e.logs.String())
	if m == nil {
		t.Fatalf("no reset link mailed; log:\n%s", e.logs)
	}
	token := m[1]
	if strings.Contains(e.logs.String(), ":8081/portal/reset-password") {
		t.Error("the mailed link carries the port of the request's Host header")
	}
	if strings.Count(e.logs.String(), token) != strings.Count(e.logs.String(), "#token="+token) {
		t.Error("the token appears in the log outside the mailed link")
	}

	confirm := func(body string) *httptest.ResponseRecorder {
		return e.request("POST", host, api.PathPasswordResetConfirm, body, nil, nil)
	}
	if p := decodeProblem(t, confirm(`{"token":"`+token+`","password":"short"}`), 400); len(p.Errors) == 0 || p.Errors[0].Field != "password" {
		t.Errorf("weak password: %+v", p)
	}
	if p := decodeProblem(t, confirm(`{"token":"bogus","password":"Blue-Lathe-Morning-42"}`), 400); len(p.Errors) == 0 || p.Errors[0].Field != "token" {
		t.Errorf("bad token: %+v", p)
	}
	if w := confirm(`{"token":"` + token + `","password":"Blue-Lathe-Morning-42"}`); w.Code != http.StatusNoContent {
		t.Fatalf("reset: %d %s", w.Code, w.Body)
	}
	decodeProblem(t, confirm(`{"token":"`+token+`","password":"Another-Fine-Password-7"}`), 400)

	w := e.request("POST", host, api.PathSession, `{"email":"jane@acme-customer.example","password":"Blue-Lathe-Morning-42"}`, nil, nil)
	if w.Code != 200 {
		t.Errorf("sign in with the new password: %d %s", w.Code, w.Body)
	}
}
