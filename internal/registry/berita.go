package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxWitnesses bounds an event's witnesses: the Berita Acara prints a
// signature block for each.
const MaxWitnesses = 20

// Witness is someone who witnesses the declaration for an institution
// (KPU, Bawaslu, Forkopimda) and signs its Berita Acara.
type Witness struct {
	ID          int64
	EventID     int64
	Name        string
	Position    string
	Institution string
}

// DocumentPurpose says what an event's document is.
type DocumentPurpose string

// PurposeBeritaAcara is the Berita Acara as signed by a certified signing
// service and uploaded back.
const PurposeBeritaAcara DocumentPurpose = "berita-acara"

// EventDocument is a PDF kept with an event; its SHA-256 is logged.
type EventDocument struct {
	ID           int64
	EventID      int64
	Purpose      DocumentPurpose
	SHA256       string // hex
	Size         int64
	HasSignature bool // the PDF holds an electronic signature dictionary
	UploadedBy   int64
	UploaderName string
	UploadedAt   time.Time
	LeafIndex    int64
}

// BeritaStore keeps an event's witnesses and documents.
type BeritaStore interface {
	Witnesses(ctx context.Context, eventID int64) ([]Witness, error)
	// SaveWitness inserts w (ID 0) or updates it; it returns ECONFLICT
	// when an insert would pass MaxWitnesses.
	SaveWitness(ctx context.Context, w *Witness) error
	DeleteWitness(ctx context.Context, eventID, id int64) error
	// AddEventDocument stores the document and appends its leaf to the
	// log in one transaction, setting ID and LeafIndex.
	AddEventDocument(ctx context.Context, d *EventDocument, pdf []byte) error
	// EventDocuments lists an event's documents, newest first.
	EventDocuments(ctx context.Context, eventID int64) ([]EventDocument, error)
	EventDocumentPDF(ctx context.Context, eventID, id int64) (EventDocument, []byte, error)
}

// paperworkEvent loads event id for a user who may manage its events: its
// witnesses and documents, unlike its participants, may change once it is
// closed, since the Berita Acara is signed after the ceremony.
func (s *Service) paperworkEvent(ctx context.Context, a Actor, id int64) (Event, Organization, error) {
	e, org, err := s.VisibleEvent(ctx, a.User, id)
	if err != nil {
		return Event{}, Organization{}, err
	}
	if !a.User.Can(ActManageEvents, org.Path) {
		return Event{}, Organization{}, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan tindakan ini.")
	}
	return e, org, nil
}

// SaveWitness adds a witness to event eventID (w.ID 0) or edits one.
func (s *Service) SaveWitness(ctx context.Context, a Actor, eventID int64, w Witness) error {
	e, _, err := s.paperworkEvent(ctx, a, eventID)
	if err != nil {
		return err
	}
	w.EventID = e.ID
	w.Name, w.Position, w.Institution = oneLine(w.Name), oneLine(w.Position), oneLine(w.Institution)
	switch {
	case w.Name == "" || w.Position == "" || w.Institution == "":
		return Errorf(EINVALID, "Nama, jabatan, dan instansi saksi wajib diisi.")
	case utf8.RuneCountInString(w.Name) > 200 || utf8.RuneCountInString(w.Position) > 200 || utf8.RuneCountInString(w.Institution) > 200:
		return Errorf(EINVALID, "Nama, jabatan, atau instansi saksi terlalu panjang (paling banyak 200 karakter).")
	}
	action := "event.witness_edit"
	if w.ID == 0 {
		action = "event.witness_add"
	}
	err = s.audited(ctx, a.User, a.IP, action, e.OrgID, fmt.Sprintf("event:%d", e.ID), Plain(w.Name+" ("+w.Institution+")"), func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.SaveWitness(ctx, &w)
	})
	if err != nil {
		if IsCode(err, ECONFLICT) {
			return Errorf(ECONFLICT, "Paling banyak %d saksi per acara.", MaxWitnesses)
		}
		return fmt.Errorf("save witness of event %d: %w", e.ID, err)
	}
	return nil
}

