package service

import "github.com/wwe-guard/wwe-guard/internal/wwe"

// selectCase selects a case: the interactions of caseID become selected
// and expanded, those of every other case neither (a flag that was never
// set stays absent). An interaction whose flags change gets a new revision;
// the case events, not CHANGED, tell subscribers what happened.
func (m *Memory) selectCase(caseID string) error {
	found := false
	for _, it := range m.byID {
		found = found || it.CaseID == caseID
	}
	if !found {
		return wwe.Errorf(wwe.CodeCaseNotFound, "case %q not found", caseID)
	}
	for _, id := range m.order {
		it := m.byID[id]
		in := it.CaseID == caseID
		a, b := setFlag(&it.IsCaseSelected, in), setFlag(&it.IsCaseExpanded, in)
		if a || b {
			it.Version++
		}
	}
	if m.selected != "" && m.selected != caseID {
		m.events.Publish(wwe.NewEvent(wwe.EventInteraction, wwe.EventData{EventType: wwe.EventTypeCollapsed, CaseID: m.selected}))
	}
	m.selected = caseID
	m.events.Publish(wwe.NewEvent(wwe.EventInteraction, wwe.EventData{EventType: wwe.EventTypeCaseSelected, SelectedCaseID: caseID}))
	m.events.Publish(wwe.NewEvent(wwe.EventInteraction, wwe.EventData{EventType: wwe.EventTypeExpanded, CaseID: caseID}))
	return nil
}

// setFlag sets *flag to on, or clears it when it is set and on is false; it
// reports whether the flag changed.
func setFlag(flag **bool, on bool) bool {
	switch {
	case on && !isSet(*flag):
		*flag = wwe.Flag(true)
	case !on && isSet(*flag):
		*flag = wwe.Flag(false)
	default:
		return false
	}
	return true
}

func isSet(flag *bool) bool { return flag != nil && *flag }

func cloneFlag(flag *bool) *bool {
	if flag == nil {
		return nil
	}
	return wwe.Flag(*flag)
}
