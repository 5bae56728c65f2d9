package pages

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"example.com/portal/app/apiclient"
	"example.com/portal/app/brand"
	"example.com/portal/app/components"
	"example.com/portal/app/state"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

var brands = map[string]brand.Brand{
	"acme.test": {Name: "Acme Metals", PrimaryColor: "#c0392b", SupportEmail: "help@acme.example", SupportPhone: "+1 555 0100"},
	"beta.test": {Name: "Beta Steel", PrimaryColor: "#1f6feb"},
}

// handler is a go-app Handler the way the server runs one, with the brand
// resolved by host. Pre-rendering in it really runs OnNav, which the test
// engine does not.
func handler(t *testing.T) *app.Handler {
	t.Helper()
	Register()
	old := brand.Resolve
	t.Cleanup(func() { brand.Resolve = old })
	brand.Resolve = func(host string) (brand.Brand, bool) {
		b, ok := brands[host]
		return b, ok
	}
	return &app.Handler{Name: "test", Version: "test"}
}

// get pre-renders target (an absolute URL, so r.URL.Host is set the way the
// server sets it) and returns the status and body.
func get(t *testing.T, h http.Handler, target string) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
	return rec.Code, rec.Body.String()
}

func TestDashboardPreRender(t *testing.T) {
	h := handler(t)
	for _, path := range []string{"/portal", "/"} {
		code, body := get(t, h, "http://acme.test"+path)
		if code != 200 {
			t.Fatalf("GET %s = %d", path, code)
		}
		for _, want := range []string{
			"<title>Dashboard · Acme Metals</title>",
			"Welcome to Acme Metals",
			"Checking whether you are signed in", // the server never asks /api/v1/me
			`href="/portal/login"`,
			"mailto:help@acme.example",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s lacks %q", path, want)
			}
		}
	}
	_, body := get(t, h, "http://beta.test:8080/portal")
	if !strings.Contains(body, "Welcome to Beta Steel") || strings.Contains(body, "Acme") {
		t.Errorf("beta.test did not render as Beta Steel:\n%s", body)
	}
}

func TestLoginPagePreRender(t *testing.T) {
	h := handler(t)
	code, body := get(t, h, "http://acme.test/portal/login")
	if code != 200 {
		t.Fatalf("GET /portal/login = %d", code)
	}
	for _, want := range []string{"<title>Sign in · Acme Metals</title>", "Sign-in is coming soon",
		"mailto:help@acme.example", "tel:+15550100"} {
		if !strings.Contains(body, want) {
			t.Errorf("login page lacks %q", want)
		}
	}
	// An honest placeholder: no form that cannot work.
	for _, unwanted := range []string{"<form", "<input", `type="password"`} {
		if strings.Contains(body, unwanted) {
			t.Errorf("login page contains %s", unwanted)
		}
	}
	// Without contacts, it still tells the customer whom to ask.
	_, body = get(t, h, "http://beta.test/portal/login")
	if !strings.Contains(body, "contact your Beta Steel sales representative") {
		t.Errorf("beta login page lacks the fallback contact line")
	}
}

// TestMenuMatchesRoutes keeps the menu table honest: a built entry must have
// a page, and an entry marked unbuilt must not have one yet (else flip it).
func TestMenuMatchesRoutes(t *testing.T) {
	h := handler(t)
	for _, it := range components.Menu {
		code, _ := get(t, h, "http://acme.test"+it.Path)
		if it.Built && code != 200 {
			t.Errorf("%s is Built but GET %s = %d", it.Label, it.Path, code)
		}
		if !it.Built && code != 404 {
			t.Errorf("%s is not Built but GET %s = %d: set Built", it.Label, it.Path, code)
		}
	}
	if code, _ := get(t, h, "http://acme.test/portal/nope"); code != 404 {
		t.Errorf("unregistered page = %d, want 404", code)
	}
}

func renderDashboard(t *testing.T, s state.Session) string {
	t.Helper()
	p := &dashboardPage{brand: brands["acme.test"], path: "/portal", session: s}
	e := app.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	return app.HTMLString(p)
}

func TestDashboardAccountPanel(t *testing.T) {
	tests := []struct {
		name     string
		session  state.Session
		want     []string
		unwanted []string
		signIns  int // links to the sign-in page: header and call to action
	}{
		{
			name:     "signed out",
			session:  state.Session{Status: state.Loaded},
			want:     []string{"You are not signed in", "button--primary", `href="/portal/login"`},
			unwanted: []string{"Checking", "could not"},
			signIns:  2,
		},
		{
			name: "error with reference",
			session: state.Session{Status: state.LoadingErr,
				Err: &apiclient.Error{Status: 500, Code: "internal", RequestID: "req-123"}},
			want:     []string{"We could not check your sign-in", "Try again", "req-123", `role="alert"`},
			unwanted: []string{"You are not signed in"},
			signIns:  1,
		},
		{
			name:     "network error",
			session:  state.Session{Status: state.LoadingErr, Err: http.ErrHandlerTimeout},
			want:     []string{"We could not check your sign-in", "Try again"},
			unwanted: []string{"reference"},
			signIns:  1,
		},
		{
			name: "signed in",
			session: state.Session{Status: state.Loaded, Data: apiclient.Session{SignedIn: true,
				User: apiclient.User{Email: "jane@customer.example"}}},
			want:     []string{"Signed in as jane@customer.example"},
			unwanted: []string{">Sign in<", "You are not signed in"},
		},
		{
			name:    "loading",
			session: state.Session{Status: state.Loading},
			want:    []string{"Checking whether you are signed in"},
			signIns: 1,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			html := renderDashboard(t, tt.session)
			for _, w := range tt.want {
				if !strings.Contains(html, w) {
					t.Errorf("dashboard lacks %q:\n%s", w, html)
				}
			}
			if n := strings.Count(html, `href="/portal/login"`); n != tt.signIns {
				t.Errorf("%d links to the sign-in page, want %d", n, tt.signIns)
			}
			for _, u := range tt.unwanted {
				if strings.Contains(html, u) {
					t.Errorf("dashboard shows %q:\n%s", u, html)
				}
			}
		})
	}
}
