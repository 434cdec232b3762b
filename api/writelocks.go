package api

import (
	"hash/maphash"
	"sync"
)

// writeLocks serialises the writes to one interaction: a write holds its
// interaction's lock from reading the revision it is decided on until the
// service has answered the forward. Interactions share a fixed set of
// stripes, so memory stays bounded; two interactions on one stripe merely
// wait for each other.
type writeLocks struct {
	stripes [64]sync.Mutex
}

var stripeSeed = maphash.MakeSeed()

// lock takes the lock of interaction id and returns its release.
func (w *writeLocks) lock(id string) func() {
	m := &w.stripes[maphash.String(stripeSeed, id)%uint64(len(w.stripes))]
	m.Lock()
	return m.Unlock
}
