package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// frameRules refuse calls from frame 13 (a number) and frame "14" (a
// string), so a test can tell which type reached the policy.
const frameRules = `package wwe.access

deny contains {"code": "FRAME_NUMBER", "message": "frame 13 may not call"} if input.caller.frameId == 13

deny contains {"code": "FRAME_STRING", "message": "frame \"14\" may not call"} if input.caller.frameId == "14"
`

// envelope is a SCAPI setUserData envelope with the given extra fields
// (each `"name":value`), replacing the defaults of the same name.
func envelope(fields ...string) string {
	defaults := []string{
		`"request":"interaction.setUserData"`, `"parameters":["1",{"Notes":"typed"}]`,
		`"referenceId":"r"`, `"userAgent":"WWE Client"`, `"protocolVersion":2`,
	}
	out := []string{}
	for _, d := range defaults {
		name := d[:strings.Index(d, ":")]
		replaced := false
		for _, f := range fields {
			if strings.HasPrefix(f, name+":") {
				replaced = true
			}
		}
		if !replaced {
			out = append(out, d)
		}
	}
	for _, f := range fields {
		if !strings.HasSuffix(f, ":-") { // "name:-" drops the field
			out = append(out, f)
		}
	}
	return "{" + strings.Join(out, ",") + "}"
}

// TestE2ESCAPIFrameIDReachesPolicyAsSent: frameId may be a string or a
// number, and the policy (and the decision log) sees it with its type.
func TestE2ESCAPIFrameIDReachesPolicyAsSent(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	mustWrite(t, filepath.Join(dir, "frames.rego"), frameRules)
	cfg := writeConfig(t, "", "policies:\n  paths: ["+dir+"]\n")
	base := startGuard(t, "--config", cfg)
	tests := []struct {
		name, frameID string
		status        int
		code          string
	}{
		{"a string", `"f1"`, http.StatusOK, ""},
		{"a number", `3`, http.StatusOK, ""},
		{"frame 13 as a number reaches the policy as a number", `13`, http.StatusForbidden, "REQUEST_NOT_ALLOWED"},
		{"frame 13 as a string is another frame", `"13"`, http.StatusOK, ""},
		{"frame 14 as a string reaches the policy as a string", `"14"`, http.StatusForbidden, "REQUEST_NOT_ALLOWED"},
		{"frame 14 as a number is another frame", `14`, http.StatusOK, ""},
	}
	for _, tt := range tests {
		send(t, http.MethodPost, base+"/v1/scapi", envelope(`"frameId":`+tt.frameID)).expect(t, tt.status, tt.code)
	}
	wants := []string{`"frameId":3,`, `"frameId":"f1",`, `"frameId":13,`, `"frameId":"14",`} // the caller's keys are sorted: origin follows
	log := readLogUntil(t, filepath.Join(filepath.Dir(cfg), "decisions.jsonl"), wants...)
	for _, want := range wants {
		if !strings.Contains(log, want) {
			t.Errorf("the decision log does not show %s:\n%s", want, log)
		}
	}
}

