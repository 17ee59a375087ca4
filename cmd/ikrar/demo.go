package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"time"

	"github.com/ikrar-id/ikrar/internal/fixture"
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

// seedDemo creates, once, a demo regency with the fixture's four agencies,
// a roster of 36 employees and an open declaration event, and prints how
// to try it: at every start, the NIPs of people who have not signed yet,
// each with that person's name, and whether the server can be reached from
// other machines (listen is the address it listens on).
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
	emp := 0
	for _, ag := range fixture.Agencies {
		o := &registry.Organization{Name: ag.Name, Kind: registry.OrgAgency, ParentID: regency.ID, TimeZone: "Asia/Jakarta"}
		if err := a.svc.CreateOrganization(ctx, sys, o); err != nil {
			return err
		}
		var roster []registry.Employee
		for i := 0; i < 9; i++ {
			p := fixture.People[emp%len(fixture.People)]
			birth := time.Date(1970+emp%25, time.Month(1+emp%12), 1+emp%28, 0, 0, 0, 0, time.UTC)
			cat := registry.CategoryPNS
			if i == 8 {
				cat = registry.CategoryPPPK
			}
			roster = append(roster, registry.Employee{NIP: nip.New(birth, birth.AddDate(23+emp%5, 3, 0), 1+emp%2, 1+emp),
				Name: p.Name, FrontTitle: p.FrontTitle, BackTitle: p.BackTitle,
				Position: fixture.Positions[emp%len(fixture.Positions)], Rank: fixture.Ranks[emp%len(fixture.Ranks)],
				Unit: ag.Units[i%len(ag.Units)], Category: cat, Active: true, UpdatedAt: a.svc.Now()})
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
