package wwe.config_test

import data.wwe.config

test_option_default if {
	config.option("interaction.disposition.key-name") == "DispositionCode" with data.wwe.options as {}
	config.option("service-client-api.user-data.write-allowed") == "*" with data.wwe.options as {"x": null}
}

test_option_configured if {
	config.option("interaction.disposition.key-name") == "Dispo" with data.wwe.options as {"interaction.disposition.key-name": "Dispo"}
}

test_enabled_bool_and_string if {
	config.enabled("f") with data.wwe.options as {"f": true}
	config.enabled("f") with data.wwe.options as {"f": "TRUE"}
	not config.enabled("f") with data.wwe.options as {"f": false}
	not config.enabled("f") with data.wwe.options as {"f": "false"}
	not config.enabled("interaction.disposition.is-mandatory") with data.wwe.options as {}
}

# The guard refuses every other value of a boolean option; what it would
# refuse is not true here either.
test_enabled_only_true_in_any_case if {
	every value in [" true", "yes", "1", 1, {"true": true}, ["true"]] {
		not config.enabled("f") with data.wwe.options as {"f": value}
	}
}

test_allows_list_syntax if {
	o := {"w": " A , B,,C "}
	config.allows("w", "A") with data.wwe.options as o
	config.allows("w", "C") with data.wwe.options as o
	not config.allows("w", "a") with data.wwe.options as o
	not config.allows("w", " A ") with data.wwe.options as o
	not config.allows("w", "") with data.wwe.options as o
}

test_allows_star if {
	config.allows("w", "anything") with data.wwe.options as {"w": "*"}
	config.allows("w", "anything") with data.wwe.options as {"w": "A, *"}
	config.allows("service-client-api.user-data.write-allowed", "x") with data.wwe.options as {}
}

test_allows_empty_value_allows_nothing if {
	not config.allows("w", "A") with data.wwe.options as {"w": ""}
	not config.allows("w", "A") with data.wwe.options as {"w": "  "}
}
