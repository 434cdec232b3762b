package main

import (
	"context"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"reflect"
	"sync"
	"syscall"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/wwe-guard/wwe-guard/api"
	"github.com/wwe-guard/wwe-guard/guard"
	"github.com/wwe-guard/wwe-guard/internal/metrics"
)

// reloader reloads the running guard's config (DESIGN.md §9): policies,
// options, enforcement, userDataMode, limits, rate limits and the log
// level, each reload atomic and the last good config kept when the new one
// fails. What needs a restart (restartOnly) stays as it started, and the
// log says so.
type reloader struct {
	path      string // the config file; "" for the demo, whose reload recompiles the policies
	overrides func(*config)
	engine    *guard.Engine
	server    *api.Server
	metrics   *metrics.Metrics
	level     *slog.LevelVar
	log       *slog.Logger
	client    *http.Client // fetches policy bundles

	mu      sync.Mutex
	running config // the config in force
}

// reload reads the config again and applies it; why names the trigger.
func (r *reloader) reload(ctx context.Context, why string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.path == "" {
		err := r.engine.Reload(ctx)
		r.done(err, why)
		return
	}
	next, err := loadConfig(r.path)
	if err != nil {
		r.done(err, why)
		return
	}
	r.overrides(&next)
	if fields := restartOnly(r.running, next); len(fields) > 0 {
		r.log.Warn("config changes that need a restart were not applied", "fields", fields)
		next.keepRestartOnly(r.running)
	}
	// Bundle files are read again; URL bundles keep what the poller holds.
	if err := next.readBundles(ctx, r.client, r.running.bundleData); err != nil {
		r.done(err, why)
		return
	}
	if err := r.engine.Apply(ctx, next.engineConfig(nil, nil)); err != nil {
		r.done(err, why)
		return
	}
	next.rateStore = r.running.rateStore
	r.server.SetLimits(next.limits(), next.rateLimits.WithStore(next.rateStore))
	r.server.SetRelays(next.SCAPI.relays())
	r.level.Set(next.Log.level())
	r.running = next
	r.done(nil, why)
}

func (r *reloader) done(err error, why string) {
	r.metrics.Reloaded(err, r.engine.Revision(), r.engine.Bundles())
	if err != nil {
		r.log.Error("config reload failed; keeping the last good config", "trigger", why, "err", err)
		return
	}
	r.log.Info("config reloaded", "trigger", why, "modules", r.engine.Modules(), "revision", r.engine.Revision(), "bundles", r.engine.Bundles())
}

// restartOnly names the fields that differ between running and next but
// take effect only at start: the listener, the upstream and the door in
// front of it, caller authentication, the decision log's output and values, the log's format and
// access lines, metrics, shutdown, and TLS other than the certificate
// files' contents.
func restartOnly(running, next config) []string {
	var fields []string
	check := func(name string, same bool) {
		if !same {
			fields = append(fields, name)
		}
	}
	check("listen", running.Listen == next.Listen)
	check("tls", running.TLS == next.TLS)
	check("upstream", running.Upstream == next.Upstream)
	check("workspace", running.Workspace == next.Workspace)
	check("decisionLog", running.DecisionLog == next.DecisionLog)
	check("log.format", running.Log.Format == next.Log.Format)
	check("log.access", running.Log.Access == next.Log.Access)
	check("metrics", running.Metrics == next.Metrics)
	check("shutdown", running.Shutdown == next.Shutdown)
	check("auth", reflect.DeepEqual(running.Auth, next.Auth))
	check("tracing", running.Tracing == next.Tracing)
	check("scapi", running.SCAPI.Demo == next.SCAPI.Demo && running.SCAPI.Ping == next.SCAPI.Ping && running.SCAPI.Idle == next.SCAPI.Idle)
	check("policies.bundles", reflect.DeepEqual(running.Policies.Bundles, next.Policies.Bundles))
	check("rateLimits.store", running.RateLimits.Store == next.RateLimits.Store && running.RateLimits.Redis == next.RateLimits.Redis)
	return fields
}

