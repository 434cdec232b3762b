package guard

import (
	"fmt"
	"io"
	"log/slog"

	"github.com/open-policy-agent/opa/v1/topdown/print"
)

// logPrinter sends what Rego's print() writes during a decision to the
// guard's log at debug level, with the decision's id.
type logPrinter struct{ log *slog.Logger }

func (p logPrinter) Print(pctx print.Context, msg string) error {
	p.log.LogAttrs(pctx.Context, slog.LevelDebug, "rego print", slog.String("location", location(pctx)), slog.String("msg", msg))
	return nil
}

// writerPrinter writes print() output to w, one "file:line: message" line
// each, as `opa eval` does (wwe-guard eval).
type writerPrinter struct{ w io.Writer }

func (p writerPrinter) Print(pctx print.Context, msg string) error {
	_, err := fmt.Fprintf(p.w, "%s: %s\n", location(pctx), msg)
	return err
}

func location(pctx print.Context) string {
	if pctx.Location == nil {
		return "?"
	}
	return pctx.Location.String()
}
