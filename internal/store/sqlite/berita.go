package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ikrar-id/ikrar/internal/leaf"
	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/store/row"
)

// Witnesses lists an event's witnesses in the order they were entered.
func (db *DB) Witnesses(ctx context.Context, eventID int64) ([]registry.Witness, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT id, event_id, name, position, institution FROM event_witnesses
		WHERE event_id = ? ORDER BY id`, eventID)
	ws, err := collect(rows, err, func(r row.Scanner) (w registry.Witness, err error) {
		err = r.Scan(&w.ID, &w.EventID, &w.Name, &w.Position, &w.Institution)
		return w, err
	})
	if err != nil {
		return nil, fmt.Errorf("read witnesses: %w", err)
	}
	return ws, nil
}

// SaveWitness inserts or updates a witness; an insert past
// registry.MaxWitnesses is refused in the same transaction.
func (db *DB) SaveWitness(ctx context.Context, w *registry.Witness) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if w.ID != 0 {
			res, err := tx.ExecContext(ctx, `UPDATE event_witnesses SET name = ?, position = ?, institution = ? WHERE id = ? AND event_id = ?`,
				w.Name, w.Position, w.Institution, w.ID, w.EventID)
			if err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return mapErr(sql.ErrNoRows, "Saksi")
			}
			return nil
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM event_witnesses WHERE event_id = ?`, w.EventID).Scan(&n); err != nil {
			return err
		}
		if n >= registry.MaxWitnesses {
			return registry.Errorf(registry.ECONFLICT, "Paling banyak %d saksi per acara.", registry.MaxWitnesses)
		}
		return tx.QueryRowContext(ctx, `INSERT INTO event_witnesses (event_id, name, position, institution) VALUES (?, ?, ?, ?) RETURNING id`,
			w.EventID, w.Name, w.Position, w.Institution).Scan(&w.ID)
	})
}

// DeleteWitness removes a witness of an event.
func (db *DB) DeleteWitness(ctx context.Context, eventID, id int64) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM event_witnesses WHERE id = ? AND event_id = ?`, id, eventID)
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
	var size int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		lg, err := newLogAppender(ctx, tx)
		if err != nil {
			return err
		}
		d.LeafIndex = lg.n
		if err := lg.append(e.Hash()); err != nil {
			return fmt.Errorf("log document: %w", err)
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO event_documents (event_id, purpose, sha256, pdf, has_signature, uploaded_by,
			uploader_name, uploaded_at, leaf_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			d.EventID, string(d.Purpose), d.SHA256, pdf, d.HasSignature, d.UploadedBy, d.UploaderName, row.Millis(d.UploadedAt), d.LeafIndex).Scan(&d.ID); err != nil {
			return err
		}
		size = lg.n
		return lg.finish()
	})
	if err != nil {
		return err
	}
	db.notifyAppend(size)
	return nil
}

const documentColumns = `d.id, d.event_id, d.purpose, d.sha256, length(d.pdf), d.has_signature, d.uploaded_by, d.uploader_name, d.uploaded_at, d.leaf_index`

// EventDocuments lists an event's documents, newest first.
func (db *DB) EventDocuments(ctx context.Context, eventID int64) ([]registry.EventDocument, error) {
	rows, err := db.read.QueryContext(ctx, `SELECT `+documentColumns+` FROM event_documents d WHERE d.event_id = ? ORDER BY d.id DESC`, eventID)
	docs, err := collect(rows, err, func(s row.Scanner) (registry.EventDocument, error) { return row.Document(s) })
	if err != nil {
		return nil, fmt.Errorf("read documents: %w", err)
	}
	return docs, nil
}

// EventDocumentPDF returns one of an event's documents with its bytes.
func (db *DB) EventDocumentPDF(ctx context.Context, eventID, id int64) (registry.EventDocument, []byte, error) {
	var pdf []byte
	d, err := row.Document(db.read.QueryRowContext(ctx, `SELECT `+documentColumns+` FROM event_documents d WHERE d.event_id = ? AND d.id = ?`, eventID, id))
	if err != nil {
		return d, nil, mapErr(err, "Dokumen")
	}
	if err := db.read.QueryRowContext(ctx, `SELECT pdf FROM event_documents WHERE id = ?`, id).Scan(&pdf); err != nil {
		return d, nil, err
	}
	return d, pdf, nil
}
