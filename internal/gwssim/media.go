package gwssim

import (
	"net/http"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// mediaData is the data of every media operation; each reads its fields.
type mediaData struct {
	UserData          workspace.KV `json:"userData"`
	Keys              []string     `json:"keys"`
	Queue             string       `json:"queue"`
	AddedProperties   workspace.KV `json:"addedProperties"`
	ChangedProperties workspace.KV `json:"changedProperties"`
	DeletedProperties workspace.KV `json:"deletedProperties"`
	Extension         workspace.KV `json:"extension"`
	Subtype           string       `json:"subtype"`
	Subject           string       `json:"subject"`
	AfterAction       string       `json:"afterAction"`
	Interactions      []string     `json:"interactions"`
	AddedUserData     workspace.KV `json:"addedUserData"`
	UpdatedUserData   workspace.KV `json:"updatedUserData"`
	DeletedUserData   []string     `json:"deletedUserData"`
}

func (d *mediaData) kvLists() []workspace.KV {
	return []workspace.KV{d.UserData, d.AddedProperties, d.ChangedProperties, d.DeletedProperties,
		d.Extension, d.AddedUserData, d.UpdatedUserData}
}

// mediaOp serves POST /workspace/v3/media/{mediatype}/interactions/{id}/<name>
// (or a route with the media type written out, given as mediatype): the
// interaction is looked up in the caller's session (404), its state must
// allow name (409) when checked, and f does the rest.
func (s *Sim) mediaOp(mediatype, name string, checked bool, f func(*op, *interaction, *mediaData) error) handler {
	return s.run(func(o *op) error {
		mt := mediatype
		if mt == "" {
			mt = o.r.PathValue("mediatype")
		}
		ix, err := o.sess.findInteraction(mt, o.r.PathValue("id"))
		var d mediaData
		if err = ready(err, ix, name, checked, o.req.Data, &d); err != nil {
			return err
		}
		return f(o, ix, &d)
	})
}

func (s *Sim) accept(o *op, ix *interaction, _ *mediaData) error {
	ix.setState(Processing)
	s.publishInteraction(o.sess, ix, statusChange, o.echo())
	return nil
}

// completeIxn is complete and reject: the interaction is done.
func (s *Sim) completeIxn(o *op, ix *interaction, _ *mediaData) error {
	s.completeInteraction(o.sess, ix, o.echo())
	return nil
}

// writeMediaUserData is attach-user-data (KV.Attach) or update-user-data
// (KV.Update), published as PropertiesUpdated.
func (s *Sim) writeMediaUserData(edit func(workspace.KV, workspace.KV) workspace.KV) func(*op, *interaction, *mediaData) error {
	return func(o *op, ix *interaction, d *mediaData) error {
		if d.UserData == nil {
			return errorf(http.StatusBadRequest, "data.userData is required")
		}
		ix.UserData = edit(ix.UserData, d.UserData)
		s.publishInteraction(o.sess, ix, propertiesUpdated, o.echo())
		return nil
	}
}

// deleteUserData takes the official body {"data":{"keys":["K",…]}}.
func (s *Sim) deleteUserData(o *op, ix *interaction, d *mediaData) error {
	if len(d.Keys) == 0 {
		return errorf(http.StatusBadRequest, "data.keys is required")
	}
	ix.UserData = ix.UserData.Delete(d.Keys...)
	s.publishInteraction(o.sess, ix, propertiesUpdated, o.echo())
	return nil
}

// placeInQueue applies the properties (added and changed as updates,
// deleted by key) and records the queue; the sim does not route, so the
// interaction stays with the agent.
func (s *Sim) placeInQueue(o *op, ix *interaction, d *mediaData) error {
	if d.Queue == "" {
		return errorf(http.StatusBadRequest, "data.queue is required")
	}
	if len(d.AddedProperties)+len(d.ChangedProperties)+len(d.DeletedProperties) > 0 {
		ix.UserData = ix.UserData.Update(d.AddedProperties).Update(d.ChangedProperties).Delete(d.DeletedProperties.Keys()...)
		s.publishInteraction(o.sess, ix, propertiesUpdated, o.echo())
	}
	ix.Queue = d.Queue
	s.publishInteraction(o.sess, ix, statusChange, o.echo())
	return nil
}

// notify accepts an operation the sim does not play out (chat
// send-custom-notification, send-system-command) and publishes the
// interaction as it is.
func (s *Sim) notify(o *op, ix *interaction, _ *mediaData) error {
	s.publishInteraction(o.sess, ix, statusChange, o.echo())
	return nil
}
