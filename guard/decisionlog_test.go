package guard

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/syncbuf"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// gate is a writer that holds every write until it is opened.
type gate struct {
	open chan struct{}
	buf  syncbuf.Buffer
}

func (g *gate) Write(p []byte) (int, error) {
	<-g.open
	return g.buf.Write(p)
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

func recordN(l *decisionLog, n int) {
	input, err := inputValue(&policy.Input{Operation: wwe.OpGetInteractions})
	if err != nil {
		panic(err)
	}
	for range n {
		l.record(newID(), time.Now(), input, policy.Decision{Allow: true}, nil, 1, entryMeta{revision: "rev"})
	}
}

// TestDecisionLogFullBufferWaits: with the writer stalled and the buffer
// full, decisions wait (and are counted) rather than losing their entries.
func TestDecisionLogFullBufferWaits(t *testing.T) {
	t.Parallel()
	g := &gate{open: make(chan struct{})}
	l := newDecisionLog(g, 2, nil, true, quietLog())
	done := make(chan struct{})
	go func() { recordN(l, 20); close(done) }()
	for l.stats().Waits == 0 {
		time.Sleep(time.Millisecond)
	}
	select {
	case <-done:
		t.Fatal("20 decisions went through a stalled writer with a buffer of 2")
	default:
	}
	close(g.open)
	<-done
	if err := l.close(context.Background()); err != nil {
		t.Fatal(err)
	}
	s := l.stats()
	if n := strings.Count(g.buf.String(), "\n"); n != 20 || s.Written != 20 || s.Failed != 0 || s.Waits == 0 {
		t.Errorf("%d lines, stats %+v; want 20 written, none failed, some waits", n, s)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// TestDecisionLogCountsFailedWrites: entries the output refuses are counted
// as failed, never as written.
func TestDecisionLogCountsFailedWrites(t *testing.T) {
	t.Parallel()
	l := newDecisionLog(failing{}, 8, nil, true, quietLog())
	recordN(l, 5)
	if err := l.close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if s := l.stats(); s.Failed != 5 || s.Written != 0 {
		t.Errorf("stats %+v, want 5 failed", s)
	}
}

// TestDecisionLogAfterClose: entries recorded after Close are written at once.
func TestDecisionLogAfterClose(t *testing.T) {
	t.Parallel()
	var buf syncbuf.Buffer
	l := newDecisionLog(&buf, 8, nil, true, quietLog())
	recordN(l, 3)
	if err := l.close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { recordN(l, 1) })
	}
	wg.Wait()
	if n := strings.Count(buf.String(), "\n"); n != 7 || l.stats().Written != 7 {
		t.Errorf("%d lines, stats %+v; want 7", n, l.stats())
	}
}

// TestDecisionLogCloseGivesUp: Close returns when ctx ends, even while the
// output is stalled.
func TestDecisionLogCloseGivesUp(t *testing.T) {
	t.Parallel()
	g := &gate{open: make(chan struct{})}
	defer close(g.open)
	l := newDecisionLog(g, 8, nil, true, quietLog())
	recordN(l, 3)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if err := l.close(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("close = %v, want a deadline error", err)
	}
}
