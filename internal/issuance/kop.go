package issuance

import (
	"context"
	"fmt"

	"github.com/ikrar-id/ikrar/internal/certificate"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// Kop is the letterhead of org's documents: its logo (or its nearest
// ancestor's), the name of the organization it belongs to, and its own.
func (is *Issuer) Kop(ctx context.Context, org registry.Organization) (*certificate.Kop, error) {
	k := &certificate.Kop{Name: org.Name}
	if org.ParentID != 0 {
		parent, err := is.store.Organization(ctx, org.ParentID)
		if err != nil {
			return nil, fmt.Errorf("letterhead of %d: %w", org.ID, err)
		}
		k.Parent = parent.Name
	}
	logo, _, err := is.store.OrgLogo(ctx, org.Path)
	if err != nil {
		return nil, fmt.Errorf("letterhead of %d: %w", org.ID, err)
	}
	k.Logo = logo
	return k, nil
}
