package web

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/i18n"
	"github.com/ikrar-id/ikrar/internal/registry"
)

const auditPerPage = 50

// auditLabels name each action of the audit trail (registry.AuditActions)
// for people; the page shows an action missing here by its code.
var auditLabels = map[string]string{
	"organization.create":       "Membuat organisasi",
	"organization.logo":         "Mengganti logo kop surat",
	"roster.import":             "Mengimpor data pegawai",
	"pledge.create":             "Menyimpan versi teks ikrar",
	"event.create":              "Membuat acara",
	"event.open":                "Membuka acara",
	"event.closed":              "Menutup acara",
	"event.witness_add":         "Menambah saksi acara",
	"event.witness_edit":        "Mengubah saksi acara",
	"event.witness_remove":      "Menghapus saksi acara",
	"event.berita_acara_signed": "Mengunggah Berita Acara bertanda tangan",
	"participants.upload":       "Mengunggah daftar peserta acara",
	"participants.clear":        "Mengosongkan daftar peserta acara",
	"certificate.paper":         "Mencatat tanda tangan di atas kertas",
	"certificate.revoke":        "Mencabut sertifikat",
	"certificate.erase":         "Menghapus data pribadi sertifikat",
	"employee.erase":            "Menghapus data pribadi pegawai",
	"links.view":                "Melihat tautan pribadi peserta",
	"link.reissue":              "Mengganti tautan pribadi peserta",
	"export.recap":              "Mengunduh rekap acara",
	"export.signatures":         "Mengunduh daftar tanda tangan",
	"export.berita_acara":       "Mengunduh berita acara",
	"export.certificates":       "Mengunduh sertifikat peserta",
	"export.followup":           "Mengunduh daftar yang belum menandatangani",
	"export.links":              "Mengunduh tautan pribadi peserta",
	"user.create":               "Membuat pengguna",
	"user.role":                 "Mengubah peran pengguna",
	"user.reset_password":       "Mereset kata sandi pengguna",
	"user.password":             "Mengubah kata sandi sendiri",
	"user.deactivate":           "Menonaktifkan pengguna",
	"user.activate":             "Mengaktifkan kembali pengguna",
	"token.create":              "Membuat token API",
	"token.revoke":              "Mencabut token API",
	"user.login":                "Masuk ke admin",
	"user.login_failed":         "Gagal masuk (kata sandi salah atau akun nonaktif)",
	"privacy.settings":          "Mengubah pengaturan data pribadi organisasi",
	"event.retention":           "Mengubah tanggal retensi data acara",
	"retention.erase":           "Menghapus data pribadi acara yang melewati tanggal retensi",
}

// auditLabel is an audit action as the trail shows it in l.
func auditLabel(l i18n.Lang, action string) string {
	if label, ok := auditLabels[action]; ok {
		return l.T(label)
	}
	return action
}

// auditRow is one entry as the trail shows it.
type auditRow struct {
	registry.AuditEntry
	Org       string // the organization's name, "" for none
	TZ        string // the zone its time is shown in
	TargetURL string
	// TargetKind and TargetRef split a target such as "event:12" for
	// display; TargetKind is "" for a plain target (an email).
	TargetKind, TargetRef string
	// Said is the detail as the page says it (auditDetail).
	Said any
}

// auditDetail is an entry's detail for the page: from its catalog format
// and arguments, in the reader's language; a detail said as it is, and
// an entry stored before formats were kept, as stored.
func auditDetail(e registry.AuditEntry) any {
	if e.DetailFormat == "" {
		return e.Detail
	}
	return i18n.M(e.DetailFormat, e.DetailArgs...)
}

