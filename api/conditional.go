package api

import (
	"context"
	"hash/maphash"
	"sync"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// maxAttempts bounds how often a write is decided again because the
// interaction changed under it.
const maxAttempts = 3

// conditionalWrites makes a write land only on the revision of the
// interaction its decision saw. A write is decided on the interaction the
// service may answer from what it has already seen (Service.
// InteractionForWrite), forwarded on the condition that the interaction is
// still that revision, and, when the service answers INTERACTION_CHANGED,
// decided again on a fresh read, up to maxAttempts times. A client's own
// If-Match pins the revision instead: checked before forwarding, never
// retried. The guard's own writes to one interaction go one at a time, so
// they never refuse each other's revision; only a change made elsewhere
// makes a write decide again.
type conditionalWrites struct {
	svc     Service
	stripes [64]sync.Mutex // per interaction, by hash: memory stays bounded
}

var stripeSeed = maphash.MakeSeed()

// attemptFunc looks up, decides and forwards a call once; fresh says
// that its interaction must be read afresh.
type attemptFunc func(fresh bool) (any, int, error)

// run runs attempt for cl: once for a read, and for a write holding its
// interaction's lock, again while the service says the interaction changed.
func (w *conditionalWrites) run(cl *call, attempt attemptFunc) (any, int, error) {
	if cl.op.Writes() && cl.interactionID != "" {
		m := &w.stripes[maphash.String(stripeSeed, cl.interactionID)%uint64(len(w.stripes))]
		m.Lock()
		defer m.Unlock()
	}
	for n := 1; ; n++ {
		result, status, err := attempt(n > 1)
		if wwe.ErrorCode(err) == wwe.CodeInteractionChanged && !cl.ifMatch.Known() && n < maxAttempts {
			continue
		}
		return result, status, err
	}
}

// interaction reads the interaction cl is decided on. A write may be decided
// on the revision the service remembers (it is forwarded on that
// condition); reads, retries and writes with the client's own If-Match read
// afresh.
func (w *conditionalWrites) interaction(ctx context.Context, cl *call, fresh bool) (*wwe.Interaction, error) {
	if cl.op.Writes() && !fresh && !cl.ifMatch.Known() {
		return w.svc.InteractionForWrite(ctx, cl.interactionID)
	}
	return w.svc.Interaction(ctx, cl.interactionID)
}

// check refuses cl when the client's If-Match names another revision than
// the interaction's.
func (w *conditionalWrites) check(cl *call, it *wwe.Interaction) error {
	if cl.ifMatch.Known() && it != nil && it.Revision() != cl.ifMatch {
		return wwe.Errorf(wwe.CodeInteractionChanged, "interaction %q is not at revision %s", cl.interactionID, cl.ifMatch.ETag())
	}
	return nil
}

// onlyThisWrite reports whether out is the interaction the decision saw
// (decided) with this call's write applied and nothing else: the next
// revision of it, in the same lifetime of the service. The write's decision
// then already covers what the caller may read of it.
func onlyThisWrite(decided, out *wwe.Interaction) bool {
	if decided == nil || decided.InteractionID != out.InteractionID {
		return false
	}
	before, after := decided.Revision(), out.Revision()
	return before.Known() && after.Boot == before.Boot && after.Version == before.Version+1
}
