package pwa

import (
	"bytes"
	"compress/gzip"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestWasmServedPrecompressed(t *testing.T) {
	raw := fakeWasm("a")
	s := mustNew(t, mustWebDir(t, raw))
	acme := acmeTenant()

	// Pages load the wasm from the versioned URL (go-app writes it into
	// app.js through our resolver), with the raw size for the progress bar.
	appJS := do(t, s, acme, "GET", "/app.js", nil).Body.String()
	url := regexp.MustCompile(`/web/app\.[0-9a-f]{16}\.wasm`).FindString(appJS)
	if url == "" || url != s.wasm.url() {
		t.Fatalf("app.js loads %q, want %q", url, s.wasm.url())
	}
	if !strings.Contains(appJS, `goappWasmContentLength = "`+strconv.Itoa(len(raw))+`"`) {
		t.Error("app.js lacks WasmContentLength = raw size")
	}
	worker := do(t, s, acme, "GET", "/app-worker.js", nil).Body.String()
	if !strings.Contains(worker, `"`+url+`"`) {
		t.Error("app-worker.js does not cache the versioned wasm URL")
	}

	decode := map[string]func([]byte) []byte{
		"br": func(b []byte) []byte { out, _ := io.ReadAll(brotli.NewReader(bytes.NewReader(b))); return out },
		"gzip": func(b []byte) []byte {
			r, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil
			}
			out, _ := io.ReadAll(r)
			return out
		},
		"": func(b []byte) []byte { return b },
	}
	for _, tc := range []struct {
		accept, want string
	}{
		{"gzip, deflate, br, zstd", "br"},
		{"br", "br"},
		{"gzip, deflate", "gzip"},
		{"br;q=0, gzip;q=0.8", "gzip"},
		{"BR;Q=0.5", "br"},
		{"*", "br"},
		{"*;q=0, gzip", "gzip"},
		{"", ""},
		{"identity", ""},
		{"deflate", ""},
		{"br;q=0, gzip;q=0", ""},
		{"br;q=banana", ""},
	} {
		rec := do(t, s, acme, "GET", url, map[string]string{"Accept-Encoding": tc.accept})
		h := rec.Header()
		if rec.Code != 200 {
			t.Errorf("Accept-Encoding %q: status %d", tc.accept, rec.Code)
			continue
		}
		if got := h.Get("Content-Encoding"); got != tc.want {
			t.Errorf("Accept-Encoding %q: Content-Encoding %q, want %q", tc.accept, got, tc.want)
		}
		if got := decode[tc.want](rec.Body.Bytes()); !bytes.Equal(got, raw) {
			t.Errorf("Accept-Encoding %q: body does not decode to app.wasm", tc.accept)
		}
		if h.Get("Cache-Control") != "public, max-age=31536000, immutable" || h.Get("Content-Type") != "application/wasm" ||
			h.Get("Vary") != "Accept-Encoding" || h.Get("ETag") == "" {
			t.Errorf("Accept-Encoding %q: headers %v", tc.accept, h)
		}
	}

	// Conditional requests are answered per representation.
	br := do(t, s, acme, "GET", url, map[string]string{"Accept-Encoding": "br"})
	if rec := do(t, s, acme, "GET", url, map[string]string{"Accept-Encoding": "br", "If-None-Match": br.Header().Get("ETag")}); rec.Code != 304 {
		t.Errorf("revalidation = %d, want 304", rec.Code)
	}
	gz := do(t, s, acme, "GET", url, map[string]string{"Accept-Encoding": "gzip"})
	if br.Header().Get("ETag") == gz.Header().Get("ETag") {
		t.Error("brotli and gzip representations share an ETag")
	}
	if rec := do(t, s, acme, "HEAD", url, map[string]string{"Accept-Encoding": "br"}); rec.Code != 200 || rec.Body.Len() != 0 ||
		rec.Header().Get("Content-Length") != strconv.Itoa(len(br.Body.Bytes())) {
		t.Errorf("HEAD: %d, %d body bytes, Content-Length %s", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Length"))
	}

	for _, p := range []string{
		"/web/app.0123456789abcdef.wasm",       // an older build
		"/web/app.wasm.br", "/web/app.wasm.gz", // the files themselves
		url + ".br",
	} {
		if rec := do(t, s, acme, "GET", p, map[string]string{"Accept-Encoding": "br"}); rec.Code != 404 {
			t.Errorf("GET %s = %d, want 404", p, rec.Code)
		}
	}
	// The plain name still works, uncached.
	if rec := do(t, s, acme, "GET", "/web/app.wasm", nil); rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-cache" {
		t.Errorf("GET /web/app.wasm = %d, Cache-Control %q", rec.Code, rec.Header().Get("Cache-Control"))
	}
}

func TestStalePrecompressedIgnored(t *testing.T) {
	dir := mustWebDir(t, fakeWasm("new"))
	// A .br left from an older build, and a corrupt .gz.
	mustWrite(t, filepath.Join(dir, "app.wasm.br"), brotliBytes(t, fakeWasm("old")))
	mustWrite(t, filepath.Join(dir, "app.wasm.gz"), []byte("not gzip"))
	s := mustNew(t, dir)
	rec := do(t, s, acmeTenant(), "GET", s.wasm.url(), map[string]string{"Accept-Encoding": "br, gzip"})
	if rec.Code != 200 || rec.Header().Get("Content-Encoding") != "" || !bytes.Equal(rec.Body.Bytes(), fakeWasm("new")) {
		t.Errorf("stale encodings were served: %d %q", rec.Code, rec.Header().Get("Content-Encoding"))
	}
}
