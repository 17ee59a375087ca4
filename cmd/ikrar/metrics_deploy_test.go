package main

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"go.yaml.in/yaml/v3"
)

// TestMonitoringFiles checks deploy/grafana/ikrar-dashboard.json and
// deploy/prometheus/ikrar-alerts.yml against a real server's scrape: a
// panel or alert naming a metric the server does not export would show
// nothing, or never fire. promtool checks the rules (and the scrape) as
// Prometheus will read them.
func TestMonitoringFiles(t *testing.T) {
	srv := startMetricsServer(t, "token-dasbor")
	// The checkpoint's metrics come with the first checkpoint, which the
	// checkpointer signs moments after the start.
	var body []byte
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		_, body = scrapeWith(t, srv.metrics, "Bearer "+srv.token)
		if bytes.Contains(body, []byte("\nikrar_checkpoint_age_seconds ")) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no ikrar_checkpoint_age_seconds within 10 s of the start:\n%s", body)
		}
	}
	exported := exportedNames(parseMetrics(t, body))

	var dash struct {
		Title  string `json:"title"`
		Panels []struct {
			Title   string `json:"title"`
			Targets []struct {
				Expr string `json:"expr"`
			} `json:"targets"`
		} `json:"panels"`
	}
	if err := json.Unmarshal([]byte(readDeploy(t, "grafana/ikrar-dashboard.json")), &dash); err != nil {
		t.Fatalf("dashboard JSON: %v", err)
	}
	var dashExprs []string
	for _, p := range dash.Panels {
		if len(p.Targets) == 0 {
			t.Errorf("panel %q has no query", p.Title)
		}
		for _, tg := range p.Targets {
			dashExprs = append(dashExprs, tg.Expr)
		}
	}
	used := checkMetricNames(t, "dashboard", dashExprs, exported, nil)
	for _, want := range []string{"ikrar_signings_total", "ikrar_log_size", "ikrar_checkpoint_age_seconds", "ikrar_commit_duration_seconds",
		"ikrar_wal_bytes", "ikrar_sse_clients", "ikrar_pdf_renders_total", "ikrar_password_hash_queue", "go_goroutines"} {
		if !used[want] {
			t.Errorf("the dashboard shows no %s", want)
		}
	}

	var rules struct {
		Groups []struct {
			Name  string `yaml:"name"`
			Rules []struct {
				Alert       string            `yaml:"alert"`
				Expr        string            `yaml:"expr"`
				For         string            `yaml:"for"`
				Annotations map[string]string `yaml:"annotations"`
			} `yaml:"rules"`
		} `yaml:"groups"`
	}
	if err := yaml.Unmarshal([]byte(readDeploy(t, "prometheus/ikrar-alerts.yml")), &rules); err != nil {
		t.Fatalf("alert rules YAML: %v", err)
	}
	var alerts, ruleExprs []string
	for _, g := range rules.Groups {
		for _, r := range g.Rules {
			alerts = append(alerts, r.Alert)
			ruleExprs = append(ruleExprs, r.Expr)
			if r.Annotations["summary"] == "" || r.Annotations["description"] == "" {
				t.Errorf("alert %s lacks a summary or description", r.Alert)
			}
		}
	}
	// up is Prometheus' own; probe_success the blackbox exporter's
	// probe of /readyz.
	used = checkMetricNames(t, "alert rules", ruleExprs, exported, []string{"up", "probe_success"})
	for _, want := range []string{"IkrarCheckpointStale", "IkrarCommitLatencyHigh", "IkrarDiskLow", "IkrarWALLarge", "IkrarNotReady", "IkrarSigningErrors"} {
		if !slices.Contains(alerts, want) {
			t.Errorf("alert rules lack %s (have %v)", want, alerts)
		}
	}
	for _, want := range []string{"ikrar_checkpoint_age_seconds", "ikrar_commit_duration_seconds", "ikrar_wal_bytes", "ikrar_disk_free_bytes", "probe_success"} {
		if !used[want] {
			t.Errorf("no alert watches %s", want)
		}
	}

	t.Run("promtool", func(t *testing.T) {
		promtool := needTool(t, "promtool", "prometheus")
		out, err := exec.Command(promtool, "check", "rules", filepath.Join("..", "..", "deploy", "prometheus", "ikrar-alerts.yml")).CombinedOutput()
		if err != nil {
			t.Errorf("promtool check rules: %v\n%s", err, out)
		}
		cmd := exec.Command(promtool, "check", "metrics")
		cmd.Stdin = bytes.NewReader(body)
		if out, err := cmd.CombinedOutput(); err != nil || len(bytes.TrimSpace(out)) > 0 {
			t.Errorf("promtool check metrics on a scrape: %v\n%s", err, out)
		}
	})
}

// exportedNames are the series names a scrape has: each family, and for a
// histogram its _bucket, _sum and _count series.
func exportedNames(fams map[string]*dto.MetricFamily) map[string]bool {
	names := map[string]bool{}
	for name, f := range fams {
		names[name] = true
		if f.GetType() == dto.MetricType_HISTOGRAM {
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				names[name+s] = true
			}
		}
	}
	return names
}

var (
	// ourMetric finds the names of the metrics ikrar and client_golang
	// export in a PromQL expression; selector any name with a label
	// matcher, whoever exports it.
	ourMetric = regexp.MustCompile(`\b(?:ikrar|go|process)_[a-zA-Z0-9_]+`)
	selector  = regexp.MustCompile(`\b([a-zA-Z_][a-zA-Z0-9_]*)\{`)
)

// checkMetricNames fails for every metric exprs name that the scrape did
// not have (except those in outside); it returns the names used, a
// histogram's series under its family's name.
func checkMetricNames(t *testing.T, what string, exprs []string, exported map[string]bool, outside []string) map[string]bool {
	t.Helper()
	used := map[string]bool{}
	for _, e := range exprs {
		names := ourMetric.FindAllString(e, -1)
		for _, m := range selector.FindAllStringSubmatch(e, -1) {
			names = append(names, m[1])
		}
		if len(names) == 0 {
			t.Errorf("%s: %q names no metric", what, e)
		}
		for _, n := range names {
			if !exported[n] && !slices.Contains(outside, n) {
				t.Errorf("%s: %q uses %s, which the server does not export", what, e, n)
			}
			for _, s := range []string{"_bucket", "_sum", "_count"} {
				if base, ok := strings.CutSuffix(n, s); ok && exported[base] {
					n = base
				}
			}
			used[n] = true
		}
	}
	return used
}
