package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// Witnesses lists an event's witnesses in the order they were entered.
func (db *DB) Witnesses(ctx context.Context, eventID int64) ([]registry.Witness, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, event_id, name, position, institution FROM event_witnesses
		WHERE event_id = $1 ORDER BY id`, eventID)
	if err != nil {
		return nil, fmt.Errorf("read witnesses: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.Witness, error) {
		var w registry.Witness
		err := r.Scan(&w.ID, &w.EventID, &w.Name, &w.Position, &w.Institution)
		return w, err
	})
}

// SaveWitness inserts or updates a witness; an insert past
// registry.MaxWitnesses is refused in the same transaction. The event's
// row is locked first, so two officers adding the last witness at once on
// two instances cannot both pass the count.
func (db *DB) SaveWitness(ctx context.Context, w *registry.Witness) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		if w.ID != 0 {
			tag, err := tx.Exec(ctx, `UPDATE event_witnesses SET name = $1, position = $2, institution = $3 WHERE id = $4 AND event_id = $5`,
				w.Name, w.Position, w.Institution, w.ID, w.EventID)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return mapErr(pgx.ErrNoRows, "Saksi")
			}
			return nil
		}
		var n int
		if _, err := tx.Exec(ctx, `SELECT 1 FROM events WHERE id = $1 FOR UPDATE`, w.EventID); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT COUNT(*) FROM event_witnesses WHERE event_id = $1`, w.EventID).Scan(&n); err != nil {
			return err
		}
		if n >= registry.MaxWitnesses {
			return registry.Errorf(registry.ECONFLICT, "Paling banyak %d saksi per acara.", registry.MaxWitnesses)
		}
		return tx.QueryRow(ctx, `INSERT INTO event_witnesses (event_id, name, position, institution) VALUES ($1, $2, $3, $4) RETURNING id`,
			w.EventID, w.Name, w.Position, w.Institution).Scan(&w.ID)
	})
}

// DeleteWitness removes a witness of an event.
func (db *DB) DeleteWitness(ctx context.Context, eventID, id int64) error {
	return db.tx(ctx, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `DELETE FROM event_witnesses WHERE id = $1 AND event_id = $2`, id, eventID)
		return err
	})
}

// AddEventDocument keeps a document's bytes and logs its leaf in one
// transaction.
func (db *DB) AddEventDocument(ctx context.Context, d *registry.EventDocument, pdf []byte) error {
	e := leaf.Document(*d)
	if err := e.Validate(); err != nil {
		return err
	}
	return db.appendTx(ctx, func(tx pgx.Tx, lg *logAppender) error {
		d.LeafIndex = lg.n
		if err := lg.append(e.Hash()); err != nil {
			return fmt.Errorf("log document: %w", err)
		}
		return tx.QueryRow(ctx, `INSERT INTO event_documents (event_id, purpose, sha256, pdf, has_signature, uploaded_by,
			uploader_name, uploaded_at, leaf_index) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
			d.EventID, string(d.Purpose), d.SHA256, pdf, d.HasSignature, d.UploadedBy, d.UploaderName, row.Millis(d.UploadedAt), d.LeafIndex).Scan(&d.ID)
	})
}

// EventDocuments lists an event's documents, newest first.
func (db *DB) EventDocuments(ctx context.Context, eventID int64) ([]registry.EventDocument, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+documentColumns+` FROM event_documents d WHERE d.event_id = $1 ORDER BY d.id DESC`, eventID)
	if err != nil {
		return nil, fmt.Errorf("read documents: %w", err)
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (registry.EventDocument, error) { return row.Document(r) })
}

// EventDocumentPDF returns one document of an event and its bytes.
func (db *DB) EventDocumentPDF(ctx context.Context, eventID, id int64) (registry.EventDocument, []byte, error) {
	var pdf []byte
	d, err := row.Document(db.pool.QueryRow(ctx, `SELECT `+documentColumns+`, d.pdf FROM event_documents d
		WHERE d.event_id = $1 AND d.id = $2`, eventID, id), &pdf)
	return d, pdf, mapErr(err, "Dokumen")
}

const documentColumns = `d.id, d.event_id, d.purpose, d.sha256, octet_length(d.pdf), d.has_signature, d.uploaded_by, d.uploader_name, d.uploaded_at, d.leaf_index`