// DeleteWitness removes a witness of event eventID.
func (s *Service) DeleteWitness(ctx context.Context, a Actor, eventID, id int64) error {
	e, _, err := s.paperworkEvent(ctx, a, eventID)
	if err != nil {
		return err
	}
	ws, err := s.Store.Witnesses(ctx, e.ID)
	if err != nil {
		return err
	}
	for _, w := range ws {
		if w.ID == id {
			err := s.audited(ctx, a.User, a.IP, "event.witness_remove", e.OrgID, fmt.Sprintf("event:%d", e.ID), Plain(w.Name+" ("+w.Institution+")"), func(ctx context.Context, _ *PendingAudit) error {
				return s.Store.DeleteWitness(ctx, e.ID, id)
			})
			if err != nil {
				return fmt.Errorf("delete witness %d: %w", id, err)
			}
			return nil
		}
	}
	return Errorf(ENOTFOUND, "Saksi tidak ditemukan.")
}

// AddSignedBeritaAcara keeps the signed Berita Acara of event eventID
// and logs its SHA-256. The caller has checked that pdf is a PDF.
func (s *Service) AddSignedBeritaAcara(ctx context.Context, a Actor, eventID int64, d EventDocument, pdf []byte) (EventDocument, error) {
	e, _, err := s.paperworkEvent(ctx, a, eventID)
	if err != nil {
		return d, err
	}
	sum := sha256.Sum256(pdf)
	d.EventID, d.Purpose, d.Size, d.SHA256 = e.ID, PurposeBeritaAcara, int64(len(pdf)), hex.EncodeToString(sum[:])
	d.UploadedBy, d.UploaderName, d.UploadedAt = a.User.ID, a.User.Name, s.now().UTC().Truncate(time.Millisecond)
	err = s.audited(ctx, a.User, a.IP, "event.berita_acara_signed", e.OrgID, fmt.Sprintf("event:%d", e.ID), Plain("sha256 "+d.SHA256), func(ctx context.Context, _ *PendingAudit) error {
		return s.Store.AddEventDocument(ctx, &d, pdf)
	})
	if err != nil {
		return d, fmt.Errorf("keep the signed minutes of event %d: %w", e.ID, err)
	}
	return d, nil
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// AuthorizeEventPaperwork checks that a may keep documents with event id,
// before an upload's body is read.
func (s *Service) AuthorizeEventPaperwork(ctx context.Context, a Actor, id int64) error {
	_, _, err := s.paperworkEvent(ctx, a, id)
	return err
}

// Witnesses are the witnesses of e.
func (s *Service) Witnesses(ctx context.Context, u User, e Event, org Organization) ([]Witness, error) {
	if err := seesEvent(u, e, org); err != nil {
		return nil, err
	}
	return s.Store.Witnesses(ctx, e.ID)
}

// EventDocuments are e's kept documents, newest first.
func (s *Service) EventDocuments(ctx context.Context, u User, e Event, org Organization) ([]EventDocument, error) {
	if err := seesEvent(u, e, org); err != nil {
		return nil, err
	}
	return s.Store.EventDocuments(ctx, e.ID)
}

// EventDocumentPDF is one of e's kept documents with its bytes.
func (s *Service) EventDocumentPDF(ctx context.Context, u User, e Event, org Organization, id int64) (EventDocument, []byte, error) {
	if err := seesEvent(u, e, org); err != nil {
		return EventDocument{}, nil, err
	}
	return s.Store.EventDocumentPDF(ctx, e.ID, id)
}

// PublicEventDocuments are an event's kept documents: fingerprints and
// log leaves, no personal data.
func (s *Service) PublicEventDocuments(ctx context.Context, eventID int64) ([]EventDocument, error) {
	return s.Store.EventDocuments(ctx, eventID)
}
