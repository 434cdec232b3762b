package workspace

import "github.com/wwe-guard/wwe-guard/internal/wwe"

// Kind is how the v3 door treats a route.
type Kind int

// The kinds of route.
const (
	// NotFound: no route Genesys' client defines. The door answers 404
	// unless workspace.allowUnknownRoutes.
	NotFound Kind = iota
	// Decided: a call the policies decide (DESIGN.md §8.1's table).
	Decided
	// PassThrough: a call the client defines that carries no user data and
	// is not mark done; forwarded as it is.
	PassThrough
	// Notifications: CometD long-polling under /workspace/v3/notifications.
	Notifications
	// Auth: /auth/v3/..., passed through.
	Auth
	// InitializeWorkspace: POST /workspace/v3/initialize-workspace.
	InitializeWorkspace
	// ActivateChannels: POST /workspace/v3/activate-channels.
	ActivateChannels
	// CurrentSession: GET /workspace/v3/current-session.
	CurrentSession
	// Logout: GET or POST /workspace/v3/logout.
	Logout
)

var kindNames = [...]string{"NotFound", "Decided", "PassThrough", "Notifications", "Auth",
	"InitializeWorkspace", "ActivateChannels", "CurrentSession", "Logout"}

// String names the kind.
func (k Kind) String() string {
	if k < 0 || int(k) >= len(kindNames) {
		return "Kind(?)"
	}
	return kindNames[k]
}

// Shape says where a decided call's body carries its user data.
type Shape int

// The body shapes of decided calls.
const (
	// ShapeNone: no user data (media complete, voice release).
	ShapeNone Shape = iota
	// ShapeUserData: data.userData, a KV list of sets.
	ShapeUserData
	// ShapeDeleteKey: data.key, one key to delete (voice delete-user-data-pair).
	ShapeDeleteKey
	// ShapeDeleteKeys: data.keys, keys to delete (media delete-user-data).
	ShapeDeleteKeys
	// ShapeProperties: data.addedProperties and data.changedProperties (sets)
	// and data.deletedProperties (deletes), KV lists (media place-in-queue).
	ShapeProperties
	// ShapeManage: data.addedUserData and data.updatedUserData (sets), KV
	// lists, and data.deletedUserData, keys (media-management/manage-user-data).
	ShapeManage
	// ShapeInteractions: data.interactions, the ids of the interactions
	// marked done (media-management/complete).
	ShapeInteractions
	// ShapeLeave: data.afterAction; ForceClose marks the chat done (chat leave).
	ShapeLeave
)

// routeSpec is one route the door treats specially: a decided call or a
// session call. Paths are templates under /workspace/v3.
type routeSpec struct {
	method, path string
	kind         Kind
	op           wwe.Operation
	group        string // voice, media, media-management, ucs or chat
	shape        Shape
	required     bool // the body's user data is required (the direct writes)
	release      bool // voice release: markdone only while autoCompleteCall is true
}

