# The entry point: gathers the extension points into one decision document.
package wwe.guard

# dry_run_codes are the reason codes of rules rolled out in observe-only mode:
# data.wwe.rollout.dryrun, which the guard fills from a data file and from
# rules annotated with labels.enforcement: dryrun.
dry_run_codes := {c | some c in data.wwe.rollout.dryrun}

enforced(r) if not r.code in dry_run_codes

access_reasons := [r | some r in data.wwe.access.deny; enforced(r)]

userdata_reasons := [r | some r in data.wwe.userdata.deny; enforced(r)]

# Block rules are evaluated for markdone only, so they need not test the
# operation themselves.
block_reasons := [r | input.operation == "markdone"; some r in data.wwe.markdone.block; enforced(r)]

# dry_run_reasons are what the observe-only rules would have refused; with
# no rule in observe-only mode there is nothing to gather.
default dry_run_reasons := []

dry_run_reasons := array.concat(
	[r | some r in data.wwe.access.deny; not enforced(r)],
	array.concat(
		[r | some r in data.wwe.userdata.deny; not enforced(r)],
		[r | input.operation == "markdone"; some r in data.wwe.markdone.block; not enforced(r)],
	),
) if count(dry_run_codes) > 0

denied_keys := sort({r.key | some r in userdata_reasons})

warning_messages := sort({r.message | some r in block_reasons})

read_deny := sort({k | some k in data.wwe.userdata.read_deny})

# METADATA
# title: The guard's decision
# description: |
#   The one document the guard evaluates: allow, deniedKeys, reasons,
#   warningMessages, readDeny, and dryRunReasons (what observe-only rules
#   would have refused). An access deny refuses the operation itself and
#   nothing else is looked at.
# scope: document
# entrypoint: true
decision := {
	"allow": false,
	"deniedKeys": [],
	"reasons": access_reasons,
	"warningMessages": [],
	"readDeny": read_deny,
	"dryRunReasons": dry_run_reasons,
} if count(access_reasons) > 0

decision := {
	"allow": (count(userdata_reasons) + count(block_reasons)) == 0,
	"deniedKeys": denied_keys,
	"reasons": array.concat(userdata_reasons, block_reasons),
	"warningMessages": warning_messages,
	"readDeny": read_deny,
	"dryRunReasons": dry_run_reasons,
} if count(access_reasons) == 0
