package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestLoadConfigDefaultsAndErrors(t *testing.T) {
	env := map[string]string{}
	cfg, err := LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Addr != ":8080" || cfg.BaseDomain != "localhost" || cfg.S3Bucket != "portal-documents" || cfg.WebDir != "web" {
		t.Errorf("defaults = %+v", cfg)
	}
	if err := cfg.ValidateServe(); err == nil || !strings.Contains(err.Error(), "PORTAL_DATABASE_URL") {
		t.Errorf("serve without a database URL: %v", err)
	}

	env = map[string]string{"PORTAL_TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,fd00::1/8"}
	cfg, err = LoadConfig(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(cfg.TrustedProxies); got != "[10.0.0.0/8 192.0.2.7/32 fd00::/8]" {
		t.Errorf("trusted proxies = %s", got)
	}

	env = map[string]string{"PORTAL_LOG_LEVEL": "loud", "PORTAL_S3_USE_TLS": "maybe", "PORTAL_DB_MAX_CONNS": "-1", "PORTAL_BASE_DOMAIN": "Portal.Example.",
		"PORTAL_TRUSTED_PROXIES": "10.0.0.0/8, load-balancer"}
	cfg, err = LoadConfig(func(k string) string { return env[k] })
	if err == nil {
		t.Fatal("invalid configuration accepted")
	}
	for _, name := range []string{"PORTAL_LOG_LEVEL", "PORTAL_S3_USE_TLS", "PORTAL_DB_MAX_CONNS", "PORTAL_TRUSTED_PROXIES"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not name %s: %v", name, err)
		}
	}
	if cfg.BaseDomain != "portal.example" {
		t.Errorf("base domain not normalised: %q", cfg.BaseDomain)
	}
}

// TestConfigDocumented keeps the README's configuration table and the
// variables the code reads in step, defaults included.
func TestConfigDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile("(?m)^\\| `(PORTAL_[A-Z0-9_]+)` \\| ([^|]*) \\|")
	documented := map[string]string{}
	for _, m := range row.FindAllStringSubmatch(string(readme), -1) {
		documented[m[1]] = strings.TrimSpace(m[2])
	}
	for _, v := range envVars {
		def, ok := documented[v.Name]
		if !ok {
			t.Errorf("README does not document %s", v.Name)
			continue
		}
		if v.Default != "" && def != "`"+v.Default+"`" {
			t.Errorf("README default of %s is %s, code says %q", v.Name, def, v.Default)
		}
	}
}
