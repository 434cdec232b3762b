package main

import (
	"syscall"
	"time"
)

// pause blocks the calling thread for d with nanosleep. The runtime's own
// timers (time.Sleep, time.Timer) wake up through the network poller, whose
// wait has millisecond granularity on Linux: they oversleep by about half a
// millisecond on average, which at these latencies would be a large error
// added to every request. nanosleep wakes within tens of microseconds.
func pause(d time.Duration) {
	ts := syscall.NsecToTimespec(int64(d))
	_ = syscall.Nanosleep(&ts, nil) // interrupted early: the caller looks at the clock again
}
