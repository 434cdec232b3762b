package gwssim

import (
	"net/http"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// voiceData is the data of every voice operation; each reads its fields.
type voiceData struct {
	Destination  string       `json:"destination"`
	Key          *string      `json:"key"`
	ParentConnID string       `json:"parentConnId"`
	ConnID       string       `json:"connId"`
	CallUUID     string       `json:"callUuid"`
	UserData     workspace.KV `json:"userData"`
	Reasons      workspace.KV `json:"reasons"`
	Extensions   workspace.KV `json:"extensions"`
}

func (d *voiceData) kvLists() []workspace.KV {
	return []workspace.KV{d.UserData, d.Reasons, d.Extensions}
}

func (d *voiceData) needUserData() error {
	if d.UserData == nil {
		return errorf(http.StatusBadRequest, "data.userData is required")
	}
	return nil
}

func (d *voiceData) needDestination() error {
	if d.Destination == "" {
		return errorf(http.StatusBadRequest, "data.destination is required")
	}
	return nil
}

// voiceOp serves POST /workspace/v3/voice/<name> for an operation that
// names no call (make-call, send-user-event): the data is decoded, need
// checks it (400), and f does the rest.
func (s *Sim) voiceOp(need func(*voiceData) error, f func(*op, *voiceData) error) handler {
	return s.run(func(o *op) error {
		var d voiceData
		if err := decodeData(o.req.Data, &d); err != nil {
			return err
		}
		if err := need(&d); err != nil {
			return err
		}
		return f(o, &d)
	})
}

// callOp serves POST /workspace/v3/voice/calls/{id}/<name>: the call is
// looked up in the caller's session (404), its state must allow name (409)
// unless the operation is not checked, and f does the rest.
func (s *Sim) callOp(name string, checked bool, f func(*op, *call, *voiceData) error) handler {
	return s.run(func(o *op) error {
		c, err := o.sess.findCall(o.r.PathValue("id"))
		var d voiceData
		if err = ready(err, c, name, checked, o.req.Data, &d); err != nil {
			return err
		}
		return f(o, c, &d)
	})
}

// toState is an operation that only moves the call to state, echoing the
// caller's operationId when echo is set.
func (s *Sim) toState(state string, echo bool) func(*op, *call, *voiceData) error {
	return func(o *op, c *call, _ *voiceData) error {
		id := ""
		if echo {
			id = o.echo()
		}
		s.changeState(o.sess, c, state, id)
		return nil
	}
}

func (s *Sim) releaseCall(o *op, c *call, _ *voiceData) error {
	s.release(o.sess, c, "")
	return nil
}

// completeCall applies the body's userData (update semantics), then marks
// the call done.
func (s *Sim) completeCall(o *op, c *call, d *voiceData) error {
	if err := d.needUserData(); err != nil {
		return err
	}
	s.updateUserData(o.sess, c, d.UserData)
	s.complete(o.sess, c, o.echo())
	return nil
}

// writeUserData is attach-user-data (edit = KV.Attach) or
// update-user-data (KV.Update).
func (s *Sim) writeUserData(edit func(workspace.KV, workspace.KV) workspace.KV) func(*op, *call, *voiceData) error {
	return func(o *op, c *call, d *voiceData) error {
		if err := d.needUserData(); err != nil {
			return err
		}
		c.UserData = edit(c.UserData, d.UserData)
		s.publishCall(o.sess, c, attachedDataChanged, "")
		return nil
	}
}

// deleteUserDataPair takes the official body {"data":{"key":"K"}}.
func (s *Sim) deleteUserDataPair(o *op, c *call, d *voiceData) error {
	if d.Key == nil || *d.Key == "" {
		return errorf(http.StatusBadRequest, "data.key is required")
	}
	c.UserData = c.UserData.Delete(*d.Key)
	s.publishCall(o.sess, c, attachedDataChanged, "")
	return nil
}

// makeCall is POST /workspace/v3/voice/make-call: an outbound call with the
// body's userData, Dialing and then Established (no artificial delay).
func (s *Sim) makeCall(o *op, d *voiceData) error {
	if !o.sess.activated {
		return errorf(http.StatusConflict, "channels are not activated")
	}
	if d.Destination == o.sess.dn.Number {
		s.publish(o.sess, workspace.ChannelVoice, map[string]any{"messageType": "EventError",
			"error": map[string]any{"errorCode": 415, "errorMessage": "Invalid Destination DN"}})
		return nil
	}
	c := newCall("Outbound", Dialing, o.sess.dn.Number, d.Destination, d.UserData)
	c.Participants = []participant{{Number: d.Destination, Role: "RoleDestination"}}
	if err := s.addCall(o.sess, c); err != nil {
		return err
	}
	s.changeState(o.sess, c, Established, "")
	return nil
}

// sendUserEvent is POST /workspace/v3/voice/send-user-event: published back
// as EventUserEvent.
func (s *Sim) sendUserEvent(o *op, d *voiceData) error {
	ev := map[string]any{"messageType": "EventUserEvent", "userData": d.UserData}
	if d.ConnID != "" {
		ev["connId"] = d.ConnID
	}
	if d.CallUUID != "" {
		ev["callUuid"] = d.CallUUID
	}
	s.publish(o.sess, workspace.ChannelVoice, ev)
	return nil
}
