package web

import "github.com/labstack/echo/v4"

// userPages are the pages of user management and the audit trail.
var userPages = []string{}

func (s *Server) userRoutes(admin *echo.Group) {}
