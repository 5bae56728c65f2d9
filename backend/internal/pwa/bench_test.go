package pwa

import (
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkAppWasmSize reports the size of the built app.wasm as a phone
// downloads it: raw, gzip and brotli bytes (make bench builds it first;
// PORTAL_TEST_WEB_DIR points at it). The figures, not the ns/op, are the
// point: benchstat compares them between builds.
func BenchmarkAppWasmSize(b *testing.B) {
	dir := os.Getenv("PORTAL_TEST_WEB_DIR")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "web")
	}
	sizes := map[string]float64{}
	for suffix, unit := range map[string]string{"": "raw-bytes", ".gz": "gzip-bytes", ".br": "brotli-bytes"} {
		fi, err := os.Stat(filepath.Join(dir, "app.wasm"+suffix))
		if err != nil {
			b.Fatalf("app.wasm%s not built (make build): %v", suffix, err)
		}
		sizes[unit] = float64(fi.Size())
	}
	for range b.N {
		// Nothing to time: the metrics below are the result.
	}
	for unit, v := range sizes {
		b.ReportMetric(v, unit)
	}
}

// BenchmarkPreRender measures the server side of a page load: a tenant's
// pre-rendered /portal page, the first bytes a phone sees.
func BenchmarkPreRender(b *testing.B) {
	s := mustNew(b, mustWebDir(b, fakeWasm("bench")))
	tenant := acmeTenant()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		w := do(b, s, tenant, "GET", "/portal", nil)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
	}
}
