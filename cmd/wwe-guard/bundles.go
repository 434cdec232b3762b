package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/wwe-guard/wwe-guard/guard"
)

// bundleConfig is one entry of policies.bundles: an OPA bundle from a file
// or a URL (polled with ETag), signed when publicKeyFile is set.
type bundleConfig struct {
	Name          string        `yaml:"name"`
	File          string        `yaml:"file"`
	URL           string        `yaml:"url" validate:"omitempty,url"`
	PublicKeyFile string        `yaml:"publicKeyFile"`
	Poll          time.Duration `yaml:"poll" validate:"gte=0"` // a URL is fetched again this often (default 30s)
}

const defaultBundlePoll = 30 * time.Second

// maxBundleBytes bounds one bundle's .tar.gz.
const maxBundleBytes = 64 << 20

func (c *config) bundleProblems() []string {
	var problems []string
	seen := map[string]bool{}
	for i, b := range c.Policies.Bundles {
		at := fmt.Sprintf("policies.bundles[%d]", i)
		switch {
		case b.Name == "":
			problems = append(problems, at+".name: required")
		case seen[b.Name]:
			problems = append(problems, at+".name: "+b.Name+" is listed twice")
		}
		seen[b.Name] = true
		if (b.File == "") == (b.URL == "") {
			problems = append(problems, at+": one of file and url")
		}
		for field, f := range map[string]string{"file": b.File, "publicKeyFile": b.PublicKeyFile} {
			if _, err := os.Stat(f); f != "" && err != nil {
				problems = append(problems, fmt.Sprintf("%s.%s: %s does not exist", at, field, f))
			}
		}
	}
	return problems
}

// bundles is the engine's view of the bundles as last read.
func (c *config) bundles() []guard.Bundle {
	out := make([]guard.Bundle, 0, len(c.Policies.Bundles))
	for _, b := range c.Policies.Bundles {
		out = append(out, guard.Bundle{Name: b.Name, Tarball: c.bundleData[b.Name], PublicKey: c.bundleKeys[b.Name]})
	}
	return out
}

// readBundles reads every bundle's public key and file, and fetches every
// URL bundle once (check, and the start of serve). keep, when set, gives
// the URL bundles already held, which are not fetched again (a reload).
func (c *config) readBundles(ctx context.Context, client *http.Client, keep map[string][]byte) error {
	c.bundleData, c.bundleKeys = map[string][]byte{}, map[string]string{}
	for _, b := range c.Policies.Bundles {
		if b.PublicKeyFile != "" {
			key, err := os.ReadFile(b.PublicKeyFile)
			if err != nil {
				return fmt.Errorf("bundle %s: publicKeyFile: %w", b.Name, err)
			}
			c.bundleKeys[b.Name] = string(key)
		}
		switch {
		case b.File != "":
			data, err := os.ReadFile(b.File)
			if err != nil {
				return fmt.Errorf("bundle %s: %w", b.Name, err)
			}
			c.bundleData[b.Name] = data
		case keep[b.Name] != nil:
			c.bundleData[b.Name] = keep[b.Name]
		default:
			data, _, err := fetchBundle(ctx, client, b.URL, "")
			if err != nil {
				return fmt.Errorf("bundle %s: %w", b.Name, err)
			}
			c.bundleData[b.Name] = data
		}
	}
	return nil
}

// fetchBundle GETs a bundle URL; with etag set a 304 answers (nil, etag).
func fetchBundle(ctx context.Context, client *http.Client, url, etag string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, "", err
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	switch resp.StatusCode {
	case http.StatusNotModified:
		return nil, etag, nil
	case http.StatusOK:
	default:
		return nil, "", fmt.Errorf("%s: status %d", url, resp.StatusCode)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBundleBytes+1))
	if err != nil {
		return nil, "", err
	}
	if len(data) > maxBundleBytes {
		return nil, "", fmt.Errorf("%s: over %d bytes", url, maxBundleBytes)
	}
	return data, resp.Header.Get("ETag"), nil
}

// waitForBundles reads the bundles until every one is there (serve stays
// NOT_READY meanwhile), retrying every second, or until ctx ends.
func (c *config) waitForBundles(ctx context.Context, client *http.Client, log *slog.Logger) error {
	for {
		err := c.readBundles(ctx, client, nil)
		if err == nil {
			return nil
		}
		log.Error("policy bundles not read yet; not ready", "err", err)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(time.Second):
		}
	}
}

// pollBundles fetches each URL bundle every poll interval with its ETag and
// applies a changed one through r; a bundle that does not load is logged
// and the last good one stays.
func (r *reloader) pollBundles(ctx context.Context, client *http.Client, bundles []bundleConfig) {
	for _, b := range bundles {
		if b.URL == "" {
			continue
		}
		poll := b.Poll
		if poll <= 0 {
			poll = defaultBundlePoll
		}
		go func() {
			etag := ""
			for {
				select {
				case <-ctx.Done():
					return
				case <-time.After(poll):
				}
				data, tag, err := fetchBundle(ctx, client, b.URL, etag)
				switch {
				case err != nil:
					r.log.Warn("policy bundle fetch failed; keeping the last good one", "bundle", b.Name, "err", err)
				case data != nil:
					etag = tag
					r.applyBundle(ctx, b.Name, data)
				}
			}
		}()
	}
}

// bundleClient fetches policy bundles.
func bundleClient() *http.Client { return &http.Client{Timeout: 30 * time.Second} }

// loadConfigAndBundles is loadConfig that also reads the policy bundles,
// fetching URL bundles once: what check, eval, replay and options export
// decide with.
func loadConfigAndBundles(ctx context.Context, path string) (config, error) {
	cfg, err := loadConfig(path)
	if err != nil {
		return cfg, err
	}
	return cfg, cfg.readBundles(ctx, bundleClient(), nil)
}
