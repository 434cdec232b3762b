# WWE options with their Genesys defaults, and the option list syntax.
package wwe.config

defaults := {
	"service-client-api.user-data.write-allowed": "*",
	"service-client-api.user-data.read-allowed": "*",
	"interaction.disposition.key-name": "DispositionCode",
	"interaction.disposition.is-mandatory": false,
}

# option(name) is the configured value of an option, or its default.
option(name) := data.wwe.options[name] if {
	data.wwe.options[name] != null
} else := defaults[name]

# is_set(name) holds when the option is configured (not null).
is_set(name) if data.wwe.options[name] != null

# enabled(name) holds for a boolean option that is true. The guard converts
# the config's "true"/"false" (in any case) to booleans before policies see
# them; the string form is read the same way for data that did not come
# through the guard (opa eval with a data file of one's own).
enabled(name) if option(name) == true

enabled(name) if {
	is_string(option(name))
	lower(option(name)) == "true"
}

# key_list(name) is the set of items of a comma-separated option, trimmed.
key_list(name) := {item |
	some raw in split(option(name), ",")
	item := trim_space(raw)
	item != ""
}

# allows(name, key) holds when the key list option admits key: "*" admits all.
allows(name, _) if "*" in key_list(name)

allows(name, key) if key in key_list(name)

# service_client_options_apply holds where the shipped Service Client API
# options (write-allowed, read-allowed) apply: on every door, unless the
# guard in front of GWS is told workspace.serviceClientOptions: ignore,
# which limits them to the v1 and scapi doors (DESIGN.md §8.1).
service_client_options_apply if not input.door == "workspace"

service_client_options_apply if not data.wwe.workspace.serviceClientOptions == "ignore"

# scapi_door holds on the doors that carry SCAPI requests (v1 and scapi),
# where origin filters apply; not on the Workspace API v3 door, whose
# caller GWS authenticates.
scapi_door if not input.door == "workspace"
