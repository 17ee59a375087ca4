package registry_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ikrar-id/ikrar/internal/registry"
)

func TestSigningState(t *testing.T) {
	at := time.Date(2024, 10, 23, 2, 0, 0, 0, time.UTC)
	open := registry.Event{Status: registry.StatusOpen}
	window := open
	window.SigningOpensAt, window.SigningClosesAt = at, at.Add(time.Hour)
	tests := []struct {
		name string
		e    registry.Event
		now  time.Time
		ok   bool
	}{
		{"open without window", open, at, true},
		{"draft", registry.Event{Status: registry.StatusDraft}, at, false},
		{"closed", registry.Event{Status: registry.StatusClosed}, at, false},
		{"window opens exactly now", window, at, true},
		{"before the window", window, at.Add(-time.Second), false},
		{"last moment of the window", window, at.Add(time.Hour - time.Millisecond), true},
		{"window closed", window, at.Add(time.Hour), false},
	}
	for _, tt := range tests {
		err := tt.e.SigningState(tt.now)
		if (err == nil) != tt.ok {
			t.Errorf("%s: SigningState = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !registry.IsCode(err, registry.ENOTOPEN) {
			t.Errorf("%s: code %q, want %q", tt.name, registry.ErrorCode(err), registry.ENOTOPEN)
		}
	}
}

func TestUserCan(t *testing.T) {
	const regency, other = "/1/4/", "/1/5/"
	agency := regency + "9/"
	acts := []registry.Action{registry.ActView, registry.ActManageRoster, registry.ActManageEvents, registry.ActRevoke, registry.ActManageOrgs, registry.ActManageUsers, registry.ActViewLinks}
	tests := []struct {
		role   registry.Role
		path   string
		allows []bool // in the order of acts, on the regency and its agency
	}{
		{registry.RoleSuperadmin, "/", []bool{true, true, true, true, true, true, true}},
		{registry.RoleAdmin, regency, []bool{true, true, true, true, true, true, true}},
		{registry.RoleOperator, regency, []bool{true, true, true, false, false, false, true}},
		{registry.RoleViewer, regency, []bool{true, false, false, false, false, false, false}},
	}
	for _, tt := range tests {
		u := registry.User{Role: tt.role, OrgPath: tt.path, Active: true}
		for i, act := range acts {
			for _, p := range []string{regency, agency} {
				if got := u.Can(act, p); got != tt.allows[i] {
					t.Errorf("%s on %s, action %d: Can = %v, want %v", tt.role, p, act, got, tt.allows[i])
				}
			}
			if tt.role != registry.RoleSuperadmin && u.Can(act, other) {
				t.Errorf("%s of %s may act %d on another regency %s", tt.role, tt.path, act, other)
			}
		}
		u.Active = false
		if u.Can(registry.ActView, regency) {
			t.Errorf("inactive %s may still view", tt.role)
		}
	}
	// A path that merely starts with the same digits is another subtree.
	if (registry.User{Role: registry.RoleAdmin, OrgPath: "/1/", Active: true}).Can(registry.ActView, "/12/") {
		t.Error("admin of /1/ may view /12/")
	}
}

func TestDefaultPledgeHashIsStable(t *testing.T) {
	p := registry.DefaultPledge()
	if len(p.Points) != 4 {
		t.Fatalf("default pledge has %d points, want 4", len(p.Points))
	}
	q := p
	if err := q.Validate(); err != nil {
		t.Fatal(err)
	}
	if q.Hash != p.Hash {
		t.Fatalf("Validate changed the hash of the default pledge: %s → %s", p.Hash, q.Hash)
	}
	// Whitespace is folded before hashing; a changed word is a new version.
	q.Points = append([]string(nil), p.Points...)
	q.Points[0] = "  " + q.Points[0] + "\n"
	if q.ComputeHash() != p.Hash {
		t.Error("folding whitespace changed the hash")
	}
	q.Points[3] = "Menolak politik uang."
	if q.ComputeHash() == p.Hash {
		t.Error("a different point kept the same hash")
	}
	if got := p.OpeningFor("Pemerintah Kabupaten Deli Serdang"); got == p.Opening || !strings.Contains(got, "di lingkungan Pemerintah Kabupaten Deli Serdang berikrar") {
		t.Errorf("OpeningFor = %q", got)
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{"k7m4-qx2p-9abc", "K7M4QX2P9ABC"},
		{"K7M4 QX2P 9ABC", "K7M4QX2P9ABC"},
		{"o1lI", ""},         // too short
		{"K7M4QX2P9ABU", ""}, // U is not in the alphabet
		{"O0IL00000000", "001100000000"},
		{"K7M4QX2P9ABCD", ""}, // too long
	}
	for _, tt := range tests {
		if got := registry.NormalizeCode(tt.in, registry.CertificateCodeLen); got != tt.want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := registry.GroupCode("K7M4QX2P9ABC"); got != "K7M4-QX2P-9ABC" {
		t.Errorf("GroupCode = %q", got)
	}
}

func TestFullName(t *testing.T) {
	tests := []struct{ front, name, back, want string }{
		{"Dr.", "Siti Aminah", "S.H., M.Si.", "Dr. Siti Aminah, S.H., M.Si."},
		{"", "André Siregar", "", "André Siregar"},
		{" ", " Budi ", "S.Kom.", "Budi, S.Kom."},
	}
	for _, tt := range tests {
		if got := registry.FullName(tt.front, tt.name, tt.back); got != tt.want {
			t.Errorf("FullName(%q, %q, %q) = %q, want %q", tt.front, tt.name, tt.back, got, tt.want)
		}
	}
}

func TestEventValidate(t *testing.T) {
	base := func() registry.Event {
		return registry.Event{OrgID: 1, Title: "Deklarasi", Place: "Aula", Mode: registry.ModeInPerson,
			StartsAt: time.Now(), OfficialName: "A", OfficialPosition: "Sekda"}
	}
	tests := []struct {
		name   string
		mutate func(*registry.Event)
		ok     bool
	}{
		{"valid", func(*registry.Event) {}, true},
		{"no title", func(e *registry.Event) { e.Title = " " }, false},
		{"online without link", func(e *registry.Event) { e.Mode = registry.ModeOnline }, false},
		{"online with link", func(e *registry.Event) { e.Mode = registry.ModeOnline; e.MeetingURL = "https://meet.example/x" }, true},
		{"link not http", func(e *registry.Event) { e.Mode = registry.ModeHybrid; e.MeetingURL = "javascript:alert(1)" }, false},
		{"window backwards", func(e *registry.Event) {
			e.SigningOpensAt = time.Now()
			e.SigningClosesAt = e.SigningOpensAt.Add(-time.Minute)
		}, false},
		{"unknown category", func(e *registry.Event) { e.Categories = []registry.Category{"HONORARY"} }, false},
		{"no official", func(e *registry.Event) { e.OfficialName = "" }, false},
	}
	for _, tt := range tests {
		e := base()
		tt.mutate(&e)
		err := e.Validate()
		if (err == nil) != tt.ok {
			t.Errorf("%s: Validate = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !registry.IsCode(err, registry.EINVALID) {
			t.Errorf("%s: code %q", tt.name, registry.ErrorCode(err))
		}
	}
}

// cheapPasswords are argon2id costs for tests: hashes made with them
// check as any other, for a fraction of a millisecond.
var cheapPasswords = registry.PasswordParams{Time: 1, Memory: 64, Threads: 1}

func TestPasswordHash(t *testing.T) {
	h := registry.NewHasher(1, 0, time.Second)
	hash, err := h.Hash(t.Context(), "kata-sandi-panjang")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=65536,t=3,p=2$") {
		t.Fatalf("a hash with the default costs: %s", hash)
	}
	check := func(h *registry.Hasher, hash, password string) bool {
		t.Helper()
		ok, err := h.Check(t.Context(), hash, password)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	if !check(h, hash, "kata-sandi-panjang") || check(h, hash, "kata-sandi-panjanG") {
		t.Fatal("Check does not tell the right password from a wrong one")
	}
	if check(h, "$2a$10$not-argon", "x") {
		t.Fatal("a foreign hash format was accepted")
	}

	// A hash carries its costs: one made with other costs checks the same,
	// both ways, as after a change of parameters.
	cheap := registry.NewHasher(1, 0, time.Second).WithParams(cheapPasswords)
	if !check(cheap, hash, "kata-sandi-panjang") || check(cheap, hash, "kata-sandi-panjanG") {
		t.Fatal("a hasher with other costs does not check a default hash")
	}
	cheapHash, err := cheap.Hash(t.Context(), "kata-sandi-panjang")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cheapHash, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Fatalf("a hash with cheap costs: %s", cheapHash)
	}
	if !check(h, cheapHash, "kata-sandi-panjang") || check(h, cheapHash, "kata-sandi-panjanG") {
		t.Fatal("the default hasher does not check a hash made with other costs")
	}
}

// TestPasswordParamsProduction: serve refuses costs below the defaults, so
// a hasher made cheap for tests never serves.
func TestPasswordParamsProduction(t *testing.T) {
	d := registry.DefaultPasswordParams()
	if err := d.Production(); err != nil {
		t.Errorf("the defaults are refused: %v", err)
	}
	if err := (registry.PasswordParams{Time: 4, Memory: 128 * 1024, Threads: 4}).Production(); err != nil {
		t.Errorf("costlier parameters are refused: %v", err)
	}
	for _, p := range []registry.PasswordParams{cheapPasswords,
		{Time: d.Time - 1, Memory: d.Memory, Threads: d.Threads},
		{Time: d.Time, Memory: d.Memory / 2, Threads: d.Threads},
		{Time: d.Time, Memory: d.Memory, Threads: d.Threads - 1}} {
		if p.Production() == nil {
			t.Errorf("%+v passes as production's", p)
		}
	}
}
