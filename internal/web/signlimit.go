package web

import (
	"strconv"
	"time"

	"golang.org/x/time/rate"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// guessBudget counts failed identifications of signers (a wrong event code,
// an NIP not on the roster, an invalid personal link) in budgets per client
// address and per event. It never refuses anyone: while a budget is spent,
// NIP + event code identification also asks for the signer's own name,
// which an enumerator lacks, and any mismatch gets one answer
// (registry.ENOMATCH). So a hall of two thousand signers behind one
// address, with a hostile client among them, costs honest signers at most
// one more field; and there is no budget per NIP, so nobody can lock
// another person out.
//
// Only failures spend: valid identifications and signings are free. The
// bound this gives is in docs/OPERATIONS.md ("Batas percobaan").
type guessBudget struct {
	// counts holds the buckets, kept apart from the login limiter's.
	counts *failLimiter
}

// The budgets. An address (a hall's Wi-Fi, a phone) may fail addrFailBurst
// times, then once more every addrFailEvery; an event may see
// eventFailBurst failures (wrong codes, NIPs that are not its
// participants, from all addresses together), then one more every
// eventFailEvery. Beyond
// either, identification asks for the name as well.
const (
	addrFailBurst  = 60
	addrFailEvery  = time.Minute
	eventFailBurst = 200
	eventFailEvery = time.Minute
)

var (
	addrGuesses  = limitSpec{rate.Every(addrFailEvery), addrFailBurst}
	eventGuesses = limitSpec{rate.Every(eventFailEvery), eventFailBurst}
)

func newGuessBudget(on bool, now func() time.Time) *guessBudget {
	return &guessBudget{counts: newFailLimiter(on, now)}
}

func eventKey(id int64) string { return "event:" + strconv.FormatInt(id, 10) }

// NeedsName reports whether identification from ip for the event must
// also give the signer's name: the address or the event spent its budget.
func (g *guessBudget) NeedsName(ip string, eventID int64) bool {
	f := g.counts
	if !f.on {
		return false
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	now := f.now()
	// Looked up, never created: a page view must not grow the map.
	return f.spent("ip:"+ip, now) || (eventID != 0 && f.spent(eventKey(eventID), now))
}

// Guessed spends one failure of the address and, when eventID is not 0
// (a wrong code or an NIP that is not a participant), one of the event.
func (g *guessBudget) Guessed(ip string, eventID int64) {
	f := g.counts
	if !f.on {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	keys := []keyedLimit{{"ip:" + ip, addrGuesses}}
	if eventID != 0 {
		keys = append(keys, keyedLimit{eventKey(eventID), eventGuesses})
	}
	f.fail(f.now(), keys...)
}

// isGuess reports whether err is a failed identification.
func isGuess(err error) bool {
	c := registry.ErrorCode(err)
	return c == registry.EWRONGCODE || c == registry.ENOTELIGIBLE || c == registry.ENOMATCH
}
