package web

import "github.com/labstack/echo/v4"

// exportPages are the pages of exports and follow-up.
var exportPages = []string{}

func (s *Server) exportRoutes(admin *echo.Group) {}
