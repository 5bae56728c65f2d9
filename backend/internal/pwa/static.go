package pwa

import (
	"net/http"
	"path"
	"strings"
)

// serveStatic serves a file under /web/ from webDir: portal.css, tenant
// logos under web/tenants/ and the like. Unlike http.FileServer it never
// lists a directory and never serves dot files (an editor's or a deploy
// tool's leftovers are not public). Files are revalidated on every use
// (no-cache + Last-Modified): they change without their URL changing, and
// the service worker already keeps the copies that matter offline.
func serveStatic(w http.ResponseWriter, r *http.Request, webDir string) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := path.Clean(strings.TrimPrefix(r.URL.Path, "/web"))
	for _, seg := range strings.Split(name, "/") {
		if strings.HasPrefix(seg, ".") {
			http.NotFound(w, r)
			return
		}
	}
	// http.Dir confines name to webDir (no "..", no symlink games beyond
	// what the directory itself contains).
	f, err := http.Dir(webDir).Open(name)
	if err != nil {
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.IsDir() {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Cache-Control", "no-cache")
	http.ServeContent(w, r, st.Name(), st.ModTime(), f)
}
