package registry

import (
	"context"
	"time"
)

// SessionUser is the active user of a session token: ENOTFOUND without a
// live session.
func (s *Service) SessionUser(ctx context.Context, token string) (User, error) {
	return s.Store.UserBySession(ctx, HashToken(token), s.Now())
}

// StartSession keeps a new session token of u for ttl.
func (s *Service) StartSession(ctx context.Context, u User, token string, ttl time.Duration) error {
	return s.Store.CreateSession(ctx, HashToken(token), u.ID, s.Now().Add(ttl))
}

// EndSession forgets a session token.
func (s *Service) EndSession(ctx context.Context, token string) error {
	return s.Store.DeleteSession(ctx, HashToken(token))
}
