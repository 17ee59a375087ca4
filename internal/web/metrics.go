package web

import (
	"github.com/ikrar-id/ikrar/internal/metrics"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// countSigning counts one call of the signing step by its outcome, as
// ikrar_signings_total shows it.
func (s *Server) countSigning(channel string, existing bool, err error) {
	s.opt.Metrics.Signing(channel, signingResult(existing, err))
}

func signingResult(existing bool, err error) string {
	switch registry.ErrorCode(err) {
	case "":
		if existing {
			return metrics.ResultDuplicate
		}
		return metrics.ResultOK
	case registry.ENOTOPEN:
		return metrics.ResultClosed
	case registry.ECONSENT, registry.EBADINK, registry.EINVALID, registry.ENOTELIGIBLE:
		return metrics.ResultInvalid
	default:
		return metrics.ResultError
	}
}

// countIdentification counts a failed identification by the code the
// signer got.
func (s *Server) countIdentification(err error) {
	if isGuess(err) {
		s.opt.Metrics.IdentificationFailed(registry.ErrorCode(err))
	}
}

// PDFCacheStats is what the in-memory certificate cache holds.
func (s *Server) PDFCacheStats() (entries int, bytes int64) {
	return s.issuer.CacheStats()
}

// DiskFree is the free space on the data directory's file system and the
// threshold below which /readyz answers 503.
func (s *Server) DiskFree() (free, min uint64, err error) {
	free, err = s.freeBytes()
	return free, s.minFreeBytes(), err
}
