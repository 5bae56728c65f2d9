package http

import (
	"context"
	"net/http"
	"time"
)

// handleHealthz answers while the process can serve: liveness only, no
// dependencies, so a database outage does not get every replica restarted.
func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	_ = writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// readyReport is the body of /readyz.
type readyReport struct {
	Status string            `json:"status"` // "ok" or "unavailable"
	Checks map[string]string `json:"checks"` // check name → "ok" or "unavailable"
}

// handleReadyz checks every dependency (PostgreSQL, MinIO) in parallel with
// a short deadline and answers 503 when one fails. Failure details go to the
// log, not the body: they name internal addresses.
func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	type result struct {
		name string
		err  error
	}
	results := make(chan result, len(s.Ready))
	for _, c := range s.Ready {
		go func() { results <- result{c.Name, c.Ping.Ping(ctx)} }()
	}
	rep := readyReport{Status: "ok", Checks: map[string]string{}}
	for range s.Ready {
		res := <-results
		rep.Checks[res.name] = "ok"
		if res.err != nil {
			rep.Status, rep.Checks[res.name] = "unavailable", "unavailable"
			s.Logger.WarnContext(r.Context(), "readiness check failed", "check", res.name, "error", res.err.Error())
		}
	}
	status := http.StatusOK
	if rep.Status != "ok" {
		status = http.StatusServiceUnavailable
	}
	w.Header().Set("Cache-Control", "no-store")
	_ = writeJSON(w, status, rep)
}
