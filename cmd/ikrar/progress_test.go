package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ikrar-id/ikrar/internal/registry"
)

// progressEnv asks for a plain progress line at every step, as a log file
// would get one every ten seconds of a long run.
func progressEnv(name string) string {
	if name == "IKRAR_PROGRESS_EVERY" {
		return "1ns"
	}
	return ""
}

// runWithEnv runs the command with the given environment.
func runWithEnv(t *testing.T, getenv func(string) string, args ...string) (stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	if err := run(t.Context(), args, strings.NewReader(""), &out, &errOut, getenv); err != nil {
		t.Fatalf("ikrar %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String(), errOut.String()
}

// progressLine is a plain progress line: what, how many of how many, the
// rate, and the time left while there is some.
var progressLine = regexp.MustCompile(`^([^:]+(?:: [^:]+)?): (\d+ / \d+ \S+|[\d.]+ [KM]iB / [\d.]+ [KM]iB) \((\d+)%\)`)

// steps returns, per label, the percentages its progress lines said, in
// order.
func steps(t *testing.T, stderr string) map[string][]int {
	t.Helper()
	got := map[string][]int{}
	for _, l := range strings.Split(strings.TrimSpace(stderr), "\n") {
		if strings.Contains(l, ": berjalan/running, ") || strings.Contains(l, ": selesai/done, ") {
			continue // a step without counts
		}
		m := progressLine.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("not a progress line: %q", l)
			continue
		}
		pct, _ := strconv.Atoi(m[3])
		got[m[1]] = append(got[m[1]], pct)
	}
	return got
}

// TestImportShowsProgress: a roster import written to a log reports each
// step, reading, checking, writing and merging, up to 100%, on stderr,
// while stdout keeps only the result; a short import at the default
// interval stays silent.
func TestImportShowsProgress(t *testing.T) {
	dir := t.TempDir()
	a, err := openApp(t.Context(), dir, "ikrar.test/log")
	if err != nil {
		t.Fatal(err)
	}
	org := &registry.Organization{Name: "Pemerintah Kabupaten Deli Serdang", Kind: registry.OrgRegency, TimeZone: "Asia/Jakarta"}
	if err := a.svc.CreateOrganization(t.Context(), registry.Actor{User: registry.System, IP: "test"}, org); err != nil {
		t.Fatal(err)
	}
	a.Close()
	const rows = 9000 // three chunks written
	var csv strings.Builder
	csv.WriteString("nip;nama;unit\n")
	for i := range rows {
		fmt.Fprintf(&csv, "198001%02d2005011%03d;Pegawai %d;Dinas %d\n", 1+i/900, 100+i%900, i, i%7)
	}
	file := filepath.Join(t.TempDir(), "pegawai.csv")
	if err := os.WriteFile(file, []byte(csv.String()), 0o600); err != nil {
		t.Fatal(err)
	}

	out, errOut := runWithEnv(t, progressEnv, "import", "--data", dir, "--org", strconv.FormatInt(org.ID, 10), file)
	if strings.TrimSpace(out) != "9000 imported, 0 updated, 0 rejected" {
		t.Fatalf("stdout %q", out)
	}
	got := steps(t, errOut)
	for _, label := range []string{"impor/import: periksa/check", "impor/import: tulis/write"} {
		pcts := got[label]
		if len(pcts) == 0 || pcts[len(pcts)-1] != 100 {
			t.Errorf("%s: progress %v, want it to end at 100%%\n%s", label, pcts, errOut)
		}
	}
	// Reading the file and merging the rows are each one piece of work:
	// they say that they ran and how long they took.
	for _, label := range []string{"impor/import: baca/read", "impor/import: gabung/merge"} {
		if !strings.Contains(errOut, "\n"+label+": selesai/done, ") && !strings.HasPrefix(errOut, label+": selesai/done, ") {
			t.Errorf("no end of %s in\n%s", label, errOut)
		}
	}
	if w := got["impor/import: tulis/write"]; len(w) < 3 {
		t.Errorf("writing 9,000 rows in chunks of 4,000 reported %v, want a line per chunk", w)
	}

	// The same import again, at the default interval: nothing on stderr.
	var o, e bytes.Buffer
	if err := run(t.Context(), []string{"import", "--data", dir, "--org", strconv.FormatInt(org.ID, 10), file}, strings.NewReader(""), &o, &e, noEnv); err != nil {
		t.Fatal(err)
	}
	if e.Len() != 0 || strings.TrimSpace(o.String()) != "0 imported, 9000 updated, 0 rejected" {
		t.Fatalf("a short import said %q on stderr, %q on stdout", e.String(), o.String())
	}
}

// TestAuditBackupRestoreShowProgress: the audit counts leaves up to the
// log's size, the backup the database copy and the archive, and the
// restore the archive read and then its audit.
func TestAuditBackupRestoreShowProgress(t *testing.T) {
	r := seededTrustRegistry(t)
	size := r.checkpoint(t).Size
	r.close()

	out, errOut := runWithEnv(t, progressEnv, "audit", "--data", r.dir)
	if !strings.Contains(out, "every row matches its leaf") {
		t.Fatalf("audit: %s", out)
	}
	want := fmt.Sprintf("audit: %d / %d entri/leaves (100%%)", size, size)
	if !strings.Contains(errOut, want) {
		t.Errorf("audit progress %q lacks %q", errOut, want)
	}
	if pcts := steps(t, errOut)["audit"]; len(pcts) < int(size) {
		t.Errorf("audit of %d leaves reported %v", size, pcts)
	}

	file := filepath.Join(t.TempDir(), "cadangan.tar.gz")
	_, errOut = runWithEnv(t, progressEnv, "backup", "--data", r.dir, file)
	got := steps(t, errOut)
	for _, label := range []string{"cadangan/backup: basis data/database", "cadangan/backup: arsip/archive"} {
		if pcts := got[label]; len(pcts) == 0 || pcts[len(pcts)-1] != 100 {
			t.Errorf("%s: %v\n%s", label, pcts, errOut)
		}
	}

	_, errOut = runWithEnv(t, progressEnv, "restore", file, "--data", filepath.Join(t.TempDir(), "pulih"))
	got = steps(t, errOut)
	if pcts := got["pulihkan/restore"]; len(pcts) == 0 || pcts[len(pcts)-1] != 100 {
		t.Errorf("restore: %v\n%s", pcts, errOut)
	}
	if pcts := got["audit"]; len(pcts) == 0 || pcts[len(pcts)-1] != 100 {
		t.Errorf("the restore's audit: %v\n%s", pcts, errOut)
	}
}
