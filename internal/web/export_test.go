package web

import "github.com/ikrar-id/ikrar/internal/registry"

// GateImports makes every roster import job call gate at each step it
// reports, so that a test can hold a job where it wants to look at it.
func GateImports(s *Server, gate registry.ImportProgress) { s.importGate = gate }
