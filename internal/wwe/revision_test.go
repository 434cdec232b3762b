package wwe

import "testing"

func TestParseETag(t *testing.T) {
	t.Parallel()
	rev := Revision{Boot: "5f3a9c01", Version: 7}
	if got, ok := ParseETag(rev.ETag()); !ok || got != rev {
		t.Fatalf("ParseETag(%s) = %+v, %v", rev.ETag(), got, ok)
	}
	for _, bad := range []string{``, `*`, `7`, `"7"`, `W/"5f3a9c01.7"`, `"5f3a9c01.7`, `5f3a9c01.7"`, `".7"`,
		`"5f3a9c01."`, `"5f3a9c01.0"`, `"5f3a9c01.-7"`, `"5f3a9c01.+7"`, `"5f 3a.7"`, `"a.b.7"`, `"5f3a9c01.7x"`} {
		if got, ok := ParseETag(bad); ok {
			t.Errorf("ParseETag(%s) = %+v, want refused", bad, got)
		}
	}
	if (Revision{Version: 7}).Known() || (Revision{Boot: "b"}).Known() {
		t.Error("a revision without a boot or a version is known")
	}
}
