package mail_test

import (
	"html"
	"strings"
	"testing"
	"time"

	"example.com/portal/backend/internal/mail"
	"example.com/portal/tenants"
)

const baseURL = "https://acme-metals.portal.test"

func acme() *tenants.Tenant {
	return &tenants.Tenant{
		Slug: "acme-metals",
		Name: "Acme Metals",
		Branding: tenants.Branding{
			LogoURL:      "/web/tenants/acme-metals/logo.png",
			PrimaryColor: "#9b1c1c",
			AccentColor:  "#d97706",
			SupportEmail: "support@acme-metals.example.com",
			SupportPhone: "+1 312-555-0100",
		},
	}
}

func TestRender_AllKinds(t *testing.T) {
	b := mail.Base{BaseURL: baseURL, RecipientName: "Maria Lopez"}
	for _, tc := range []struct {
		kind string
		data any
		want []string // in both the text and the HTML body
	}{
		{mail.KindPasswordReset, mail.PasswordReset{Base: b, Link: baseURL + "/reset?token=t1", Expires: time.Hour},
			[]string{baseURL + "/reset?token=t1", "expires in 1 hour"}},
		{mail.KindInvitation, &mail.Invitation{Base: b, InviterName: "Tom Becker", CompanyName: "Lakeshore Fabrication Inc.", Role: "buyer", Link: baseURL + "/invite?token=t2", Expires: 7 * 24 * time.Hour},
			[]string{"Tom Becker invited you", "Lakeshore Fabrication Inc.", "as buyer", baseURL + "/invite?token=t2", "7 days"}},
		{mail.KindAccessRequestReceived, mail.AccessRequestReceived{Base: b, CompanyName: "Lakeshore Fabrication Inc."},
			[]string{"Lakeshore Fabrication Inc.", "review"}},
		{mail.KindAccessRequestApproved, mail.AccessRequestApproved{Base: b, CompanyName: "Lakeshore Fabrication Inc.", Role: "viewer", Link: baseURL + "/sign-in"},
			[]string{"approved", "your role is viewer", baseURL + "/sign-in"}},
		{mail.KindAccessRequestRejected, mail.AccessRequestRejected{Base: b, CompanyName: "Lakeshore Fabrication Inc.", Reason: "Not an employee of this company."},
			[]string{"was not approved", "Reason: Not an employee of this company."}},
		{mail.KindMFACode, mail.MFACode{Base: b, Code: "042917", Expires: 10 * time.Minute},
			[]string{"042917", "valid for 10 minutes"}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			subject, text, htmlBody, err := mail.Render(tc.kind, tc.data, acme())
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(subject, "Acme Metals") || strings.ContainsAny(subject, "\r\n") {
				t.Errorf("subject %q: want one line naming the tenant", subject)
			}
			for _, w := range append(tc.want, "Hello Maria Lopez,", "Acme Metals", "support@acme-metals.example.com", "+1 312-555-0100") {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
				if !strings.Contains(html.UnescapeString(htmlBody), w) {
					t.Errorf("HTML lacks %q:\n%s", w, htmlBody)
				}
			}
			if !strings.Contains(text, "\n-- \nAcme Metals\n") {
				t.Errorf("text lacks the signature block:\n%s", text)
			}
			if strings.Contains(text, "\n\n\n") || strings.Contains(text, " \n\n") {
				t.Errorf("text has stray blank lines or trailing spaces:\n%q", text)
			}
			for _, w := range []string{
				"<title>" + subject + "</title>",
				`<img src="` + baseURL + `/web/tenants/acme-metals/logo.png"`, // made absolute
				"background-color:#9b1c1c",                                    // header and button
				`href="mailto:support@acme-metals.example.com"`,
				`href="tel:&#43;13125550100"`,
			} {
				if !strings.Contains(htmlBody, w) {
					t.Errorf("HTML lacks %s", w)
				}
			}
		})
	}
}

