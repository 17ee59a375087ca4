package registry

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strings"
)

// PaperScan is the scan of a pakta signed on paper, as uploaded: its bytes
// and their type as read from them (internal/scan).
type PaperScan struct {
	ContentType string
	Data        []byte
}

// SHA256 is the hex SHA-256 of the scan's bytes, which the record's leaf
// commits to.
func (p PaperScan) SHA256() string {
	sum := sha256.Sum256(p.Data)
	return hex.EncodeToString(sum[:])
}

// InkPaper marks a record signed on paper: it has no drawn signature, its
// certificate says where and before whom it was signed.
const InkPaper InkKind = "paper"

// maxWitness bounds a witness's name, in bytes.
const maxWitness = 200

// PaperRequest is an officer's record of a signature made on paper.
type PaperRequest struct {
	EventID   int64
	NIP       string
	Witness   string
	Scan      PaperScan // checked by internal/scan
	ClientIP  string
	UserAgent string
}

// AuthorizePaper returns the event and its organization if u may record
// paper signatures for it: an admin or operator over the event's
// organization (ENOTFOUND outside u's scope, EFORBIDDEN for a viewer).
func (s *Service) AuthorizePaper(ctx context.Context, u User, eventID int64) (Event, Organization, error) {
	e, org, err := s.VisibleEvent(ctx, u, eventID)
	if err != nil {
		return Event{}, Organization{}, err
	}
	if !u.Can(ActManageEvents, org.Path) {
		return Event{}, Organization{}, Errorf(EFORBIDDEN, "Peran Anda tidak mengizinkan mencatat tanda tangan di atas kertas.")
	}
	return e, org, nil
}

// PaperScanOf returns the scan of a paper record for an officer who may
// see the record; ENOTFOUND for another channel or an erased record.
func (s *Service) PaperScanOf(ctx context.Context, u User, code string) (Signature, PaperScan, error) {
	sig, err := s.Certificate(ctx, code)
	if err != nil {
		return Signature{}, PaperScan{}, err
	}
	if _, _, err := s.AuthorizeRecord(ctx, u, ActView, sig); err != nil {
		return Signature{}, PaperScan{}, err
	}
	if sig.Channel != ChannelPaper {
		return Signature{}, PaperScan{}, Errorf(ENOTFOUND, "Catatan ini tidak ditandatangani di atas kertas.")
	}
	p, err := s.Store.PaperScan(ctx, sig.ID)
	if IsCode(err, ENOTFOUND) {
		return Signature{}, PaperScan{}, Errorf(ENOTFOUND, "Pindaian tidak tersimpan lagi (data pribadi catatan ini sudah dihapus).")
	}
	return sig, p, err
}

// RecordPaper records a signature made on paper (the pakta signed at the
// ceremony, or by staff without a phone) for one of the event's eligible
// participants who has no standing record, by an officer who may manage
// the event, from its opening on, also after it closes (Event.PaperState).
// The record is like any other, of channel paper; its leaf commits to the
// scan's hash, and its time is when it was recorded: the certificate says
// so, and the scan bears the date it was signed.
func (s *Service) RecordPaper(ctx context.Context, a Actor, r PaperRequest) (Signature, error) {
	e, org, err := s.AuthorizePaper(ctx, a.User, r.EventID)
	if err != nil {
		return Signature{}, err
	}
	witness := strings.Join(strings.Fields(r.Witness), " ")
	if witness == "" {
		return Signature{}, Errorf(EINVALID, "Nama saksi wajib diisi.")
	}
	if len(witness) > maxWitness {
		return Signature{}, Errorf(EINVALID, "Nama saksi terlalu panjang (paling banyak %d karakter).", maxWitness)
	}
	nipText := strings.ToUpper(strings.Join(strings.Fields(r.NIP), ""))
	if nipText == "" {
		return Signature{}, Errorf(EINVALID, "Pilih peserta yang menandatangani.")
	}
	if len(r.Scan.Data) == 0 {
		return Signature{}, Errorf(EBADSCAN, "Unggah pindaian pakta yang ditandatangani (PDF, PNG, atau JPEG).")
	}
	emp, err := s.eligible(ctx, e, func(scope string) (Employee, error) {
		return s.Store.EmployeeByNIP(ctx, scope, nipText)
	})
	if IsCode(err, ENOTELIGIBLE) {
		return Signature{}, Errorf(ENOTPARTICIPANT, "NIP %s bukan peserta acara ini.", nipText)
	}
	if err != nil {
		return Signature{}, err
	}
	scan := r.Scan
	var sig Signature
	err = s.audited(ctx, a.User, a.IP, "certificate.paper", org.ID, "", Detail{}, func(ctx context.Context, audit *PendingAudit) error {
		var existing bool
		sig, existing, err = s.sign(ctx, SignRequest{Event: e, Employee: emp, Ink: Ink{Kind: InkPaper}, Consent: true,
			Channel: ChannelPaper, ClientIP: r.ClientIP, UserAgent: r.UserAgent}, func(sig *Signature) {
			sig.Scan, sig.ScanHash, sig.Witness = &scan, scan.SHA256(), witness
			// The officer vouches for the sheet: the trail says who
			// recorded it. The witness's name stays out of it (personal
			// data, erased with the record); the scan's hash identifies
			// what was uploaded.
			audit.Entry.Target = "certificate:" + sig.Code
			audit.Entry.SetDetail(Plain("scan sha256 " + sig.ScanHash))
			if e.SigningState(sig.SignedAt) != nil {
				audit.Entry.SetDetail(Detailf("scan sha256 %s; dicatat setelah penandatanganan ditutup", sig.ScanHash))
			}
		})
		if err == nil && existing {
			return Errorf(EALREADYSIGNED, "%s sudah menandatangani ikrar acara ini.", sig.Name)
		}
		return err
	})
	if err != nil {
		return Signature{}, err
	}
	return sig, nil
}
