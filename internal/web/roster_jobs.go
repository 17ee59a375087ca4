package web

import (
	"bytes"
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/ikrar-id/ikrar/internal/i18n"
	"github.com/ikrar-id/ikrar/internal/registry"
)

// A roster import from the admin page runs as a job. A 180,000-row file
// takes seconds to parse, check, write and merge; rather than a page that
// spins with nothing to say, the upload's answer waits a moment
// (Options.ImportWait) for a short import and then goes to the job's page,
// which follows its steps until it shows the result. The job keeps the one
// upload slot (allowBody) until it ends, so imports still run one at a
// time, and it runs on after the officer leaves the page. Jobs live in
// memory: an import cut by a restart was not written (it is all or
// nothing), and its page says so.

// DefaultImportWait is how long the upload's answer waits for an import
// to end before it shows the job's progress instead.
const DefaultImportWait = 2 * time.Second

const (
	importJobsKept = 32        // jobs remembered, oldest finished dropped first
	importJobTTL   = time.Hour // a finished job's result stays that long
	// importKeptBytes bounds the uploads kept, all jobs together, for
	// "Impor baris yang valid saja" on a report of bad rows; a file that
	// would pass it is not kept and the report asks for the upload again.
	importKeptBytes = 64 << 20
)

// importStepRead is the step before the roster's own: reading the file.
const importStepRead registry.ImportStep = -1

// importJob is one roster import from the admin page.
type importJob struct {
	id       string
	userID   int64
	org      registry.Organization
	filename string
	finished chan struct{}
	gate     registry.ImportProgress // tests hold the job at a step

	mu          sync.Mutex
	step        registry.ImportStep
	done, total int
	out         importOutcome
	err         error
	ended       time.Time
	// upload is the file, kept after the job ended only while its report
	// offers to import its valid rows without an upload; used once.
	upload      []byte
	contentType string
}

func (j *importJob) report(step registry.ImportStep, done, total int) {
	j.mu.Lock()
	j.step, j.done, j.total = step, done, total
	j.mu.Unlock()
	if j.gate != nil {
		j.gate(step, done, total)
	}
}

// importJobs are the jobs this process runs or ran lately.
type importJobs struct {
	mu   sync.Mutex
	jobs map[string]*importJob
	now  func() time.Time
}

func newImportJobs(now func() time.Time) *importJobs {
	return &importJobs{jobs: map[string]*importJob{}, now: now}
}

// add remembers j, forgetting expired jobs and, beyond importJobsKept,
// the oldest finished ones.
func (js *importJobs) add(j *importJob) {
	js.mu.Lock()
	defer js.mu.Unlock()
	now := js.now()
	for id, old := range js.jobs {
		if old.isFinished() && now.Sub(old.endedAt()) > importJobTTL {
			delete(js.jobs, id)
		}
	}
	for len(js.jobs) >= importJobsKept {
		var oldest *importJob
		for _, old := range js.jobs {
			if old.isFinished() && (oldest == nil || old.endedAt().Before(oldest.endedAt())) {
				oldest = old
			}
		}
		if oldest == nil {
			break // every job runs: there is at most one at a time
		}
		delete(js.jobs, oldest.id)
	}
	js.jobs[j.id] = j
}

// get returns the job id started by user, if it is remembered and has
// not expired.
func (js *importJobs) get(id string, user int64) (*importJob, bool) {
	js.mu.Lock()
	defer js.mu.Unlock()
	j, ok := js.jobs[id]
	if ok && j.isFinished() && js.now().Sub(j.endedAt()) > importJobTTL {
		delete(js.jobs, id)
		ok = false
	}
	if !ok || j.userID != user {
		return nil, false
	}
	return j, true
}

// keepUpload keeps an ended job's file for a run of its valid rows, if
// the kept files stay within importKeptBytes; expired jobs' files go first.
func (js *importJobs) keepUpload(j *importJob, data []byte, contentType string) {
	js.mu.Lock()
	defer js.mu.Unlock()
	now := js.now()
	var kept int
	for id, old := range js.jobs {
		if old.isFinished() && now.Sub(old.endedAt()) > importJobTTL {
			delete(js.jobs, id)
			continue
		}
		old.mu.Lock()
		kept += len(old.upload)
		old.mu.Unlock()
	}
	if kept+len(data) > importKeptBytes {
		return
	}
	j.mu.Lock()
	j.upload, j.contentType = data, contentType
	j.mu.Unlock()
	// Its report expires with the hour (get); the bytes go then too,
	// whether or not anyone looks again.
	time.AfterFunc(importJobTTL, func() { j.takeUpload() })
}

// takeUpload hands over a job's kept file, once.
func (j *importJob) takeUpload() (data []byte, contentType string) {
	j.mu.Lock()
	defer j.mu.Unlock()
	data, contentType = j.upload, j.contentType
	j.upload, j.contentType = nil, ""
	return data, contentType
}

// canSkipInvalid says whether the job's report offers to import its
// valid rows from the kept file.
func (j *importJob) canSkipInvalid() bool {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.upload != nil
}

func (j *importJob) isFinished() bool {
	select {
	case <-j.finished:
		return true
	default:
		return false
	}
}

func (j *importJob) endedAt() time.Time {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.ended
}

