package web

import (
	"context"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// userPages are the pages of user management and the audit trail.
var userPages = []string{"users", "user_new", "user_edit", "user_secret", "user_account", "user_tokens", "audit"}

func (s *Server) userRoutes(admin *echo.Group) {
	admin.GET("/users", s.userList)
	admin.GET("/users/new", s.userNew)
	admin.POST("/users", s.userCreate)
	admin.GET("/users/:id", s.userShow)
	admin.POST("/users/:id/role", s.userRole)
	admin.POST("/users/:id/password", s.userResetPassword)
	admin.POST("/users/:id/deactivate", s.userSetActive(false))
	admin.POST("/users/:id/activate", s.userSetActive(true))
	admin.GET("/account/password", s.accountPassword)
	admin.POST("/account/password", s.accountPasswordChange)
	admin.GET("/account/tokens", s.accountTokens)
	admin.POST("/account/tokens", s.accountTokenCreate)
	admin.POST("/account/tokens/:token/revoke", s.accountTokenRevoke)
	admin.POST("/users/:id/tokens/:token/revoke", s.userTokenRevoke)
	admin.GET("/audit", s.auditTrail)
}

// orgsByID lists the organizations u may see and indexes them by ID.
func (s *Server) orgsByID(ctx context.Context, u registry.User) ([]registry.Organization, map[int64]registry.Organization, error) {
	orgs, err := s.svc.Organizations(ctx, u)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]registry.Organization, len(orgs))
	for _, o := range orgs {
		byID[o.ID] = o
	}
	return orgs, byID, nil
}

// mayOnRecord reports whether u may do act on the record sig, which in an
// event their organization joins depends on the signer's organization.
func (s *Server) mayOnRecord(ctx context.Context, u registry.User, act registry.Action, sig registry.Signature) bool {
	_, _, err := s.svc.AuthorizeRecord(ctx, u, act, sig)
	return err == nil
}
