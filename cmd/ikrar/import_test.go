package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// TestImportCommandPerGovernment: `ikrar import` of one NIP into a
// province and into a regency under it makes two employees, one per
// government, and re-importing into the regency changes only the
// regency's.
func TestImportCommandPerGovernment(t *testing.T) {
	ctx := t.Context()
	dir := t.TempDir()
	a, err := openApp(ctx, dir, "ikrar.test/log")
	if err != nil {
		t.Fatal(err)
	}
	sys := registry.Actor{User: registry.System, IP: "test"}
	province := &registry.Organization{Name: "Pemerintah Provinsi Sumatera Utara", Kind: registry.OrgProvince, TimeZone: "Asia/Jakarta"}
	if err := a.svc.CreateOrganization(ctx, sys, province); err != nil {
		t.Fatal(err)
	}
	regency := &registry.Organization{Name: "Pemerintah Kabupaten Deli Serdang", Kind: registry.OrgRegency, ParentID: province.ID, TimeZone: "Asia/Jakarta"}
	if err := a.svc.CreateOrganization(ctx, sys, regency); err != nil {
		t.Fatal(err)
	}
	a.Close()

	const nip = "198609262015052001"
	importAs := func(org *registry.Organization, name string) string {
		t.Helper()
		file := filepath.Join(t.TempDir(), "pegawai.csv")
		if err := os.WriteFile(file, []byte("nip;nama\n"+nip+";"+name+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		out, errOut, err := runCLI(ctx, "", "import", "--data", dir, "--org", strconv.FormatInt(org.ID, 10), file)
		if err != nil {
			t.Fatalf("import into %s: %v\n%s", org.Name, err, errOut)
		}
		return strings.TrimSpace(out)
	}
	for _, tc := range []struct {
		org        *registry.Organization
		name, want string
	}{
		{regency, "Siti di Kabupaten", "1 imported, 0 updated, 0 rejected"},
		{province, "Siti di Provinsi", "1 imported, 0 updated, 0 rejected"},
		{regency, "Siti Kabupaten Baru", "0 imported, 1 updated, 0 rejected"},
	} {
		if got := importAs(tc.org, tc.name); got != tc.want {
			t.Errorf("import of %q into %s: %q, want %q", tc.name, tc.org.Name, got, tc.want)
		}
	}

	a, err = openApp(ctx, dir, "")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for org, want := range map[*registry.Organization]string{province: "Siti di Provinsi", regency: "Siti Kabupaten Baru"} {
		e, err := a.db.EmployeeByNIP(ctx, org.Path, nip)
		if err != nil || e.Name != want {
			t.Errorf("%s's employee: %+v (%v), want %q", org.Name, e, err, want)
		}
	}
}