// TestE2ESCAPIEnvelopeTypes: every envelope field has the type DESIGN §2.2
// gives it; anything else is 400 and forwards nothing. A numeric frameId is
// one of the types Genesys' library sends.
func TestE2ESCAPIEnvelopeTypes(t *testing.T) {
	t.Parallel()
	base := startGuard(t, "--config", writeConfig(t, "", ""))
	post := func(env string) reply { return send(t, http.MethodPost, base+"/v1/scapi", env) }

	for _, env := range []string{
		envelope(`"frameId":"f1"`),
		envelope(`"frameId":3`),
		envelope(`"frameId":-2.5e3`),
		envelope(`"referenceId":7`),
		envelope(`"protocolVersion":-1`),
		envelope(`"userAgent":""`),
		envelope(`"request":"interaction.getInteractions"`, `"parameters":-`),
		`{"request":"interaction.getInteractions"}`,
	} {
		if r := post(env); r.status != http.StatusOK {
			t.Errorf("%s: %d %s, want 200", env, r.status, r.raw)
		}
	}

	before := snapshot(t, base)
	refused := []struct{ field, message string }{
		{`"protocolVersion":{}`, "protocolVersion must be an integer"},
		{`"protocolVersion":[]`, "protocolVersion must be an integer"},
		{`"protocolVersion":true`, "protocolVersion must be an integer"},
		{`"protocolVersion":"2"`, "protocolVersion must be an integer"},
		{`"protocolVersion":2.5`, "protocolVersion must be an integer"},
		{`"protocolVersion":null`, "protocolVersion must be an integer"},
		{`"userAgent":7`, "userAgent must be a string"},
		{`"userAgent":{}`, "userAgent must be a string"},
		{`"userAgent":null`, "userAgent must be a string"},
		{`"request":""`, "request must be a string naming an Interaction method"},
		{`"request":7`, "request must be a string naming an Interaction method"},
		{`"request":-`, "request is required"},
		{`"parameters":{}`, "parameters must be an array"},
		{`"parameters":null`, "parameters must be an array"},
		{`"parameters":"1"`, "parameters must be an array"},
		{`"frameId":true`, "frameId must be a string or a number"},
		{`"frameId":{}`, "frameId must be a string or a number"},
		{`"frameId":[1]`, "frameId must be a string or a number"},
		{`"frameId":null`, "frameId must be a string or a number"},
		{`"referenceId":""`, "referenceId must be a non-empty string or a number"},
		{`"referenceId":true`, "referenceId must be a non-empty string or a number"},
		{`"referenceId":{}`, "referenceId must be a non-empty string or a number"},
		{`"referenceId":null`, "referenceId must be a non-empty string or a number"},
	}
	for _, c := range refused {
		r := post(envelope(c.field))
		if r.status != http.StatusBadRequest || r.body["errorCode"] != "INVALID_REQUEST" || r.body["errorMessage"] != c.message {
			t.Errorf("%s: %d %s, want 400 INVALID_REQUEST %q", c.field, r.status, r.raw, c.message)
		}
	}
	if got := snapshot(t, base); got != before {
		t.Errorf("an envelope with a wrongly typed field was forwarded:\nbefore %s\nafter  %s", before, got)
	}
}

// TestE2ESCAPIReferenceIDEchoed: every reply a client could match carries the
// referenceId it sent, with its JSON type, whenever it can be read from the
// bytes received: over the body limit (scanned within the limit), on
// malformed JSON after it, on a wrong content type. A wrongly typed one is not
// echoed.
func TestE2ESCAPIReferenceIDEchoed(t *testing.T) {
	t.Parallel()
	base := startGuard(t, "--config", writeConfig(t, "", "limits:\n  maxBodyBytes: 4096\n"))
	big := strings.Repeat("x", 8000)
	tests := []struct {
		name, body, contentType string
		chunked                 bool
		status                  int
		code                    string
		want                    string // the referenceId as JSON
	}{
		{name: "within the limit", body: envelope(`"referenceId":"ok-1"`), status: http.StatusOK, want: `"ok-1"`},
		{name: "over the limit, Content-Length", body: `{"referenceId":"big-1","request":"interaction.setUserData","parameters":["1",{"Notes":"` + big + `"}]}`,
			status: http.StatusRequestEntityTooLarge, code: "REQUEST_TOO_LARGE", want: `"big-1"`},
		{name: "over the limit, chunked, numeric", body: `{"request":"interaction.setUserData","referenceId":17,"parameters":["1",{"Notes":"` + big + `"}]}`,
			chunked: true, status: http.StatusRequestEntityTooLarge, code: "REQUEST_TOO_LARGE", want: `17`},
		{name: "over the limit, referenceId past it", body: `{"request":"interaction.setUserData","parameters":["1",{"Notes":"` + big + `"}],"referenceId":"late"}`,
			status: http.StatusRequestEntityTooLarge, code: "REQUEST_TOO_LARGE", want: `null`},
		{name: "over the limit, referenceId nested", body: `{"parameters":[{"referenceId":"inner"},"` + big + `"],"referenceId":"outer"}`,
			status: http.StatusRequestEntityTooLarge, code: "REQUEST_TOO_LARGE", want: `null`},
		{name: "malformed after it", body: `{"referenceId":"m-1","request":"interaction.setUserData","parameters":[`,
			status: http.StatusBadRequest, code: "INVALID_REQUEST", want: `"m-1"`},
		{name: "garbage after it", body: `{"referenceId":2.50,"request":tru}`,
			status: http.StatusBadRequest, code: "INVALID_REQUEST", want: `2.50`},
		{name: "invalid UTF-8 after it", body: "{\"referenceId\":\"u-1\",\"request\":\"\xff\"}",
			status: http.StatusBadRequest, code: "INVALID_REQUEST", want: `"u-1"`},
		{name: "duplicate key after it", body: `{"referenceId":"d-1","request":"a","request":"b"}`,
			status: http.StatusBadRequest, code: "INVALID_REQUEST", want: `"d-1"`},
		{name: "not JSON content", body: envelope(`"referenceId":"t-1"`), contentType: "text/plain",
			status: http.StatusUnsupportedMediaType, code: "UNSUPPORTED_MEDIA_TYPE", want: `"t-1"`},
		{name: "too deep after it", body: `{"referenceId":"n-1","parameters":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`,
			status: http.StatusBadRequest, code: "INVALID_REQUEST", want: `"n-1"`},
		{name: "wrongly typed", body: `{"referenceId":true,"request":"interaction.getInteractions"}`,
			status: http.StatusBadRequest, code: "INVALID_REQUEST", want: `null`},
		{name: "wrongly typed, malformed", body: `{"referenceId":{"a":1},"request":`,
			status: http.StatusBadRequest, code: "INVALID_REQUEST", want: `null`},
		{name: "empty string", body: `{"referenceId":"","request":"interaction.getInteractions"}`,
			status: http.StatusBadRequest, code: "INVALID_REQUEST", want: `null`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := postRaw(t, base+"/v1/scapi", tt.body, tt.contentType, tt.chunked).expect(t, tt.status, tt.code)
			if got := rawField(r.raw, "referenceId"); got != tt.want {
				t.Errorf("referenceId = %s, want %s; body %s", got, tt.want, r.raw)
			}
		})
	}
}

