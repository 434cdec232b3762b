package main

import (
	"net/http"
	"testing"
)

// TestE2EDispositionMustBeSet: with interaction.disposition.is-mandatory,
// markdone of a main case interaction needs a disposition that is set as
// DESIGN.md §9.1 defines it. An object, an object with an empty code, and a
// string of only white space and invisible (Cf) characters are written but
// leave markdone blocked (409); a real string, or an integer, releases it.
func TestE2EDispositionMustBeSet(t *testing.T) {
	t.Parallel()
	base := startGuard(t, "--config", writeConfig(t, "", ""))
	markdone := func(id string) reply {
		return send(t, http.MethodPost, base+"/v1/interactions/"+id+"/markdone", "")
	}
	write := func(id, body string) {
		send(t, http.MethodPatch, base+"/v1/interactions/"+id+"/user-data", body).expect(t, http.StatusOK, "")
	}
	for _, blank := range []string{`{}`, `{"code":""}`, `"\u200b \ufeff\u2060"`, `" \t"`} {
		write("1", `{"DispositionCode":`+blank+`}`)
		markdone("1").expect(t, http.StatusConflict, "MARKDONE_BLOCKED")
	}
	write("1", `{"DispositionCode":"Sale"}`)
	markdone("1").expect(t, http.StatusOK, "")

	markdone("3").expect(t, http.StatusConflict, "MARKDONE_BLOCKED")
	write("3", `{"DispositionCode":7}`)
	markdone("3").expect(t, http.StatusOK, "")
}
