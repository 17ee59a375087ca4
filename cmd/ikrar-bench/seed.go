package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ikrar-id/ikrar/internal/api"
	"github.com/ikrar-id/ikrar/internal/fixture"
)

// apiClient is a small client of ikrar's JSON API for seeding.
type apiClient struct {
	base   string
	token  string
	client *http.Client
}

// call sends a request and decodes a JSON answer into out; any status but
// want is an error.
func (a apiClient) call(ctx context.Context, method, path, contentType string, body []byte, want int, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if a.token != "" {
		req.Header.Set("Authorization", "Bearer "+a.token)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	if resp.StatusCode != want {
		return fmt.Errorf("%s %s: status %d, want %d: %.300s", method, path, resp.StatusCode, want, b)
	}
	if out != nil {
		if err := json.Unmarshal(b, out); err != nil {
			return fmt.Errorf("%s %s: decode answer: %w", method, path, err)
		}
	}
	return nil
}

func (a apiClient) postJSON(ctx context.Context, path string, in any, want int, out any) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return a.call(ctx, http.MethodPost, path, "application/json", b, want, out)
}

// benchEvent is the open event every signing goes to.
type benchEvent struct {
	ID    int64
	OrgID int64
	Slug  string
	Code  string
}

// importChunk is how many roster rows go in one upload: under the
// roster's 200,000-row limit and well under the 48 MB body limit.
const importChunk = 100_000

// seed creates an organization, imports employees [0, n) and creates and
// opens an event for them, through the API as an operator would.
func seed(ctx context.Context, a apiClient, n int, logf func(string, ...any)) (benchEvent, error) {
	var org api.Organization
	if err := a.postJSON(ctx, "/api/v1/organizations", api.Organization{
		Name: "Pemerintah Provinsi Sumatera Utara (uji beban)", Kind: "province", RegionCode: "12", TimeZone: "Asia/Jakarta",
	}, http.StatusCreated, &org); err != nil {
		return benchEvent{}, fmt.Errorf("create organization: %w", err)
	}
	for from := 0; from < n; from += importChunk {
		to := min(from+importChunk, n)
		t0 := time.Now()
		body := fixture.RosterCSV(from, to)
		var out api.ImportResult
		path := fmt.Sprintf("/api/v1/organizations/%d/employees/import", org.ID)
		if err := a.call(ctx, http.MethodPost, path, "text/csv", body, http.StatusOK, &out); err != nil {
			return benchEvent{}, fmt.Errorf("import employees %d–%d: %w", from, to, err)
		}
		if out.Imported != to-from {
			return benchEvent{}, fmt.Errorf("import employees %d–%d: %d imported, rejected %v", from, to, out.Imported, out.Rejected)
		}
		logf("imported employees %d–%d (%.1f MB CSV) in %s", from, to, float64(len(body))/1e6, time.Since(t0).Round(time.Millisecond))
	}
	var ev api.Event
	if err := a.postJSON(ctx, "/api/v1/events", api.NewEvent{
		OrganizationID: org.ID, Title: "Ikrar Netralitas ASN Pilkada Serentak 2024 (uji beban)",
		Place: "Aula Raja Inal Siregar, Kantor Gubernur", Mode: "in_person",
		StartsAt:     time.Now().UTC().Format(time.RFC3339),
		OfficialName: "Dr. Ir. Contoh Pejabat, M.Si.", OfficialPosition: "Sekretaris Daerah Provinsi",
	}, http.StatusCreated, &ev); err != nil {
		return benchEvent{}, fmt.Errorf("create event: %w", err)
	}
	if err := a.call(ctx, http.MethodPost, fmt.Sprintf("/api/v1/events/%d/open", ev.ID), "", nil, http.StatusOK, nil); err != nil {
		return benchEvent{}, fmt.Errorf("open event: %w", err)
	}
	u, err := url.Parse(ev.URL)
	if err != nil {
		return benchEvent{}, fmt.Errorf("event URL %q: %w", ev.URL, err)
	}
	slug, ok := strings.CutPrefix(u.Path, "/e/")
	if !ok {
		return benchEvent{}, fmt.Errorf("event URL %q is not /e/SLUG", ev.URL)
	}
	return benchEvent{ID: ev.ID, OrgID: org.ID, Slug: slug, Code: ev.EventCode}, nil
}
