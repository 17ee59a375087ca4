package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"strings"
	"time"

	"github.com/ikrar-id/ikrar/internal/ink"
	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

const signatureColumns = `s.id, s.event_id, COALESCE(s.employee_id, 0), s.code, s.nip, s.name, s.position, s.rank, s.unit, s.org_name, s.category,
	s.pledge_hash, s.ink_kind, s.ink, s.consent, s.signed_at, s.channel, s.client_ip, s.user_agent, s.leaf_index, s.pdf_hash, s.erased_at,
	r.id, r.reason, r.user_id, r.user_name, r.revoked_at, r.leaf_index, s.identity_hash, s.claim_token, s.legacy_pdf_hash,
	s.identity_salt, s.leaf_version, s.event_title, s.event_place, s.event_starts, s.event_org, s.holder_hash,
	r.leaf_version, c.leaf_index, c.issued_at, s.scan_hash, s.witness`

const signatureFrom = ` FROM signatures s LEFT JOIN revocations r ON r.signature_id = s.id
	LEFT JOIN issuances c ON c.signature_id = s.id`

// signatureColumnsNoInk reads the same columns as signatureColumns but the
// signature image, which public verification never shows: it is most of a
// row's bytes, and drawn strokes would be decoded for nothing.
var signatureColumnsNoInk = strings.Replace(signatureColumns, "s.ink_kind, s.ink,", "s.ink_kind, NULL,", 1)

func scanSignature(sc scanner) (registry.Signature, error) {
	return scanSignatureWith(sc, true)
}

// scanSignatureWith scans signatureColumns (signatureColumnsNoInk unless
// withInk) followed by extra columns.
func scanSignatureWith(sc scanner, withInk bool, extra ...any) (registry.Signature, error) {
	var s registry.Signature
	var inkBlob []byte
	var signed, erased, starts int64
	var rID, rUser, rAt, rLeaf, rVersion, pLeaf, pAt sql.NullInt64
	var rReason, rUserName sql.NullString
	dest := []any{&s.ID, &s.EventID, &s.EmployeeID, &s.Code, &s.NIP, &s.Name, &s.Position, &s.Rank, &s.Unit, &s.OrgName,
		&s.Category, &s.PledgeHash, &s.Ink.Kind, &inkBlob, &s.Consent, &signed, &s.Channel, &s.ClientIP, &s.UserAgent,
		&s.LeafIndex, &s.PDFHash, &erased, &rID, &rReason, &rUser, &rUserName, &rAt, &rLeaf, &s.IdentityHash, &s.ClaimToken, &s.LegacyPDFHash,
		&s.IdentitySalt, &s.LeafVersion, &s.EventTitle, &s.EventPlace, &starts, &s.EventOrg, &s.HolderHash,
		&rVersion, &pLeaf, &pAt, &s.ScanHash, &s.Witness}
	err := sc.Scan(append(dest, extra...)...)
	if err != nil {
		return s, err
	}
	s.SignedAt, s.ErasedAt = fromMS(signed), fromMS(erased)
	if s.LeafVersion >= translog.LeafV2 {
		s.EventStarts = fromMS(starts)
	}
	if pLeaf.Valid {
		s.Issuance = &registry.Issuance{LeafIndex: pLeaf.Int64, PDFHash: s.PDFHash, IssuedAt: fromMS(pAt.Int64)}
	}
	s.Serial = registry.FormatSerial(s.SignedAt.Year(), s.EventID, s.ID)
	if withInk {
		if err := decodeInk(&s.Ink, inkBlob); err != nil {
			return s, fmt.Errorf("signature %d: %w", s.ID, err)
		}
	}
	if rID.Valid {
		s.Revocation = &registry.Revocation{ID: rID.Int64, SignatureID: s.ID, Reason: rReason.String, UserID: rUser.Int64,
			UserName: rUserName.String, RevokedAt: fromMS(rAt.Int64), LeafIndex: rLeaf.Int64, LeafVersion: int(rVersion.Int64)}
	}
	return s, nil
}

