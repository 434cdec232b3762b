package main

import (
	"strings"
	"testing"
)

func TestParseMix(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    mix
		wantErr string
	}{
		{in: defaultMix, want: mix{opSet: 70, opRefused: 10, opGet: 10, opDelete: 5, opMarkdone: 5}},
		{in: "get=1", want: mix{opGet: 1}},
		{in: " set = 3 , markdone=1 ,", want: mix{opSet: 3, opMarkdone: 1}},
		{in: "set=0,get=2", want: mix{opGet: 2}},
		{in: "", wantErr: "no op has a positive weight"},
		{in: "set=0", wantErr: "no op has a positive weight"},
		{in: "set", wantErr: "is not op=weight"},
		{in: "write=1", wantErr: `unknown op "write"`},
		{in: "set=1,set=2", wantErr: "given twice"},
		{in: "set=-1", wantErr: "non-negative integer"},
		{in: "set=1.5", wantErr: "non-negative integer"},
	}
	for _, tc := range tests {
		got, err := parseMix(tc.in)
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("parseMix(%q) error = %v, want %q", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("parseMix(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
}

func TestMixStringRoundTrips(t *testing.T) {
	t.Parallel()
	m, err := parseMix("markdone=5, set=70,get=0")
	if err != nil {
		t.Fatal(err)
	}
	if got := m.String(); got != "set=70,markdone=5" {
		t.Errorf("String() = %q", got)
	}
	again, err := parseMix(m.String())
	if err != nil || again != m {
		t.Errorf("parseMix(String()) = %v, %v; want %v", again, err, m)
	}
}

// TestSequenceProportions: over one period of the weights' total, every op
// comes exactly its weight's number of times, and each op cycles through
// its interactions.
func TestSequenceProportions(t *testing.T) {
	t.Parallel()
	tests := []string{defaultMix, "set=1", "get=3,markdone=1", "set=2,refused=2,delete=1"}
	p := mustPlan(t, []string{"1", "2", "3"}, "1")
	for _, in := range tests {
		m, err := parseMix(in)
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, w := range m {
			total += w
		}
		seq := newSequence(m, p)
		var counts [numOps]int
		sent := map[request]int{}
		for range 3 * total {
			r := seq.Next()
			counts[r.op]++
			sent[r]++
		}
		for op, w := range m {
			if counts[op] != 3*w {
				t.Errorf("mix %s: %s came %d times in %d, want %d", in, opKind(op), counts[op], 3*total, 3*w)
			}
		}
		for r, n := range sent {
			if want := 3 * m[r.op] / len(p.byOp[r.op]); n != want {
				t.Errorf("mix %s: %s %s sent %d times, want %d", in, r.op, r.path, n, want)
			}
		}
	}
}

// TestSequenceInterleaves: a light op is spread out, not sent in a run.
func TestSequenceInterleaves(t *testing.T) {
	t.Parallel()
	m, _ := parseMix("set=9,markdone=1")
	seq := newSequence(m, mustPlan(t, []string{"1"}, "1"))
	last := -1
	for i := range 100 {
		if seq.Next().op == opMarkdone {
			if last >= 0 && i-last != 10 {
				t.Fatalf("markdone at %d after %d, want every 10th", i, last)
			}
			last = i
		}
	}
}

func TestNewPlan(t *testing.T) {
	t.Parallel()
	p := mustPlan(t, []string{"1", "a/b"}, "7")
	if got := p.byOp[opMarkdone]; len(got) != 1 || got[0].path != "/v1/interactions/7/markdone" {
		t.Errorf("markdone requests = %+v", got)
	}
	if got := p.byOp[opDelete][1].path; got != "/v1/interactions/a%2Fb/user-data/Notes" {
		t.Errorf("delete path = %q, want the id escaped", got)
	}
	for _, bad := range []struct {
		ids []string
		md  string
	}{{nil, "1"}, {[]string{"1"}, ""}, {[]string{"1", ""}, "1"}} {
		if _, err := newPlan(bad.ids, bad.md); err == nil {
			t.Errorf("newPlan(%q, %q) succeeded", bad.ids, bad.md)
		}
	}
}

func mustPlan(tb testing.TB, ids []string, markdoneID string) *plan {
	tb.Helper()
	p, err := newPlan(ids, markdoneID)
	if err != nil {
		tb.Fatal(err)
	}
	return p
}
