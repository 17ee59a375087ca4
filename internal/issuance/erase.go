package issuance

import (
	"context"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// Erasure removes every copy of an erased record's certificate: the store
// deletes the stored PDF and paper scan in the erasure's transaction, and
// these methods forget the copies kept in memory, which carry the erased
// name and NIP. Every erasure goes through them, never through the
// registry service directly.

// Erase erases a record's personal data (and with person, its signer's
// from the roster with all their records).
func (is *Issuer) Erase(ctx context.Context, a registry.Actor, code, reason string, person bool) (registry.Signature, error) {
	sig, codes, err := is.cfg.Service.Erase(ctx, a, code, reason, person)
	return sig, is.erased(codes, err)
}

// ErasePerson erases an employee of an organization's subtree by NIP and
// returns the codes of their records.
func (is *Issuer) ErasePerson(ctx context.Context, a registry.Actor, orgID int64, nip, reason string) ([]string, error) {
	codes, err := is.cfg.Service.ErasePerson(ctx, a, orgID, nip, reason)
	return codes, is.erased(codes, err)
}

// EraseExpired erases the personal data of the records of every event
// past its retention date.
func (is *Issuer) EraseExpired(ctx context.Context, a registry.Actor) (registry.RetentionRun, error) {
	run, err := is.cfg.Service.EraseExpired(ctx, a)
	for _, code := range run.Records {
		is.pdfs.Drop(code)
	}
	return run, err
}

// Forget drops the cached certificates of records another instance of a
// shared store erased (codes), or every cached certificate (nil codes:
// some erasures may have gone unheard).
func (is *Issuer) Forget(codes []string) {
	if codes == nil {
		is.pdfs.Clear()
		return
	}
	for _, c := range codes {
		is.pdfs.Drop(c)
	}
}

// erased drops the erased records' cached PDFs. A scrub of the database
// files that readers held up is logged and left to the store's retries:
// the erasure itself has committed.
func (is *Issuer) erased(codes []string, err error) error {
	for _, c := range codes {
		is.pdfs.Drop(c)
	}
	if registry.IsScrubPending(err) {
		is.cfg.Log.Warn("erasure committed; database files not yet scrubbed", "err", err)
		return nil
	}
	return err
}
