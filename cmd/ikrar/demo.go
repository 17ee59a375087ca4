package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/ikrar-id/ikrar/internal/nip"
	"github.com/ikrar-id/ikrar/internal/registry"
)

const (
	demoEmail    = "admin@demo.ikrar.id"
	demoPassword = "ikrar-netral-2024"
	demoName     = "Admin BKPSDM Deli Serdang (demo)"
)

// demoSuggested is how many NIPs the demo banner suggests trying.
const demoSuggested = 3

// seedDemo creates, once, a demo regency with four agencies, a roster of 36
// employees and an open declaration event, and prints how to try it: at
// every start, the NIPs of people who have not signed yet, each with that
// person's name, and whether the server can be reached from other machines
// (listen is the address it listens on).
func seedDemo(ctx context.Context, a *app, baseURL, listen string, out io.Writer) error {
	sys := registry.Actor{User: registry.System, IP: "demo"}
	u, err := a.db.UserByEmail(ctx, demoEmail)
	if registry.IsCode(err, registry.ENOTFOUND) {
		if err := createDemo(ctx, a, sys); err != nil {
			return err
		}
		u, err = a.db.UserByEmail(ctx, demoEmail)
	}
	if err != nil {
		return err
	}
	events, err := a.db.Events(ctx, u.Scope())
	if err != nil || len(events) == 0 {
		return fmt.Errorf("demo event missing: %v", err)
	}
	e := events[0]
	parts, err := a.db.Participants(ctx, e, u.Scope())
	if err != nil {
		return err
	}
	var try []string
	for _, p := range parts {
		if p.Signature == nil && len(try) < demoSuggested {
			try = append(try, nip.Format(p.Employee.NIP)+" ("+p.Employee.FullName()+")")
		}
	}
	if len(try) == 0 {
		try = append(try, "(semua peserta sudah menandatangani / everyone has signed)")
	}
	fmt.Fprintf(out, `
Demo ikrar siap / ikrar demo ready
  Admin:        %s/login   email %s   kata sandi %s
  Acara:        %s/e/%s
  Kode acara:   %s
  Coba NIP:     %s
  Periksa:      %s/v
`, baseURL, demoEmail, demoPassword, baseURL, e.Slug, e.Code, strings.Join(try, "\n                "), baseURL)
	if loopbackOnly(listen) {
		fmt.Fprintf(out, `  Jaringan:     hanya komputer ini (%s) / this computer only. Untuk ponsel / for phones:
                --addr :8080 --base-url http://<IP-LAN>:8080 --data <direktori baru / new directory>
`, listen)
	}
	return nil
}