// TestE2EErrorMessagesDeterministic: the same bad request always gets the
// same message, naming the first problem in document order.
func TestE2EErrorMessagesDeterministic(t *testing.T) {
	t.Parallel()
	base := startGuard(t, "--config", writeConfig(t, "", ""))
	tests := []struct {
		name, method, path, body, want string
	}{
		{"unknown envelope fields", http.MethodPost, "/v1/scapi",
			`{"request":"interaction.setUserData","event":"x","data":{},"zz":1,"aa":2,"parameters":["1",{"Notes":"x"}],"referenceId":"9"}`,
			`unknown envelope field "event"`},
		{"bad user data values", http.MethodPatch, "/v1/interactions/1/user-data",
			`{"Notes":"ok","k1":1.5,"k2":true,"k3":null,"k4":[],"k5":2.5,"k6":false}`,
			`value of key "k1" must be a string, an integer or an object`},
		{"bad keys", http.MethodPatch, "/v1/interactions/1/user-data",
			`{"Notes":"ok","nested":{"b\u0007":"x","":"y"},"":"z"}`,
			`user data key contains a control character`},
		{"bad parameters", http.MethodPost, "/v1/scapi",
			`{"request":"interaction.setUserData","parameters":["1",{"z":1.5,"y":1.5,"x":1.5,"w":1.5,"v":1.5}],"referenceId":"9"}`,
			`value of key "z" must be a string, an integer or an object`},
		{"unknown body fields", http.MethodPost, "/v1/interactions/1/consult",
			`{"target":"+1555","zeta":1,"alpha":2,"mid":3}`,
			`unknown field "zeta"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			for i := range 30 {
				r := send(t, tt.method, base+tt.path, tt.body).expect(t, http.StatusBadRequest, "INVALID_REQUEST")
				if r.body["errorMessage"] != tt.want {
					t.Fatalf("attempt %d: errorMessage %q, want %q", i, r.body["errorMessage"], tt.want)
				}
			}
		})
	}
}

// postRaw posts body with contentType (application/json when empty); chunked
// hides its length, so the guard sees a chunked body.
func postRaw(t *testing.T, url, body, contentType string, chunked bool) reply {
	t.Helper()
	var r io.Reader = strings.NewReader(body)
	if chunked {
		r = io.MultiReader(r) // no Len method: the client cannot know the length
	}
	if contentType == "" {
		contentType = "application/json"
	}
	req, err := http.NewRequest(http.MethodPost, url, r)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	if chunked && req.ContentLength != 0 {
		t.Fatalf("request has a length: %d", req.ContentLength)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := reply{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	_ = json.Unmarshal(raw, &out.body)
	return out
}

// rawField returns the JSON text of a top-level field of obj as written,
// or "absent".
func rawField(obj, name string) string {
	var fields map[string]json.RawMessage
	if json.Unmarshal([]byte(obj), &fields) != nil {
		return fmt.Sprintf("(not an object: %s)", obj)
	}
	v, ok := fields[name]
	if !ok {
		return "absent"
	}
	return string(v)
}
