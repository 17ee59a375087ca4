package web

import "golang.org/x/time/rate"

// PaceCards sets how many preview cards the server draws, so that a test
// can spend the budget with a few requests.
func PaceCards(s *Server, l *rate.Limiter) { s.cardPace = l }
