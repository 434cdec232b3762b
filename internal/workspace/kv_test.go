package workspace

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// captured is the user data of a captured AttachedDataChanged (WORKSPACE-V3.md §4)
// with the simulator's "interger" typo and a str pair carrying a boolean.
const captured = `[{"key":"CaseId","type":"str","value":"CASE-001"},` +
	`{"key":"Num","type":"int","value":42},` +
	`{"key":"Nested","type":"kvlist","value":[{"key":"inner","type":"str","value":"x"},{"key":"n","type":"int","value":1}]},` +
	`{"key":"Priority","type":"interger","value":8},` +
	`{"key":"Flag","type":"str","value":true},` +
	`{"key":"DispositionCode","type":"str","value":"Resolved"}]`

func TestDecodeKVKeepsOrderTypesAndValues(t *testing.T) {
	t.Parallel()
	kv, err := DecodeKV([]byte(captured))
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(kv)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != captured {
		t.Errorf("round trip:\n got %s\nwant %s", out, captured)
	}
	if got, want := kv.Keys(), []string{"CaseId", "Num", "Nested", "Priority", "Flag", "DispositionCode"}; !cmp.Equal(got, want) {
		t.Errorf("keys %v, want %v", got, want)
	}
}

func TestDecodeKVRejectsStructure(t *testing.T) {
	t.Parallel()
	for _, body := range []string{`{}`, `"x"`, `[1]`, `[{"type":"str","value":"x"}]`, `[{"key":1,"type":"str","value":"x"}]`,
		`[{"key":"k","type":3,"value":"x"}]`, `[null]`, `[`, ``} {
		if _, err := DecodeKV([]byte(body)); !errors.Is(err, ErrKV) {
			t.Errorf("DecodeKV(%s) = %v, want ErrKV", body, err)
		}
	}
	kv, err := DecodeKV([]byte(`null`))
	if err != nil || len(kv) != 0 {
		t.Errorf("null: %v %v", kv, err)
	}
	if out, _ := json.Marshal(KV(nil)); string(out) != "[]" {
		t.Errorf("nil list encodes as %s", out)
	}
}

func TestDecodeKVMatchesFieldNamesExactly(t *testing.T) {
	t.Parallel()
	kv, err := DecodeKV([]byte(`[{"key":"a","KEY":"b","type":"str","Value":"no","value":"yes","extra":1}]`))
	if err != nil {
		t.Fatal(err)
	}
	if s, ok := kv[0].Str(); kv[0].Key != "a" || !ok || s != "yes" {
		t.Errorf("got %+v", kv[0])
	}
}

func TestMapLastPairWins(t *testing.T) {
	t.Parallel()
	kv, err := DecodeKV([]byte(captured))
	if err != nil {
		t.Fatal(err)
	}
	kv = kv.Attach(KV{StrPair("CaseId", "CASE-002")})
	want := map[string]any{
		"CaseId":          "CASE-002",
		"Num":             json.Number("42"),
		"Nested":          map[string]any{"inner": "x", "n": json.Number("1")},
		"Priority":        json.Number("8"),
		"Flag":            true,
		"DispositionCode": "Resolved",
	}
	if diff := cmp.Diff(want, kv.Map()); diff != "" {
		t.Errorf("Map (-want +got):\n%s", diff)
	}
}

func TestAccessors(t *testing.T) {
	t.Parallel()
	inner := KV{StrPair("a", "x")}
	p := ListPair("l", inner)
	if got, err := p.List(); err != nil || !cmp.Equal(got, inner) {
		t.Errorf("List = %v %v", got, err)
	}
	if n, ok := IntPair("n", -7).Int(); !ok || n != -7 {
		t.Errorf("Int = %d %v", n, ok)
	}
	for _, raw := range []string{`1.5`, `1e3`, `"1"`, `99999999999999999999`, ``} {
		if _, ok := (Pair{Key: "n", Type: TypeInt, Value: json.RawMessage(raw)}).Int(); ok {
			t.Errorf("Int(%s) ok", raw)
		}
	}
	if _, ok := (Pair{Key: "s", Type: TypeStr, Value: json.RawMessage(`1`)}).Str(); ok {
		t.Error("Str of a number ok")
	}
	if _, err := StrPair("s", "x").List(); !errors.Is(err, ErrKV) {
		t.Errorf("List of a string: %v", err)
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		list string
		ok   bool
	}{
		{`[{"key":"a","type":"str","value":"x"},{"key":"a","type":"int","value":1}]`, true},
		{`[{"key":"a","type":"kvlist","value":[{"key":"b","type":"int","value":2}]}]`, true},
		{`[{"key":"a","type":"custom","value":"x"},{"key":"b","type":"","value":3}]`, true},
		{`[{"key":"a","type":"str","value":1}]`, false},
		{`[{"key":"a","type":"int","value":"1"}]`, false},
		{`[{"key":"a","type":"int","value":1.5}]`, false},
		{`[{"key":"a","type":"kvlist","value":"x"}]`, false},
		{`[{"key":"a","type":"kvlist","value":[{"key":"b","type":"str","value":2}]}]`, false},
		{`[{"key":"a","type":"custom","value":true}]`, false},
		{`[{"key":"a","type":"custom","value":{"x":1}}]`, false},
		{`[{"key":"","type":"str","value":"x"}]`, false},
		{`[{"key":"a","type":"str"}]`, false},
	}
	for _, tt := range tests {
		kv, err := DecodeKV([]byte(tt.list))
		if err != nil {
			t.Fatalf("%s: %v", tt.list, err)
		}
		if err := kv.Check(); (err == nil) != tt.ok {
			t.Errorf("Check(%s) = %v, want ok=%v", tt.list, err, tt.ok)
		} else if err != nil && !errors.Is(err, ErrKV) {
			t.Errorf("Check(%s) = %v, not ErrKV", tt.list, err)
		}
	}
}

func TestCheckBoundsDepth(t *testing.T) {
	t.Parallel()
	kv := KV{StrPair("leaf", "x")}
	for range MaxDepth + 1 {
		kv = KV{ListPair("n", kv)}
	}
	if err := kv.Check(); !errors.Is(err, ErrKV) {
		t.Errorf("Check of a list nested %d deep: %v", MaxDepth+1, err)
	}
	_ = kv.Map() // bounded too: the deepest levels stay raw
}

func FuzzDecodeKV(f *testing.F) {
	for _, seed := range []string{captured, `[]`, `null`, `[{"key":"a","type":"kvlist","value":[{"key":"b","type":"x","value":null}]}]`,
		`[{"key":"a"}]`, `[{"key":"a","type":"int","value":-0}]`, "[{\"key\":\"\xff\",\"type\":\"str\",\"value\":\"x\"}]"} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		kv, err := DecodeKV(body)
		if err != nil {
			if !errors.Is(err, ErrKV) {
				t.Fatalf("error does not wrap ErrKV: %v", err)
			}
			return
		}
		out, err := json.Marshal(kv)
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		again, err := DecodeKV(out)
		if err != nil {
			t.Fatalf("decode of the encoding %s: %v", out, err)
		}
		out2, err := json.Marshal(again)
		if err != nil || string(out2) != string(out) {
			t.Fatalf("encoding not stable: %s then %s (%v)", out, out2, err)
		}
		if len(again) != len(kv) {
			t.Fatalf("pairs %d then %d", len(kv), len(again))
		}
		_ = kv.Map()
		_ = kv.Check()
		_ = kv.Update(kv).Delete(kv.Keys()...)
	})
}