// loopbackOnly reports whether a listener at addr answers this machine
// only.
func loopbackOnly(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

func createDemo(ctx context.Context, a *app, sys registry.Actor) error {
	regency := &registry.Organization{Name: "Pemerintah Kabupaten Deli Serdang", Kind: registry.OrgRegency, RegionCode: "12.07", TimeZone: "Asia/Jakarta"}
	if err := a.svc.CreateOrganization(ctx, sys, regency); err != nil {
		return err
	}
	agencies := []string{"Sekretariat Daerah", "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia", "Dinas Pendidikan", "Dinas Kesehatan"}
	positions := []string{"Analis Kebijakan Ahli Muda", "Pranata Komputer Ahli Pertama", "Pengadministrasi Perkantoran", "Kepala Subbagian Umum", "Guru Ahli Pertama", "Perawat Terampil"}
	ranks := []string{"Penata Muda (III/a)", "Penata (III/c)", "Pembina (IV/a)", "Pengatur (II/c)"}
	names := [][3]string{
		{"", "Ahmad Syahputra", "S.Kom."}, {"Dr.", "Siti Aminah Lubis", "M.Si."}, {"", "André Siregar", "S.H."}, {"", "Rina Wati Nasution", ""},
		{"Ir.", "Bonar Simanjuntak", "M.T."}, {"", "Dewi Sartika Harahap", "S.Pd."}, {"", "Muhammad Rizki", "A.Md."}, {"", "Nurhayati Tanjung", "S.E."},
		{"", "Hendra Gunawan Sinaga", ""}, {"drg.", "Maya Sari Pohan", ""}, {"", "Togar Panjaitan", "S.Sos."}, {"", "Fitri Handayani", "S.Kep., Ns."},
		{"", "Yusuf Hasibuan", "S.T."}, {"", "Lestari Ginting", "S.Pd."}, {"", "Rudi Hartono Purba", ""}, {"", "Indah Permata Sari", "S.Ak."},
		{"H.", "Zulkifli Daulay", "M.Pd."}, {"", "Agustina Br Tarigan", "S.Farm."}, {"", "Benny Sitorus", "S.IP."}, {"", "Chairunnisa Rangkuti", "S.H."},
		{"", "Darwin Manurung", ""}, {"", "Eka Putri Ritonga", "A.Md.Keb."}, {"", "Fadli Matondang", "S.Kom."}, {"Hj.", "Gusnita Siregar", "S.Ag."},
		{"", "Irfan Batubara", "S.E."}, {"", "Julia Sembiring", "S.Psi."}, {"", "Kurniawan Saragih", "S.T."}, {"", "Lina Marlina Pane", ""},
		{"dr.", "Mikael Situmorang", "Sp.PD."}, {"", "Nova Hutabarat", "S.Pd."}, {"", "Oktavianus Gultom", ""}, {"", "Putri Ayu Damanik", "S.Gz."},
		{"", "Ramadhan Lubis", "S.H."}, {"", "Sri Wahyuni", "S.Pd.I."}, {"", "Taufik Hidayat Nasution", "M.M."}, {"", "Uli Artha Simbolon", "S.Kep."},
	}
	units := [][]string{
		{"Bagian Tata Pemerintahan", "Bagian Hukum", "Bagian Umum"},
		{"Bidang Mutasi dan Promosi", "Bidang Pengembangan Kompetensi", "Subbagian Umum dan Kepegawaian"},
		{"Bidang Pembinaan SMP", "Bidang Pembinaan SD", "Sekretariat"},
		{"Bidang Pelayanan Kesehatan", "Bidang Pencegahan Penyakit", "UPT Puskesmas Lubuk Pakam"},
	}
	emp := 0
	for ai, name := range agencies {
		o := &registry.Organization{Name: name, Kind: registry.OrgAgency, ParentID: regency.ID, TimeZone: "Asia/Jakarta"}
		if err := a.svc.CreateOrganization(ctx, sys, o); err != nil {
			return err
		}
		var roster []registry.Employee
		for i := 0; i < 9; i++ {
			n := names[emp%len(names)]
			birth := time.Date(1970+emp%25, time.Month(1+emp%12), 1+emp%28, 0, 0, 0, 0, time.UTC)
			start := birth.AddDate(23+emp%5, 3, 0)
			number := fmt.Sprintf("%s%s%d%03d", birth.Format("20060102"), start.Format("200601"), 1+emp%2, 1+emp)
			cat := registry.CategoryPNS
			if i == 8 {
				cat = registry.CategoryPPPK
			}
			name := n[1]
			roster = append(roster, registry.Employee{NIP: number, Name: name, FrontTitle: n[0], BackTitle: n[2],
				Position: positions[emp%len(positions)], Rank: ranks[emp%len(ranks)], Unit: units[ai][i%len(units[ai])], Category: cat,
				Active: true, UpdatedAt: a.svc.Now()})
			emp++
		}
		if _, err := a.svc.ImportEmployees(ctx, sys, o.ID, roster, false, nil); err != nil {
			return err
		}
	}
	u := &registry.User{Email: demoEmail, Name: demoName, Role: registry.RoleAdmin, OrgID: regency.ID}
	if err := a.svc.CreateUser(ctx, sys, u, demoPassword); err != nil {
		return err
	}
	loc := registry.LoadLocation("Asia/Jakarta")
	y, m, d := time.Now().In(loc).Date()
	e := &registry.Event{OrgID: regency.ID, Title: "Deklarasi Netralitas ASN Pemilihan Serentak 2024",
		Place: "Aula Cendana, Kantor Bupati Deli Serdang, Lubuk Pakam", Mode: registry.ModeHybrid,
		MeetingURL: "https://meet.example.go.id/deklarasi-netralitas", StartsAt: time.Date(y, m, d, 9, 0, 0, 0, loc),
		OfficialName: "Drs. H. Muhammad Ali Yusuf Siregar", OfficialPosition: "Sekretaris Daerah Kabupaten Deli Serdang",
		OfficialNIP: "196805121990031004"}
	if err := a.svc.CreateEvent(ctx, sys, e); err != nil {
		return err
	}
	_, err := a.svc.SetEventStatus(ctx, sys, e.ID, registry.StatusOpen, "")
	return err
}
