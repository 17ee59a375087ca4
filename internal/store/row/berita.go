package row

import "github.com/ikrar-id/ikrar/internal/registry"

// Document reads an event document's id, event_id, purpose, sha256, size,
// has_signature, uploaded_by, uploader_name, uploaded_at and leaf_index
// (each store says how it measures the size), then extra columns.
func Document(s Scanner, extra ...any) (registry.EventDocument, error) {
	var d registry.EventDocument
	var purpose string
	var at int64
	err := s.Scan(append([]any{&d.ID, &d.EventID, &purpose, &d.SHA256, &d.Size, &d.HasSignature, &d.UploadedBy, &d.UploaderName, &at, &d.LeafIndex}, extra...)...)
	d.Purpose, d.UploadedAt = registry.DocumentPurpose(purpose), Time(at)
	return d, err
}
