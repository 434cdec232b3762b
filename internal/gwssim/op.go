package gwssim

import (
	"net/http"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// op is one v3 operation in progress: the caller's session and the decoded
// {"operationId","data"} body.
type op struct {
	r    *http.Request
	sess *session
	req  workspace.Request
	sync bool // answer {"status":{"code":0}} rather than the async envelope
}

// echo is the operationId to copy into the operation's notifications: only
// one the caller supplied.
func (o *op) echo() string { return o.req.OperationID }

// run serves a v3 POST operation: the body is decoded (400 if malformed),
// the session looked up by cookie (401), f runs under s.mu, and the answer
// is {"status":{"code":1},"operationId":…} with the caller's operationId or
// a new one, or f's error in the envelope.
func (s *Sim) run(f func(*op) error) handler {
	return func(w http.ResponseWriter, r *http.Request, body []byte) {
		req, err := workspace.DecodeRequest(body)
		if err != nil {
			fail(w, http.StatusBadRequest, err.Error())
			return
		}
		s.mu.Lock()
		o := &op{r: r, req: req}
		o.sess, err = s.sessionOf(r)
		if err == nil {
			err = f(o)
		}
		s.mu.Unlock()
		switch {
		case err != nil:
			failWith(w, err)
		case o.sync:
			writeJSON(w, http.StatusOK, workspace.Envelope{})
		default:
			id := req.OperationID
			if id == "" {
				id = randomHex(8)
			}
			writeJSON(w, http.StatusOK, workspace.Async(id))
		}
	}
}
