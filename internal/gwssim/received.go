package gwssim

import (
	"encoding/json"
	"maps"
	"net/http"
	"sync"
)

// Bounds of the record of received requests.
const (
	maxUnmatchedKeys = 256      // distinct unmatched method+path keys, then "OTHER"
	maxKeptBody      = 64 << 10 // the last body kept per route, cut beyond
)

// received counts the requests each route received and keeps the last body.
type received struct {
	mu        sync.Mutex
	n         map[string]int
	last      map[string][]byte
	unmatched int
}

func newReceived() *received {
	return &received{n: map[string]int{}, last: map[string][]byte{}}
}

// count records one request under key; unmatched keys are bounded.
func (rc *received) count(key string, body []byte, unmatched bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if _, seen := rc.n[key]; !seen && unmatched {
		if rc.unmatched >= maxUnmatchedKeys {
			key = "OTHER"
		} else {
			rc.unmatched++
		}
	}
	rc.n[key]++
	rc.last[key] = append([]byte(nil), body[:min(len(body), maxKeptBody)]...)
}

func (rc *received) counts() map[string]int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return maps.Clone(rc.n)
}

func (rc *received) reset() {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.n, rc.last, rc.unmatched = map[string]int{}, map[string][]byte{}, 0
}

// serve answers GET /sim/received: the counts, and each route's last body
// (as JSON when it is JSON, else as a string).
func (rc *received) serve(w http.ResponseWriter, _ *http.Request) {
	rc.mu.Lock()
	bodies := make(map[string]any, len(rc.last))
	for k, b := range rc.last {
		if json.Valid(b) {
			bodies[k] = json.RawMessage(b)
		} else {
			bodies[k] = string(b)
		}
	}
	counts := maps.Clone(rc.n)
	rc.mu.Unlock()
	writeJSON(w, http.StatusOK, map[string]any{"counts": counts, "bodies": bodies})
}