// specialRoutes are DESIGN.md §8.1's decided calls and the session calls
// the door handles itself. Every one of them is also in clientRoutes.
var specialRoutes = []routeSpec{
	{method: "POST", path: "/initialize-workspace", kind: InitializeWorkspace},
	{method: "POST", path: "/activate-channels", kind: ActivateChannels},
	{method: "GET", path: "/current-session", kind: CurrentSession},
	{method: "GET", path: "/logout", kind: Logout},
	{method: "POST", path: "/logout", kind: Logout},

	voice("/voice/calls/{id}/attach-user-data", wwe.OpSetUserData, ShapeUserData, true),
	voice("/voice/calls/{id}/update-user-data", wwe.OpSetUserData, ShapeUserData, true),
	voice("/voice/calls/{id}/delete-user-data-pair", wwe.OpDeleteUserData, ShapeDeleteKey, true),
	voice("/voice/calls/{id}/complete", wwe.OpMarkDone, ShapeUserData, false),
	{method: "POST", path: "/voice/calls/{id}/release", kind: Decided, op: wwe.OpMarkDone, group: "voice", release: true},
	voice("/voice/calls/{id}/initiate-transfer", wwe.OpConsult, ShapeUserData, false),
	voice("/voice/calls/{id}/initiate-conference", wwe.OpConsult, ShapeUserData, false),
	voice("/voice/calls/{id}/single-step-transfer", wwe.OpSingleStepTransfer, ShapeUserData, false),
	voice("/voice/calls/{id}/single-step-conference", wwe.OpSingleStepConference, ShapeUserData, false),
	voice("/voice/make-call", wwe.OpMakeCall, ShapeUserData, false),
	voice("/voice/send-user-event", wwe.OpManageUserData, ShapeUserData, true),

	decided("media", "/media/{mediatype}/interactions/{id}/attach-user-data", wwe.OpSetUserData, ShapeUserData, true),
	decided("media", "/media/{mediatype}/interactions/{id}/update-user-data", wwe.OpSetUserData, ShapeUserData, true),
	decided("media", "/media/{mediatype}/interactions/{id}/delete-user-data", wwe.OpDeleteUserData, ShapeDeleteKeys, true),
	decided("media", "/media/{mediatype}/interactions/{id}/complete", wwe.OpMarkDone, ShapeNone, false),
	decided("media", "/media/{mediatype}/interactions/create", wwe.OpCreateInteraction, ShapeUserData, false),
	decided("media", "/media/email/interactions/create", wwe.OpCreateInteraction, ShapeUserData, false),
	decided("media", "/media/email/interactions/{id}/reply", wwe.OpCreateInteraction, ShapeUserData, false),
	decided("media", "/media/email/interactions/{id}/forward", wwe.OpCreateInteraction, ShapeUserData, false),
	decided("media", "/media/{mediatype}/interactions/{id}/place-in-queue", wwe.OpManageUserData, ShapeProperties, false),

	decided("chat", "/media/chat/interactions/{id}/leave", wwe.OpMarkDone, ShapeLeave, false),
	decided("chat", "/media/chat/interactions/{id}/send-custom-notification", wwe.OpManageUserData, ShapeUserData, false),
	decided("chat", "/media/chat/interactions/{id}/send-system-command", wwe.OpManageUserData, ShapeUserData, false),

	decided("media-management", "/media-management/manage-user-data", wwe.OpManageUserData, ShapeManage, true),
	decided("media-management", "/media-management/complete", wwe.OpMarkDone, ShapeInteractions, true),

	decided("ucs", "/ucs/interactions/{id}/set-call-completed", wwe.OpManageUserData, ShapeUserData, false),
}

func voice(path string, op wwe.Operation, shape Shape, required bool) routeSpec {
	return decided("voice", path, op, shape, required)
}

func decided(group, path string, op wwe.Operation, shape Shape, required bool) routeSpec {
	return routeSpec{method: "POST", path: path, kind: Decided, op: op, group: group, shape: shape, required: required}
}

// notificationRoutes are the CometD paths: the client's NotificationsApi
// (in clientRoutes) and the trailing-slash path the official client posts
// its subscribes to (WORKSPACE-V3.md §7.1).
var notificationRoutes = []string{
	"POST /notifications", "POST /notifications/", "POST /notifications/connect",
	"POST /notifications/disconnect", "POST /notifications/handshake",
	"POST /notifications/subscribe", "POST /notifications/unsubscribe",
}

// Routes that carry key/value payloads which are not an interaction's user
// data, and pass through (they are in clientRoutes and in no other table):
//   - POST /ucs/contacts/create (properties) and /ucs/contacts/{id}/update
//     (added/changed/deletedProperties): a UCS contact's attributes;
//   - POST /ucs/responses/{id}/render-field-codes (customProperties,
//     agentCustomProperties): values to render a standard response with,
//     which write nothing.
