package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "app.wasm")
	raw := bytes.Repeat([]byte("\x00asm wasm wasm "), 5000)
	if err := os.WriteFile(name, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run([]string{"-brotli-quality", "5", name}, &out); err != nil {
		t.Fatal(err)
	}

	m := regexp.MustCompile(`^precompress file=\S+ raw=(\d+) gzip=(\d+) brotli=(\d+) brotli_quality=5 seconds=[\d.]+\n$`).
		FindStringSubmatch(out.String())
	if m == nil {
		t.Fatalf("output %q is not the documented line", out.String())
	}
	decoders := map[string]func(io.Reader) (io.Reader, error){
		".gz": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
		".br": func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
	}
	sizes := map[string]string{".gz": m[2], ".br": m[3]}
	if m[1] != strconv.Itoa(len(raw)) {
		t.Errorf("raw=%s, want %d", m[1], len(raw))
	}
	for ext, dec := range decoders {
		b, err := os.ReadFile(name + ext)
		if err != nil {
			t.Fatal(err)
		}
		if strconv.Itoa(len(b)) != sizes[ext] {
			t.Errorf("%s is %d bytes, output says %s", ext, len(b), sizes[ext])
		}
		r, err := dec(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil || !bytes.Equal(got, raw) {
			t.Errorf("%s does not decode to the input (err %v)", ext, err)
		}
	}
	// Only the outputs are left: no temporary files.
	if entries, _ := os.ReadDir(dir); len(entries) != 3 {
		t.Errorf("directory holds %d entries, want app.wasm, .br, .gz", len(entries))
	}
}

func TestRunUsage(t *testing.T) {
	if err := run(nil, io.Discard); err == nil {
		t.Error("run without a file succeeded")
	}
	if err := run([]string{filepath.Join(t.TempDir(), "missing.wasm")}, io.Discard); err == nil {
		t.Error("run on a missing file succeeded")
	}
}
