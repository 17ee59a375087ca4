package translog

import (
	"encoding/hex"

	"golang.org/x/mod/sumdb/tlog"
)

// LeafV2 is the leaf version new records, revocations and issuances get.
const LeafV2 = 2

// LeafHex is a leaf hash as a version 2 leaf names it: lower-case hex.
func LeafHex(h tlog.Hash) string { return hex.EncodeToString(h[:]) }
