package workspace

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
)

// Object is a JSON object that carries user data, as Filter meets it: a
// call, a media interaction, an EventUserEvent's data, an outbound push
// preview's eventContent, or any other object of that shape.
type Object struct {
	// ID is the object's "id", else its "connId", else its
	// "interactionId"; "" when it has none of them as a string.
	ID string
	// MediaType is the object's "mediatype"; "voice" when it has none but
	// has a "connId" or "callUuid" (a call); else "".
	MediaType string
	// Raw is the object's JSON as the body has it. It aliases the body:
	// read it during the callback only, and never change it.
	Raw []byte
}

// ErrFilter is wrapped by Filter's errors about the body itself (not JSON,
// nested too deeply); an error from hide is returned as it is.
var ErrFilter = errors.New("cannot filter the body")

// maxFilterNesting bounds how deep Filter follows a body.
const maxFilterNesting = 512

// Filter removes user data that the reader may not see from a JSON body (a
// REST reply, or a JSON array of Bayeux messages), by shape rather than by
// path: every object with a "userData" or "eventContent" member that holds
// pairs — a KV list, or (EventUserEvent) a flat object — is passed to hide
// once, and the pairs (or members) whose key is among the keys hide returns
// are removed from each such member. A pair's key is its last "key" member,
// as a JavaScript client reads it. Everything else is kept byte for byte;
// when hide hides nothing, the body is returned as it is (the same slice).
// An error from hide, or a body that is not JSON, fails the whole body.
// An empty body (white space only) is returned as it is.
func Filter(body []byte, hide func(obj Object) ([]string, error)) ([]byte, error) {
	s := &scanner{buf: body, hide: hide}
	i := s.ws(0)
	if i == len(body) {
		return body, nil
	}
	end, err := s.value(i, 0)
	if err != nil {
		return nil, err
	}
	if s.ws(end) != len(body) {
		return nil, fmt.Errorf("%w: data after the JSON value", ErrFilter)
	}
	if len(s.edits) == 0 {
		return body, nil
	}
	return s.apply(), nil
}

// edit is a byte range of the body to leave out.
type edit struct{ start, end int }

// apply copies the body without the edits' ranges; a range inside one
// already left out (a nested list in a removed pair) is skipped.
func (s *scanner) apply() []byte {
	slices.SortFunc(s.edits, func(a, b edit) int {
		if c := cmp.Compare(a.start, b.start); c != 0 {
			return c
		}
		return cmp.Compare(b.end, a.end)
	})
	out := make([]byte, 0, len(s.buf))
	at := 0
	for _, e := range s.edits {
		if e.start < at {
			continue
		}
		out = append(out, s.buf[at:e.start]...)
		at = e.end
	}
	return append(out, s.buf[at:]...)
}

// span is a byte range of the body: [start, end).
type span struct{ start, end int }

// item is one element of an array or one member of an object: its whole
// range, and the key it goes by (a pair's key, a member's name).
type item struct {
	span
	key    string
	hasKey bool
}

// removeItems leaves out the items whose key is hidden, with the commas
// that separate them, so what remains is valid JSON.
func (s *scanner) removeItems(items []item, hidden []string) {
	last := -1 // the last item kept
	drop := make([]bool, len(items))
	for i, it := range items {
		drop[i] = it.hasKey && slices.Contains(hidden, it.key)
		if !drop[i] {
			last = i
		}
	}
	if last < 0 {
		if len(items) > 0 {
			s.edits = append(s.edits, edit{items[0].start, items[len(items)-1].end})
		}
		return
	}
	for i, it := range items {
		switch {
		case !drop[i]:
		case i < last: // the item, its comma and the space up to the next item
			s.edits = append(s.edits, edit{it.start, items[i+1].start})
		default: // after the last kept item: the comma before it and the item
			s.edits = append(s.edits, edit{items[i-1].end, it.end})
		}
	}
}
