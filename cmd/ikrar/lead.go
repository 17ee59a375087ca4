package main

import (
	"context"
	"log/slog"
	"time"
)

// leader is a store that several instances share (PostgreSQL's): Lead
// makes one instance at a time the one that runs a job, for as long as
// it holds the job's lock; the lock goes with its connection, so the job
// moves to another instance when its leader stops or dies.
type leader interface {
	Lead(ctx context.Context, job string) (release func(), ok bool, err error)
}

// leadRetry is how often an instance that does not lead a job asks again.
const leadRetry = 5 * time.Second

// runLed runs job until ctx is done, on one instance at a time: at once
// on a store of one instance (SQLite); on a shared one while this instance
// leads it, asking again every leadRetry while another does, and running
// follow meanwhile, if set. follow and job get a context of their own
// that ends when the role does.
//
// A lead lost while the instance lives (the server dropped the lock's
// connection) is not noticed, and two instances may then run the job at
// once: the jobs led this way (signing checkpoints of one log with one
// key, applying the schedule, erasing past retention) give the same
// result run twice.
func runLed(ctx context.Context, db store, name string, log *slog.Logger, job, follow func(ctx context.Context)) {
	l, shared := db.(leader)
	if !shared {
		job(ctx)
		return
	}
	for ctx.Err() == nil {
		release, ok, err := l.Lead(ctx, name)
		if err != nil && ctx.Err() == nil {
			log.Error("ask to lead a job", "job", name, "err", err)
		}
		if ok {
			log.Info("leading a job on this instance", "job", name)
			job(ctx)
			release()
			return
		}
		wait, stop := context.WithTimeout(ctx, leadRetry)
		if follow != nil {
			follow(wait)
		} else {
			<-wait.Done()
		}
		stop()
	}
}

// runOnceLed runs job, a catch-up that ends (storing the certificates
// issued before an upgrade), unless another instance of a shared store
// is running it: that one does the work, and the next start resumes what
// a stopped one left.
func runOnceLed(ctx context.Context, db store, name string, log *slog.Logger, job func(ctx context.Context)) {
	if l, shared := db.(leader); shared {
		release, ok, err := l.Lead(ctx, name)
		if err != nil && ctx.Err() == nil {
			log.Error("ask to lead a job", "job", name, "err", err)
		}
		if !ok {
			return
		}
		defer release()
	}
	job(ctx)
}
