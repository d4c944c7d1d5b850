package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"

	"github.com/freshet/freshet/internal/bench"
)

// process is a running freshet whose log is watched line by line.
type process struct {
	cmd  *exec.Cmd
	addr string

	mu    sync.Mutex
	log   strings.Builder
	lines chan string
	done  chan error
}

var listeningRE = regexp.MustCompile(`msg="freshet listening" addr=(\S+)`)

// start runs bin with args and waits for the line that names the address it listens on.
func start(t *testing.T, bin string, args ...string) *process {
	t.Helper()
	p := &process{cmd: exec.Command(bin, args...), lines: make(chan string, 1000), done: make(chan error, 1)}
	p.cmd.Env = append(os.Environ(), "FRESHET_LOG_LEVEL=info")
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			p.log.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
			select {
			case p.lines <- sc.Text():
			default:
			}
		}
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(func() {
		p.cmd.Process.Kill() // an error once it has exited

	})
	m := p.waitFor(t, listeningRE)
	p.addr = m[1]
	return p
}

// waitFor returns the first log line (from now on) matching re.
func (p *process) waitFor(t *testing.T, re *regexp.Regexp) []string {
	t.Helper()
	deadline := time.After(60 * time.Second)
	for {
		select {
		case line := <-p.lines:
			if m := re.FindStringSubmatch(line); m != nil {
				return m
			}
		case err := <-p.done:
			p.done <- err
			t.Fatalf("freshet exited (%v) before logging %s:\n%s", err, re, p.logText())
		case <-deadline:
			t.Fatalf("freshet did not log %s:\n%s", re, p.logText())
		}
	}
}

func (p *process) logText() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.log.String()
}

// wait returns the exit code once the process has exited.
func (p *process) wait(t *testing.T) int {
	t.Helper()
	select {
	case err := <-p.done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(60 * time.Second):
		t.Fatalf("freshet did not exit:\n%s", p.logText())
		return -1
	}
}

// client is an SDK client of p without retries; bench.BufferedBody keeps the SDK's
// aws/aws-sdk-go-v2#2737 race from failing answered calls.
func (p *process) client() *kinesis.Client {
	return kinesis.New(kinesis.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://" + p.addr),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   &http.Client{Transport: bench.BufferedBody{Base: http.DefaultTransport.(*http.Transport).Clone()}},
	})
}

func TestVersion(t *testing.T) {
	out, err := exec.Command(buildFreshetCached(t), "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != "freshet dev\n" {
		t.Errorf("freshet --version printed %q, want %q", out, "freshet dev\n")
	}
	code := exec.Command(buildFreshetCached(t), "--shard-limit", "0").Run()
	var ee *exec.ExitError
	if !errors.As(code, &ee) || ee.ExitCode() != 2 {
		t.Errorf("freshet --shard-limit 0 = %v, want exit code 2", code)
	}
}

var (
	binOnce sync.Once
	binPath string
	binDir  string
	binErr  error
)

// buildFreshetCached builds the command once per test binary run.
func buildFreshetCached(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "freshet-bin")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "freshet")
		if out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// TestCleanShutdown: SIGTERM lets a request in flight finish, exits 0, and what was
// acknowledged is there after a restart on the same data directory.
func TestCleanShutdown(t *testing.T) {
	bin := buildFreshetCached(t)
	dataDir := t.TempDir()
	p := start(t, bin, "--listen", "127.0.0.1:0", "--data-dir", dataDir)
	ctx := t.Context()
	if _, err := p.client().CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("before"), ShardCount: aws.Int32(2)}); err != nil {
		t.Fatalf("CreateStream: %v", err)
	}

	put, err := p.client().PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("before"), Records: []types.PutRecordsRequestEntry{
		{Data: []byte("one"), PartitionKey: aws.String("a")},
		{Data: []byte("two"), PartitionKey: aws.String("a")},
		{Data: []byte("three"), PartitionKey: aws.String("a")},
	}})
	if err != nil || aws.ToInt32(put.FailedRecordCount) != 0 {
		t.Fatalf("PutRecords: %v %v", put, err)
	}

	// A request in flight: its handler is waiting for the body (the server has asked for it
	// with "100 Continue") when SIGTERM arrives; the body is sent once shutdown has begun.
	body := `{"StreamName":"during","ShardCount":1}`
	conn, err := net.Dial("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(60 * time.Second))
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: %s\r\nX-Amz-Target: Kinesis_20131202.CreateStream\r\n"+
		"Content-Type: application/x-amz-json-1.1\r\nX-Amz-Date: 20261126T000000Z\r\n"+
		"Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261126/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=x\r\n"+
		"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n", p.addr, len(body))
	rd := bufio.NewReader(conn)
	if res, err := http.ReadResponse(rd, nil); err != nil || res.StatusCode != http.StatusContinue {
		t.Fatalf("want 100 Continue, got %v, %v", res, err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	p.waitFor(t, regexp.MustCompile(`msg="shutting down"`))
	io.WriteString(conn, body)
	res, err := http.ReadResponse(rd, nil)
	if err != nil {
		t.Fatalf("in-flight request: %v\n%s", err, p.logText())
	}
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("in-flight CreateStream: %d %s", res.StatusCode, b)
	}
	if code := p.wait(t); code != 0 {
		t.Fatalf("exit code %d, want 0:\n%s", code, p.logText())
	}

	p2 := start(t, bin, "--listen", "127.0.0.1:0", "--data-dir", dataDir)
	c := p2.client()
	for name, shards := range map[string]int32{"before": 2, "during": 1} {
		out, err := c.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err != nil {
			t.Fatalf("after restart, DescribeStreamSummary %s: %v", name, err)
		}
		if got := aws.ToInt32(out.StreamDescriptionSummary.OpenShardCount); got != shards {
			t.Errorf("after restart, %s has %d open shards, want %d", name, got, shards)
		}
	}
	// The acknowledged records are there, in order.
	it, err := c.GetShardIterator(ctx, &kinesis.GetShardIteratorInput{StreamName: aws.String("before"),
		ShardId: put.Records[0].ShardId, ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatalf("after restart, GetShardIterator: %v", err)
	}
	recs, err := c.GetRecords(ctx, &kinesis.GetRecordsInput{ShardIterator: it.ShardIterator})
	if err != nil {
		t.Fatalf("after restart, GetRecords: %v", err)
	}
	var got []string
	for _, r := range recs.Records {
		got = append(got, string(r.Data))
	}
	if want := []string{"one", "two", "three"}; !slices.Equal(got, want) {
		t.Errorf("after restart, records %q, want %q", got, want)
	}
	p2.cmd.Process.Signal(os.Interrupt)
	if code := p2.wait(t); code != 0 {
		t.Fatalf("exit code after SIGINT %d, want 0:\n%s", code, p2.logText())
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}
