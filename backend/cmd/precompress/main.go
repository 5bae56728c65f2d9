// Command precompress writes the brotli and gzip encodings of a file next to
// it, for the server to send to browsers that accept them:
//
//	go run ./backend/cmd/precompress web/app.wasm
//
// writes web/app.wasm.br and web/app.wasm.gz and prints one line of
// key=value pairs, for example
//
//	precompress file=web/app.wasm raw=7404441 gzip=1986503 brotli=1468713 brotli_quality=11 seconds=41.2
//
// go-app serves app.wasm uncompressed; over slow 4G that is about a minute
// before the portal becomes interactive instead of about ten seconds, so the
// build must produce these files (backend/internal/pwa refuses stale ones).
//
// Each output is written to a temporary file in the same directory and
// renamed into place, so a running server never reads half a file.
package main

import (
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/andybalholm/brotli"
)

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("precompress", flag.ContinueOnError)
	quality := fs.Int("brotli-quality", 11, "brotli quality, 0-11")
	window := fs.Int("brotli-window", 24, "brotli window bits, 10-24 (24: 16 MiB, what browsers accept)")
	level := fs.Int("gzip-level", gzip.BestCompression, "gzip level, 1-9")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: precompress [flags] FILE")
	}
	name := fs.Arg(0)
	raw, err := os.ReadFile(name)
	if err != nil {
		return err
	}

	start := time.Now()
	// The two encoders are independent and single-threaded: run them side
	// by side (brotli at quality 11 dominates the time).
	type result struct {
		size int64
		err  error
	}
	gzc := make(chan result, 1)
	go func() {
		n, err := writeAtomic(name+".gz", raw, func(w io.Writer) (io.WriteCloser, error) {
			return gzip.NewWriterLevel(w, *level)
		})
		gzc <- result{n, err}
	}()
	brSize, brErr := writeAtomic(name+".br", raw, func(w io.Writer) (io.WriteCloser, error) {
		return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: *quality, LGWin: *window}), nil
	})
	gz := <-gzc
	if brErr != nil {
		return brErr
	}
	if gz.err != nil {
		return gz.err
	}
	fmt.Fprintf(stdout, "precompress file=%s raw=%d gzip=%d brotli=%d brotli_quality=%d seconds=%.1f\n",
		name, len(raw), gz.size, brSize, *quality, time.Since(start).Seconds())
	return nil
}

// writeAtomic encodes raw into name through the encoder newEnc returns, via
// a temporary file renamed into place, and returns the encoded size.
func writeAtomic(name string, raw []byte, newEnc func(io.Writer) (io.WriteCloser, error)) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*.tmp")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	enc, err := newEnc(tmp)
	if err != nil {
		tmp.Close()
		return 0, err
	}
	if _, err := enc.Write(raw); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("encode %s: %w", name, err)
	}
	if err := enc.Close(); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("encode %s: %w", name, err)
	}
	st, err := tmp.Stat()
	if err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	if err := os.Rename(tmp.Name(), name); err != nil {
		return 0, err
	}
	return st.Size(), nil
}