// startImport runs the import of data as a job of the signed-in user and
// returns it. The job releases the upload slot when it ends.
func (s *Server) startImport(c *echo.Context, org registry.Organization, data []byte, contentType, filename string, skipInvalid bool, release func()) (*importJob, error) {
	id, err := s.svc.RandomToken()
	if err != nil {
		return nil, err
	}
	a := s.actor(c)
	j := &importJob{id: id, userID: a.User.ID, org: org, filename: filename, finished: make(chan struct{}), step: importStepRead, gate: s.importGate}
	s.imports.add(j)
	// The job outlives the request, but keeps its values (the request ID
	// in the logs).
	ctx := context.WithoutCancel(c.Request().Context())
	go func() {
		defer release()
		out, err := s.importRoster(ctx, a, org.ID, bytes.NewReader(data), contentType, filename, skipInvalid, j.report)
		if err != nil && registry.ErrorCode(err) == registry.EINTERNAL {
			s.log.ErrorContext(ctx, "roster import failed", "org", org.ID, "err", err)
		}
		j.mu.Lock()
		j.out, j.err, j.ended = out, err, s.now()
		j.mu.Unlock()
		if err == nil && !out.Written && len(out.Rejected) > 0 && out.Valid > 0 {
			s.imports.keepUpload(j, data, contentType)
		}
		close(j.finished)
	}()
	return j, nil
}

// importJobPage shows a job: its progress while it runs, its result once
// it has ended.
func (s *Server) importJobPage(c *echo.Context) error {
	j, ok := s.imports.get(c.Param("job"), s.actor(c).User.ID)
	if !ok {
		return registry.Errorf(registry.ENOTFOUND, "Impor ini tidak ditemukan. Hasil impor disimpan satu jam; impor yang terputus karena server dimulai ulang tidak tersimpan sama sekali: periksa daftar pegawai, lalu unggah lagi bila perlu.")
	}
	if !j.isFinished() {
		return s.render(c, http.StatusOK, "import_progress", map[string]any{"Title": "Impor berjalan", "Org": j.org,
			"Filename": j.filename, "Job": j.id, "Progress": j.progress(s.lang(c))})
	}
	j.mu.Lock()
	out, err := j.out, j.err
	j.mu.Unlock()
	if err != nil && registry.ErrorCode(err) == registry.EINTERNAL {
		return registry.Errorf(registry.EINTERNAL, "Impor gagal karena kesalahan server; tidak ada yang tersimpan. Coba lagi, atau hubungi pengelola sistem dengan kode permintaan di bawah.")
	}
	status := http.StatusOK
	if err != nil {
		status = statusOf(registry.ErrorCode(err))
	} else if !out.Written {
		status = http.StatusUnprocessableEntity
	}
	return s.render(c, status, "import_report", map[string]any{"Title": "Hasil impor", "Org": j.org, "Out": out,
		"Error": err, "Filename": j.filename, "Job": j.id, "CanSkip": j.canSkipInvalid()})
}

// importSkipInvalid runs a job's import again from its kept file, writing
// its valid rows only: the report's "Impor baris yang valid saja", for the
// officer who started it, without an upload.
func (s *Server) importSkipInvalid(c *echo.Context) error {
	u := s.actor(c).User
	j, ok := s.imports.get(c.Param("job"), u.ID)
	if !ok {
		return registry.Errorf(registry.ENOTFOUND, "Impor ini tidak ditemukan. Hasil impor disimpan satu jam; impor yang terputus karena server dimulai ulang tidak tersimpan sama sekali: periksa daftar pegawai, lalu unggah lagi bila perlu.")
	}
	if _, err := s.svc.AuthorizeRosterImport(c.Request().Context(), u, j.org.ID); err != nil {
		return err
	}
	slot, err := s.uploadTurn(c)
	if err != nil {
		return err
	}
	defer slot.done()
	data, contentType := j.takeUpload()
	if data == nil {
		return registry.Errorf(registry.EGONE, "Berkas impor ini tidak lagi disimpan (sudah dipakai atau kedaluwarsa). Unggah berkasnya lagi dengan centang “impor baris yang valid saja”.")
	}
	next, err := s.startImport(c, j.org, data, contentType, j.filename, true, slot.keep())
	if err != nil {
		return err
	}
	return s.awaitImport(c, next)
}

// importJobStatus is a running job's progress for the page's script.
func (s *Server) importJobStatus(c *echo.Context) error {
	j, ok := s.imports.get(c.Param("job"), s.actor(c).User.ID)
	if !ok {
		return registry.Errorf(registry.ENOTFOUND, "Impor ini tidak ditemukan.")
	}
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.JSON(http.StatusOK, j.progress(s.lang(c)))
}

// importProgress is where a job stands, as its page and script show it.
type importProgress struct {
	Finished bool   `json:"finished"`
	Step     string `json:"step"` // read, check, write, merge
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	Percent  int    `json:"percent"` // of the step; -1 when it cannot count
	Text     string `json:"text"`
}

func (j *importJob) progress(l i18n.Lang) importProgress {
	j.mu.Lock()
	defer j.mu.Unlock()
	p := importProgress{Finished: j.isFinished(), Done: j.done, Total: j.total, Percent: -1}
	if p.Total > 0 {
		p.Percent = p.Done * 100 / p.Total
	}
	switch j.step {
	case importStepRead:
		p.Step, p.Text = "read", l.T("Langkah 1 dari 4: membaca berkas…")
	case registry.ImportChecking:
		p.Step, p.Text = "check", l.Sprintf("Langkah 2 dari 4: mencocokkan %s dari %s baris dengan data pegawai…", l.Int(int64(p.Done)), l.Int(int64(p.Total)))
	case registry.ImportWriting:
		p.Step, p.Text = "write", l.Sprintf("Langkah 3 dari 4: menulis %s dari %s baris…", l.Int(int64(p.Done)), l.Int(int64(p.Total)))
	case registry.ImportMerging:
		p.Step, p.Text, p.Percent = "merge", l.T("Langkah 4 dari 4: menyimpan semua baris sekaligus…"), -1
	}
	if p.Finished {
		p.Text = l.T("Selesai. Memuat hasil…")
	}
	return p
}
