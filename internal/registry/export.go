package registry

// ExportStore serves exports, personal links and reports.
type ExportStore interface{}
