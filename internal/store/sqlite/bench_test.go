package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"math"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// benchStore is a database with one organization, employees and as many
// open events as the signings need: every employee signs each event once.
type benchStore struct {
	db     *DB
	org    registry.Organization
	emps   []registry.Employee
	mu     sync.Mutex
	events []registry.Event
	next   atomic.Int64
	ink    registry.Ink
}

func benchOpenStore(b *testing.B, employees int) *benchStore {
	b.Helper()
	ctx := context.Background()
	db, err := Open(ctx, filepath.Join(b.TempDir(), "ikrar.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	p := registry.DefaultPledge()
	if err := db.CreatePledge(ctx, &p); err != nil {
		b.Fatal(err)
	}
	s := &benchStore{db: db, ink: benchInk()}
	s.org = registry.Organization{Name: "Pemerintah Kabupaten Uji", Kind: registry.OrgRegency, TimeZone: "Asia/Jakarta", CreatedAt: time.Now()}
	if err := db.CreateOrganization(ctx, &s.org); err != nil {
		b.Fatal(err)
	}
	emps := make([]registry.Employee, employees)
	for i := range emps {
		birth := time.Date(1975, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%365)
		emps[i] = registry.Employee{NIP: fmt.Sprintf("%s%04d%02d%d%03d", birth.Format("20060102"), 2000+i%20, 1+i%12, 1+i%2, 1+i/365%999),
			Name: fmt.Sprintf("Pegawai %d", i), Unit: "Dinas Pendidikan", Category: registry.CategoryPNS, Active: true, UpdatedAt: time.Now()}
	}
	if _, err := db.UpsertEmployees(ctx, s.org.ID, emps); err != nil {
		b.Fatal(err)
	}
	if s.emps, _, err = db.Employees(ctx, registry.EmployeeFilter{Scope: s.org.Path, Limit: employees}); err != nil {
		b.Fatal(err)
	}
	return s
}

// benchInk is a drawn signature of 240 points, as the web form stores it.
func benchInk() registry.Ink {
	var strokes []registry.Stroke
	ms := int64(1_729_650_000_000)
	for s := range 3 {
		var st registry.Stroke
		for i := range 80 {
			t := float64(i) / 79
			st.Points = append(st.Points, registry.Point{
				X: math.Round((40+float64(s)*170+150*t+18*math.Cos(4*math.Pi*t))*10) / 10,
				Y: math.Round((100+35*math.Sin(4*math.Pi*t+float64(s)))*10) / 10, T: ms})
			ms += 16
		}
		strokes = append(strokes, st)
	}
	return registry.Ink{Kind: registry.InkStrokes, Strokes: strokes}
}

// sig returns the next signing's record, opening another event when every
// employee has signed the current ones.
func (s *benchStore) sig(b *testing.B) *registry.Signature {
	i := int(s.next.Add(1) - 1)
	k := i / len(s.emps)
	s.mu.Lock()
	for len(s.events) <= k {
		e := registry.Event{OrgID: s.org.ID, Slug: fmt.Sprintf("bench-%d", len(s.events)), Code: "BENCH1", Title: "Uji", Place: "Aula",
			Mode: registry.ModeInPerson, StartsAt: time.Now(), PledgeID: 1, OfficialName: "X", OfficialPosition: "Y",
			Status: registry.StatusOpen, CreatedAt: time.Now()}
		if err := s.db.CreateEvent(context.Background(), &e); err != nil {
			s.mu.Unlock()
			b.Fatal(err)
		}
		s.events = append(s.events, e)
	}
	e := s.events[k]
	s.mu.Unlock()
	emp := s.emps[i%len(s.emps)]
	return &registry.Signature{EventID: e.ID, EmployeeID: emp.ID, Code: fmt.Sprintf("B%011d", i), NIP: emp.NIP, Name: emp.Name,
		Unit: emp.Unit, OrgName: s.org.Name, Category: emp.Category, PledgeHash: registry.DefaultPledge().Hash, Ink: s.ink, Consent: true,
		SignedAt: time.Now().UTC().Truncate(time.Millisecond), Channel: registry.ChannelEventCode, ClientIP: "10.1.2.3",
		UserAgent: "Mozilla/5.0 (Linux; Android 14)", IdentitySalt: []byte("0123456789abcdef"), LeafIndex: -1}
}

// BenchmarkInsertSignature stores a record and appends its log leaf
// through the group commit: one signer at a time (each commit, with its
// fsync, holds one record) and 200 concurrent signers (commits batch).
func BenchmarkInsertSignature(b *testing.B) {
	s := benchOpenStore(b, 20_000)
	ctx := context.Background()
	b.Run("sequential", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if err := s.db.InsertSignature(ctx, s.sig(b)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
	b.Run("parallel-200", func(b *testing.B) {
		b.ReportAllocs()
		b.SetParallelism(100) // × GOMAXPROCS 2
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := s.db.InsertSignature(ctx, s.sig(b)); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "records/s")
	})
}

// BenchmarkStorePDF stores a certificate as a first download does,
// through the group commit: a 40 KB certificate, and a 64-byte one for
// what the write costs beyond its size (about what recording a
// fingerprint alone cost); one download at a time (a commit and fsync
// each) and 200 at once (commits batch).
func BenchmarkStorePDF(b *testing.B) {
	for _, size := range []int{64, 40 << 10} {
		for _, par := range []int{1, 100} {
			name := fmt.Sprintf("%dB/sequential", size)
			if par > 1 {
				name = fmt.Sprintf("%dB/parallel-%d", size, 2*par)
			}
			b.Run(name, func(b *testing.B) {
				s := benchOpenStore(b, 20_000)
				ctx := context.Background()
				pdf := make([]byte, size)
				for i := range pdf {
					pdf[i] = byte(i * 7919 >> 3) // PDFs are compressed: no long runs
				}
				ids := make(chan int64, 1024)
				go func() {
					defer close(ids)
					for range b.N {
						sig := s.sig(b)
						if err := s.db.InsertSignature(ctx, sig); err != nil {
							b.Error(err)
							return
						}
						ids <- sig.ID
					}
				}()
				recs := make([]int64, 0, b.N)
				for id := range ids {
					recs = append(recs, id)
				}
				var next atomic.Int64
				sum := sha256.Sum256(pdf)
				pdfHash := hex.EncodeToString(sum[:])
				b.ResetTimer()
				b.SetParallelism(par)
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						id := recs[next.Add(1)-1]
						if _, err := s.db.StorePDF(ctx, registry.IssuedPDF{SignatureID: id, PDF: pdf, SHA256: pdfHash, ClaimToken: "t"}); err != nil {
							b.Fatal(err)
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "certificates/s")
			})
		}
	}
}

// BenchmarkLogAppend is the transparency-log part of a signing: the new
// leaf's stored hashes computed (reading the ones they depend on) and
// written, in transactions of 512 leaves as the group commit batches
// them at most.
func BenchmarkLogAppend(b *testing.B) {
	s := benchOpenStore(b, 1)
	ctx := context.Background()
	leaf := tlog.RecordHash([]byte("ikrar bench leaf"))
	b.ReportAllocs()
	n := 0
	for n < b.N {
		batch := min(512, b.N-n)
		err := s.db.tx(ctx, func(tx *sql.Tx) error {
			lg, err := newLogAppender(ctx, tx)
			if err != nil {
				return err
			}
			for range batch {
				if err := lg.append(leaf); err != nil {
					return err
				}
			}
			return lg.finish()
		})
		if err != nil {
			b.Fatal(err)
		}
		n += batch
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "leaves/s")
}

// BenchmarkSignatureByCode is the store half of a verification look-up:
// one record by its certificate code, from a table of 20,000.
func BenchmarkSignatureByCode(b *testing.B) {
	s := benchOpenStore(b, 20_000)
	ctx := context.Background()
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s.next.Load() < int64(len(s.emps)) {
				if err := s.db.InsertSignature(ctx, s.sig(b)); err != nil && !registry.IsCode(err, registry.ECONFLICT) {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	b.Run("parallel", func(b *testing.B) {
		var i atomic.Int64
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				code := fmt.Sprintf("B%011d", int(i.Add(7919))%len(s.emps))
				if _, err := s.db.SignatureByCode(ctx, code); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lookups/s")
	})
}

// BenchmarkRosterReimport re-imports a 20,000-row roster in which every
// employee changes unit: the plan on the readers, the staged chunks and the
// one merge transaction. go test -run '^$' -bench RosterReimport.
func BenchmarkRosterReimport(b *testing.B) {
	const n = 20_000
	s := benchOpenStore(b, n)
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		emps := make([]registry.Employee, len(s.emps))
		for j, e := range s.emps {
			e.Unit = fmt.Sprintf("Unit %d", i)
			emps[j] = e
		}
		res, err := s.db.ImportEmployees(ctx, registry.EmployeeImport{OrgID: s.org.ID, Scope: "/", Employees: emps})
		if err != nil || res.Updated != len(s.emps) {
			b.Fatalf("%+v, %v", res, err)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
