package service

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"sync"

	"github.com/wwe-guard/wwe-guard/internal/fanout"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// Memory is the reference WWE service, in memory. It is safe for concurrent
// use; a command that fails changes nothing; every interaction it returns is
// a copy.
type Memory struct {
	boot     string // this lifetime of the service: every revision it gives carries it
	mu       sync.Mutex
	byID     map[string]*wwe.Interaction
	order    []string
	selected string // the selected case
	nextID   int
	events   *fanout.Broadcaster
}

// newBoot returns a random id for one lifetime of the service.
func newBoot() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// NewMemory returns a service holding copies of seed, its revisions those
// of a new lifetime: a version of this Memory never matches a revision of
// another, a restarted service's included.
func NewMemory(seed []*wwe.Interaction) *Memory {
	m := &Memory{boot: newBoot(), byID: map[string]*wwe.Interaction{}, events: fanout.New()}
	for _, it := range seed {
		c := it.Clone()
		c.Boot = m.boot
		if c.Version == 0 {
			c.Version = 1
		}
		m.byID[c.InteractionID] = c
		m.order = append(m.order, c.InteractionID)
		if m.selected == "" && c.CaseID != "" && isSet(c.IsCaseSelected) {
			m.selected = c.CaseID // the seed says which case is selected
		}
		if n, err := strconv.Atoi(c.InteractionID); err == nil && n >= m.nextID {
			m.nextID = n + 1
		}
	}
	if m.nextID == 0 {
		m.nextID = 1
	}
	return m
}

// Interactions returns every interaction in seed and creation order.
func (m *Memory) Interactions(context.Context) ([]*wwe.Interaction, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]*wwe.Interaction, 0, len(m.order))
	for _, id := range m.order {
		out = append(out, m.byID[id].Clone())
	}
	return out, nil
}

// Interaction returns one interaction, or INTERACTION_NOT_FOUND.
func (m *Memory) Interaction(_ context.Context, id string) (*wwe.Interaction, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	it, err := m.get(id)
	if err != nil {
		return nil, err
	}
	return it.Clone(), nil
}

// InteractionForWrite reads the interaction, as Interaction does: in
// process a read costs less than remembering one.
func (m *Memory) InteractionForWrite(ctx context.Context, id string) (*wwe.Interaction, error) {
	return m.Interaction(ctx, id)
}

// Subscribe streams the service's events.
func (m *Memory) Subscribe(ctx context.Context) (<-chan wwe.Event, error) {
	return m.events.Subscribe(ctx), nil
}

// Ready reports that the in-process service is always reachable.
func (m *Memory) Ready(context.Context) error { return nil }

func (m *Memory) get(id string) (*wwe.Interaction, error) {
	it, ok := m.byID[id]
	if !ok {
		return nil, wwe.Errorf(wwe.CodeInteractionNotFound, "interaction %q not found", id)
	}
	return it, nil
}

// Do performs one write. The semantics of each operation are documented in
// the README ("The reference service").
func (m *Memory) Do(_ context.Context, cmd wwe.Command) (*wwe.Interaction, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if cmd.Op == wwe.OpSelectCaseByCaseID {
		return nil, m.selectCase(cmd.CaseID)
	}
	it, err := m.get(cmd.InteractionID)
	if err != nil {
		return nil, err
	}
	if cmd.IfMatch.Known() && cmd.IfMatch != it.Revision() {
		return nil, wwe.Errorf(wwe.CodeInteractionChanged, "interaction %q changed: revision %s, not %s", it.InteractionID, it.Revision().ETag(), cmd.IfMatch.ETag())
	}
	result, err := m.apply(it, cmd)
	if err != nil {
		return nil, err
	}
	return result.Clone(), nil
}

