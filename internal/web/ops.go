package web

import "github.com/labstack/echo/v4"

// opsPages are the pages of the live dashboard and the projector.
var opsPages = []string{}

func (s *Server) opsRoutes(pages, admin *echo.Group) {}
