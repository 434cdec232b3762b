package policy

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// fullInput builds an input with every field of the document set, nested
// user data included; each call builds new maps and slices.
func fullInput() Input {
	warning := "Finish the survey"
	nested := func() wwe.UserData {
		return wwe.UserData{"Card": wwe.UserData{"Number": "4111", "Expiry": wwe.UserData{"Month": int64(12)}}, "Count": int64(3), "Note": "ok"}
	}
	return Input{
		Operation:      wwe.OpSetUserData,
		InteractionID:  "1",
		Writes:         WritesFor(wwe.OpSetUserData, nested(), ""),
		KeyValues:      nested(),
		Key:            "Note",
		WarningMessage: &warning,
		CaseID:         "case-1",
		Target:         map[string]any{"agent": "a2", "n": 1},
		Extensions:     wwe.UserData{"x": "y"},
		Interaction: &wwe.Interaction{
			InteractionID: "1", InteractionUUID: "u-1", CallUUID: "c-1", CaseID: "case-1", ParentInteractionID: "0",
			MediaType: "voice", CallType: wwe.CallTypeInbound, Direction: wwe.DirectionIn, State: wwe.StateTalking,
			PreviousState: wwe.StateRinging, RecordingState: wwe.RecordingRecording, ANI: "+1555", DNIS: "+1666",
			Parties:        []wwe.Party{{Name: "caller", Extra: map[string]json.RawMessage{"role": json.RawMessage(`{"a":[1,"two"]}`)}}},
			IsConsultation: wwe.Flag(false), IsCaseSelected: wwe.Flag(true), IsCaseExpanded: wwe.Flag(false),
			IsMainCaseInteraction: true, IsDone: false, UserData: nested(),
			MarkdoneBlocks: []wwe.MarkdoneBlock{{WarningMessage: "w", Origin: "https://crm"}},
			Version:        7, Boot: "b1",
			Extra: map[string]json.RawMessage{"x-vendor": json.RawMessage(`{"b":true,"a":1.50}`)},
		},
		MarkdoneBlocks: []wwe.MarkdoneBlock{{WarningMessage: "w", Origin: "https://crm"}},
		Caller:         Caller{Origin: "https://crm", Application: "crm", AgentID: "a1", FrameID: FrameID{Value: "13", Number: true}},
	}
}

func mustFingerprint(tb testing.TB, in Input) [32]byte {
	tb.Helper()
	fp, err := in.Fingerprint()
	if err != nil {
		tb.Fatal(err)
	}
	return fp
}

