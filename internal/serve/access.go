package serve

import (
	"bufio"
	"log/slog"
	"net"
	"net/http"
	"time"
)

// DecisionIDHeader is the response header in which the API names a
// request's decision (api's headerDecisionID); the access log copies it, so
// a request's line and its decision-log entry can be joined.
const DecisionIDHeader = "X-Decision-Id"

// AccessLog logs one line per request when it ends: method, path (never
// the query, which can carry a session code), status, bytes written,
// duration and the decision id. Long-lived requests (event streams,
// long-polls) are logged when they close.
func AccessLog(h http.Handler, log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &recorder{ResponseWriter: w}
		defer func() {
			status := rec.status
			if status == 0 {
				status = http.StatusOK
			}
			log.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method),
				slog.String("path", r.URL.Path),
				slog.Int("status", status),
				slog.Int64("bytes", rec.bytes),
				slog.Duration("duration", time.Since(start)),
				slog.String("decision_id", w.Header().Get(DecisionIDHeader)),
				slog.String("remote", r.RemoteAddr),
			)
		}()
		h.ServeHTTP(rec, r)
	})
}

// recorder notes the status and the bytes of an answer. Unwrap lets
// http.ResponseController reach the connection's own Flush, deadlines and
// Hijack through it.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush and Hijack are here for callers that assert the interfaces rather
// than use http.ResponseController.
func (r *recorder) Flush() {
	_ = http.NewResponseController(r.ResponseWriter).Flush()
}

func (r *recorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	conn, rw, err := http.NewResponseController(r.ResponseWriter).Hijack()
	if err == nil && r.status == 0 {
		r.status = http.StatusSwitchingProtocols
	}
	return conn, rw, err
}
