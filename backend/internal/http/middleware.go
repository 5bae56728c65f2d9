package http

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"example.com/portal/backend/api"
	"example.com/portal/tenants"
)

type requestIDKey struct{}

// RequestIDFrom returns the request id of ctx, or "".
func RequestIDFrom(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// safeRequestID accepts an incoming X-Request-Id from a proxy only when it
// cannot inject anything into logs.
var safeRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{8,64}$`)

// requestID gives every request an id: the proxy's X-Request-Id when it is
// well-formed, else a new random one. It is echoed in the response header,
// every log line and every problem body.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-Id")
		if !safeRequestID.MatchString(id) {
			var b [12]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// securityHeaders sets the headers every response carries: no MIME
// sniffing, no framing by other sites (clickjacking), no full URLs in the
// Referer sent elsewhere.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Content-Security-Policy", "frame-ancestors 'none'")
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		next.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status and size of a response for the log.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusRecorder) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// tenantSlot is filled by resolveTenant so the access log, which runs
// outside it, can name the tenant.
type tenantSlot struct{ slug string }

type tenantSlotKey struct{}

// logRequests writes one structured line per request. It logs the path but
// never the query string, which may carry tokens.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		slot := &tenantSlot{}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), tenantSlotKey{}, slot)))
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		level := slog.LevelInfo
		if rec.status >= 500 {
			level = slog.LevelError
		}
		s.Logger.LogAttrs(r.Context(), level, "request",
			slog.String("request_id", RequestIDFrom(r.Context())),
			slog.String("method", r.Method),
			slog.String("host", tenants.NormalizeHost(r.Host)),
			slog.String("path", r.URL.Path),
			slog.Int("status", rec.status),
			slog.Int64("bytes", rec.bytes),
			slog.Duration("duration", time.Since(start)),
			slog.String("tenant", slot.slug),
			slog.String("remote", remoteFrom(r).ip),
		)
	})
}

// recoverPanics turns a panic into a 500 problem carrying the request id;
// the stack goes to the log, never to the client.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			s.Logger.ErrorContext(r.Context(), "panic", "request_id", RequestIDFrom(r.Context()),
				"panic", v, "stack", string(debug.Stack()))
			s.writeProblem(w, r, http.StatusInternalServerError, api.Problem{
				Title: "Internal Server Error", Code: api.CodeInternal,
				Detail: "Something went wrong on our side. Quote the request id if you contact support.",
			})
		}()
		next.ServeHTTP(w, r)
	})
}

// remote is where a request came from, as clientAddress established it.
type remote struct {
	ip    string // client address without port; "" when unknown
	https bool   // a trusted proxy received it over HTTPS
}

type remoteKey struct{}

func remoteFrom(r *http.Request) remote {
	if rm, ok := r.Context().Value(remoteKey{}).(remote); ok {
		return rm
	}
	return remote{ip: peerIP(r)}
}

// clientAddress establishes the client's address once per request. It is
// the TCP peer, unless the peer is one of TrustedProxies: then it is the
// right-most address of X-Forwarded-For that is not itself a trusted proxy
// (everything left of it was written by the client and may be forged).
// X-Forwarded-Proto is believed from trusted proxies only.
func (s *Server) clientAddress(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rm := remote{ip: peerIP(r)}
		if s.trusted(rm.ip) {
			rm.https = r.Header.Get("X-Forwarded-Proto") == "https"
			hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
			for i := len(hops) - 1; i >= 0; i-- {
				a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
				if err != nil {
					break // garbage: stop at the last address we could trust
				}
				rm.ip = a.Unmap().String()
				if !s.trusted(rm.ip) {
					break
				}
			}
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), remoteKey{}, rm)))
	})
}

func (s *Server) trusted(ip string) bool {
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range s.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerIP is the TCP peer's address without port.
func peerIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return a.Unmap().String()
	}
	return host
}
