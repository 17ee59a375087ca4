package registry

import (
	"context"
	"time"
)

// OpsStore serves the live dashboard and the projector.
type OpsStore interface {
	// Progress counts e's participants and records inside scope: eligible
	// and signed per organization and unit, signings per minute from since
	// on (minutes without any left out), and the latest standing records,
	// newest first. It reads counters kept in the signing transaction, so
	// its cost does not grow with the roster.
	Progress(ctx context.Context, e Event, scope string, since time.Time, latest int) (Progress, error)
	// ProgressChanged returns a channel closed after the next commit that
	// may change the progress of event eventID (a signing or a revocation).
	// Roster imports and status changes do not close it.
	ProgressChanged(eventID int64) <-chan struct{}
}