// keepRestartOnly sets c's start-only fields to those of running.
func (c *config) keepRestartOnly(running config) {
	c.Listen, c.TLS, c.Upstream, c.Workspace = running.Listen, running.TLS, running.Upstream, running.Workspace
	c.DecisionLog, c.Metrics, c.Shutdown, c.Auth = running.DecisionLog, running.Metrics, running.Shutdown, running.Auth
	c.Log.Format, c.Log.Access = running.Log.Format, running.Log.Access
	c.RateLimits.Store, c.RateLimits.Redis = running.RateLimits.Store, running.RateLimits.Redis
	c.Tracing = running.Tracing
	c.SCAPI.Demo, c.SCAPI.Ping, c.SCAPI.Idle = running.SCAPI.Demo, running.SCAPI.Ping, running.SCAPI.Idle
	c.Policies.Bundles = running.Policies.Bundles
}

// onHangup reloads on every SIGHUP until ctx ends. It registers for the
// signal before it returns, so a SIGHUP sent once the guard is up never
// meets the default action (exit).
func (r *reloader) onHangup(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go func() {
		defer signal.Stop(hup)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				r.reload(ctx, "SIGHUP")
			}
		}
	}()
}

// settle is how long file changes must be quiet before a reload: an editor
// or a ConfigMap update writes in several steps.
const settle = 200 * time.Millisecond

// onFileChange reloads when the config file or a file of a policy
// directory changes, Kubernetes' symlink swaps (..data) included. It
// watches the config's directory and every directory under the policy
// paths as they were at start.
func (r *reloader) onFileChange(ctx context.Context, policyPaths []string) error {
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return err
	}
	configDir, configName := filepath.Dir(r.path), filepath.Base(r.path)
	watched := map[string]bool{}
	add := func(dir string) error {
		if watched[dir] {
			return nil
		}
		watched[dir] = true
		return w.Add(dir)
	}
	if err := add(configDir); err != nil {
		w.Close()
		return err
	}
	policyDirs := map[string]bool{}
	for _, p := range policyPaths {
		err := filepath.WalkDir(p, func(path string, d os.DirEntry, err error) error {
			if err != nil {
				return err
			}
			dir := path
			if !d.IsDir() {
				dir = filepath.Dir(path)
			}
			policyDirs[dir] = true
			return add(dir)
		})
		if err != nil {
			w.Close()
			return err
		}
	}
	relevant := func(name string) bool {
		dir, base := filepath.Dir(name), filepath.Base(name)
		if base == "..data" {
			return true
		}
		if dir == configDir && base == configName {
			return true
		}
		switch filepath.Ext(base) {
		case ".rego", ".json", ".yaml", ".yml":
			return policyDirs[dir]
		}
		return false
	}
	go func() {
		defer w.Close()
		var timer <-chan time.Time
		for {
			select {
			case <-ctx.Done():
				return
			case ev, ok := <-w.Events:
				if !ok {
					return
				}
				if relevant(ev.Name) {
					timer = time.After(settle)
				}
			case err, ok := <-w.Errors:
				if !ok {
					return
				}
				r.log.Warn("watching the config for changes", "err", err)
			case <-timer:
				timer = nil
				r.reload(ctx, "file change")
			}
		}
	}()
	return nil
}

// applyBundle makes data the bundle name's contents and applies the
// running config with it; on failure the last good set stays.
func (r *reloader) applyBundle(ctx context.Context, name string, data []byte) {
	r.mu.Lock()
	defer r.mu.Unlock()
	next := r.running
	next.bundleData = maps.Clone(r.running.bundleData)
	next.bundleData[name] = data
	if err := r.engine.Apply(ctx, next.engineConfig(nil, nil)); err != nil {
		r.done(err, "bundle "+name)
		return
	}
	r.running = next
	r.done(nil, "bundle "+name)
}
