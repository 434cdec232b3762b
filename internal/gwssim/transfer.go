package gwssim

import "slices"

// Consultations, transfers and conferences: enough of them to carry their
// user data and to leave the calls in plausible states.

// initiateConsult is initiate-transfer and initiate-conference: the call is
// held and a consult call (parentConnId = the call, userData from the body)
// dials and is established.
func (s *Sim) initiateConsult(o *op, parent *call, d *voiceData) error {
	if err := d.needDestination(); err != nil {
		return err
	}
	consult := newCall("Consult", Dialing, o.sess.dn.Number, d.Destination, d.UserData)
	consult.ParentConnID = parent.ID
	consult.Participants = []participant{{Number: d.Destination, Role: "RoleDestination"}}
	s.changeState(o.sess, parent, Held, "")
	if err := s.addCall(o.sess, consult); err != nil {
		return err
	}
	s.changeState(o.sess, consult, Established, "")
	return nil
}

// completeTransfer: the consult call completes and the parent, transferred
// away, is released (and completed when the session auto-completes).
func (s *Sim) completeTransfer(o *op, consult *call, _ *voiceData) error {
	if parent := s.endConsult(o.sess, consult); parent != nil {
		s.release(o.sess, parent, "")
	}
	return nil
}

// completeConference: the consult call completes and its party joins the
// parent, which is established again.
func (s *Sim) completeConference(o *op, consult *call, _ *voiceData) error {
	if parent := s.endConsult(o.sess, consult); parent != nil {
		parent.Participants = append(slices.Clone(parent.Participants), participant{Number: consult.DNIS, Role: "RoleNewParty"})
		s.changeState(o.sess, parent, Established, "")
	}
	return nil
}

// endConsult releases and completes a consult call and returns its parent,
// nil when the session no longer has it.
func (s *Sim) endConsult(sess *session, consult *call) *call {
	parent, err := sess.findCall(consult.ParentConnID)
	s.changeState(sess, consult, Released, "")
	s.complete(sess, consult, "")
	if err != nil {
		return nil
	}
	return parent
}

// singleStep is single-step-transfer (the call leaves the agent: released)
// or single-step-conference (a party joins): the body's userData is
// applied first.
func (s *Sim) singleStep(transfer bool) func(*op, *call, *voiceData) error {
	return func(o *op, c *call, d *voiceData) error {
		if err := d.needDestination(); err != nil {
			return err
		}
		s.updateUserData(o.sess, c, d.UserData)
		if transfer {
			s.release(o.sess, c, "")
			return nil
		}
		c.Participants = append(slices.Clone(c.Participants), participant{Number: d.Destination, Role: "RoleNewParty"})
		s.publishCall(o.sess, c, stateChange, "")
		return nil
	}
}

// republish accepts an operation the sim does not play out (send-dtmf,
// alternate, merge, reconnect, delete-from-conference, recording) and
// publishes the call as it is, with recordingState for the recording ones.
func (s *Sim) republish(recording string) func(*op, *call, *voiceData) error {
	return func(o *op, c *call, _ *voiceData) error {
		if recording != "" {
			c.RecordingState = recording
		}
		s.publishCall(o.sess, c, stateChange, "")
		return nil
	}
}
