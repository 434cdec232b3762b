package workspace

import "slices"

// What GWS does to an interaction's user data (WORKSPACE-V3.md §4). Each
// function returns a new list and leaves its arguments alone.

// Attach appends every pair as given, duplicates included
// (attach-user-data).
func (kv KV) Attach(pairs KV) KV {
	out := make(KV, 0, len(kv)+len(pairs))
	out = append(out, kv...)
	return append(out, pairs...)
}

// Update writes each pair by key (update-user-data): the first pair of the
// key takes the new type and value in its place, later pairs of the same key
// are folded into it (removed), and a key not yet in the list is appended.
// Pairs are applied in order, so within pairs the last one of a key wins.
func (kv KV) Update(pairs KV) KV {
	out := slices.Clone(kv)
	for _, p := range pairs {
		i := slices.IndexFunc(out, func(q Pair) bool { return q.Key == p.Key })
		if i < 0 {
			out = append(out, p)
			continue
		}
		out[i] = p
		rest := slices.DeleteFunc(out[i+1:], func(q Pair) bool { return q.Key == p.Key })
		out = out[:i+1+len(rest)]
	}
	return out
}

// Delete removes every pair of the given keys (delete-user-data-pair,
// delete-user-data).
func (kv KV) Delete(keys ...string) KV {
	return slices.DeleteFunc(slices.Clone(kv), func(p Pair) bool { return slices.Contains(keys, p.Key) })
}

// Keys lists the keys in order, each once.
func (kv KV) Keys() []string {
	keys := make([]string, 0, len(kv))
	for _, p := range kv {
		if !slices.Contains(keys, p.Key) {
			keys = append(keys, p.Key)
		}
	}
	return keys
}
