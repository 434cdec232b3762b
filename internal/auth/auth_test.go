package auth

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

func TestAPIKeys(t *testing.T) {
	t.Parallel()
	keys, err := NewAPIKeys([]Key{{SHA256: testkit.KeyHash("a-key"), Application: "crm"}, {SHA256: strings.ToUpper(testkit.KeyHash("b-key")), Application: "ivr"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name      string
		headers   []string
		app       string
		presented bool
		err       error
	}{
		{"none", nil, "", false, nil},
		{"crm", []string{"a-key"}, "crm", true, nil},
		{"upper-case hash in the config", []string{"b-key"}, "ivr", true, nil},
		{"unknown", []string{"c-key"}, "", true, ErrUnknownKey},
		{"empty", []string{""}, "", true, ErrUnknownKey},
		{"the hash itself", []string{testkit.KeyHash("a-key")}, "", true, ErrUnknownKey},
		{"two keys", []string{"a-key", "b-key"}, "", true, ErrUnknownKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := httptest.NewRequest("GET", "/v1/interactions", nil)
			for _, h := range tt.headers {
				r.Header.Add(HeaderAPIKey, h)
			}
			caller, presented, err := keys.Authenticate(r)
			if app := caller.Application; app != tt.app || presented != tt.presented || !errors.Is(err, tt.err) {
				t.Errorf("Authenticate = %q, %v, %v; want %q, %v, %v", caller.Application, presented, err, tt.app, tt.presented, tt.err)
			}
		})
	}
}

func TestNewAPIKeysReportsEveryProblem(t *testing.T) {
	t.Parallel()
	_, err := NewAPIKeys([]Key{
		{SHA256: "abc", Application: "a"},
		{SHA256: testkit.KeyHash("x")},
		{SHA256: testkit.KeyHash("y"), Application: "b"},
		{SHA256: testkit.KeyHash("y"), Application: "c"},
		{SHA256: strings.Repeat("g", 64), Application: "d"},
	})
	want := []string{
		"apiKeys[0].sha256: want the 64 hex digits of a SHA-256",
		"apiKeys[1].application: required",
		"apiKeys[3].sha256: the same key is listed twice",
		"apiKeys[4].sha256: want the 64 hex digits of a SHA-256",
	}
	if err == nil || err.Error() != strings.Join(want, "\n") {
		t.Errorf("NewAPIKeys = %v\nwant\n%s", err, strings.Join(want, "\n"))
	}
}