// auditTrail shows the audit trail of the admin's subtree, newest first,
// filtered by action, user, organization and date range, a page at a
// time.
func (s *Server) auditTrail(c *echo.Context) error {
	ctx := c.Request().Context()
	me := s.actor(c).User
	q := c.QueryParams()
	f := registry.AuditFilter{Action: q.Get("action"), Limit: auditPerPage}
	f.UserID, _ = strconv.ParseInt(q.Get("user"), 10, 64)
	orgID, _ := strconv.ParseInt(q.Get("org"), 10, 64)
	page, err := pageParam(c)
	if err != nil {
		return err
	}
	f.Offset = (page - 1) * auditPerPage
	tz, err := s.zoneOf(ctx, me)
	if err != nil {
		return err
	}
	loc := registry.LoadLocation(tz)
	from, fromErr := parseDay(q.Get("from"), loc)
	to, toErr := parseDay(q.Get("to"), loc)
	f.From = from
	if !to.IsZero() {
		f.Until = to.AddDate(0, 0, 1) // the whole last day
	}
	entries, total, err := s.svc.AuditTrail(ctx, me, orgID, f)
	status := http.StatusOK
	var formErr error
	switch {
	case err != nil && !registry.IsCode(err, registry.EINVALID):
		return err
	case fromErr != nil:
		formErr = fromErr
	case toErr != nil:
		formErr = toErr
	default:
		formErr = err
	}
	if formErr != nil {
		status, entries, total = statusOf(registry.ErrorCode(formErr)), nil, 0
	}

	orgs, byID, err := s.orgsByID(ctx, me)
	if err != nil {
		return err
	}
	users, err := s.svc.ManagedUsers(ctx, me)
	if err != nil {
		return err
	}
	actions, err := s.svc.AuditActions(ctx)
	if err != nil {
		return err
	}
	rows := make([]auditRow, len(entries))
	for i, e := range entries {
		rows[i] = auditRow{AuditEntry: e, TZ: tz, Said: auditDetail(e)}
		if o, ok := byID[e.OrgID]; ok {
			rows[i].Org, rows[i].TZ = o.Name, o.TimeZone
		}
		rows[i].TargetKind, rows[i].TargetRef, rows[i].TargetURL = auditTarget(e.Target)
	}
	d := map[string]any{"Title": "Jejak audit", "Rows": rows, "Total": total, "TZ": tz,
		"First": f.Offset + 1, "Last": f.Offset + len(rows), "Actions": mergeActions(actions),
		"Orgs": orgs, "Users": users, "Q": map[string]string{"action": f.Action, "user": q.Get("user"), "org": q.Get("org"),
			"from": dayValue(from, q.Get("from")), "to": dayValue(to, q.Get("to"))},
		"From": from, "To": to}
	if formErr != nil {
		d["Error"] = formErr
	}
	if page > 1 {
		d["PrevURL"] = pageURL(c, page-1)
	}
	if f.Offset+len(rows) < total {
		d["NextURL"] = pageURL(c, page+1)
	}
	return s.render(c, status, "audit", d)
}

// zoneOf is the time zone of u's organization: the one the audit trail's
// dates are entered in. A superadmin's is WIB.
func (s *Server) zoneOf(ctx context.Context, u registry.User) (string, error) {
	if u.OrgID == 0 {
		return "Asia/Jakarta", nil
	}
	o, err := s.svc.OwnOrganization(ctx, u)
	if err != nil {
		return "", err
	}
	return o.TimeZone, nil
}

// parseDay reads a day as a date input sends it (2024-10-23) or as an
// Indonesian writes it (23/10/2024, 23-10-2024), at midnight in loc.
func parseDay(v string, loc *time.Location) (time.Time, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02", "2/1/2006", "2-1-2006", "2.1.2006"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, registry.Errorf(registry.EINVALID, "Tanggal tidak dikenali: %s. Tulis seperti 23/10/2024.", v)
}

// dayValue is a day as a date input takes it back, or what was typed if
// it was not a date.
func dayValue(day time.Time, typed string) string {
	if day.IsZero() {
		return typed
	}
	return day.Format("2006-01-02")
}

// auditTarget splits a target ("event:12", "certificate:CODE") into what
// the page shows and links to.
func auditTarget(target string) (kind, ref, link string) {
	kind, ref, ok := strings.Cut(target, ":")
	if !ok {
		return "", target, ""
	}
	switch kind {
	case "event":
		return kind, ref, "/admin/events/" + url.PathEscape(ref)
	case "certificate":
		return kind, registry.GroupCode(ref), "/admin/certificates/" + url.PathEscape(ref)
	}
	return "", target, ""
}

// mergeActions lists the known actions, then any others the trail holds.
func mergeActions(stored []string) []string {
	out := slices.Clone(registry.AuditActions)
	for _, a := range stored {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// pageURL is the current page of a list with another page number.
func pageURL(c *echo.Context, page int) string {
	q := maps.Clone(c.QueryParams())
	q.Set("page", strconv.Itoa(page))
	return c.Request().URL.Path + "?" + q.Encode()
}
