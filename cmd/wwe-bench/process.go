package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"time"
)

// startTimeout bounds how long a started target may take to print its
// listen address.
const startTimeout = 30 * time.Second

// child is a target the tool started as its own process.
type child struct {
	name   string
	pid    int
	cancel context.CancelFunc
	done   chan struct{}
	err    error    // of Wait, once done is closed
	output []*lines // what it printed, for error messages
}

// startChild starts bin with args and returns once a line of its stdout
// (addrOnStdout) or stderr matches addr, whose first group is the listen
// address. The child is interrupted (then killed after 5 s) when ctx ends
// or stop is called.
func startChild(ctx context.Context, name, bin string, args []string, addr *regexp.Regexp, addrOnStdout bool) (*child, string, error) {
	ctx, cancel := context.WithCancel(ctx)
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 5 * time.Second
	found := make(chan string, 1)
	watched, other := &lines{match: addr, found: found}, &lines{}
	c := &child{name: name, cancel: cancel, done: make(chan struct{}), output: []*lines{watched, other}}
	if addrOnStdout {
		cmd.Stdout, cmd.Stderr = watched, other
	} else {
		cmd.Stderr = watched
	}
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, "", fmt.Errorf("start %s: %w", name, err)
	}
	c.pid = cmd.Process.Pid
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	select {
	case a := <-found:
		return c, strings.Trim(a, `"`), nil
	case <-c.done:
		cancel()
		return nil, "", fmt.Errorf("%s exited before it listened: %v\n%s", name, c.err, c.tail())
	case <-time.After(startTimeout):
		c.stop()
		return nil, "", fmt.Errorf("%s did not print its listen address within %s\n%s", name, startTimeout, c.tail())
	case <-ctx.Done():
		c.stop()
		return nil, "", ctx.Err()
	}
}

// stop interrupts the child and waits for it to end.
func (c *child) stop() {
	c.cancel()
	<-c.done
}

// lines is an io.Writer that splits a child's output into lines, keeps the
// last few for error messages, and reports the first match of match.
type lines struct {
	mu      sync.Mutex
	match   *regexp.Regexp
	found   chan<- string
	partial []byte
	last    []string
}

const keptLines = 20

// Write implements io.Writer; it never fails.
func (l *lines) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.partial = append(l.partial, p...)
	for {
		i := bytes.IndexByte(l.partial, '\n')
		if i < 0 {
			break
		}
		l.line(string(l.partial[:i]))
		l.partial = l.partial[i+1:]
	}
	if len(l.partial) > 64<<10 {
		l.line(string(l.partial))
		l.partial = nil
	}
	return len(p), nil
}

func (l *lines) line(s string) {
	if len(l.last) == keptLines {
		l.last = l.last[1:]
	}
	l.last = append(l.last, s)
	if l.match == nil || l.found == nil {
		return
	}
	if m := l.match.FindStringSubmatch(s); m != nil {
		l.found <- m[1]
		l.found = nil
	}
}

// tail returns the last lines the child printed, indented.
func (c *child) tail() string {
	var kept []string
	for _, l := range c.output {
		l.mu.Lock()
		kept = append(kept, l.last...)
		l.mu.Unlock()
	}
	return "  " + strings.Join(kept, "\n  ")
}