// decodeInk fills in's content from its stored form.
func decodeInk(in *registry.Ink, blob []byte) error {
	switch in.Kind {
	case registry.InkStrokes:
		strokes, err := ink.DecodeStrokes(blob)
		if err != nil {
			return fmt.Errorf("strokes: %w", err)
		}
		in.Strokes = strokes
	case registry.InkPNG:
		in.PNG = blob
	case registry.InkTyped:
		in.Typed = string(blob)
	}
	return nil
}

func inkBlob(in registry.Ink) []byte {
	switch in.Kind {
	case registry.InkStrokes:
		return ink.EncodeStrokes(in.Strokes)
	case registry.InkPNG:
		return in.PNG
	}
	return []byte(in.Typed)
}

// InsertSignature stores a new record and appends its leaf to the
// transparency log in the same transaction; it sets the record's ID, serial,
// identity hash and leaf index. Signings are committed in batches by one
// writer goroutine (group commit); each call returns only after the batch
// holding its record has committed.
func (db *DB) InsertSignature(ctx context.Context, s *registry.Signature) error {
	return db.groupWrite(ctx, signRequest{ctx: ctx, sig: s, done: make(chan error, 1)})
}

// groupWrite hands a write to the group commit and waits for its batch.
func (db *DB) groupWrite(ctx context.Context, req signRequest) error {
	select {
	case db.signq <- req:
	case <-db.stop:
		return errClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	// Once queued, the record may commit: wait for the outcome rather than
	// for ctx, so a caller never reports failure for a stored signature.
	select {
	case err := <-req.done:
		return err
	case <-db.writerDone:
		return errClosed
	}
}

func insertSignature(ctx context.Context, tx *sql.Tx, lg *logAppender, s *registry.Signature) error {
	if s.LeafVersion == 0 {
		s.LeafVersion = 1
	}
	entry := leaf.Seal(s)
	var starts int64
	if s.LeafVersion >= translog.LeafV2 {
		starts = ms(s.EventStarts)
	}
	if s.LeafVersion >= translog.LeafV2 {
		// A version 2 leaf is strict: what cannot be encoded unambiguously
		// is refused rather than logged.
		if err := entry.Validate(); err != nil {
			return registry.Errorf(registry.EINVALID, "Catatan tidak dapat dicatat di log: %v", err)
		}
	}
	// The event's state is read in the commit's own transaction: once a
	// close has committed no signing commits, even one that checked a copy
	// of the event read before the close. An officer's record of a paper
	// sheet is the exception: it may be entered after the close, never
	// into a draft (registry.Event.PaperState).
	var status registry.EventStatus
	if err := tx.QueryRowContext(ctx, `SELECT status FROM events WHERE id = ?`, s.EventID).Scan(&status); err != nil {
		return mapErr(err, "Acara")
	}
	if s.Channel == registry.ChannelPaper && status == registry.StatusClosed {
		status = registry.StatusOpen
	}
	if status != registry.StatusOpen {
		return registry.Errorf(registry.ENOTOPEN, "Penandatanganan ikrar untuk acara ini sudah ditutup.")
	}
	s.LeafIndex = lg.n
	res, err := tx.ExecContext(ctx, `INSERT INTO signatures (event_id, employee_id, code, nip, name, position, rank, unit, org_name,
		category, pledge_hash, ink_kind, ink, consent, signed_at, channel, client_ip, user_agent, identity_salt, identity_hash, leaf_index, claim_token,
		leaf_version, event_title, event_place, event_starts, event_org, holder_hash, scan_hash, witness)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.EventID, s.EmployeeID, s.Code, s.NIP, s.Name, s.Position, s.Rank, s.Unit, s.OrgName, s.Category, s.PledgeHash,
		s.Ink.Kind, inkBlob(s.Ink), s.Consent, ms(s.SignedAt), s.Channel, s.ClientIP, s.UserAgent, s.IdentitySalt, s.IdentityHash, s.LeafIndex, s.ClaimToken,
		s.LeafVersion, s.EventTitle, s.EventPlace, starts, s.EventOrg, s.HolderHash, s.ScanHash, s.Witness)
	if err != nil {
		s.LeafIndex = -1
		return mapErr(err, "Tanda tangan")
	}
	if s.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	if s.Scan != nil {
		if _, err := tx.ExecContext(ctx, `INSERT INTO paper_scans (signature_id, content_type, scan) VALUES (?, ?, ?)`,
			s.ID, s.Scan.ContentType, s.Scan.Data); err != nil {
			return fmt.Errorf("store paper scan of %d: %w", s.ID, err)
		}
	}
	if err := lg.append(entry.Hash()); err != nil {
		return fmt.Errorf("log signature %d: %w", s.ID, err)
	}
	s.Serial = registry.FormatSerial(s.SignedAt.Year(), s.EventID, s.ID)
	return nil
}

// SignatureByCode returns the record behind a certificate code.
func (db *DB) SignatureByCode(ctx context.Context, code string) (registry.Signature, error) {
	s, err := scanSignature(db.queryRow(ctx, `SELECT `+signatureColumns+signatureFrom+` WHERE s.code = ?`, code))
	return s, mapErr(err, "Sertifikat")
}

// SignatureLookup returns the record behind a certificate code without its
// signature ink (Ink holds only its Kind), for the public verification
// answers.
func (db *DB) SignatureLookup(ctx context.Context, code string) (registry.Signature, error) {
	s, err := scanSignatureWith(db.queryRow(ctx, `SELECT `+signatureColumnsNoInk+signatureFrom+` WHERE s.code = ?`, code), false)
	return s, mapErr(err, "Sertifikat")
}

// SignatureFor returns an employee's standing record for an event or,
// when none stands, the latest of their revoked ones (Revoked reports
// which): a revoked record does not count as signed, but the signing page
// tells its signer about it.
func (db *DB) SignatureFor(ctx context.Context, eventID, employeeID int64) (registry.Signature, error) {
	s, err := scanSignature(db.queryRow(ctx, `SELECT `+signatureColumns+signatureFrom+
		` WHERE s.id = `+personRecord("?"), eventID, employeeID, eventID, employeeID))
	return s, mapErr(err, "Tanda tangan")
}

// personRecord is the ID of the record that stands for the employee whose
// ID is emp at an event: their standing record, else their latest revoked
// one. An employee has at most one standing record per event
// (migrations/012_resign.sql). Its two arguments are the event's ID,
// twice; each look-up is one probe of signatures_person, no sort.
func personRecord(emp string) string {
	return `COALESCE((SELECT p.id FROM signatures p WHERE p.event_id = ? AND p.employee_id = ` + emp + ` AND p.revoked = 0),
		(SELECT MAX(p.id) FROM signatures p WHERE p.event_id = ? AND p.employee_id = ` + emp + `))`
}

// eligibleWhere selects the employees who may sign e inside scope; its
// arguments follow from eligibleArgs.
func eligibleWhere(e registry.Event) string {
	w := `e.active = 1 AND substr(o.path, 1, length(?)) = ? AND substr(o.path, 1, length(?)) = ? AND ` + onList("e.id")
	if len(e.Categories) > 0 {
		w += ` AND e.category IN (?` + strings.Repeat(`, ?`, len(e.Categories)-1) + `)`
	}
	return w
}

func eligibleArgs(eventPath, scope string, e registry.Event) []any {
	args := []any{eventPath, eventPath, scope, scope, e.ID, e.ID}
	for _, c := range e.Categories {
		args = append(args, string(c))
	}
	return args
}

// Participants lists the employees who may sign e (inside scope) and
// anyone who already signed, each once, with the record that stands for
// them (see personRecord): someone who signed again after a revocation
// shows as signed.
func (db *DB) Participants(ctx context.Context, e registry.Event, scope string) ([]registry.Participant, error) {
	var eventPath string
	if err := db.read.QueryRowContext(ctx, `SELECT path FROM organizations WHERE id = ?`, e.OrgID).Scan(&eventPath); err != nil {
		return nil, mapErr(err, "Organisasi")
	}
	args := append([]any{e.ID, e.ID}, eligibleArgs(eventPath, scope, e)...)
	args = append(args, scope, scope)
	rows, err := db.read.QueryContext(ctx, `SELECT `+employeeColumns+`, s.code, s.signed_at, s.channel, r.id
		FROM employees e JOIN organizations o ON o.id = e.org_id
		LEFT JOIN signatures s ON s.id = `+personRecord("e.id")+`
		LEFT JOIN revocations r ON r.signature_id = s.id
		WHERE (`+eligibleWhere(e)+`) OR (s.id IS NOT NULL AND substr(o.path, 1, length(?)) = ?)
		ORDER BY e.unit, e.name`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.Participant
	for rows.Next() {
		var p registry.Participant
		var code, channel sql.NullString
		var signed, revoked sql.NullInt64
		var updated int64
		em := &p.Employee
		if err := rows.Scan(&em.ID, &em.OrgID, &em.NIP, &em.Name, &em.FrontTitle, &em.BackTitle, &em.Position, &em.Rank,
			&em.Unit, &em.Category, &em.Active, &updated, &code, &signed, &channel, &revoked); err != nil {
			return nil, err
		}
		em.UpdatedAt = fromMS(updated)
		if code.Valid {
			p.Signature = &registry.Signature{Code: code.String, SignedAt: fromMS(signed.Int64), Channel: registry.Channel(channel.String)}
			if revoked.Valid {
				p.Signature.Revocation = &registry.Revocation{ID: revoked.Int64}
			}
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// EventStats counts the eligible employees and the records of an event.
func (db *DB) EventStats(ctx context.Context, e registry.Event) (registry.EventStats, error) {
	return db.ScopedEventStats(ctx, e, "/")
}

// InsertRevocation appends a revocation and its log leaf in one
// transaction.
func (db *DB) InsertRevocation(ctx context.Context, r *registry.Revocation) error {
	var size int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		sig, err := scanSignature(tx.QueryRowContext(ctx, `SELECT `+signatureColumns+signatureFrom+` WHERE s.id = ?`, r.SignatureID))
		if err != nil {
			return mapErr(err, "Sertifikat")
		}
		lg, err := newLogAppender(ctx, tx)
		if err != nil {
			return err
		}
		r.LeafIndex, r.LeafVersion = lg.n, translog.LeafV2
		entry := leaf.Revocation(sig, *r)
		if err := entry.Validate(); err != nil {
			return err
		}
		if err := lg.append(entry.Hash()); err != nil {
			return fmt.Errorf("log revocation of %d: %w", r.SignatureID, err)
		}
		if err := lg.finish(); err != nil {
			return err
		}
		size = lg.n
		res, err := tx.ExecContext(ctx, `INSERT INTO revocations (signature_id, reason, user_id, user_name, revoked_at, leaf_index, leaf_version)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, r.SignatureID, r.Reason, r.UserID, r.UserName, ms(r.RevokedAt), r.LeafIndex, r.LeafVersion)
		if err != nil {
			return mapErr(err, "Pencabutan")
		}
		r.ID, err = res.LastInsertId()
		return err
	})
	if err == nil {
		db.notifyAppend(size)
		db.notifyOps(nil)
	}
	return err
}

