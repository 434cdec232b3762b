package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// errUnexpected marks a run with unexpected answers; run returns it after
// the report is written, so the exit status tells CI.
var errUnexpected = errors.New("unexpected answers")

// seedHint ends a setup error: the load is designed for the demo.
const seedHint = "(does it serve the demo seed, and a guard the demo options?)"

// kindFlag is --kind: auto, guard, or unguarded (alias service, proxy).
type kindFlag struct {
	auto bool
	kind targetKind
}

func parseKind(s string) (kindFlag, error) {
	switch s {
	case "auto", "":
		return kindFlag{auto: true}, nil
	case "guard":
		return kindFlag{kind: kindGuard}, nil
	case "unguarded", "service", "proxy":
		return kindFlag{kind: kindUnguarded}, nil
	}
	return kindFlag{}, fmt.Errorf("--kind %q: want auto, guard or unguarded", s)
}

// prepare readies one target for the load and returns its kind. It sends
// the plan's setup (on /v1, the tool's markdone block, so every target,
// guarded or not, refuses markdone attempts), tells a guard from an
// unguarded target by one refused write when kind is auto, and sends each
// request of the mix once, checking its outcome, so a target with another
// seed or configuration fails here with a clear message instead of as a
// run full of unexpected answers. Every request it sends is one the load
// sends too (or the setup, which is idempotent), so it changes nothing a
// later run depends on.
func prepare(ctx context.Context, client *http.Client, base string, p *plan, m mix, kf kindFlag) (targetKind, error) {
	if err := waitReady(ctx, client, base, p.readyPath, 10*time.Second); err != nil {
		return 0, err
	}
	if err := sendAll(ctx, client, base, "setup", p.setup); err != nil {
		return 0, err
	}
	kind := kf.kind
	if kf.auto {
		got, err := send(ctx, client, base, p.byOp[opRefused][0])
		if err != nil {
			return 0, err
		}
		switch got {
		case opRefused.expect(kindGuard):
			kind = kindGuard
		case opRefused.expect(kindUnguarded):
			kind = kindUnguarded
		default:
			r := p.byOp[opRefused][0]
			return 0, fmt.Errorf("setup: cannot tell the target's kind: %s %s answered %s, want %s (guard) or %s (unguarded) %s",
				r.method, r.path, got, opRefused.expect(kindGuard), opRefused.expect(kindUnguarded), seedHint)
		}
	}
	for op, w := range m {
		if w == 0 {
			continue
		}
		for _, r := range p.byOp[op] {
			got, err := send(ctx, client, base, r)
			if err != nil {
				return 0, err
			}
			if want := r.op.expect(kind); got != want {
				return 0, fmt.Errorf("setup: %s %s (%s) answered %s, want %s on a %s target %s",
					r.method, r.path, r.op, got, want, kind, seedHint)
			}
		}
	}
	return kind, nil
}

// teardown sends the plan's cleanup; on /v1 it clears the tool's markdone
// block, and the service then holds what it held before, except the user
// data the load wrote.
func teardown(ctx context.Context, client *http.Client, base string, p *plan) error {
	return sendAll(ctx, client, base, "teardown", p.cleanup)
}

// sendAll sends each request in turn; each must answer 200.
func sendAll(ctx context.Context, client *http.Client, base, step string, reqs []request) error {
	for _, r := range reqs {
		got, err := send(ctx, client, base, r)
		if err != nil {
			return err
		}
		if got.status != http.StatusOK {
			return fmt.Errorf("%s: %s %s answered %s", step, r.method, r.path, got)
		}
	}
	return nil
}

// waitReady polls base+path until it answers 200 or timeout passes.
func waitReady(parent context.Context, client *http.Client, base, path string, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(parent, timeout)
	defer cancel()
	ready := request{method: http.MethodGet, path: path}
	var last outcome
	for {
		got, err := send(ctx, client, base, ready)
		if err == nil && got.status == http.StatusOK {
			return nil
		}
		last = got
		select {
		case <-ctx.Done():
			if err := parent.Err(); err != nil {
				return err
			}
			return fmt.Errorf("%s%s: not ready within %s (last answer %s)", base, path, timeout, last)
		case <-time.After(50 * time.Millisecond):
		}
	}
}