// TestFingerprintTellsDocumentsApart: an input that differs from another in
// any field of the document — nested user data, types and the attributes
// the guard does not model included — has another fingerprint, and every
// field of the input types is covered by a change below.
func TestFingerprintTellsDocumentsApart(t *testing.T) {
	t.Parallel()
	it := func(f func(*wwe.Interaction)) func(*Input) { return func(in *Input) { f(in.Interaction) } }
	changes := []struct {
		field  string // the field changed, as Type.Field
		name   string
		change func(*Input)
	}{
		{"Input.Operation", "operation", func(in *Input) { in.Operation = wwe.OpDeleteUserData }},
		{"Input.Request", "request named by the door", func(in *Input) { in.Request = "workspace.voice.update-user-data" }},
		{"Input.Door", "door", func(in *Input) { in.Door = DoorWorkspace }},
		{"Input.MediaType", "media type", func(in *Input) { in.MediaType = "voice" }},
		{"Input.InteractionID", "interaction id", func(in *Input) { in.InteractionID = "2" }},
		{"Input.InteractionID", "interaction id absent", func(in *Input) { in.InteractionID = "" }},
		{"Input.Writes", "no writes", func(in *Input) { in.Writes = nil }},
		{"Input.Writes", "write order", func(in *Input) { in.Writes[0], in.Writes[1] = in.Writes[1], in.Writes[0] }},
		{"Write.Op", "write op", func(in *Input) { in.Writes[0].Op = WriteDelete }},
		{"Write.Key", "write key", func(in *Input) { in.Writes[0].Key = "card" }},
		{"Write.Value", "nested write value", func(in *Input) {
			in.Writes[0].Value = wwe.UserData{"Number": "4111", "Expiry": wwe.UserData{"Month": int64(11)}}
		}},
		{"Input.KeyValues", "nested user-data value", func(in *Input) {
			in.KeyValues["Card"].(wwe.UserData)["Expiry"].(wwe.UserData)["Month"] = int64(1)
		}},
		{"Input.KeyValues", "nested user-data key", func(in *Input) {
			card := in.KeyValues["Card"].(wwe.UserData)
			card["number"] = card["Number"]
			delete(card, "Number")
		}},
		{"Input.KeyValues", "number as string", func(in *Input) { in.KeyValues["Count"] = "3" }},
		{"Input.KeyValues", "null user data", func(in *Input) { in.KeyValues = nil }},
		{"Input.KeyValues", "empty user data", func(in *Input) { in.KeyValues = wwe.UserData{} }},
		{"Input.KeyValues", "invalid UTF-8", func(in *Input) { in.KeyValues["Note"] = "ok\xff" }},
		{"Input.KeyValues", "other invalid UTF-8", func(in *Input) { in.KeyValues["Note"] = "ok\xfe" }},
		{"Input.KeyValues", "replacement character", func(in *Input) { in.KeyValues["Note"] = "ok\ufffd" }},
		{"Input.Key", "key", func(in *Input) { in.Key = "note" }},
		{"Input.WarningMessage", "no warning", func(in *Input) { in.WarningMessage = nil }},
		{"Input.WarningMessage", "empty warning", func(in *Input) { empty := ""; in.WarningMessage = &empty }},
		{"Input.CaseID", "case id", func(in *Input) { in.CaseID = "case-2" }},
		{"Input.Target", "target", func(in *Input) { in.Target = map[string]any{"agent": "a2", "n": 2} }},
		{"Input.Target", "target string", func(in *Input) { in.Target = "a2" }},
		{"Input.Extensions", "extensions", func(in *Input) { in.Extensions = wwe.UserData{"x": "z"} }},
		{"Input.Interaction", "no interaction", func(in *Input) { in.Interaction = nil }},
		{"Input.MarkdoneBlocks", "blocks", func(in *Input) { in.MarkdoneBlocks = nil }},
		{"Input.Caller", "caller", func(in *Input) { in.Caller = Caller{} }},
		{"Caller.Origin", "origin", func(in *Input) { in.Caller.Origin = "https://other" }},
		{"Caller.Application", "application", func(in *Input) { in.Caller.Application = "" }},
		{"Caller.AgentID", "agent", func(in *Input) { in.Caller.AgentID = "a2" }},
		{"Caller.FrameID", "frame", func(in *Input) { in.Caller.FrameID = FrameID{Value: "14", Number: true} }},
		{"FrameID.Value", "frame value", func(in *Input) { in.Caller.FrameID.Value = "1.3e1" }},
		{"FrameID.Number", "frame as string", func(in *Input) { in.Caller.FrameID.Number = false }},
		{"MarkdoneBlock.WarningMessage", "block warning", func(in *Input) { in.MarkdoneBlocks[0].WarningMessage = "v" }},
		{"MarkdoneBlock.Origin", "block origin", func(in *Input) { in.MarkdoneBlocks[0].Origin = "" }},
		{"MarkdoneBlock.Application", "block application", func(in *Input) { in.MarkdoneBlocks[0].Application = "ivr" }},
		{"Interaction.InteractionID", "interaction's id", it(func(i *wwe.Interaction) { i.InteractionID = "2" })},
		{"Interaction.InteractionUUID", "uuid", it(func(i *wwe.Interaction) { i.InteractionUUID = "" })},
		{"Interaction.CallUUID", "call uuid", it(func(i *wwe.Interaction) { i.CallUUID = "c-2" })},
		{"Interaction.CaseID", "interaction's case", it(func(i *wwe.Interaction) { i.CaseID = "case-2" })},
		{"Interaction.ParentInteractionID", "parent", it(func(i *wwe.Interaction) { i.ParentInteractionID = "" })},
		{"Interaction.MediaType", "media", it(func(i *wwe.Interaction) { i.MediaType = "chat" })},
		{"Interaction.CallType", "call type", it(func(i *wwe.Interaction) { i.CallType = wwe.CallTypeOutbound })},
		{"Interaction.Direction", "direction", it(func(i *wwe.Interaction) { i.Direction = "" })},
		{"Interaction.State", "state", it(func(i *wwe.Interaction) { i.State = wwe.StateHeld })},
		{"Interaction.PreviousState", "previous state", it(func(i *wwe.Interaction) { i.PreviousState = wwe.StateDialing })},
		{"Interaction.RecordingState", "recording", it(func(i *wwe.Interaction) { i.RecordingState = wwe.RecordingPaused })},
		{"Interaction.ANI", "ani", it(func(i *wwe.Interaction) { i.ANI = "+1556" })},
		{"Interaction.DNIS", "dnis", it(func(i *wwe.Interaction) { i.DNIS = "" })},
		{"Interaction.Parties", "no parties", it(func(i *wwe.Interaction) { i.Parties = nil })},
		{"Interaction.Parties", "empty parties", it(func(i *wwe.Interaction) { i.Parties = []wwe.Party{} })},
		{"Party.Name", "party name", it(func(i *wwe.Interaction) { i.Parties[0].Name = "agent" })},
		{"Party.Extra", "party attribute", it(func(i *wwe.Interaction) {
			i.Parties[0].Extra = map[string]json.RawMessage{"role": json.RawMessage(`{"a":[1,"three"]}`)}
		})},
		{"Interaction.IsConsultation", "consultation", it(func(i *wwe.Interaction) { i.IsConsultation = nil })},
		{"Interaction.IsCaseSelected", "selected", it(func(i *wwe.Interaction) { i.IsCaseSelected = wwe.Flag(false) })},
		{"Interaction.IsCaseExpanded", "expanded", it(func(i *wwe.Interaction) { i.IsCaseExpanded = wwe.Flag(true) })},
		{"Interaction.IsMainCaseInteraction", "main case", it(func(i *wwe.Interaction) { i.IsMainCaseInteraction = false })},
		{"Interaction.IsDone", "done", it(func(i *wwe.Interaction) { i.IsDone = true })},
		{"Interaction.UserData", "interaction's nested user data", it(func(i *wwe.Interaction) {
			i.UserData["Card"].(wwe.UserData)["Number"] = "4112"
		})},
		{"Interaction.MarkdoneBlocks", "interaction's blocks", it(func(i *wwe.Interaction) { i.MarkdoneBlocks = nil })},
		{"Interaction.Version", "version", it(func(i *wwe.Interaction) { i.Version = 8 })},
		{"Interaction.Extra", "unmodelled attribute", it(func(i *wwe.Interaction) {
			i.Extra = map[string]json.RawMessage{"x-vendor": json.RawMessage(`{"b":false,"a":1.50}`)}
		})},
		{"Interaction.Extra", "unmodelled number as written", it(func(i *wwe.Interaction) {
			i.Extra = map[string]json.RawMessage{"x-vendor": json.RawMessage(`{"b":true,"a":1.5}`)}
		})},
	}
	// Fields that are not part of the document the policies see.
	// MarkdoneBlock.Relayed only says how the service keys its owner.
	notInDocument := map[string]bool{"Interaction.Boot": true, "MarkdoneBlock.Relayed": true}

	covered := map[string]bool{}
	for _, c := range changes {
		covered[c.field] = true
	}
	for _, typ := range []reflect.Type{
		reflect.TypeFor[Input](), reflect.TypeFor[Write](), reflect.TypeFor[Caller](), reflect.TypeFor[FrameID](),
		reflect.TypeFor[wwe.Interaction](), reflect.TypeFor[wwe.Party](), reflect.TypeFor[wwe.MarkdoneBlock](),
	} {
		for i := range typ.NumField() {
			if name := typ.Name() + "." + typ.Field(i).Name; !covered[name] && !notInDocument[name] {
				t.Errorf("no change of %s is tested", name)
			}
		}
	}

	base := mustFingerprint(t, fullInput())
	seen := map[[32]byte]string{base: "the unchanged input"}
	for _, c := range changes {
		in := fullInput()
		c.change(&in)
		fp := mustFingerprint(t, in)
		if other, ok := seen[fp]; ok {
			t.Errorf("%s (%s): the fingerprint of %s", c.name, c.field, other)
			continue
		}
		seen[fp] = c.name
	}
}

