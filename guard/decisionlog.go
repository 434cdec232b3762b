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

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/wwe-guard/wwe-guard/internal/policy"
)

// decisionPath is the decision's path in OPA's decision-log shape.
const decisionPath = "wwe/guard/decision"

// logBuffer is how many entries may wait for the writer: two seconds of
// decisions at 2,000 per second. When it is full, a decision waits for room
// (backpressure) rather than losing its entry; every such wait is counted.
const logBuffer = 4096

// logInterval is how often the writer takes the waiting entries. Decisions
// append their encoded line to a batch under a mutex and never wake the
// writer (a wake-up per entry cost more than encoding it); the writer wakes
// on its own, or at once when the batch is full or the log closes.
const logInterval = 20 * time.Millisecond

// warnEvery spaces the warnings about waits and write failures.
const warnEvery = 10 * time.Second

// decisionLog writes one JSON line per decision in OPA's decision-log shape,
// user-data values masked unless configured otherwise. Decisions encode
// their line and append it to the waiting batch; one goroutine writes the
// batch every logInterval.
type decisionLog struct {
	out        io.Writer
	w          *bufio.Writer
	labelsJSON []byte // the entry's labels (app, version, ...), encoded once, without the closing brace
	console    bool   // written to stdout: carries OPA's console type
	mask       bool   // user-data values "***" (decisionLog.values: mask)
	log        *slog.Logger

	mu       sync.Mutex
	batch    []byte     // encoded lines waiting for the writer
	queued   int        // entries in batch
	capacity int        // most entries that may wait
	room     *sync.Cond // broadcast when the writer takes the batch
	kick     chan struct{}
	closed   bool
	done     chan struct{}
	late     sync.Mutex // serialises the writes of entries recorded after close

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

func newDecisionLog(w io.Writer, capacity int, labels map[string]string, mask bool, log *slog.Logger) *decisionLog {
	all := map[string]string{"app": "wwe-guard"}
	for k, v := range labels {
		all[k] = v
	}
	l := &decisionLog{
		out: w, w: bufio.NewWriterSize(w, 64<<10), mask: mask, log: log,
		capacity: capacity, kick: make(chan struct{}, 1), done: make(chan struct{}),
	}
	l.room = sync.NewCond(&l.mu)
	l.labelsJSON = labelsPrefix(all)
	go l.run()
	return l
}

// record encodes the entry of one decision, whose input is the value it
// evaluated (nil when the input could not be built), and queues it; it
// blocks only while the buffer is full. After close the entry is written
// before record returns.
func (l *decisionLog) record(id string, start time.Time, input ast.Value, d policy.Decision, err error, evalNS int64, meta entryMeta) {
	line := linePool.Get().(*[]byte)
	*line = l.encodeEntry((*line)[:0], id, start, input, d, err, evalNS, meta)
	defer linePool.Put(line)
	l.mu.Lock()
	if l.queued >= l.capacity && !l.closed {
		l.waits.Add(1)
		l.nudge()
		for l.queued >= l.capacity && !l.closed {
			l.room.Wait()
		}
		l.mu.Unlock()
		l.warn("decision log buffer full; decisions wait for the writer")
		l.mu.Lock()
	}
	if l.closed {
		l.mu.Unlock()
		<-l.done // the writer is finished with the output
		l.late.Lock()
		_, _ = l.w.Write(*line)
		l.flushCounting(1)
		l.late.Unlock()
		return
	}
	l.batch = append(l.batch, *line...)
	l.queued++
	l.mu.Unlock()
}

// nudge wakes the writer now; the caller holds l.mu.
func (l *decisionLog) nudge() {
	select {
	case l.kick <- struct{}{}:
	default:
	}
}

// linePool recycles the buffers decisions encode their line into.
var linePool = sync.Pool{New: func() any { b := make([]byte, 0, 2048); return &b }}

// run is the writer: every logInterval (or when nudged) it takes the
// waiting batch, writes it in arrival order and flushes once.
func (l *decisionLog) run() {
	defer close(l.done)
	tick := time.NewTicker(logInterval)
	defer tick.Stop()
	var spare []byte
	for {
		select {
		case <-tick.C:
		case <-l.kick:
		}
		l.mu.Lock()
		batch, n, closed := l.batch, l.queued, l.closed
		l.batch, l.queued = spare[:0], 0
		l.room.Broadcast()
		l.mu.Unlock()
		if n > 0 {
			_, _ = l.w.Write(batch)
			l.flushCounting(uint64(n))
		}
		spare = batch
		if cap(spare) > 4<<20 { // do not keep a rare huge batch alive
			spare = nil
		}
		if closed {
			return
		}
	}
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
	l.mu.Lock()
	pending := l.queued
	l.mu.Unlock()
	return LogStats{
		Written: l.written.Load(), Waits: l.waits.Load(), Failed: l.failed.Load(),
		Pending: pending, Capacity: l.capacity,
	}
}

// close stops taking entries into the buffer and waits until the writer has
// written every buffered one, or until ctx ends.
func (l *decisionLog) close(ctx context.Context) error {
	l.mu.Lock()
	l.closed = true
	l.nudge()
	l.room.Broadcast()
	l.mu.Unlock()
	select {
	case <-l.done:
	case <-ctx.Done():
		return fmt.Errorf("flush decision log: %d entries not written: %w", l.stats().Pending, ctx.Err())
	}
	s := l.stats()
	l.log.Info("decision log flushed", "written", s.Written, "waits", s.Waits, "failed", s.Failed)
	return nil
}

// labelsPrefix is the JSON object of labels without its closing brace:
// each entry appends its own config_revision.
func labelsPrefix(labels map[string]string) []byte {
	b, _ := json.Marshal(labels)
	if len(labels) == 0 {
		return []byte("{")
	}
	return b[:len(b)-1]
}

// entryMeta is what an entry says of the policy set that decided it.
type entryMeta struct {
	revision    string
	enforcement policy.Enforcement
	traceID     string // of the request's trace, when it is traced
	bundles     []byte // the "bundles" object of the set's revisions; nil without bundles
}
