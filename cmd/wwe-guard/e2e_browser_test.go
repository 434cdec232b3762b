package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"

	"github.com/wwe-guard/wwe-guard/internal/testkit"
)

// chromium returns the path of a headless-capable Chromium. Without one the
// test skips, except under CI=true, where it fails.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if path, err := exec.LookPath(name); err == nil {
			return path
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is required under CI=true (.ci/run installs it)")
	}
	t.Skip("no chromium on PATH (apt-get install chromium)")
	return ""
}

// door is one origin the browser sees: a proxy to the guard, so that one
// guard serves pages of several origins.
type door struct {
	origin string
	target atomic.Pointer[url.URL]
	mu     sync.Mutex
	conns  []net.Conn // every connection the browser opened, sockets included
}

func openDoor(t *testing.T, host string) *door {
	t.Helper()
	d := &door{}
	proxy := &httputil.ReverseProxy{Rewrite: func(r *httputil.ProxyRequest) {
		r.SetURL(d.target.Load())
		r.Out.Host = r.In.Host // the guard sees the browser's Host, as behind any proxy
	}}
	ts := httptest.NewUnstartedServer(proxy)
	ts.Config.ConnState = func(c net.Conn, state http.ConnState) {
		if state == http.StateNew {
			d.mu.Lock()
			d.conns = append(d.conns, c)
			d.mu.Unlock()
		}
	}
	ts.Start()
	t.Cleanup(ts.Close)
	u, _ := url.Parse(ts.URL)
	d.origin = "http://" + host + ":" + u.Port()
	return d
}

// cut drops every connection through the door, as a network failure would.
func (d *door) cut() {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, c := range d.conns {
		c.Close()
	}
	d.conns = nil
}

