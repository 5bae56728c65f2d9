package pwa

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/andybalholm/brotli"
)

// wasmAssets is app.wasm and its precompressed encodings, read once at
// start-up. Holding them in memory (about 11 MB) guarantees that the bytes
// served under a version are the bytes the version was computed from, even
// while a build replaces the files on disk.
type wasmAssets struct {
	version string // first 16 hex digits of the raw wasm's SHA-256
	raw     []byte
	br, gz  []byte // nil when absent or stale
}

func loadWasm(webDir string, log *slog.Logger) (*wasmAssets, error) {
	name := filepath.Join(webDir, "app.wasm")
	raw, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("pwa: %s not found: run make build", name)
	}
	if err != nil {
		return nil, fmt.Errorf("pwa: %w", err)
	}
	sum := sha256.Sum256(raw)
	a := &wasmAssets{version: hex.EncodeToString(sum[:])[:16], raw: raw}
	a.br = loadEncoded(name+".br", sum, log, func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil })
	a.gz = loadEncoded(name+".gz", sum, log, func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) })
	return a, nil
}

// loadEncoded reads a precompressed file and keeps it only if it decodes to
// the raw wasm: a .br left over from an earlier build would otherwise be
// served as the new version, with old code in it. Decoding costs tens of
// milliseconds, once.
func loadEncoded(name string, want [32]byte, log *slog.Logger, newReader func(io.Reader) (io.Reader, error)) []byte {
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		log.Warn("precompressed wasm missing; serving it uncompressed to browsers that would take it: run make build",
			"file", name)
		return nil
	}
	if err != nil {
		log.Warn("precompressed wasm unreadable", "file", name, "error", err.Error())
		return nil
	}
	r, err := newReader(bytes.NewReader(b))
	if err == nil {
		h := sha256.New()
		if _, err = io.Copy(h, r); err == nil && !bytes.Equal(h.Sum(nil), want[:]) {
			err = errors.New("it does not decode to app.wasm (stale: built from an older app.wasm)")
		}
	}
	if err != nil {
		log.Warn("precompressed wasm ignored: run make build", "file", name, "error", err.Error())
		return nil
	}
	return b
}

// url is where pages load the wasm from: versioned, so it can be cached
// for a year and a new build is a new URL.
func (a *wasmAssets) url() string {
	return "/web/app." + a.version + ".wasm"
}

// wasmPathRE matches every path that names the wasm in some form; only the
// current versioned one (and the plain /web/app.wasm) is served, the rest
// answer 404 rather than fall through to the file server.
var wasmPathRE = regexp.MustCompile(`^/web/app(\.[^/]*)?\.wasm(\.br|\.gz)?$`)

func isWasmPath(p string) bool { return wasmPathRE.MatchString(p) }

// serve answers a request for one of the wasm paths.
func (a *wasmAssets) serve(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case a.url():
		// The URL changes with every build: cache it for good.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	case "/web/app.wasm":
		// Unversioned (a stale page or a tool): fine to serve, not to cache.
		w.Header().Set("Cache-Control", "no-cache")
	default:
		// Another build's wasm. Serving the current one under an old
		// version's URL would let a cache keep it under the wrong name.
		http.NotFound(w, r)
		return
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}

	body, encoding := a.raw, ""
	switch negotiate(r.Header.Get("Accept-Encoding"), a.br != nil, a.gz != nil) {
	case "br":
		body, encoding = a.br, "br"
	case "gzip":
		body, encoding = a.gz, "gzip"
	}
	h := w.Header()
	h.Set("Content-Type", "application/wasm")
	h.Add("Vary", "Accept-Encoding")
	etag := `"` + a.version + `"`
	if encoding != "" {
		h.Set("Content-Encoding", encoding)
		etag = `"` + a.version + "-" + encoding + `"` // an ETag per representation
	}
	writeBody(w, r, body, etag)
}

// negotiate picks the encoding for an Accept-Encoding header: brotli, then
// gzip, among those available and acceptable (q > 0, directly or through
// "*"); "" means identity.
func negotiate(header string, haveBr, haveGzip bool) string {
	q := parseAcceptEncoding(header)
	acceptable := func(coding string) bool {
		if v, ok := q[coding]; ok {
			return v > 0
		}
		v, ok := q["*"]
		return ok && v > 0
	}
	switch {
	case haveBr && acceptable("br"):
		return "br"
	case haveGzip && (acceptable("gzip") || acceptable("x-gzip")):
		return "gzip"
	default:
		return ""
	}
}

// parseAcceptEncoding maps each coding of an Accept-Encoding header to its
// q-value (1 when absent, 0 when malformed, so a garbled q never selects a
// coding the client may not decode).
func parseAcceptEncoding(header string) map[string]float64 {
	out := map[string]float64{}
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding == "" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
			if !ok || strings.ToLower(strings.TrimSpace(k)) != "q" {
				continue
			}
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil || f < 0 || f > 1 {
				f = 0
			}
			q = f
		}
		out[coding] = q
	}
	return out
}
