package registry

import "context"

// Uploads are authorized before their body is read: these checks need only
// the acting user and the organization or event in the URL.

// AuthorizeRosterImport returns the organization if u may import its
// roster (ENOTFOUND outside u's scope, EFORBIDDEN for a role that may not).
func (s *Service) AuthorizeRosterImport(ctx context.Context, u User, orgID int64) (Organization, error) {
	return s.authorize(ctx, u, ActManageRoster, orgID)
}

// AuthorizeParticipantUpload returns the event and its organization if u
// may replace its participant list.
func (s *Service) AuthorizeParticipantUpload(ctx context.Context, u User, eventID int64) (Event, Organization, error) {
	return s.manageableEvent(ctx, Actor{User: u}, eventID)
}