// TestBrowserDemo loads the demo through the relay in headless Chromium
// and drives its CRM frame as a person would: the frame's origin is
// admitted, the host page is the listed relay. Each step is checked on the
// page and in the service. Then a frame of an unadmitted origin is refused,
// and none of its writes reaches the service, even when it claims the
// admitted origin itself. A screenshot of each is saved.
func TestBrowserDemo(t *testing.T) {
	bin := chromium(t)
	host, crm, other := openDoor(t, "127.0.0.1"), openDoor(t, "localhost"), openDoor(t, "localhost")
	up := startUpstream(t)
	options := e2eOptions + "  service-client-api.accepted-web-content-origins: \"" + crm.origin + "\"\n"
	cfg := writeHTTPConfig(t, up.url, options, "scapi:\n  demo: true\n  relays:\n    - origin: "+host.origin+"\n")
	base := startGuard(t, "--config", cfg)
	target, _ := url.Parse(base)
	for _, d := range []*door{host, crm, other} {
		d.target.Store(target)
	}
	writes := func() int {
		up.mu.Lock()
		defer up.mu.Unlock()
		n := 0
		for _, s := range up.seen {
			if !strings.HasPrefix(s, "GET ") {
				n++
			}
		}
		return n
	}

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox, chromedp.WindowSize(1100, 1000))...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}

	page := openDemo(t, browser, host, crm)
	page.expect("Ready", "ok")
	if n := page.count("#interactions tr"); n != 4 {
		t.Fatalf("the CRM lists %d interactions, want the seed's 4", n)
	}

	page.click("#write-notes").expect("Notes", "ok")
	if writes() != 1 || !strings.HasPrefix(userData(t, base, crm.origin)["Notes"].(string), "called back") {
		t.Fatalf("the allowed write did not reach the service: writes %d, %v", writes(), userData(t, base, crm.origin))
	}
	page.click("#write-ssn").expect("SSN", "USER_DATA_WRITE_NOT_ALLOWED")
	page.click("#markdone").expect("Mark done", "MARKDONE_BLOCKED")
	page.waitEvent("MARKDONE_BLOCKED")
	page.click("#set-disposition").expect("DispositionCode", "ok")
	page.waitEvent("CHANGED")
	if ud := userData(t, base, crm.origin); ud["DispositionCode"] != "Sale" || ud["SSN"] != nil {
		t.Fatalf("the service holds %v", ud)
	}
	page.screenshot("demo-admitted.png")
	relayRecovers(t, page, host, up)
	page.reload()
	page.expect("Ready", "ok")
	// The reload reset the frame: its old socket is closed, one is open.
	for deadline := time.Now().Add(10 * time.Second); series(scrape(t, base), "wwe_guard_scapi_sockets_open") != 1; time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("sockets open after the frame's reload: %v, want 1", series(scrape(t, base), "wwe_guard_scapi_sockets_open"))
		}
	}
	page.click("#markdone").expect("Mark done", "ok")
	if n := writes(); n != 4 {
		t.Fatalf("the service got %d writes, want 4 (Notes, DispositionCode, Notes, markdone): %v", n, up.seen)
	}
	if got := page.text("#interaction-1"); !strings.Contains(got, `DispositionCode="Sale"`) {
		t.Errorf("the page does not show the disposition the event carried: %q", got)
	}
	page.screenshot("demo-done.png")

	// The same page, with a CRM frame of an origin the policies do not admit.
	before := writes()
	refused := openDemo(t, browser, host, other)
	refused.expect("Loading", "REQUEST_NOT_ALLOWED")
	refused.click("#write-notes").expect("Notes", "REQUEST_NOT_ALLOWED")
	refused.click("#set-disposition").expect("DispositionCode", "REQUEST_NOT_ALLOWED")
	// A frame that claims the admitted origin itself is stamped with its own.
	forged := fmt.Sprintf(`new Promise(function (resolve) {
		window.addEventListener("message", function (e) {
			if (e.data && e.data.referenceId === "forged") resolve(e.data.errorCode || "ok");
		});
		parent.postMessage({request: "interaction.setUserData", parameters: ["1", {Notes: "forged"}],
			referenceId: "forged", callerOrigin: %q}, "*");
	})`, crm.origin)
	code, err := chromedp.Run(refused.frame, chromedp.Evaluate[string](forged, chromedp.EvalAwaitPromise))
	if err != nil || code != "REQUEST_NOT_ALLOWED" {
		t.Errorf("a forged callerOrigin: %q %v, want REQUEST_NOT_ALLOWED", code, err)
	}
	if n := writes(); n != before {
		t.Errorf("the unadmitted frame's calls reached the service: %d writes", n-before)
	}
	if ud := userData(t, base, crm.origin); ud["Notes"] == "forged" {
		t.Errorf("the forged write landed: %v", ud)
	}
	refused.screenshot("demo-unadmitted.png")

	// A frame taken off the page gives its socket back: the admitted tab's
	// frame keeps the one socket left.
	if _, err := chromedp.Run(refused.tab, chromedp.Evaluate[bool](`document.getElementById("crm").remove() === undefined`)); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(15 * time.Second); series(scrape(t, base), "wwe_guard_scapi_sockets_open") != 1; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("sockets open after a frame left its page: %v, want 1", series(scrape(t, base), "wwe_guard_scapi_sockets_open"))
		}
	}
}

// relayRecovers drops the relay's socket while a request is at the
// service: the frame's request fails at once with an errorMessage (not
// after its 10 s timeout), and on the next call the relay opens a new
// socket and renews the frame's subscription, whose events go on.
func relayRecovers(t *testing.T, page *demoPage, host *door, up *upstream) {
	t.Helper()
	up.slow.Store(int64(3 * time.Second))
	failed := make(chan string, 1)
	go func() {
		got, err := chromedp.Run(page.frame, chromedp.Evaluate[string](`scapi.request("getByInteractionId", ["1"]).then(
			function () { return "answered"; }, function (e) { return (e.errorCode || "") + "|" + e.errorMessage; })`, chromedp.EvalAwaitPromise))
		if err != nil {
			got = err.Error()
		}
		failed <- got
	}()
	select {
	case <-up.held: // the read is at the service
	case <-time.After(10 * time.Second):
		t.Fatal("the frame's read never reached the service")
	}
	start := time.Now()
	host.cut()
	got := <-failed
	up.slow.Store(0)
	if !strings.HasPrefix(got, "SERVICE_UNAVAILABLE|") || time.Since(start) > 5*time.Second {
		t.Fatalf("a request pending when the socket dropped: %q after %s, want SERVICE_UNAVAILABLE at once", got, time.Since(start))
	}
	changed := page.count(`#events li[data-event-type="CHANGED"]`)
	page.click("#write-notes").expect("Notes", "ok")
	page.waitEvents("CHANGED", changed+1)
}

