package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// e2eSeed is the service state every end-to-end test starts from.
const e2eSeed = `[
  {"interactionId":"1","mediaType":"voice","callType":"INBOUND","state":"TALKING","caseId":"case-1",
   "isMainCaseInteraction":true,"userData":{"CustomerSegment":"gold","Secret":"s3"}},
  {"interactionId":"2","mediaType":"voice","callType":"INBOUND","state":"IDLE","caseId":"case-2",
   "isMainCaseInteraction":true,"userData":{}},
  {"interactionId":"3","mediaType":"voice","callType":"INBOUND","state":"RINGING","caseId":"case-3",
   "isMainCaseInteraction":true,"userData":{}},
  {"interactionId":"4","mediaType":"chat","state":"ACCEPTED","caseId":"case-4",
   "isMainCaseInteraction":false,"userData":{"DispositionCode":"Sale"}}
]`

// e2eOptions are the WWE options of the default end-to-end config.
const e2eOptions = `
  service-client-api.user-data.write-allowed: "DispositionCode, Notes,CustomerSegment"
  service-client-api.user-data.read-allowed: "DispositionCode,Notes,CustomerSegment"
  interaction.disposition.is-mandatory: true
`

// writeConfig writes a config (and the seed) into a temp dir and returns its
// path. extra is appended at the top level; options replaces e2eOptions when set.
func writeConfig(t *testing.T, options, extra string) string {
	t.Helper()
	dir := t.TempDir()
	seed := filepath.Join(dir, "seed.json")
	mustWrite(t, seed, e2eSeed)
	if options == "" {
		options = e2eOptions
	}
	cfg := "upstream:\n  kind: embedded\n  seed: " + seed + "\noptions:" + options + "\ndecisionLog:\n  output: " + filepath.Join(dir, "decisions.jsonl") + "\n" + extra
	path := filepath.Join(dir, "guard.yaml")
	mustWrite(t, path, cfg)
	return path
}

// expectRefusedConfig checks that check and serve both refuse the config
// cfg with an error that reports each of want. A serve that starts (it
// should not) stops after five seconds.
func expectRefusedConfig(t *testing.T, cfg string, want ...string) {
	t.Helper()
	checkErr := run(context.Background(), []string{"check", "--config", cfg}, &bytes.Buffer{}, &bytes.Buffer{})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	serveErr := run(ctx, []string{"serve", "--config", cfg, "--listen", "127.0.0.1:0"}, &bytes.Buffer{}, &bytes.Buffer{})
	for _, w := range want {
		for name, err := range map[string]error{"check": checkErr, "serve": serveErr} {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s = %v\nwant the problem %q", name, err, w)
			}
		}
	}
}

// writeTemp writes content to a file name in a new temporary directory and
// returns the file's path.
func writeTemp(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	mustWrite(t, path, content)
	return path
}

func mustWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// reply is one HTTP answer, its body decoded.
type reply struct {
	status int
	header http.Header
	body   map[string]any
	list   []any
	raw    string
}

// send makes one request; headers alternate name, value.
func send(t *testing.T, method, url, body string, headers ...string) reply {
	t.Helper()
	return sendWith(t, http.DefaultClient, method, url, body, headers...)
}

// sendWith is send through client.
func sendWith(t *testing.T, client *http.Client, method, url, body string, headers ...string) reply {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		if headers[i+1] == "" {
			req.Header.Del(headers[i])
			continue
		}
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := reply{status: resp.StatusCode, header: resp.Header, raw: string(raw)}
	if len(raw) > 0 && raw[0] == '[' {
		_ = json.Unmarshal(raw, &out.list)
	} else {
		_ = json.Unmarshal(raw, &out.body)
	}
	return out
}

// expect fails unless r has the status and, when code is set, the errorCode.
func (r reply) expect(t *testing.T, status int, code string) reply {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.raw)
	}
	if code != "" && r.body["errorCode"] != code {
		t.Fatalf("errorCode = %v, want %s; body %s", r.body["errorCode"], code, r.raw)
	}
	return r
}

// userData returns the userData of an Interaction body.
func (r reply) userData() map[string]any {
	ud, _ := r.body["userData"].(map[string]any)
	return ud
}

// snapshot reads every interaction as the service holds it, through the
// given base URL, for before/after comparisons.
func snapshot(t *testing.T, base string, headers ...string) string {
	t.Helper()
	r := send(t, http.MethodGet, base+"/v1/interactions", "", headers...).expect(t, http.StatusOK, "")
	return r.raw
}

// sse reads Server-Sent Events from url until stop is closed.
type sse struct {
	events chan map[string]any
	resp   *http.Response
}

// getStream sends GET url with headers (name, value pairs) and returns the
// answer, its body not read.
func getStream(t *testing.T, url string, headers ...string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func openEvents(t *testing.T, url string, headers ...string) *sse {
	t.Helper()
	resp := getStream(t, url, headers...)
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("events: status %d: %s", resp.StatusCode, b)
	}
	s := &sse{events: make(chan map[string]any, 64), resp: resp}
	go func() {
		defer close(s.events)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			line, ok := strings.CutPrefix(sc.Text(), "data: ")
			if !ok {
				continue
			}
			var ev map[string]any
			if json.Unmarshal([]byte(line), &ev) == nil {
				s.events <- ev
			}
		}
	}()
	t.Cleanup(func() { resp.Body.Close() })
	return s
}

// next returns the next event whose data.eventType is eventType.
func (s *sse) next(t *testing.T, eventType string) map[string]any {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev, ok := <-s.events:
			if !ok {
				t.Fatalf("event stream ended before %s", eventType)
			}
			if data, _ := ev["data"].(map[string]any); data["eventType"] == eventType {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s event within 10s", eventType)
		}
	}
}
