package guard

// The interaction of the policy input, rendered as OPA terms.

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/open-policy-agent/opa/v1/ast"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// interactionTerm renders the interaction as the service reports it: the
// attributes every interaction has (null when empty), the optional ones only
// when the service sent them, and the attributes the guard does not model.
// The items are gathered on the stack, so an absent attribute costs nothing.
func interactionTerm(it *wwe.Interaction) (*ast.Term, error) {
	if it == nil {
		return ast.InternedNullTerm, nil
	}
	ud, err := userDataTerm(it.UserData)
	if err != nil {
		return nil, err
	}
	if it.UserData == nil {
		ud = ast.ObjectTerm()
	}
	var buf [24][2]*ast.Term
	items := append(buf[:0],
		ast.Item(keyInteractionID, strTerm(it.InteractionID)),
		ast.Item(keyInteractionUID, nullableTerm(it.InteractionUUID)),
		ast.Item(keyCallUUID, nullableTerm(it.CallUUID)),
		ast.Item(keyCaseID, nullableTerm(it.CaseID)),
		ast.Item(keyParentID, nullableTerm(it.ParentInteractionID)),
		ast.Item(keyMediaType, enumTerm(it.MediaType)),
		ast.Item(keyCallType, nullableEnumTerm(it.CallType)),
		ast.Item(keyState, enumTerm(it.State)),
		ast.Item(keyIsMainCase, ast.InternedTerm(it.IsMainCaseInteraction)),
		ast.Item(keyIsDone, ast.InternedTerm(it.IsDone)),
		ast.Item(keyUserData, ud),
		ast.Item(keyMarkdoneBlocks, blocksTerm(it.MarkdoneBlocks)),
	)
	for _, f := range [...]struct {
		key   *ast.Term
		value string
	}{
		{keyDirection, it.Direction}, {keyPreviousState, it.PreviousState}, {keyRecordingState, it.RecordingState},
	} {
		if f.value != "" {
			items = append(items, ast.Item(f.key, enumTerm(f.value)))
		}
	}
	for _, f := range [...]struct {
		key   *ast.Term
		value string
	}{{keyANI, it.ANI}, {keyDNIS, it.DNIS}} {
		if f.value != "" {
			items = append(items, ast.Item(f.key, strTerm(f.value)))
		}
	}
	for _, f := range [...]struct {
		key   *ast.Term
		value *bool
	}{
		{keyIsConsultation, it.IsConsultation}, {keyIsCaseSelected, it.IsCaseSelected}, {keyIsCaseExpanded, it.IsCaseExpanded},
	} {
		if f.value != nil {
			items = append(items, ast.Item(f.key, ast.InternedTerm(*f.value)))
		}
	}
	if it.Version != 0 {
		items = append(items, ast.Item(keyVersion, ast.InternedTerm(it.Version)))
	}
	if it.Parties != nil {
		parties, err := partiesTerm(it.Parties)
		if err != nil {
			return nil, fmt.Errorf("parties: %w", err)
		}
		items = append(items, ast.Item(keyParties, parties))
	}
	if len(it.Extra) > 0 {
		if items, err = appendExtraItems(items, it.Extra, wwe.Modelled); err != nil {
			return nil, err
		}
	}
	return ast.ObjectTerm(items...), nil
}

func partiesTerm(ps []wwe.Party) (*ast.Term, error) {
	out := make([]*ast.Term, len(ps))
	for i, p := range ps {
		items := [][2]*ast.Term{ast.Item(keyName, strTerm(p.Name))}
		if len(p.Extra) > 0 {
			var err error
			if items, err = appendExtraItems(items, p.Extra, isPartyName); err != nil {
				return nil, fmt.Errorf("%d: %w", i, err)
			}
		}
		out[i] = ast.ObjectTerm(items...)
	}
	return ast.ArrayTerm(out...), nil
}

func isPartyName(name string) bool { return name == "name" }

// appendExtraItems adds the attributes the guard does not model, as the
// service sent them; names modelled reports are left out, as the wire form
// leaves them out.
func appendExtraItems(items [][2]*ast.Term, extra map[string]json.RawMessage, modelled func(string) bool) ([][2]*ast.Term, error) {
	for name, raw := range extra {
		if modelled(name) {
			continue
		}
		v, err := ast.ValueFromReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%q: %w", name, err)
		}
		items = append(items, ast.Item(strTerm(name), ast.NewTerm(v)))
	}
	return items, nil
}