// StorePDF keeps a record's certificate for good and appends its issuance
// leaf. It goes through the group commit with the signings: at hundreds of
// first downloads a second, a transaction (and fsync) each would queue them
// all on the one writer connection.
func (db *DB) StorePDF(ctx context.Context, p registry.IssuedPDF) (bool, error) {
	if err := checkPDFHash(p); err != nil {
		return false, err
	}
	req := signRequest{ctx: ctx, pdf: &pdfWrite{IssuedPDF: p}, done: make(chan error, 1)}
	if err := db.groupWrite(ctx, req); err != nil {
		return false, fmt.Errorf("store certificate of record %d: %w", p.SignatureID, err)
	}
	return req.pdf.stored, nil
}

// checkPDFHash refuses a certificate whose fingerprint is not the SHA-256
// of its bytes: the issuance leaf commits to the bytes stored.
func checkPDFHash(p registry.IssuedPDF) error {
	sum := sha256.Sum256(p.PDF)
	if h := hex.EncodeToString(sum[:]); p.SHA256 != h {
		return fmt.Errorf("store certificate of record %d: fingerprint %q is not the SHA-256 of its bytes (%s)", p.SignatureID, p.SHA256, h)
	}
	return nil
}

// storePDF stores p in tx unless its record has a certificate stored or
// was erased, makes p's hash the record's fingerprint (a different one
// recorded before certificates were stored becomes legacy_pdf_hash) and
// appends the issuance leaf, which names the record by its leaf hash. The
// claim token is kept only where none was signed at issuance.
func storePDF(ctx context.Context, tx *sql.Tx, lg *logAppender, p registry.IssuedPDF) (bool, error) {
	res, err := tx.ExecContext(ctx, `UPDATE signatures SET
		legacy_pdf_hash = CASE WHEN pdf_hash NOT IN ('', ?1) THEN pdf_hash ELSE legacy_pdf_hash END,
		pdf_hash = ?1, claim_token = CASE WHEN claim_token = '' THEN ?2 ELSE claim_token END
		WHERE id = ?3 AND erased_at = 0 AND NOT EXISTS (SELECT 1 FROM certificate_pdfs WHERE signature_id = ?3)`,
		p.SHA256, p.ClaimToken, p.SignatureID)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	sig, err := scanSignatureWith(tx.QueryRowContext(ctx, `SELECT `+signatureColumnsNoInk+signatureFrom+` WHERE s.id = ?`, p.SignatureID), false)
	if err != nil {
		return false, fmt.Errorf("read record %d: %w", p.SignatureID, err)
	}
	at := p.IssuedAt
	if at.IsZero() {
		at = time.Now()
	}
	at = at.UTC().Truncate(time.Millisecond)
	entry := leaf.Issuance(sig, p.SHA256, at)
	if err := entry.Validate(); err != nil {
		return false, err
	}
	index := lg.n
	if err := lg.append(entry.Hash()); err != nil {
		return false, fmt.Errorf("log issuance of %d: %w", p.SignatureID, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO certificate_pdfs (signature_id, pdf) VALUES (?, ?)`, p.SignatureID, p.PDF); err != nil {
		return false, err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO issuances (signature_id, leaf_index, issued_at) VALUES (?, ?, ?)`,
		p.SignatureID, index, ms(at)); err != nil {
		return false, err
	}
	return true, nil
}

// IssuedPDF returns a record's stored certificate.
func (db *DB) IssuedPDF(ctx context.Context, signatureID int64) ([]byte, error) {
	var pdf []byte
	err := db.queryRow(ctx, `SELECT pdf FROM certificate_pdfs WHERE signature_id = ?`, signatureID).Scan(&pdf)
	return pdf, mapErr(err, "Sertifikat")
}

// UnstoredPDFs returns the records fingerprinted before certificates were
// stored that are still to be stored, with their ink (they are rendered).
func (db *DB) UnstoredPDFs(ctx context.Context, afterID int64, limit int) ([]registry.Signature, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+signatureColumns+signatureFrom+`
		WHERE s.id > ? AND s.pdf_hash <> '' AND s.legacy_pdf_hash = '' AND s.erased_at = 0
		AND NOT EXISTS (SELECT 1 FROM certificate_pdfs p WHERE p.signature_id = s.id)
		ORDER BY s.id LIMIT ?`, afterID, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []registry.Signature
	for rows.Next() {
		s, err := scanSignature(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// MarkPDFUnmatched keeps a record's fingerprint as legacy_pdf_hash.
func (db *DB) MarkPDFUnmatched(ctx context.Context, signatureID int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE signatures SET legacy_pdf_hash = pdf_hash
			WHERE id = ? AND legacy_pdf_hash = '' AND erased_at = 0
			AND NOT EXISTS (SELECT 1 FROM certificate_pdfs WHERE signature_id = signatures.id)`, signatureID)
		return err
	})
}

// PaperScan returns the stored scan of a paper signature.
func (db *DB) PaperScan(ctx context.Context, signatureID int64) (registry.PaperScan, error) {
	var p registry.PaperScan
	err := db.queryRow(ctx, `SELECT content_type, scan FROM paper_scans WHERE signature_id = ?`, signatureID).Scan(&p.ContentType, &p.Data)
	return p, mapErr(err, "Pindaian")
}
