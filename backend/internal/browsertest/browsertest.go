// Package browsertest drives headless Chromium (chromedp) in end-to-end
// tests and keeps their screenshots as artifacts.
//
// Chromium comes from PORTAL_CHROME_PATH (make test installs Debian's
// chromium when missing) or the PATH. Without it the test is skipped, or
// fails when CI is set.
package browsertest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"example.com/portal/backend/internal/pgtest"
)

// Viewport is a device size the portal must work at.
type Viewport struct {
	Name          string
	Width, Height int64
	Mobile        bool
}

// The portal's reference devices: a 390 px phone and a desktop.
var (
	Phone   = Viewport{Name: "phone", Width: 390, Height: 844, Mobile: true}
	Desktop = Viewport{Name: "desktop", Width: 1280, Height: 900}
)

// ChromePath returns the Chromium to drive, or "".
func ChromePath() string {
	if p := os.Getenv("PORTAL_CHROME_PATH"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// New starts a headless browser for tb and returns a context of a fresh tab;
// the browser ends with tb. The flags are those that work on this project's
// machines: no sandbox (tests may run as root), no background networking
// (the network is closed; Chromium's own connections would fail noisily).
func New(tb testing.TB) context.Context {
	tb.Helper()
	path := ChromePath()
	if path == "" {
		pgtest.Unavailable(tb, "Chromium: not found (set PORTAL_CHROME_PATH or apt-get install chromium)")
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	// The page's uncaught exceptions and console errors (a Wasm panic
	// among them) go to the test's log, so a screen that stops updating
	// says why.
	var mu sync.Mutex
	ended := false
	logf := func(format string, args ...any) {
		mu.Lock()
		defer mu.Unlock()
		if !ended {
			tb.Logf(format, args...)
		}
	}
	listener := func(ev any) {
		switch e := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := e.ExceptionDetails
			msg := d.Text
			if d.Exception != nil {
				msg += " " + d.Exception.Description
			}
			logf("browser: uncaught: %s", msg)
		case *runtime.EventConsoleAPICalled:
			if e.Type != "error" {
				return
			}
			var parts []string
			for _, a := range e.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			logf("browser: console error: %s", strings.Join(parts, " "))
		}
	}
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithListener(listener))
	tb.Cleanup(func() {
		mu.Lock()
		ended = true
		mu.Unlock()
		cancelCtx()
		cancelAlloc()
	})
	if err := chromedp.Do(ctx); err != nil { // starts the browser
		tb.Fatalf("browsertest: start %s: %v", path, err)
	}
	return ctx
}

// Emulate sets the viewport (and the mobile flag, for touch and media queries).
func Emulate(v Viewport) chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(v.Width, v.Height, func(p *emulation.SetDeviceMetricsOverrideParams, s *emulation.SetTouchEmulationEnabledParams) {
		p.Mobile = v.Mobile
		s.Enabled = v.Mobile
	})
}

// Screenshot saves a full-page PNG of the current page as an artifact in
// PORTAL_TEST_ARTIFACTS (default: the test's temp dir) and returns its path.
func Screenshot(tb testing.TB, ctx context.Context, name string) string {
	tb.Helper()
	dir := os.Getenv("PORTAL_TEST_ARTIFACTS")
	if dir == "" {
		dir = tb.TempDir()
	}
	dir = filepath.Join(dir, "screenshots")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		tb.Fatal(err)
	}
	safe := strings.NewReplacer("/", "_", " ", "_").Replace(tb.Name() + "-" + name)
	path := filepath.Join(dir, safe+".png")
	// Quality 100 makes FullScreenshot write a PNG (below it, a JPEG).
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.Fatalf("browsertest: screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.Fatal(err)
	}
	tb.Logf("screenshot: %s", path)
	return path
}

// Until waits until the JavaScript expression js is true (it may be a
// promise), checking every 100 ms; the step's deadline bounds it.
func Until(js string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		for {
			ok, err := chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)(ctx, tg)
			if err == nil && ok {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("waiting for %s: %w (last error %v)", js, ctx.Err(), err)
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// WaitFor runs actions with a deadline, so a page that never renders fails
// the test with a clear message instead of hanging until the test timeout.
func WaitFor(ctx context.Context, d time.Duration, actions ...chromedp.Action[chromedp.Void]) error {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return chromedp.Do(ctx, actions...)
}

// Fill sets the value of the input sel as typing would: the value, then
// the input and change events the app listens to. chromedp's SendKeys reads
// the node's attributes without its lock (a data race the race detector
// reports while the app re-renders), and typing key by key is slow.
func Fill(sel, value string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`(() => { const el = document.querySelector(%q); if (!el) return false;
		el.focus(); el.value = %q;
		el.dispatchEvent(new Event("input", {bubbles: true}));
		el.dispatchEvent(new Event("change", {bubbles: true})); return true })()`, sel, value)
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(sel)), expectTrue(js, "fill "+sel))
}

// Submit submits the form sel as its submit button would (requestSubmit:
// validation and the submit event), without depending on where the button
// is while the app re-renders.
func Submit(sel string) chromedp.Action[chromedp.Void] {
	js := fmt.Sprintf(`(() => { const f = document.querySelector(%q); if (!f) return false; f.requestSubmit(); return true })()`, sel)
	return chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(sel)), expectTrue(js, "submit "+sel))
}

func expectTrue(js, what string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		ok, err := chromedp.Evaluate[bool](js)(ctx, t)
		if err == nil && !ok {
			err = fmt.Errorf("browsertest: %s: element not found", what)
		}
		return err
	})
}
