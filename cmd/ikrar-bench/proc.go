package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// buildIkrar compiles the ikrar command into dir and returns its path.
func buildIkrar(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "ikrar")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/ikrar-id/ikrar/cmd/ikrar")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build ./cmd/ikrar: %w", err)
	}
	return bin, nil
}

// ikrarCLI runs one ikrar subcommand and returns its standard output.
func ikrarCLI(ctx context.Context, bin, stdin string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("ikrar %s: %w: %s", strings.Join(args[:min(2, len(args))], " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// freeLoopbackAddr picks a free port on 127.0.0.1.
func freeLoopbackAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// child is a server the tool started: ikrar serve, or the ceiling server.
type child struct {
	name    string
	cmd     *exec.Cmd
	base    string // http://127.0.0.1:PORT
	logPath string
	rss     *rssSampler
	done    chan struct{}
	err     error // set when done is closed
}

// startChild starts a server on addr and waits until GET /healthz answers
// 200. Its output goes to logPath.
func startChild(ctx context.Context, name, logPath, addr string, argv ...string) (*child, error) {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = logf, logf
	// The server dies with the tool even if the tool is killed.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	c := &child{name: name, cmd: cmd, base: "http://" + addr, logPath: logPath, done: make(chan struct{})}
	go func() {
		c.err = cmd.Wait()
		logf.Close()
		close(c.done)
	}()
	if err := c.waitHealthy(ctx, 60*time.Second); err != nil {
		c.kill()
		return nil, fmt.Errorf("%s did not become healthy (log: %s): %w", name, logPath, err)
	}
	c.rss = sampleRSS(cmd.Process.Pid)
	return c, nil
}

func (c *child) waitHealthy(ctx context.Context, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-c.done:
			return fmt.Errorf("exited: %v", c.err)
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		resp, err := client.Get(c.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		if time.Now().After(deadline) {
			return errors.New("timed out")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *child) pid() int { return c.cmd.Process.Pid }

// stop asks the server to shut down (SIGTERM) and kills it if it has not
// exited within 20 s.
func (c *child) stop() {
	if c.rss != nil {
		c.rss.close()
		c.rss = nil
	}
	select {
	case <-c.done:
		return
	default:
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(20 * time.Second):
		c.kill()
	}
}

// kill sends SIGKILL and waits for the process to be gone.
func (c *child) kill() {
	if c.rss != nil {
		c.rss.close()
		c.rss = nil
	}
	c.cmd.Process.Kill()
	<-c.done
}

// startIkrar starts `ikrar serve` on a fresh loopback port; later flags in
// extra override the defaults.
func startIkrar(ctx context.Context, bin, dataDir string, extra ...string) (*child, error) {
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	argv := append([]string{bin, "serve", "--addr", addr, "--data", dataDir, "--rate-limit", "off", "--log-level", "warn"}, extra...)
	return startChild(ctx, "ikrar serve", filepath.Join(dataDir, "serve.log"), addr, argv...)
}

// startCeiling re-executes this tool as the ceiling server.
func startCeiling(ctx context.Context, logDir string) (*child, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, err
	}
	addr, err := freeLoopbackAddr()
	if err != nil {
		return nil, err
	}
	return startChild(ctx, "ceiling server", filepath.Join(logDir, "ceiling.log"), addr, self, "-ceiling-server", addr)
}

// serverErrors counts the error lines a server logged (it logs every
// response with a 5xx status at level ERROR).
func serverErrors(logPath string) int {
	b, err := os.ReadFile(logPath)
	if err != nil {
		return -1
	}
	return bytes.Count(b, []byte(`"level":"ERROR"`))
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
