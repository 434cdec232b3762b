package api

import (
	"container/list"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// v3SessionCookie is the cookie GWS identifies a Workspace session by.
const v3SessionCookie = "WORKSPACE_SESSIONID"

// v3Session is what the door knows of one client's GWS session: GWS's own
// view of its interactions, learned from the traffic, and the writes the
// door forwarded that GWS has not confirmed yet. Nothing of one session is
// ever used for another.
type v3Session struct {
	key string

	mu           sync.Mutex
	used         time.Time
	autoComplete bool                        // GWS completes released calls by itself (activate-channels' autoCompleteCall; GWS's default is true)
	longPoll     time.Duration               // GWS's last advised CometD timeout
	view         map[string]*wwe.Interaction // by id
	pending      map[string][]policy.Write   // forwarded writes GWS has not confirmed, by interaction id
}

// v3Sessions holds the sessions' state: at most max, the least recently
// used dropped first, and none unused for longer than idle.
type v3Sessions struct {
	mu    sync.Mutex
	max   int
	idle  time.Duration
	order *list.List // of *v3Session, most recently used first
	byKey map[string]*list.Element
	now   func() time.Time
}

func newV3Sessions(max int, idle time.Duration) *v3Sessions {
	return &v3Sessions{max: max, idle: idle, order: list.New(), byKey: map[string]*list.Element{}, now: time.Now}
}

// get returns the session of key, made when it is new or was dropped.
func (ss *v3Sessions) get(key string) *v3Session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	now := ss.now()
	ss.expire(now)
	if el, ok := ss.byKey[key]; ok {
		ss.order.MoveToFront(el)
		s := el.Value.(*v3Session)
		s.mu.Lock()
		s.used = now
		s.mu.Unlock()
		return s
	}
	s := &v3Session{key: key, used: now, autoComplete: true, view: map[string]*wwe.Interaction{}, pending: map[string][]policy.Write{}}
	ss.byKey[key] = ss.order.PushFront(s)
	for ss.order.Len() > ss.max {
		ss.remove(ss.order.Back())
	}
	return s
}

// drop forgets the session of key (logout, CometD disconnect).
func (ss *v3Sessions) drop(key string) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	if el, ok := ss.byKey[key]; ok {
		ss.remove(el)
	}
}

// len is the number of sessions held.
func (ss *v3Sessions) len() int {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	return ss.order.Len()
}

// expire drops the sessions unused for longer than idle, oldest first.
func (ss *v3Sessions) expire(now time.Time) {
	for el := ss.order.Back(); el != nil; el = ss.order.Back() {
		s := el.Value.(*v3Session)
		s.mu.Lock()
		stale := now.Sub(s.used) > ss.idle
		s.mu.Unlock()
		if !stale {
			return
		}
		ss.remove(el)
	}
}

func (ss *v3Sessions) remove(el *list.Element) {
	delete(ss.byKey, el.Value.(*v3Session).key)
	ss.order.Remove(el)
}

// v3SessionKey names the session a request belongs to: its
// WORKSPACE_SESSIONID, or, where GWS sets none, every cookie the request
// carries but CometD's own, sorted. A request that carries the session
// cookie twice is refused: which one GWS reads is not the door's to guess.
// A request without cookies belongs to no session ("").
func v3SessionKey(r *http.Request) (string, error) {
	var ids, others []string
	for _, c := range r.Cookies() {
		switch c.Name {
		case v3SessionCookie:
			ids = append(ids, c.Value)
		case "BAYEUX_BROWSER":
		default:
			others = append(others, c.Name+"="+c.Value)
		}
	}
	switch {
	case len(ids) > 1:
		return "", wwe.Errorf(wwe.CodeInvalidRequest, "the request carries %s more than once", v3SessionCookie)
	case len(ids) == 1:
		return v3SessionCookie + "=" + ids[0], nil
	}
	sort.Strings(others)
	return strings.Join(others, "; "), nil
}

// remember replaces the session's view of each object GWS reported, and
// drops the pending writes GWS has now confirmed; a completed object
// leaves the view.
func (s *v3Session) remember(objects []*wwe.Interaction) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range objects {
		delete(s.pending, it.InteractionID)
		if it.State == wwe.StateCompleted {
			delete(s.view, it.InteractionID)
			continue
		}
		s.view[it.InteractionID] = it
	}
}

// replace makes objects the session's whole view, as a current-session
// snapshot reports it with GWS's autoCompleteCall; pending writes GWS has
// now reported on are dropped.
func (s *v3Session) replace(objects []*wwe.Interaction, autoComplete bool) {
	s.mu.Lock()
	s.view = map[string]*wwe.Interaction{}
	s.autoComplete = autoComplete
	s.mu.Unlock()
	s.remember(objects)
}

// forget drops id from the view (GWS re-keyed the call).
func (s *v3Session) forget(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.view, id)
	delete(s.pending, id)
}

// autoCompleteNow reports whether GWS completes the session's released
// calls by itself.
func (s *v3Session) autoCompleteNow() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.autoComplete
}

// interaction is the session's view of id with the pending writes applied
// (sets overwrite, deletes remove); nil when GWS has not reported it.
func (s *v3Session) interaction(id string) *wwe.Interaction {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.view[id]
	if it == nil {
		return nil
	}
	out := *it
	out.UserData = applyWrites(it.UserData, s.pending[id])
	return &out
}

// forwarded records writes the door forwarded to id.
func (s *v3Session) forwarded(id string, writes []policy.Write) {
	if len(writes) == 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending[id] = append(s.pending[id], writes...)
}

// applyWrites returns ud with writes applied, ud itself untouched.
func applyWrites(ud wwe.UserData, writes []policy.Write) wwe.UserData {
	if len(writes) == 0 {
		return ud
	}
	out := make(wwe.UserData, len(ud)+len(writes))
	for k, v := range ud {
		out[k] = v
	}
	for _, w := range writes {
		if w.Op == policy.WriteDelete {
			delete(out, w.Key)
			continue
		}
		out[w.Key] = w.Value
	}
	return out
}
