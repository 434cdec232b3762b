package gwssim

import "net/http"

// New interactions, chat's leave, and the bulk media-management and UCS
// calls.

// createInteraction is POST /workspace/v3/media/{mediatype}/interactions/create
// (and email's own route): an outbound interaction with the body's userData.
func (s *Sim) createInteraction(mediatype string) handler {
	return s.run(func(o *op) error {
		mt := mediatype
		if mt == "" {
			mt = o.r.PathValue("mediatype")
		}
		var d mediaData
		if err := decodeData(o.req.Data, &d); err != nil {
			return err
		}
		if !o.sess.activated {
			return errorf(http.StatusConflict, "channels are not activated")
		}
		subtype, state := d.Subtype, Processing
		if subtype == "" {
			subtype = "OutboundNew"
		}
		if mt == "email" {
			state = Composing
		}
		ix := newInteraction(mt, "Outbound", subtype, state, d.UserData)
		ix.Subject, ix.Queue = d.Subject, d.Queue
		return s.addInteraction(o.sess, ix, o.echo())
	})
}

// emailFollowUp is email reply (OutboundReply) or forward (OutboundNew): a
// new outbound email whose parentId is the email, with the body's userData.
func (s *Sim) emailFollowUp(subtype string) func(*op, *interaction, *mediaData) error {
	return func(o *op, parent *interaction, d *mediaData) error {
		ix := newInteraction("email", "Outbound", subtype, Composing, d.UserData)
		ix.ParentID, ix.Subject = parent.ID, parent.Subject
		return s.addInteraction(o.sess, ix, o.echo())
	}
}

// leaveChat: the agent leaves the chat, which is done for them whatever
// the afterAction.
func (s *Sim) leaveChat(o *op, ix *interaction, _ *mediaData) error {
	s.completeInteraction(o.sess, ix, o.echo())
	return nil
}

// interactionsOf looks up every id of data.interactions in the session
// (any media type); one unknown id fails the whole call before any change.
func (sess *session) interactionsOf(ids []string) ([]*interaction, error) {
	out := make([]*interaction, 0, len(ids))
	for _, id := range ids {
		ix, err := sess.findInteraction("", id)
		if err != nil {
			return nil, err
		}
		out = append(out, ix)
	}
	return out, nil
}

// mgtComplete is POST /workspace/v3/media-management/complete
// {"data":{"interactions":[ids]}}.
func (s *Sim) mgtComplete(o *op) error {
	var d mediaData
	if err := decodeData(o.req.Data, &d); err != nil {
		return err
	}
	if len(d.Interactions) == 0 {
		return errorf(http.StatusBadRequest, "data.interactions is required")
	}
	list, err := o.sess.interactionsOf(d.Interactions)
	if err != nil {
		return err
	}
	for _, ix := range list {
		s.completeInteraction(o.sess, ix, o.echo())
	}
	return nil
}

// mgtManageUserData is POST /workspace/v3/media-management/manage-user-data.
// Client 9.0.1's model names no interactions; when the body has
// data.interactions, the added and updated pairs are applied to them as
// updates and deletedUserData by key.
func (s *Sim) mgtManageUserData(o *op) error {
	var d mediaData
	if err := decodeData(o.req.Data, &d); err != nil {
		return err
	}
	list, err := o.sess.interactionsOf(d.Interactions)
	if err != nil {
		return err
	}
	for _, ix := range list {
		ix.UserData = ix.UserData.Update(d.AddedUserData).Update(d.UpdatedUserData).Delete(d.DeletedUserData...)
		s.publishInteraction(o.sess, ix, propertiesUpdated, o.echo())
	}
	return nil
}

// ucsSetCallCompleted is POST /workspace/v3/ucs/interactions/{id}/set-call-completed:
// a history record in UCS, accepted (its userData checked) and not kept.
func (s *Sim) ucsSetCallCompleted(o *op) error {
	var d mediaData
	return decodeData(o.req.Data, &d)
}
