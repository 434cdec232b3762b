package main

import (
	"cmp"
	"crypto/rand"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version, when set at build time with -ldflags "-X main.version=v1.2.3",
// names the release instead of the module version the build recorded.
var version string

// build is what the binary knows of its own build.
type build struct {
	version  string // the module version: a tag, a pseudo-version, or "(devel)"
	revision string // the VCS revision; "" when built outside a checkout
	modified bool   // the checkout had uncommitted changes
}

func readBuild() build {
	b := build{version: version}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		b.version = cmp.Or(b.version, "unknown")
		return b
	}
	b.version = cmp.Or(b.version, info.Main.Version, "(devel)")
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			b.revision = s.Value
		case "vcs.modified":
			b.modified = s.Value == "true"
		}
	}
	return b
}

// moduleVersion is the version the decision log's labels.version carries.
func moduleVersion() string { return readBuild().version }

// versionLine is what `wwe-guard version` prints.
func versionLine() string {
	b := readBuild()
	rev := cmp.Or(b.revision, "unknown")
	if b.modified {
		rev += " (modified)"
	}
	return fmt.Sprintf("wwe-guard %s\nrevision %s\n%s", b.version, rev, runtime.Version())
}

// instanceID names this process in its decision log (labels.id), as OPA
// names each of its instances: a random UUID drawn at start.
var instanceID = func() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}()
