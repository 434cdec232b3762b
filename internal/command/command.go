// Package command is the main function every wwe-guard program shares: the
// program's run is called under a context that SIGINT or SIGTERM cancels,
// and an error it returns is printed under the program's name and exits 1.
package command

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Run is a program's body, testable apart from the process: it reads args
// (without the program name), writes to stdout and stderr, and stops when
// ctx ends.
type Run func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// Main calls run with the process's arguments and standard streams, under
// a context that an interrupt or SIGTERM cancels. When run fails, Main
// prints "name: error" on stderr and exits with status 1.
func Main(name string, run Run) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}