func TestRender_NoNameNoReasonNoRole(t *testing.T) {
	_, text, htmlBody, err := mail.Render(mail.KindAccessRequestRejected, mail.AccessRequestRejected{
		Base: mail.Base{BaseURL: baseURL}, CompanyName: "Lakeshore Fabrication Inc.",
	}, acme())
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{text, htmlBody} {
		if !strings.Contains(body, "Hello,") || strings.Contains(body, "Reason") {
			t.Errorf("want a plain greeting and no reason line:\n%s", body)
		}
	}
}

func TestRender_EscapesHTML(t *testing.T) {
	_, _, htmlBody, err := mail.Render(mail.KindAccessRequestRejected, mail.AccessRequestRejected{
		Base:        mail.Base{BaseURL: baseURL, RecipientName: `"><img src=x onerror=alert(1)>`},
		CompanyName: "<b>Lakeshore</b>",
		Reason:      "<a href=https://evil.example>click</a>",
	}, acme())
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"<img src=x", "<b>Lakeshore", "<a href=https://evil"} {
		if strings.Contains(htmlBody, bad) {
			t.Errorf("HTML contains %q unescaped", bad)
		}
	}
	if !strings.Contains(htmlBody, "&lt;b&gt;Lakeshore&lt;/b&gt;") {
		t.Errorf("HTML lacks the escaped company name:\n%s", htmlBody)
	}
}

func TestRender_TenantNameWithNewlineGivesOneLineSubject(t *testing.T) {
	tn := acme()
	tn.Name = "Acme\r\nBcc: victim@example.com"
	subject, _, _, err := mail.Render(mail.KindMFACode, mail.MFACode{Base: mail.Base{BaseURL: baseURL}, Code: "123456", Expires: 10 * time.Minute}, tn)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(subject, "\r\n") {
		t.Errorf("subject %q spans lines", subject)
	}
}

