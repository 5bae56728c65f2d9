package http_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/uuid"

	"example.com/portal/backend/api"
)

func TestAccountProfileAddressesNotifications(t *testing.T) {
	e := newEnv(t, nil)
	const host = "acme.portal.test"
	seedUser(t, e.owner, "acme", "boss@acme-customer.example", "Boss", "admin")
	seedUser(t, e.owner, "acme", "other@elsewhere.example", "Other Admin", "admin") // a different customer account
	seedUser(t, e.owner, "acme", "vic@acme-customer.example", "Vic", "viewer")
	signIn := func(email string) []*http.Cookie {
		t.Helper()
		w := e.request("POST", host, api.PathSession, `{"email":"`+email+`","password":"`+testPassword+`"}`, nil, nil)
		if w.Code != 200 {
			t.Fatalf("sign in %s: %d %s", email, w.Code, w.Body)
		}
		return w.Result().Cookies()
	}
	boss, other, vic := signIn("boss@acme-customer.example"), signIn("other@elsewhere.example"), signIn("vic@acme-customer.example")

	// Profile: edit name and phone; bad fields are named.
	w := e.request("PATCH", host, api.PathMyProfile, `{"name":"Big Boss","phone":"+1 412 555 0100"}`, boss, nil)
	var p api.Profile
	if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil || w.Code != 200 || p.Name != "Big Boss" || p.Company == nil || p.Company.Name != "Lakeshore Fab" {
		t.Fatalf("profile update: %d %s", w.Code, w.Body)
	}
	pr := decodeProblem(t, e.request("PATCH", host, api.PathMyProfile, `{"name":"","phone":"<script>"}`, boss, nil), http.StatusBadRequest)
	if len(pr.Errors) != 2 || pr.Errors[0].Field != "name" || pr.Errors[1].Field != "phone" {
		t.Errorf("invalid profile: %+v", pr)
	}
	// A viewer edits their own profile too.
	if w := e.request("PATCH", host, api.PathMyProfile, `{"phone":"555 0101"}`, vic, nil); w.Code != 200 {
		t.Errorf("viewer's own profile: %d %s", w.Code, w.Body)
	}

	// Addresses: an Admin adds and manages; the other customer's ids are 404.
	w = e.request("POST", host, api.PathAddresses, `{"kind":"shipping","label":"Dock 2","line1":"2 Dock Rd","city":"Erie","country":"US","is_default":true}`, boss, nil)
	var a api.Address
	if err := json.Unmarshal(w.Body.Bytes(), &a); err != nil || w.Code != http.StatusCreated || !a.IsDefault {
		t.Fatalf("add address: %d %s", w.Code, w.Body)
	}
	pr = decodeProblem(t, e.request("POST", host, api.PathAddresses, `{"kind":"moon","line1":"","city":"x","country":"USA"}`, boss, nil), http.StatusBadRequest)
	named := map[string]bool{}
	for _, f := range pr.Errors {
		named[f.Field] = true
	}
	if !named["kind"] || !named["line1"] || !named["country"] || named["city"] {
		t.Errorf("invalid address fields: %+v", pr.Errors)
	}
	w = e.request("POST", host, api.PathAddresses, `{"kind":"shipping","line1":"9 Secret Way","city":"Erie","country":"US"}`, other, nil)
	var theirs api.Address
	if err := json.Unmarshal(w.Body.Bytes(), &theirs); err != nil || w.Code != http.StatusCreated {
		t.Fatalf("other's address: %d %s", w.Code, w.Body)
	}
	body := `{"kind":"shipping","line1":"1 Stolen St","city":"Erie","country":"US"}`
	for name, id := range map[string]string{"other customer's": theirs.ID, "unknown": uuid.NewString(), "malformed": "%27"} {
		decodeProblem(t, e.request("PUT", host, api.PathAddresses+"/"+id, body, boss, nil), http.StatusNotFound)
		decodeProblem(t, e.request("POST", host, api.PathAddresses+"/"+id+"/default", "", boss, nil), http.StatusNotFound)
		if p := decodeProblem(t, e.request("DELETE", host, api.PathAddresses+"/"+id, "", boss, nil), http.StatusNotFound); p.Code != api.CodeNotFound {
			t.Errorf("%s: %+v", name, p)
		}
	}
	w = e.request("GET", host, api.PathAddresses, "", boss, nil)
	var list []api.Address
	if err := json.Unmarshal(w.Body.Bytes(), &list); err != nil || len(list) != 1 || list[0].ID != a.ID {
		t.Errorf("boss's addresses: %s", w.Body)
	}
	// A Viewer reads the account's addresses but may not change them.
	if w := e.request("GET", host, api.PathAddresses, "", vic, nil); w.Code != 200 {
		t.Errorf("viewer reads addresses: %d", w.Code)
	}
	decodeProblem(t, e.request("POST", host, api.PathAddresses, body, vic, nil), http.StatusForbidden)
	decodeProblem(t, e.request("DELETE", host, api.PathAddresses+"/"+a.ID, "", vic, nil), http.StatusForbidden)
	if w := e.request("DELETE", host, api.PathAddresses+"/"+a.ID, "", boss, nil); w.Code != http.StatusNoContent {
		t.Errorf("delete own address: %d %s", w.Code, w.Body)
	}

	// Notification preferences round-trip.
	w = e.request("PUT", host, api.PathMyNotifications, `{"preferences":[{"kind":"order_shipped","email":false}]}`, vic, nil)
	var prefs []api.NotificationPreference
	if err := json.Unmarshal(w.Body.Bytes(), &prefs); err != nil || w.Code != 200 || len(prefs) < 7 {
		t.Fatalf("set notifications: %d %s", w.Code, w.Body)
	}
	w = e.request("GET", host, api.PathMyNotifications, "", vic, nil)
	if err := json.Unmarshal(w.Body.Bytes(), &prefs); err != nil {
		t.Fatal(err)
	}
	for _, p := range prefs {
		if p.Email != (p.Kind != "order_shipped") {
			t.Errorf("%s = %v", p.Kind, p.Email)
		}
	}
	pr = decodeProblem(t, e.request("PUT", host, api.PathMyNotifications, `{"preferences":[{"kind":"spam","email":true}]}`, vic, nil), http.StatusBadRequest)
	if len(pr.Errors) != 1 || pr.Errors[0].Field != "preferences[0].kind" {
		t.Errorf("unknown kind: %+v", pr)
	}
}
