package deploy_test

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// instruction is one Dockerfile instruction, continuation lines joined.
type instruction struct {
	cmd  string // upper case: FROM, RUN, …
	args string
	line int
}

// stage is the instructions from one FROM to the next.
type stage struct {
	image, name string
	body        []instruction
}

// parseDockerfile splits text into stages. It knows only what the checks
// need: comments, backslash continuations and FROM … AS name.
func parseDockerfile(text string) []stage {
	var (
		stages []stage
		buf    strings.Builder
		start  int
	)
	flush := func() {
		s := strings.TrimSpace(buf.String())
		buf.Reset()
		if s == "" {
			return
		}
		cmd, args, _ := strings.Cut(s, " ")
		in := instruction{cmd: strings.ToUpper(cmd), args: strings.TrimSpace(args), line: start}
		if in.cmd == "FROM" {
			f := strings.Fields(in.args)
			st := stage{}
			for i := 0; i < len(f); i++ {
				switch {
				case strings.HasPrefix(f[i], "--"):
				case strings.EqualFold(f[i], "AS") && i+1 < len(f):
					st.name = f[i+1]
					i++
				case st.image == "":
					st.image = f[i]
				}
			}
			stages = append(stages, st)
			return
		}
		if len(stages) > 0 {
			stages[len(stages)-1].body = append(stages[len(stages)-1].body, in)
		}
	}
	sc := bufio.NewScanner(strings.NewReader(text))
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "#") {
			continue // comments (and parser directives), also inside continuations
		}
		if buf.Len() == 0 {
			if line == "" {
				continue
			}
			start = n
		}
		if cont, ok := strings.CutSuffix(line, `\`); ok {
			buf.WriteString(cont + " ")
			continue
		}
		buf.WriteString(line)
		flush()
	}
	flush()
	return stages
}

var spaces = regexp.MustCompile(`\s+`)

// checkDockerfile returns what is wrong with the portal's Dockerfile.
func checkDockerfile(text string) []string {
	var problems []string
	add := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	stages := parseDockerfile(text)
	if len(stages) < 2 {
		return []string{fmt.Sprintf("want a multi-stage build (builder + runtime), found %d stage(s)", len(stages))}
	}
	for _, st := range stages {
		if why := unpinned(st.image); why != "" && !isStageName(stages, st.image) {
			add("FROM %s is not pinned: %s", st.image, why)
		}
	}
	build, final := stages[0], stages[len(stages)-1]
	if !strings.HasPrefix(build.image, "golang:1.26") {
		add("builder stage FROM %s: want golang:1.26 (go.mod says go 1.26.8)", build.image)
	}
	if strings.HasPrefix(final.image, "golang:") {
		add("runtime stage FROM %s: want a small image (distroless static or debian slim), not the Go toolchain", final.image)
	}

	// Builder: the Wasm UI, its precompressed copies, the static server,
	// with the module and build caches mounted.
	var runs []string
	for _, st := range stages[:len(stages)-1] {
		for _, in := range st.body {
			if in.cmd == "RUN" {
				runs = append(runs, spaces.ReplaceAllString(in.args, " "))
			}
		}
	}
	// anyRun reports whether one RUN has all parts: a part with a space is a
	// substring, a single word must be a whole word (so ./backend/cmd/portal
	// is not ./backend/cmd/portalctl).
	anyRun := func(parts ...string) bool {
		return slices.ContainsFunc(runs, func(r string) bool {
			words := strings.Fields(r)
			for _, p := range parts {
				if strings.Contains(p, " ") {
					if !strings.Contains(r, p) {
						return false
					}
				} else if !slices.Contains(words, p) {
					return false
				}
			}
			return true
		})
	}
	if !anyRun("GOOS=js GOARCH=wasm go build", "-o web/app.wasm", "./app/cmd/wasm") {
		add("no RUN builds ./app/cmd/wasm with GOOS=js GOARCH=wasm to web/app.wasm")
	}
	if !anyRun("go run ./backend/cmd/precompress web/app.wasm") {
		add("no RUN precompresses web/app.wasm (go run ./backend/cmd/precompress web/app.wasm)")
	}
	if !anyRun("CGO_ENABLED=0 go build", "./backend/cmd/portal") {
		add("no RUN builds ./backend/cmd/portal with CGO_ENABLED=0 (the runtime image has no libc)")
	}
	if !anyRun("--mount=type=cache,target=/go/pkg/mod", "--mount=type=cache,target=/root/.cache/go-build", "go build") {
		add("the go build RUNs do not mount build caches for GOMODCACHE (/go/pkg/mod) and GOCACHE (/root/.cache/go-build)")
	}

	// Runtime.
	var (
		user             = "" // the image's default unless set
		copies           []string
		workdir, entry   string
		cmd              string
		exposes8080      bool
		copiedFromBuilds bool
	)
	for _, in := range final.body {
		switch in.cmd {
		case "USER":
			user = in.args
		case "COPY":
			copies = append(copies, in.args)
			if strings.Contains(in.args, "--from=") {
				copiedFromBuilds = true
			}
		case "WORKDIR":
			workdir = in.args
		case "ENTRYPOINT":
			entry = spaces.ReplaceAllString(in.args, "")
		case "CMD":
			cmd = spaces.ReplaceAllString(in.args, "")
		case "EXPOSE":
			exposes8080 = exposes8080 || slices.Contains(strings.Fields(in.args), "8080") || slices.Contains(strings.Fields(in.args), "8080/tcp")
		}
	}
	switch {
	case user == "" && !strings.HasSuffix(final.image, ":nonroot"):
		add("the runtime stage runs as root: set USER to a non-root user")
	case user != "":
		name, _, _ := strings.Cut(user, ":")
		if name == "root" || name == "0" {
			add("the runtime stage sets USER %s: want a non-root user", user)
		}
	}
	if !copiedFromBuilds || !slices.ContainsFunc(copies, func(c string) bool { return strings.HasSuffix(c, " /app/portal") }) {
		add("the runtime stage does not COPY the portal binary from the builder to /app/portal")
	}
	if !slices.ContainsFunc(copies, func(c string) bool { return strings.HasSuffix(c, " /app/web") || strings.HasSuffix(c, " /app/web/") }) {
		add("the runtime stage does not COPY web/ to /app/web")
	}
	if workdir != "/app" {
		add("the runtime WORKDIR is %q, want /app (PORTAL_WEB_DIR defaults to web)", workdir)
	}
	if !exposes8080 {
		add("the runtime stage does not EXPOSE 8080")
	}
	if entry != `["/app/portal"]` {
		add("ENTRYPOINT %s: want [\"/app/portal\"]", entry)
	}
	if cmd != `["serve"]` {
		add("CMD %s: want [\"serve\"]", cmd)
	}
	return problems
}

func isStageName(stages []stage, s string) bool {
	return slices.ContainsFunc(stages, func(st stage) bool { return st.name == s })
}

func TestDockerfile(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, dockerfilePath))
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range checkDockerfile(string(b)) {
		t.Error(p)
	}
}

// TestCheckDockerfileMistakes makes one mistake at a time in the Dockerfile
// and expects checkDockerfile to name it.
func TestCheckDockerfileMistakes(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, dockerfilePath))
	if err != nil {
		t.Fatal(err)
	}
	orig := string(b)
	for _, tc := range []struct {
		name, old, new, want string
	}{
		{"runs as root", "USER nonroot:nonroot", "USER root", "sets USER root"},
		{"runtime image :latest", "FROM gcr.io/distroless/static-debian12:nonroot", "FROM gcr.io/distroless/static-debian12:latest", ":latest"},
		{"no wasm build", "./app/cmd/wasm", "./app/cmd/other", "builds ./app/cmd/wasm"},
		{"no server build", "./backend/cmd/portal\n", "./backend/cmd/portalctl\n", "builds ./backend/cmd/portal"},
		{"cgo server", "CGO_ENABLED=0 go build", "go build", "CGO_ENABLED=0"},
		{"no precompress", "go run ./backend/cmd/precompress web/app.wasm", "true", "precompresses"},
		{"old Go", "FROM golang:1.26 AS build", "FROM golang:1.22 AS build", "want golang:1.26"},
		{"Go toolchain at run time", "FROM gcr.io/distroless/static-debian12:nonroot", "FROM golang:1.26", "not the Go toolchain"},
		{"no port", "EXPOSE 8080", "EXPOSE 9090", "EXPOSE 8080"},
		{"other entrypoint", `ENTRYPOINT ["/app/portal"]`, `ENTRYPOINT ["/portal"]`, "ENTRYPOINT"},
		{"other command", `CMD ["serve"]`, `CMD ["migrate", "up"]`, "CMD"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if strings.Count(orig, tc.old) != 1 {
				t.Fatalf("the mutation's text occurs %d times in the Dockerfile, want once: %q", strings.Count(orig, tc.old), tc.old)
			}
			assertProblems(t, checkDockerfile(strings.Replace(orig, tc.old, tc.new, 1)), tc.want)
		})
	}
	t.Run("root user by default", func(t *testing.T) {
		df := strings.Replace(strings.Replace(orig, "USER nonroot:nonroot\n", "", 1), "static-debian12:nonroot", "static-debian12", 1)
		assertProblems(t, checkDockerfile(df), "runs as root")
	})
}

// TestDockerignore checks the build-context exclusions beside the Dockerfile
// and that the repository root keeps no .dockerignore of its own.
func TestDockerignore(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(repoRoot, dockerfilePath+".dockerignore"))
	if err != nil {
		t.Fatalf("%s.dockerignore: %v", dockerfilePath, err)
	}
	var patterns []string
	for _, l := range strings.Split(string(b), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			patterns = append(patterns, l)
		}
	}
	for _, want := range []string{".git", ".bin", ".data", "web/app*.wasm*"} {
		if !slices.Contains(patterns, want) {
			t.Errorf("%s.dockerignore does not exclude %s", dockerfilePath, want)
		}
	}
	for _, keep := range []string{"web", "app", "backend", "migrations", "tenants", "policies", "go.mod", "go.sum", "*", "**"} {
		if slices.Contains(patterns, keep) {
			t.Errorf("%s.dockerignore excludes %s, which the build needs", dockerfilePath, keep)
		}
	}
	if _, err := os.Stat(filepath.Join(repoRoot, ".dockerignore")); err == nil {
		t.Errorf("the repository root has a .dockerignore; the top level is restricted, keep it in %s.dockerignore", dockerfilePath)
	}
}
