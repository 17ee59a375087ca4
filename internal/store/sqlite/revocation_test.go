package sqlite

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
	"github.com/ikrar-id/ikrar/internal/translog"
)

// BenchmarkRevokedCodes builds the revocation list of a log of 20,000
// signatures and 200 revocations: the accounting scan and the join, what a
// new checkpoint costs once. go test -run '^$' -bench RevokedCodes.
func BenchmarkRevokedCodes(b *testing.B) {
	s := benchOpenStore(b, 20_000)
	ctx := context.Background()
	ids := make([]int64, 0, len(s.emps))
	for range s.emps {
		sig := s.sig(b)
		if err := s.db.InsertSignature(ctx, sig); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, sig.ID)
	}
	for i := 0; i < len(ids); i += 100 {
		r := &registry.Revocation{SignatureID: ids[i], Reason: "Uji", UserID: 1, UserName: "Uji", RevokedAt: time.Now()}
		if err := s.db.InsertRevocation(ctx, r); err != nil {
			b.Fatal(err)
		}
	}
	size, _ := s.db.LogSize(ctx)
	if codes, err := s.db.RevokedCodes(ctx, 0, size); err != nil || len(codes) != 200 {
		b.Fatalf("%d codes, %v", len(codes), err)
	}
	// All leaves, as after a start; the last thousand, as for a new
	// checkpoint under load.
	for _, from := range []int64{0, size - 1000} {
		b.Run(fmt.Sprintf("leaves=%d", size-from), func(b *testing.B) {
			for b.Loop() {
				if _, err := s.db.RevokedCodes(ctx, from, size); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	// A revocation row deleted: the rows no longer claim its leaf.
	if _, err := s.db.write.ExecContext(ctx, `DELETE FROM revocations WHERE signature_id = ?`, ids[0]); err != nil {
		b.Fatal(err)
	}
	if _, err := s.db.RevokedCodes(ctx, 0, size); !errors.Is(err, translog.ErrUnclaimedLeaves) {
		b.Fatalf("a revocation row deleted: %v", err)
	}
}
