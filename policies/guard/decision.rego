# The entry point: gathers the extension points into one decision document.
package wwe.guard

access_reasons := [r | some r in data.wwe.access.deny]

userdata_reasons := [r | some r in data.wwe.userdata.deny]

# Blocks are gathered for markdone only, so other operations do not evaluate them.
block_reasons := [r | input.operation == "markdone"; some r in data.wwe.markdone.block]

denied_keys := sort({r.key | some r in userdata_reasons})

warning_messages := sort({r.message | some r in block_reasons})

read_deny := sort({k | some k in data.wwe.userdata.read_deny})

# An access deny refuses the operation itself; nothing else is looked at.
decision := {
	"allow": false,
	"deniedKeys": [],
	"reasons": access_reasons,
	"warningMessages": [],
	"readDeny": read_deny,
} if count(access_reasons) > 0

decision := {
	"allow": (count(userdata_reasons) + count(block_reasons)) == 0,
	"deniedKeys": denied_keys,
	"reasons": array.concat(userdata_reasons, block_reasons),
	"warningMessages": warning_messages,
	"readDeny": read_deny,
} if count(access_reasons) == 0
