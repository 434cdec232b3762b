# blockMarkdone: every explicit client block refuses markdone with its message.
package wwe.markdone

# METADATA
# title: Explicit client markdone blocks
# description: Every block set with blockMarkdone refuses markdone with its warning message.
# labels:
#   code: CLIENT_BLOCK
#   control: interaction.blockMarkdone
block contains {"code": "CLIENT_BLOCK", "message": b.warningMessage, "origin": b.origin} if {
	some b in input.markdoneBlocks
}
