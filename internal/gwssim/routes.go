package gwssim

import (
	"net/http"

	"github.com/wwe-guard/wwe-guard/internal/workspace"
)

// routes is the whole HTTP surface. Each pattern is also the key under
// which GET /sim/received counts the route.
func (s *Sim) routes() {
	const v3 = "/workspace/v3"

	s.handle("POST /auth/v3/sign-in", s.signIn)
	s.handle("POST /auth/v3/oauth/token", s.token)

	s.handle("POST "+v3+"/initialize-workspace", s.initializeWorkspace)
	s.handle("GET "+v3+"/current-session", s.read(currentSession))
	s.handle("POST "+v3+"/activate-channels", s.run(s.activateChannels))
	s.handle("POST "+v3+"/logout", s.logout)
	s.handle("GET "+v3+"/logout", s.logout)
	s.handle("GET "+v3+"/auth-keep-alive", s.keepAlive)
	s.handle("GET "+v3+"/version", s.version)
	s.handle("GET "+v3+"/info", s.version)

	s.handle("POST "+v3+"/notifications", s.notifications)
	s.handle("POST "+v3+"/notifications/", s.notifications)

	// Voice.
	s.handle("GET "+v3+"/voice/calls", s.read(voiceCalls))
	s.handle("POST "+v3+"/voice/make-call", s.voiceOp((*voiceData).needDestination, s.makeCall))
	s.handle("POST "+v3+"/voice/send-user-event", s.voiceOp((*voiceData).needUserData, s.sendUserEvent))
	for _, name := range []string{"ready", "not-ready", "dnd-on", "dnd-off", "login", "logout", "set-forward", "cancel-forward"} {
		s.handle("POST "+v3+"/voice/"+name, s.agentState(name))
	}
	calls := []struct {
		name    string
		checked bool
		f       func(*op, *call, *voiceData) error
	}{
		{"answer", true, s.toState(Established, true)},
		{"hold", true, s.toState(Held, false)},
		{"retrieve", true, s.toState(Established, false)},
		{"release", true, s.releaseCall},
		{"clear", true, s.releaseCall},
		{"redirect", true, s.releaseCall},
		{"complete", true, s.completeCall},
		{"attach-user-data", true, s.writeUserData(workspace.KV.Attach)},
		{"update-user-data", true, s.writeUserData(workspace.KV.Update)},
		{"delete-user-data-pair", true, s.deleteUserDataPair},
		{"initiate-transfer", true, s.initiateConsult},
		{"initiate-conference", true, s.initiateConsult},
		{"complete-transfer", true, s.completeTransfer},
		{"complete-conference", true, s.completeConference},
		{"single-step-transfer", true, s.singleStep(true)},
		{"single-step-conference", true, s.singleStep(false)},
		{"send-dtmf", true, s.republish("")},
		{"alternate", true, s.republish("")},
		{"merge", true, s.republish("")},
		{"reconnect", true, s.republish("")},
		{"delete-from-conference", false, s.republish("")},
		{"start-recording", false, s.republish("Recording")},
		{"stop-recording", false, s.republish("Stopped")},
		{"pause-recording", false, s.republish("Paused")},
		{"resume-recording", false, s.republish("Recording")},
	}
	for _, c := range calls {
		s.handle("POST "+v3+"/voice/calls/{id}/"+c.name, s.callOp(c.name, c.checked, c.f))
	}

	// Media.
	media := []struct {
		mediatype, name string
		checked         bool
		f               func(*op, *interaction, *mediaData) error
	}{
		{"", "accept", true, s.accept},
		{"", "reject", true, s.completeIxn},
		{"", "complete", true, s.completeIxn},
		{"", "attach-user-data", true, s.writeMediaUserData(workspace.KV.Attach)},
		{"", "update-user-data", true, s.writeMediaUserData(workspace.KV.Update)},
		{"", "delete-user-data", true, s.deleteUserData},
		{"", "place-in-queue", true, s.placeInQueue},
		{"email", "reply", false, s.emailFollowUp("OutboundReply")},
		{"email", "forward", false, s.emailFollowUp("OutboundNew")},
		{"chat", "leave", false, s.leaveChat},
		{"chat", "send-custom-notification", false, s.notify},
		{"chat", "send-system-command", false, s.notify},
	}
	for _, m := range media {
		mt := m.mediatype
		if mt == "" {
			mt = "{mediatype}"
		}
		s.handle("POST "+v3+"/media/"+mt+"/interactions/{id}/"+m.name, s.mediaOp(m.mediatype, m.name, m.checked, m.f))
	}
	s.handle("POST "+v3+"/media/{mediatype}/interactions/create", s.createInteraction(""))
	s.handle("POST "+v3+"/media/email/interactions/create", s.createInteraction("email"))
	s.handle("POST "+v3+"/media-management/complete", s.run(s.mgtComplete))
	s.handle("POST "+v3+"/media-management/manage-user-data", s.run(s.mgtManageUserData))
	s.handle("POST "+v3+"/ucs/interactions/{id}/set-call-completed", s.run(s.ucsSetCallCompleted))

	// Test endpoints, not counted.
	s.mux.HandleFunc("POST /sim/ring", s.hook("calls", s.ring))
	s.mux.HandleFunc("POST /sim/offer", s.hook("interactions", s.offer))
	s.mux.HandleFunc("GET /sim/received", s.recv.serve)
	s.mux.HandleFunc("DELETE /sim/received", func(w http.ResponseWriter, _ *http.Request) {
		s.recv.reset()
		writeJSON(w, http.StatusOK, workspace.Envelope{})
	})
	// Probes, as wwe-sim --api v1 and the guard have them.
	probe := func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	}
	s.mux.HandleFunc("GET /health", probe)
	s.mux.HandleFunc("GET /ready", probe)

	// Everything else: counted, and 404 in the envelope.
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.recv.count(r.Method+" "+r.URL.Path, nil, true)
		fail(w, http.StatusNotFound, "no such route: "+r.Method+" "+r.URL.Path)
	})
}
