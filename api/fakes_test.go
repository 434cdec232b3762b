package api

import (
	"context"
	"errors"
	"sync"

	"github.com/wwe-guard/wwe-guard/internal/policy"
	"github.com/wwe-guard/wwe-guard/internal/wwe"
)

// The callers' origins in these tests: crmOrigin is the one a caller has
// unless a test says otherwise; a test that admits origins admits
// crmOrigin and otherOrigin, never evilOrigin.
const (
	crmOrigin   = "https://crm.example"
	otherOrigin = "https://other.example"
	evilOrigin  = "https://evil.example"
)

// fakeService is an in-memory Service that records every write it gets.
type fakeService struct {
	mu     sync.Mutex
	byID   map[string]*wwe.Interaction
	writes []wwe.Command
}

var _ Service = (*fakeService)(nil)

func newFakeService() *fakeService {
	return &fakeService{byID: map[string]*wwe.Interaction{
		"1": {InteractionID: "1", MediaType: "voice", State: wwe.StateTalking, UserData: wwe.UserData{"Secret": "s"}},
	}}
}

func (f *fakeService) Interactions(context.Context) ([]*wwe.Interaction, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []*wwe.Interaction
	for _, it := range f.byID {
		out = append(out, it.Clone())
	}
	return out, nil
}

func (f *fakeService) Interaction(_ context.Context, id string) (*wwe.Interaction, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	it, ok := f.byID[id]
	if !ok {
		return nil, wwe.Errorf(wwe.CodeInteractionNotFound, "not found")
	}
	return it.Clone(), nil
}

func (f *fakeService) InteractionForWrite(ctx context.Context, id string) (*wwe.Interaction, error) {
	return f.Interaction(ctx, id)
}

func (f *fakeService) Do(_ context.Context, cmd wwe.Command) (*wwe.Interaction, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes = append(f.writes, cmd)
	it, ok := f.byID[cmd.InteractionID]
	if !ok {
		return nil, nil
	}
	for k, v := range cmd.KeyValues {
		it.UserData[k] = v
	}
	return it.Clone(), nil
}

func (f *fakeService) Subscribe(ctx context.Context) (<-chan wwe.Event, error) {
	ch := make(chan wwe.Event)
	go func() { <-ctx.Done(); close(ch) }()
	return ch, nil
}

func (f *fakeService) Ready(context.Context) error { return nil }

func (f *fakeService) written() []wwe.Command {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]wwe.Command(nil), f.writes...)
}

// deciderFunc adapts a function to Decider.
type deciderFunc func(policy.Input) (policy.Decision, error)

func (f deciderFunc) Decide(_ context.Context, in policy.Input) (policy.Decision, error) {
	return f(in)
}
func (f deciderFunc) AdmittedOrigins() policy.Origins { return policy.Origins{Any: true} }

var errBroken = errors.New("broken policy")