func TestRender_Images(t *testing.T) {
	for _, tc := range []struct {
		name, logo, icon string
		want             string // in the HTML
	}{
		{"relative raster logo", "/web/tenants/acme-metals/logo.png", "", `<img src="` + baseURL + `/web/tenants/acme-metals/logo.png" alt="Acme Metals"`},
		{"absolute logo kept", "https://cdn.example.com/acme/logo.png?v=2", "", `<img src="https://cdn.example.com/acme/logo.png?v=2"`},
		{"svg logo: generated PNG icon", "/web/tenants/acme-metals/logo.svg", "", `<img src="` + baseURL + `/web/icon-192.png"`},
		{"svg logo: tenant's own icon", "/web/tenants/acme-metals/logo.svg", "/web/tenants/acme-metals/icon.png", `<img src="` + baseURL + `/web/tenants/acme-metals/icon.png"`},
		{"no logo", "", "", `<img src="` + baseURL + `/web/icon-192.png"`},
		{"javascript logo dropped", "javascript:alert(1)", "", `<img src="` + baseURL + `/web/icon-192.png"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tn := acme()
			tn.Branding.LogoURL, tn.Branding.IconURL = tc.logo, tc.icon
			_, _, htmlBody, err := mail.Render(mail.KindAccessRequestReceived, mail.AccessRequestReceived{Base: mail.Base{BaseURL: baseURL}, CompanyName: "X"}, tn)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(htmlBody, tc.want) {
				t.Errorf("HTML lacks %s", tc.want)
			}
			if strings.Contains(htmlBody, ".svg") || strings.Contains(htmlBody, "javascript") {
				t.Error("HTML references an SVG or javascript: image")
			}
		})
	}
}

func TestRender_Colors(t *testing.T) {
	for _, tc := range []struct {
		name, primary    string
		wantBg, wantText string
	}{
		{"dark primary, white text", "#0f5e7a", "#0f5e7a", "#ffffff"},
		{"light primary, black text", "#ffe066", "#ffe066", "#000000"},
		{"invalid primary, default", "red;background:url(x)", "#1f4e79", "#ffffff"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tn := acme()
			tn.Branding.PrimaryColor = tc.primary
			_, _, htmlBody, err := mail.Render(mail.KindPasswordReset, mail.PasswordReset{Base: mail.Base{BaseURL: baseURL}, Link: baseURL + "/reset", Expires: time.Hour}, tn)
			if err != nil {
				t.Fatal(err)
			}
			if want := "color:" + tc.wantText + ";background-color:" + tc.wantBg; !strings.Contains(htmlBody, want) {
				t.Errorf("button lacks %q:\n%s", want, htmlBody)
			}
			if strings.Contains(htmlBody, "url(x)") {
				t.Error("invalid colour reached the HTML")
			}
		})
	}
}

func TestRender_Errors(t *testing.T) {
	b := mail.Base{BaseURL: baseURL}
	reset := func(f func(*mail.PasswordReset)) mail.PasswordReset {
		d := mail.PasswordReset{Base: b, Link: baseURL + "/reset?token=x", Expires: time.Hour}
		f(&d)
		return d
	}
	for _, tc := range []struct {
		name   string
		kind   string
		data   any
		tenant *tenants.Tenant
		want   string
	}{
		{"unknown kind", "welcome", reset(func(*mail.PasswordReset) {}), acme(), "unknown kind"},
		{"no tenant", mail.KindPasswordReset, reset(func(*mail.PasswordReset) {}), nil, "tenant: required"},
		{"data of another kind", mail.KindPasswordReset, mail.MFACode{Base: b, Code: "123456", Expires: time.Minute}, acme(), "data: got mail.MFACode"},
		{"nil data", mail.KindPasswordReset, nil, acme(), "data: got <nil>"},
		{"nil pointer", mail.KindPasswordReset, (*mail.PasswordReset)(nil), acme(), "data: got *mail.PasswordReset"},
		{"no base URL", mail.KindPasswordReset, reset(func(d *mail.PasswordReset) { d.BaseURL = "" }), acme(), "base URL"},
		{"relative base URL", mail.KindPasswordReset, reset(func(d *mail.PasswordReset) { d.BaseURL = "acme.portal.test" }), acme(), "base URL"},
		{"no link", mail.KindPasswordReset, reset(func(d *mail.PasswordReset) { d.Link = "" }), acme(), "link"},
		{"javascript link", mail.KindPasswordReset, reset(func(d *mail.PasswordReset) { d.Link = "javascript:alert(1)" }), acme(), "link"},
		{"relative link", mail.KindPasswordReset, reset(func(d *mail.PasswordReset) { d.Link = "/reset?token=x" }), acme(), "link"},
		{"no expiry", mail.KindPasswordReset, reset(func(d *mail.PasswordReset) { d.Expires = 0 }), acme(), "expires"},
		{"expiry in seconds", mail.KindPasswordReset, reset(func(d *mail.PasswordReset) { d.Expires = 90 * time.Second }), acme(), "expires"},
		{"short code", mail.KindMFACode, mail.MFACode{Base: b, Code: "12345", Expires: 10 * time.Minute}, acme(), "code"},
		{"letters in code", mail.KindMFACode, mail.MFACode{Base: b, Code: "12345a", Expires: 10 * time.Minute}, acme(), "code"},
		{"invitation without company", mail.KindInvitation, mail.Invitation{Base: b, Link: baseURL + "/i", Expires: time.Hour}, acme(), "company name"},
		{"approval without link", mail.KindAccessRequestApproved, mail.AccessRequestApproved{Base: b, CompanyName: "X"}, acme(), "link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, _, err := mail.Render(tc.kind, tc.data, tc.tenant)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "mail: render "+tc.kind+": ") {
				t.Errorf("err = %v, want \"mail: render %s: …%s…\"", err, tc.kind, tc.want)
			}
		})
	}
}
