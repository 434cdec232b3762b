package workspace

import (
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

func mustKV(tb testing.TB, s string) KV {
	tb.Helper()
	kv, err := DecodeKV([]byte(s))
	if err != nil {
		tb.Fatal(err)
	}
	return kv
}

func TestEdits(t *testing.T) {
	t.Parallel()
	base := `[{"key":"A","type":"str","value":"a"},{"key":"B","type":"int","value":1},{"key":"A","type":"str","value":"b"},{"key":"C","type":"str","value":"c"}]`
	tests := []struct {
		name string
		edit func(KV) KV
		want string
	}{
		{"attach appends duplicates", func(kv KV) KV { return kv.Attach(KV{StrPair("B", "x")}) },
			`[{"key":"A","type":"str","value":"a"},{"key":"B","type":"int","value":1},{"key":"A","type":"str","value":"b"},{"key":"C","type":"str","value":"c"},{"key":"B","type":"str","value":"x"}]`},
		{"update folds duplicates at the first and replaces type and value", func(kv KV) KV { return kv.Update(KV{IntPair("A", 5)}) },
			`[{"key":"A","type":"int","value":5},{"key":"B","type":"int","value":1},{"key":"C","type":"str","value":"c"}]`},
		{"update appends a new key, last of pairs wins", func(kv KV) KV { return kv.Update(KV{StrPair("D", "1"), StrPair("D", "2")}) },
			base[:len(base)-1] + `,{"key":"D","type":"str","value":"2"}]`},
		{"delete removes every pair of the key", func(kv KV) KV { return kv.Delete("A") },
			`[{"key":"B","type":"int","value":1},{"key":"C","type":"str","value":"c"}]`},
		{"delete of an absent key", func(kv KV) KV { return kv.Delete("Z") }, base},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			kv := mustKV(t, base)
			got := testkit.JSON(t, tt.edit(kv))
			if got != tt.want {
				t.Errorf("\n got %s\nwant %s", got, tt.want)
			}
			if testkit.JSON(t, kv) != base {
				t.Errorf("the edit changed its receiver: %s", testkit.JSON(t, kv))
			}
		})
	}
}
