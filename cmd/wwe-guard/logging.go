package main

import (
	"io"
	"log/slog"
)

// logConfig is the config's log block: the guard's own log on stderr (the
// decision log is separate, decisionLog).
type logConfig struct {
	Format string `yaml:"format" validate:"oneof=text json"`
	Level  string `yaml:"level" validate:"oneof=debug info warn error"`
	Access bool   `yaml:"access"` // one line per request (default true)
}

// logger is the guard's log as c says, written to w, and its level, which
// a reload may change.
func (c logConfig) logger(w io.Writer) (*slog.Logger, *slog.LevelVar) {
	level := new(slog.LevelVar)
	level.Set(c.level())
	opts := &slog.HandlerOptions{Level: level}
	if c.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), level
	}
	return slog.New(slog.NewTextHandler(w, opts)), level
}

// level is the configured level; the config's validation admits only
// names slog reads.
func (c logConfig) level() slog.Level {
	var level slog.Level
	_ = level.UnmarshalText([]byte(c.Level))
	return level
}
