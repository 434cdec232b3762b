package service

import "github.com/wwe-guard/wwe-guard/internal/wwe"

// markDone completes it, unless a client's block refuses it
// (MARKDONE_BLOCKED, with every block's message, and a MARKDONE_BLOCKED
// event).
func (m *Memory) markDone(it *wwe.Interaction) error {
	if it.IsDone || it.State == wwe.StateCompleted {
		return wwe.Errorf(wwe.CodeInvalidState, "interaction %q is already done", it.InteractionID)
	}
	if len(it.MarkdoneBlocks) > 0 {
		e := wwe.Errorf(wwe.CodeMarkdoneBlocked, "%s", it.MarkdoneBlocks[0].WarningMessage)
		for _, b := range it.MarkdoneBlocks {
			e.WarningMessages = append(e.WarningMessages, b.WarningMessage)
		}
		m.events.Publish(wwe.NewEvent(wwe.EventMarkdone, wwe.EventData{
			EventType: wwe.EventTypeMarkdoneBlocked, InteractionID: it.InteractionID, WarningMessages: e.WarningMessages,
		}))
		return e
	}
	setState(it, wwe.StateCompleted)
	it.IsDone = true
	m.changed(wwe.EventTypeChanged, it)
	return nil
}

// setBlock sets, replaces or clears the block the caller of cmd owns (its
// application, or its origin without one; through a relay, both).
func (m *Memory) setBlock(it *wwe.Interaction, cmd wwe.Command) error {
	if it.IsDone || it.State == wwe.StateCompleted {
		return wwe.Errorf(wwe.CodeInvalidState, "interaction %q is already done", it.InteractionID)
	}
	kept := it.MarkdoneBlocks[:0:0]
	removed := false
	set := wwe.MarkdoneBlock{WarningMessage: cmd.WarningMessage, Origin: cmd.Origin, Application: cmd.Application, Relayed: cmd.Relayed}
	owner := set.Owner()
	for _, b := range it.MarkdoneBlocks {
		if b.Owner() == owner {
			removed = true
			continue
		}
		kept = append(kept, b)
	}
	eventType := wwe.EventTypeMarkdoneBlockCleared
	if cmd.Op == wwe.OpBlockMarkdone {
		kept = append(kept, set)
		eventType = wwe.EventTypeMarkdoneBlockSet
	} else if !removed {
		return nil
	}
	it.MarkdoneBlocks = kept
	messages := []string{}
	for _, b := range kept {
		messages = append(messages, b.WarningMessage)
	}
	m.events.Publish(wwe.NewEvent(wwe.EventMarkdone, wwe.EventData{EventType: eventType, InteractionID: it.InteractionID, WarningMessages: messages}))
	m.changed(wwe.EventTypeChanged, it)
	return nil
}
