package wwe

// Command is one write of the Interaction namespace, as the guard forwards it
// to the service after the policy allowed it. Only the fields that the
// operation takes are set.
type Command struct {
	Op             Operation
	InteractionID  string
	CaseID         string
	KeyValues      UserData // setUserData; userData of consult and its kin
	Key            string   // deleteUserData
	WarningMessage string   // blockMarkdone
	Target         any      // consult and its kin: a string or an object
	Extensions     UserData // consult and its kin
	Origin         string   // the caller that owns a markdone block
	Application    string   // the caller's authenticated application, which then owns it instead
	Relayed        bool     // through a relay: Application and Origin own it together
	IfMatch        Revision // when known: apply only to this revision of the interaction, else INTERACTION_CHANGED
}