// TestFingerprintOfTheSameDocument: inputs that are the same document have
// one fingerprint, whatever the order of their maps, and whatever field
// does not reach the policies.
func TestFingerprintOfTheSameDocument(t *testing.T) {
	t.Parallel()
	want := mustFingerprint(t, fullInput())
	for range 20 { // map iteration order differs from call to call
		if got := mustFingerprint(t, fullInput()); got != want {
			t.Fatalf("equal inputs: %x and %x", got, want)
		}
	}
	same := []struct {
		name string
		a, b func(*Input)
	}{
		{"a frameId marked as a number that is not one is null",
			func(in *Input) { in.Caller.FrameID = FrameID{Value: "13x", Number: true} },
			func(in *Input) { in.Caller.FrameID = FrameID{} }},
		{"an empty frameId is null",
			func(in *Input) { in.Caller.FrameID = FrameID{Value: ""} },
			func(in *Input) { in.Caller.FrameID = FrameID{} }},
		{"an int is the same number as an int64",
			func(in *Input) { in.KeyValues["Count"] = 3 },
			func(in *Input) { in.KeyValues["Count"] = int64(3) }},
		{"map[string]any is the same object as UserData",
			func(in *Input) { in.Extensions = wwe.UserData{"n": map[string]any{"a": "b"}} },
			func(in *Input) { in.Extensions = wwe.UserData{"n": wwe.UserData{"a": "b"}} }},
		{"the service's JSON in any member order and spacing",
			func(in *Input) { in.Interaction.Extra["x-vendor"] = json.RawMessage(`{"b":true,"a":1.50}`) },
			func(in *Input) { in.Interaction.Extra["x-vendor"] = json.RawMessage(` { "a" : 1.50 , "b" : true } `) }},
		{"a modelled name in Extra does not reach the policies",
			func(in *Input) { in.Interaction.Extra["state"] = json.RawMessage(`"X"`) },
			func(*Input) {}},
		{"the boot does not reach the policies",
			func(in *Input) { in.Interaction.Boot = "b2" },
			func(*Input) {}},
	}
	for _, tt := range same {
		a, b := fullInput(), fullInput()
		tt.a(&a)
		tt.b(&b)
		if fa, fb := mustFingerprint(t, a), mustFingerprint(t, b); fa != fb {
			t.Errorf("%s: %x and %x", tt.name, fa, fb)
		}
	}
}

// TestFingerprintFailsOnWhatIsNotJSON: rendering fails, as it does for
// evaluation, on an attribute that is not JSON or a value JSON cannot hold.
func TestFingerprintFailsOnWhatIsNotJSON(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(*Input){
		"attribute not JSON": func(in *Input) { in.Interaction.Extra["x-vendor"] = json.RawMessage(`{"a":`) },
		"NaN":                func(in *Input) { in.Target = map[string]any{"n": json.Number("NaN")} },
		"channel":            func(in *Input) { in.KeyValues["c"] = make(chan int) },
	} {
		in := fullInput()
		change(&in)
		if _, err := in.Fingerprint(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
