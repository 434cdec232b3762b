//go:build !linux

package main

import "time"

// pause sleeps for d (see pause_linux.go for why Linux differs).
func pause(d time.Duration) { time.Sleep(d) }
