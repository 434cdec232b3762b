package main

import (
	"fmt"
	"strconv"
	"strings"
)

// defaultMix is the operation mix of --mix when none is given.
const defaultMix = "set=70,refused=10,get=10,delete=5,markdone=5"

// mix is the weight of each operation; weights are relative.
type mix [numOps]int

// parseMix reads "op=weight,..." with the ops set, refused, get, delete and
// markdone. Weights are non-negative integers, need not add up to 100, and
// at least one is positive; an op left out has weight 0.
func parseMix(s string) (mix, error) {
	var m mix
	seen := map[opKind]bool{}
	total := 0
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, weight, ok := strings.Cut(item, "=")
		if !ok {
			return m, fmt.Errorf("mix %q: %q is not op=weight", s, item)
		}
		op, ok := opByName(strings.TrimSpace(name))
		if !ok {
			return m, fmt.Errorf("mix %q: unknown op %q (want one of %s)", s, name, strings.Join(opNames[:], ", "))
		}
		if seen[op] {
			return m, fmt.Errorf("mix %q: op %s given twice", s, op)
		}
		seen[op] = true
		w, err := strconv.Atoi(strings.TrimSpace(weight))
		if err != nil || w < 0 {
			return m, fmt.Errorf("mix %q: weight of %s must be a non-negative integer", s, op)
		}
		m[op] = w
		total += w
	}
	if total == 0 {
		return m, fmt.Errorf("mix %q: no op has a positive weight", s)
	}
	return m, nil
}

func opByName(name string) (opKind, bool) {
	for op, n := range opNames {
		if n == name {
			return opKind(op), true
		}
	}
	return 0, false
}

// String returns the mix in --mix syntax, ops with weight 0 left out.
func (m mix) String() string {
	var parts []string
	for op, w := range m {
		if w > 0 {
			parts = append(parts, fmt.Sprintf("%s=%d", opKind(op), w))
		}
	}
	return strings.Join(parts, ",")
}

// sequence yields the requests of a plan in the proportions of a mix,
// deterministically: smooth weighted round robin picks the op (so the ops
// interleave evenly rather than come in runs), and each op cycles through
// its requests. It is not safe for concurrent use.
type sequence struct {
	weights mix
	total   int
	current [numOps]int
	next    [numOps]int
	plan    *plan
}

func newSequence(m mix, p *plan) *sequence {
	s := &sequence{weights: m, plan: p}
	for _, w := range m {
		s.total += w
	}
	return s
}

// Next returns the next request.
func (s *sequence) Next() request {
	best := opKind(-1)
	for op, w := range s.weights {
		if w == 0 {
			continue
		}
		s.current[op] += w
		if best < 0 || s.current[op] > s.current[best] {
			best = opKind(op)
		}
	}
	s.current[best] -= s.total
	reqs := s.plan.byOp[best]
	r := reqs[s.next[best]%len(reqs)]
	s.next[best]++
	return r
}
