package main

import (
	"bytes"
	"context"
	"net/http"
	"testing"
)

// TestE2EOptionsCheckedAgainstTheSchema: a misspelled WWE option name, or a
// value of the wrong type, would leave the real option unset (every key
// writable). Each is a check error naming the nearest known option, serve
// refuses to start with the same message, and every problem is reported at
// once. The correctly spelled options, in each accepted form (a boolean or
// "true" in any case, an integer or a decimal string), load and refuse SSN.
func TestE2EOptionsCheckedAgainstTheSchema(t *testing.T) {
	t.Parallel()
	const (
		writeAllowed = "options.service-client-api.user-data.write-allowed: "
		misspelled   = "options.service-client-api.user-data.write-alowed: unknown option; did you mean service-client-api.user-data.write-allowed?"
		origins      = "options.service-client-api.accepted-web-content-origin: unknown option; did you mean service-client-api.accepted-web-content-origins?"
		readAllowed  = "options.service-client-api.user-data.read-allowed: must be a string, not the integer 5"
		writeBool    = writeAllowed + "must be a string, not the boolean true"
		mandatory    = `options.interaction.disposition.is-mandatory: must be a boolean (true, false, "true" or "false" in any case), not the string "yes"`
		rateLimit    = `options.service-client-api.rate-limit: must be an integer or a decimal string, not the string "60/min"`
	)
	tests := []struct {
		name, options string
		want          []string
	}{
		{"misspelled name", "\n  service-client-api.user-data.write-alowed: \"Notes\"\n", []string{misspelled}},
		{"read-allowed as a number", "\n  service-client-api.user-data.read-allowed: 5\n", []string{readAllowed}},
		{"write-allowed as a boolean", "\n  service-client-api.user-data.write-allowed: true\n", []string{writeBool}},
		{"origins without its s", "\n  service-client-api.accepted-web-content-origin: \"https://crm\"\n", []string{origins}},
		{"boolean as another word", "\n  interaction.disposition.is-mandatory: \"yes\"\n", []string{mandatory}},
		{"integer as another word", "\n  service-client-api.rate-limit: \"60/min\"\n", []string{rateLimit}},
		{"every problem at once", `
  service-client-api.user-data.write-alowed: "Notes"
  service-client-api.user-data.read-allowed: 5
  service-client-api.accepted-web-content-origin: "https://crm"
  interaction.disposition.is-mandatory: "yes"
`, []string{misspelled, readAllowed, origins, mandatory}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			expectRefusedConfig(t, writeConfig(t, tt.options, ""), tt.want...)
		})
	}

	good := writeConfig(t, `
  service-client-api.user-data.write-allowed: "Notes,DispositionCode"
  interaction.disposition.is-mandatory: "TRUE"
  service-client-api.rate-limit: "6000"
  service-client-api.rate-limit-quarantine-delay: 0
`, "")
	if err := run(context.Background(), []string{"check", "--config", good}, &bytes.Buffer{}, &bytes.Buffer{}); err != nil {
		t.Fatalf("check of the correctly spelled options: %v", err)
	}
	base := startGuard(t, "--config", good)
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"Notes":"n"}`).expect(t, http.StatusOK, "")
	send(t, http.MethodPatch, base+"/v1/interactions/1/user-data", `{"SSN":"1"}`).expect(t, http.StatusForbidden, "USER_DATA_WRITE_NOT_ALLOWED")
	send(t, http.MethodPost, base+"/v1/interactions/1/markdone", "").expect(t, http.StatusConflict, "MARKDONE_BLOCKED")
}