// demoPage is the demo's host page in a tab, and its CRM frame.
type demoPage struct {
	t     *testing.T
	tab   context.Context
	frame context.Context
	seq   int // outcomes seen in #result
}

// openDemo opens the host page of host with the CRM page of crm in its
// frame, and attaches to the frame, which Chromium runs in a process of its
// own (another site). The steps before run in the tab first.
func openDemo(t *testing.T, browser context.Context, host, crm *door, before ...chromedp.Action[chromedp.Void]) *demoPage {
	t.Helper()
	tab, cancel := chromedp.NewContext(browser)
	t.Cleanup(cancel)
	crmURL := crm.origin + "/demo/crm.html"
	// Other tabs may show the same CRM page: the frame is the new one.
	known := map[target.ID]bool{}
	if infos, err := chromedp.Targets(browser); err == nil {
		for _, info := range infos {
			known[info.TargetID] = true
		}
	}
	steps := append(before, chromedp.Navigate(host.origin+"/demo/?crm="+url.QueryEscape(crmURL)))
	if err := chromedp.Do(tab, steps...); err != nil {
		t.Fatalf("open the demo: %v", err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(tab)
		if err != nil {
			t.Fatal(err)
		}
		for _, info := range infos {
			if info.Type == "iframe" && info.URL == crmURL && !known[info.TargetID] {
				frame, cancel := chromedp.NewContext(tab, chromedp.WithTargetID(info.TargetID))
				t.Cleanup(cancel)
				return &demoPage{t: t, tab: tab, frame: frame}
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no frame of %s appeared", crmURL)
	return nil
}

func (p *demoPage) click(sel string) *demoPage {
	p.t.Helper()
	if err := chromedp.Do(p.frame, chromedp.Click(chromedp.CSS(sel))); err != nil {
		p.t.Fatalf("click %s: %v", sel, err)
	}
	return p
}

// expect waits for the frame's next outcome and checks it: what it was
// about, and "ok" or the errorCode.
func (p *demoPage) expect(what, outcome string) {
	p.t.Helper()
	p.seq++
	js := fmt.Sprintf(`(function () {
		var r = document.getElementById("result");
		return Number(r.dataset.seq || 0) >= %d ? r.dataset.outcome + "|" + r.textContent : "";
	})()`, p.seq)
	got, err := chromedp.Run(p.frame, chromedp.Poll[string](js, chromedp.WithPollingTimeout(15*time.Second)))
	if err != nil {
		p.t.Fatalf("waiting for the outcome of %s: %v", what, err)
	}
	code, text, _ := strings.Cut(got, "|")
	if code != outcome || !strings.HasPrefix(text, what) {
		p.t.Fatalf("%s: the page shows %q (%s), want %s", what, text, code, outcome)
	}
}

func (p *demoPage) waitEvent(eventType string) { p.waitEvents(eventType, 1) }

// waitEvents waits until the page lists n events of eventType.
func (p *demoPage) waitEvents(eventType string, n int) {
	p.t.Helper()
	js := fmt.Sprintf(`document.querySelectorAll('#events li[data-event-type=%q]').length >= %d`, eventType, n)
	if _, err := chromedp.Run(p.frame, chromedp.Poll[bool](js, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		p.t.Fatalf("not %d %s events on the page: %v", n, eventType, err)
	}
}

// reload loads the CRM frame's document again; the relay starts the frame
// afresh, and the new document counts its outcomes from zero.
func (p *demoPage) reload() {
	p.t.Helper()
	if _, err := chromedp.Run(p.frame, chromedp.Evaluate[bool](`window.beforeReload = true; setTimeout(function () { location.reload(); }, 0) > 0`)); err != nil {
		p.t.Fatalf("reload the frame: %v", err)
	}
	// A poll that the navigation interrupts fails; poll again.
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, err := chromedp.Run(p.frame, chromedp.Poll[bool](`!window.beforeReload && document.readyState === "complete"`, chromedp.WithPollingTimeout(5*time.Second)))
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("the frame did not load again: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.seq = 0
}

func (p *demoPage) count(sel string) int {
	p.t.Helper()
	n, err := chromedp.Run(p.frame, chromedp.Evaluate[int](fmt.Sprintf(`document.querySelectorAll(%q).length`, sel)))
	if err != nil {
		p.t.Fatal(err)
	}
	return n
}

func (p *demoPage) text(sel string) string {
	p.t.Helper()
	s, err := chromedp.Run(p.frame, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		p.t.Fatal(err)
	}
	return s
}

// screenshot saves the whole host page, frame included, in the test
// artifacts: $TEST_ARTIFACTS, else a temporary folder named in the log.
func (p *demoPage) screenshot(name string) {
	p.t.Helper()
	png, err := chromedp.Run(p.tab, chromedp.FullScreenshot(100))
	if err != nil {
		p.t.Fatalf("screenshot: %v", err)
	}
	dir := os.Getenv("TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "wwe-guard-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		p.t.Fatal(err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot: %s", path)
}

// userData is interaction 1's user data as origin reads it through the
// guard.
func userData(t *testing.T, base, origin string) map[string]any {
	t.Helper()
	return send(t, http.MethodGet, base+"/v1/interactions/1", "", "Origin", origin).expect(t, http.StatusOK, "").userData()
}

// TestBrowserDemoNoConfig: the guard with no config serves /demo/, and its
// CRM frame (same origin as the page; no origin filtering) works through
// the relay the demo lists.
func TestBrowserDemoNoConfig(t *testing.T) {
	bin := chromium(t)
	base := startGuard(t)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox)...)
	defer cancelAlloc()
	tab, cancel := chromedp.NewContext(alloc)
	defer cancel()
	if err := chromedp.Do(tab, chromedp.Navigate(base+"/demo")); err != nil {
		t.Fatalf("open the demo: %v", err)
	}
	// The frame is of the page's origin: it is part of the page's DOM.
	frameJS := `document.getElementById("crm").contentDocument`
	wait := func(js string) string {
		got, err := chromedp.Run(tab, chromedp.Poll[string](js, chromedp.WithPollingTimeout(15*time.Second)))
		if err != nil {
			t.Fatalf("waiting for %s: %v", js, err)
		}
		return got
	}
	wait(`(function () { var d = ` + frameJS + `; var r = d && d.getElementById("result"); return r && r.textContent === "Ready" ? "ready" : ""; })()`)
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](frameJS+`.getElementById("write-ssn").click() === undefined`)); err != nil {
		t.Fatal(err)
	}
	got := wait(`(function () { var r = ` + frameJS + `.getElementById("result"); return r.dataset.seq === "2" ? r.dataset.outcome : ""; })()`)
	if got != "USER_DATA_WRITE_NOT_ALLOWED" {
		t.Fatalf("SSN in the demo: %s", got)
	}
}

// TestBrowserRelayToken: with caller authentication, the host page gives
// the relay a token (window.wweGuardToken) and the frame's calls go
// through; without one, the frame is refused UNAUTHENTICATED.
func TestBrowserRelayToken(t *testing.T) {
	bin := chromium(t)
	host, crm := openDoor(t, "127.0.0.1"), openDoor(t, "localhost")
	options := e2eOptions + "  service-client-api.accepted-web-content-origins: \"" + crm.origin + "\"\n"
	extra := "auth:\n  apiKeys:\n    - {sha256: " + testkit.KeyHash("portal-key") + ", application: portal}\n" +
		"scapi:\n  demo: true\n  relays:\n    - {origin: \"" + host.origin + "\", application: portal}\n"
	base := startGuard(t, "--config", writeConfig(t, options, extra))
	target, _ := url.Parse(base)
	host.target.Store(target)
	crm.target.Store(target)
	token := send(t, http.MethodPost, base+"/v1/scapi/token", "", "X-API-Key", "portal-key").expect(t, http.StatusOK, "").body["token"].(string)

	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(bin), chromedp.NoSandbox)...)
	defer cancelAlloc()
	browser, cancelBrowser := chromedp.NewContext(alloc)
	defer cancelBrowser()
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	giveToken := chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{
			Source: fmt.Sprintf(`window.wweGuardToken = function () { return Promise.resolve(%q); };`, token),
		})
		return err
	})
	withToken := openDemo(t, browser, host, crm, giveToken)
	withToken.expect("Ready", "ok")
	withToken.click("#write-notes").expect("Notes", "ok")
	withToken.click("#write-ssn").expect("SSN", "USER_DATA_WRITE_NOT_ALLOWED")

	without := openDemo(t, browser, host, crm)
	without.expect("Loading", "UNAUTHENTICATED")
}
