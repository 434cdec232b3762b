package guard

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// decisionPath is the decision's path in OPA's decision-log shape.
const decisionPath = "wwe/guard/decision"

// logBuffer is how many entries may wait for the writer: two seconds of
// decisions at 2,000 per second. When it is full, a decision waits for room
// (backpressure) rather than losing its entry; every such wait is counted.
const logBuffer = 4096

// warnEvery spaces the warnings about waits and write failures.
const warnEvery = 10 * time.Second

// decisionLog writes one JSON line per decision in OPA's decision-log shape,
// user-data values masked. Decisions hand their entry to a buffered channel;
// one goroutine encodes and writes, flushing whenever the buffer runs dry.
type decisionLog struct {
	entries     chan *logEntry
	done        chan struct{}
	out         io.Writer
	w           *bufio.Writer
	labels      map[string]string
	enforcement Enforcement
	mask        bool // user-data values "***" (decisionLog.values: mask)
	log         *slog.Logger

	mu     sync.RWMutex // held for reading while sending; Close takes it to close entries
	closed bool
	late   sync.Mutex // serialises the writes of entries recorded after Close

	written, waits, failed atomic.Uint64
	lastWarn               atomic.Int64 // unix nanoseconds of the last warning
}

// LogStats counts what the decision log did since the engine started.
type LogStats struct {
	Written  uint64 // entries written to the output
	Waits    uint64 // decisions that waited because the buffer was full
	Failed   uint64 // entries lost because the output failed to take them
	Pending  int    // entries waiting in the buffer now
	Capacity int    // size of the buffer
}

func newDecisionLog(w io.Writer, capacity int, labels map[string]string, enforcement Enforcement, mask bool, log *slog.Logger) *decisionLog {
	all := map[string]string{"app": "wwe-guard"}
	for k, v := range labels {
		all[k] = v
	}
	l := &decisionLog{
		entries: make(chan *logEntry, capacity), done: make(chan struct{}),
		out: w, w: bufio.NewWriterSize(w, 64<<10), labels: all, enforcement: enforcement, mask: mask, log: log,
	}
	go l.run()
	return l
}

// record queues the entry of one decision; it blocks only while the buffer
// is full. After close the entry is written before record returns.
func (l *decisionLog) record(id string, start time.Time, in *Input, d Decision, err error, evalNS int64) {
	entry := newLogEntry(l, id, start, in, d, err, evalNS)
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		<-l.done // the writer is finished with the output
		l.late.Lock()
		l.write(entry)
		l.flush()
		l.late.Unlock()
		return
	}
	select {
	case l.entries <- entry:
	default:
		l.waits.Add(1)
		l.warn("decision log buffer full; decisions wait for the writer")
		l.entries <- entry
	}
	l.mu.RUnlock()
}

// run is the writer: it encodes entries in arrival order and flushes when
// no more are waiting, so a burst costs one write to the output.
func (l *decisionLog) run() {
	defer close(l.done)
	pending := uint64(0)
	for entry := range l.entries {
		l.write(entry)
		pending++
		if len(l.entries) == 0 {
			l.flushCounting(pending)
			pending = 0
		}
	}
	l.flushCounting(pending)
}

func (l *decisionLog) write(entry *logEntry) {
	line, err := json.Marshal(entry)
	if err != nil {
		l.failed.Add(1)
		l.warn("decision log entry could not be encoded", "err", err)
		return
	}
	_, _ = l.w.Write(append(line, '\n'))
}

// flushCounting flushes n buffered entries, counting them written or lost.
func (l *decisionLog) flushCounting(n uint64) {
	if n == 0 {
		return
	}
	if err := l.w.Flush(); err != nil {
		l.failed.Add(n)
		l.warn("decision log output failed; entries lost", "err", err)
		l.w.Reset(l.out) // try the output afresh for the next entries
		return
	}
	l.written.Add(n)
}

func (l *decisionLog) flush() { l.flushCounting(1) }

// warn logs msg with the counters, at most once per warnEvery.
func (l *decisionLog) warn(msg string, args ...any) {
	now := time.Now().UnixNano()
	last := l.lastWarn.Load()
	if now-last < int64(warnEvery) || !l.lastWarn.CompareAndSwap(last, now) {
		return
	}
	s := l.stats()
	l.log.Warn(msg, append(args, "written", s.Written, "waits", s.Waits, "failed", s.Failed, "pending", s.Pending)...)
}

func (l *decisionLog) stats() LogStats {
	return LogStats{
		Written: l.written.Load(), Waits: l.waits.Load(), Failed: l.failed.Load(),
		Pending: len(l.entries), Capacity: cap(l.entries),
	}
}

// close stops taking entries into the buffer and waits until the writer has
// written every buffered one, or until ctx ends.
func (l *decisionLog) close(ctx context.Context) error {
	l.mu.Lock()
	if !l.closed {
		l.closed = true
		close(l.entries)
	}
	l.mu.Unlock()
	select {
	case <-l.done:
	case <-ctx.Done():
		return fmt.Errorf("flush decision log: %d entries not written: %w", len(l.entries), ctx.Err())
	}
	s := l.stats()
	l.log.Info("decision log flushed", "written", s.Written, "waits", s.Waits, "failed", s.Failed)
	return nil
}
