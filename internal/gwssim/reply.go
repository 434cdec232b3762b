package gwssim

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// A handler gets the request's body, already read within the size bound.
type handler func(w http.ResponseWriter, r *http.Request, body []byte)

// handle registers h for pattern, behind the count of received requests and
// the API key check. What arrived is counted even when it is refused.
func (s *Sim) handle(pattern string, h handler) {
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, s.cfg.MaxBody))
		s.recv.count(pattern, body, false)
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
			fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("body over %d bytes", s.cfg.MaxBody))
		case err != nil:
			fail(w, http.StatusBadRequest, "unreadable body")
		case !s.keyOK(r):
			fail(w, http.StatusForbidden, "missing or wrong x-api-key")
		default:
			h(w, r, body)
		}
	})
}

// httpError is a failure with the HTTP status it answers with; the status
// is also the envelope's code.
type httpError struct {
	status  int
	message string
}

func (e *httpError) Error() string { return e.message }

func errorf(status int, format string, args ...any) *httpError {
	return &httpError{status: status, message: fmt.Sprintf(format, args...)}
}

// fail answers {"status":{"code":status,"message":message}}.
func fail(w http.ResponseWriter, status int, message string) {
	writeJSON(w, status, workspace.Failure(status, message))
}

// failWith answers err, an *httpError or else a 500.
func failWith(w http.ResponseWriter, err error) {
	var he *httpError
	if errors.As(err, &he) {
		fail(w, he.status, he.message)
		return
	}
	fail(w, http.StatusInternalServerError, "internal error")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		status, body = http.StatusInternalServerError, []byte(`{"status":{"code":500,"message":"encode reply"}}`)
	}
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// replySync answers {"status":{"code":0},"data":data}.
func replySync(w http.ResponseWriter, data any) {
	env, err := workspace.Sync(data)
	if err != nil {
		failWith(w, err)
		return
	}
	writeJSON(w, http.StatusOK, env)
}

// decodeData reads a request's data object into v; absent data leaves v
// zero. Every KV list in it must pass workspace.KV.Check.
func decodeData(raw json.RawMessage, v interface{ kvLists() []workspace.KV }) error {
	if raw != nil {
		if err := json.Unmarshal(raw, v); err != nil {
			return errorf(http.StatusBadRequest, "malformed data: %v", err)
		}
	}
	for _, kv := range v.kvLists() {
		if err := kv.Check(); err != nil {
			return errorf(http.StatusBadRequest, "%v", err)
		}
	}
	return nil
}

// randomHex is n random bytes in lower-case hex.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// ready finishes looking up an operation's target: the lookup's error
// (404) first, then, when checked, whether the target's state allows name
// (409), then the body's data decoded into d (400).
func ready(found error, target interface{ can(string) error }, name string, checked bool, raw json.RawMessage, d interface{ kvLists() []workspace.KV }) error {
	if found != nil {
		return found
	}
	if checked {
		if err := target.can(name); err != nil {
			return err
		}
	}
	return decodeData(raw, d)
}
