package service

import (
	"sync"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// maxRevisions bounds how many interactions a Client remembers; past it the
// memory starts afresh (an agent desktop holds a handful at a time).
const maxRevisions = 4096

// revisions remembers the last revision of each interaction a Client saw in
// an answer of the service. It only holds interactions with a known
// revision (a version and the service lifetime its ETag named): a service
// that reports none cannot refuse a write to a stale revision, so its
// interactions are always read afresh.
type revisions struct {
	mu   sync.Mutex
	byID map[string]*wwe.Interaction
}

func (r *revisions) remember(it *wwe.Interaction) {
	if it == nil || !it.Revision().Known() {
		return
	}
	c := it.Clone()
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.byID[c.InteractionID]; ok && old.Boot == c.Boot && old.Version > c.Version {
		return // an answer that overtook a newer one
	}
	if r.byID == nil || len(r.byID) >= maxRevisions {
		r.byID = map[string]*wwe.Interaction{}
	}
	r.byID[c.InteractionID] = c
}

func (r *revisions) forget(id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.byID, id)
}

// clear forgets every revision.
func (r *revisions) clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.byID = nil
}

// get returns a copy of the remembered interaction, or nil.
func (r *revisions) get(id string) *wwe.Interaction {
	r.mu.Lock()
	it := r.byID[id]
	r.mu.Unlock()
	if it == nil {
		return nil
	}
	return it.Clone()
}
