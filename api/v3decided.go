package api

import "github.com/wwe-guard/wwe-guard/internal/wwe"

// v3Decided is a call the policies decide (DESIGN.md §8.1's table). This
// cut of the door does not decide them yet, so it forwards none of them:
// refusing is the one safe answer while the guard cannot decide.
func (s *Server) v3Decided(x *v3Exchange) error {
	return s.v3Failure(x.c, wwe.Errorf(wwe.CodeNotImplemented, "%s is not decided by this version of the guard yet; it was not forwarded", x.route.Request))
}