func (m *Memory) apply(it *wwe.Interaction, cmd wwe.Command) (*wwe.Interaction, error) {
	switch cmd.Op {
	case wwe.OpSetUserData, wwe.OpDeleteUserData, wwe.OpConsult, wwe.OpSingleStepTransfer, wwe.OpSingleStepConference:
		if !it.Live() {
			return nil, wwe.Errorf(wwe.CodeInteractionNotLive, "interaction %q is not live (state %s)", it.InteractionID, it.State)
		}
	}
	switch cmd.Op {
	case wwe.OpSetUserData:
		writeUserData(it, cmd.KeyValues)
	case wwe.OpDeleteUserData:
		if _, ok := it.UserData[cmd.Key]; !ok {
			return it, nil // deleting a key that is not set is not an error
		}
		delete(it.UserData, cmd.Key)
	case wwe.OpMarkDone:
		return it, m.markDone(it)
	case wwe.OpBlockMarkdone, wwe.OpUnblockMarkdone:
		return it, m.setBlock(it, cmd)
	case wwe.OpAccept, wwe.OpReject:
		if it.State != wwe.StateRinging {
			return nil, wwe.Errorf(wwe.CodeInvalidState, "interaction %q is %s, not RINGING", it.InteractionID, it.State)
		}
		next := wwe.StateRejected
		if cmd.Op == wwe.OpAccept {
			next = wwe.StateAccepted
			if it.MediaType == "voice" {
				next = wwe.StateTalking
			}
		}
		setState(it, next)
	case wwe.OpConsult:
		return m.consult(it, cmd)
	case wwe.OpSingleStepTransfer:
		writeUserData(it, cmd.KeyValues)
		setState(it, wwe.StateIdle)
	case wwe.OpSingleStepConference:
		writeUserData(it, cmd.KeyValues)
	case wwe.OpCompleteTransfer, wwe.OpCompleteConference:
		consult := m.activeConsultation(it.InteractionID)
		if consult == nil {
			return nil, wwe.Errorf(wwe.CodeInvalidState, "interaction %q has no active consultation", it.InteractionID)
		}
		setState(consult, wwe.StateIdle)
		m.changed(wwe.EventTypeChanged, consult)
		if cmd.Op == wwe.OpCompleteTransfer {
			setState(it, wwe.StateIdle)
		}
	default:
		return nil, wwe.Errorf(wwe.CodeInvalidRequest, "unsupported operation %s", cmd.Op)
	}
	m.changed(wwe.EventTypeChanged, it)
	return it, nil
}

// setState moves it to state next, remembering the state it leaves in
// previousState; staying in the same state is not a state change.
func setState(it *wwe.Interaction, next string) {
	if it.State != next {
		it.PreviousState, it.State = it.State, next
	}
}

// writeUserData overwrites the given keys; a nested value replaces the old
// value whole.
func writeUserData(it *wwe.Interaction, kv wwe.UserData) {
	if it.UserData == nil {
		it.UserData = wwe.UserData{}
	}
	for k, v := range kv.Clone() {
		it.UserData[k] = v
	}
}

func (m *Memory) consult(parent *wwe.Interaction, cmd wwe.Command) (*wwe.Interaction, error) {
	if m.activeConsultation(parent.InteractionID) != nil {
		return nil, wwe.Errorf(wwe.CodeInvalidState, "interaction %q already has an active consultation", parent.InteractionID)
	}
	id := strconv.Itoa(m.nextID)
	m.nextID++
	c := &wwe.Interaction{
		InteractionID:       id,
		InteractionUUID:     fmt.Sprintf("consult-%s-%s", parent.InteractionID, id),
		CaseID:              parent.CaseID,
		ParentInteractionID: parent.InteractionID,
		MediaType:           parent.MediaType,
		CallType:            wwe.CallTypeConsult,
		State:               wwe.StateDialing,
		IsConsultation:      wwe.Flag(true),
		IsCaseSelected:      cloneFlag(parent.IsCaseSelected),
		IsCaseExpanded:      cloneFlag(parent.IsCaseExpanded),
		UserData:            parent.UserData.Clone(),
		Boot:                m.boot,
	}
	writeUserData(c, cmd.KeyValues)
	m.byID[id] = c
	m.order = append(m.order, id)
	m.changed(wwe.EventTypeAdded, c)
	return c, nil
}

func (m *Memory) activeConsultation(parentID string) *wwe.Interaction {
	for _, id := range m.order {
		if c := m.byID[id]; c.ParentInteractionID == parentID && c.Live() {
			return c
		}
	}
	return nil
}

// changed gives it a new revision and tells subscribers.
func (m *Memory) changed(eventType string, it *wwe.Interaction) {
	it.Version++
	m.events.Publish(wwe.NewEvent(wwe.EventInteraction, wwe.EventData{EventType: eventType, InteractionID: it.InteractionID, Interaction: it.Clone()}))
}
