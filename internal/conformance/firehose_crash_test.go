package conformance

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

var fhListeningRE = regexp.MustCompile(`msg="freshet listening" addr=(\S+)`)

// fhProcess is the real freshet binary.
type fhProcess struct {
	cmd  *exec.Cmd
	addr string
	done chan error
}

var freshetBin struct {
	once sync.Once
	path string
	err  error
}

func buildFreshet(t *testing.T) string {
	t.Helper()
	freshetBin.once.Do(func() {
		dir, err := os.MkdirTemp("", "freshet-firehose-crash-")
		if err != nil {
			freshetBin.err = err
			return
		}
		freshetBin.path = filepath.Join(dir, "freshet")
		if out, err := exec.Command("go", "build", "-o", freshetBin.path, "../../cmd/freshet").CombinedOutput(); err != nil {
			freshetBin.err = fmt.Errorf("build freshet: %v\n%s", err, out)
		}
	})
	if freshetBin.err != nil {
		t.Fatal(freshetBin.err)
	}
	return freshetBin.path
}

// startFreshet runs the binary on a free port over dataDir (with more flags in args) and
// waits until it listens.
func startFreshet(t *testing.T, dataDir string, args ...string) *fhProcess {
	t.Helper()
	args = append([]string{"--listen", "127.0.0.1:0", "--data-dir", dataDir, "--log-level", "info"}, args...)
	p := &fhProcess{cmd: exec.Command(buildFreshet(t), args...), done: make(chan error, 1)}
	stderr, err := p.cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := fhListeningRE.FindStringSubmatch(sc.Text()); m != nil {
				addr <- m[1]
			}
		}
		io.Copy(io.Discard, stderr)
	}()
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(func() { p.cmd.Process.Kill(); <-p.done })
	select {
	case p.addr = <-addr:
	case err := <-p.done:
		t.Fatalf("freshet exited: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("freshet did not start listening")
	}
	return p
}

func (p *fhProcess) client() *firehose.Client {
	e := &fhEnv{URL: "http://" + p.addr}
	return e.client("AKIDEXAMPLE", "us-east-1")
}

// TestCrashFirehoseAtLeastOnce: SIGKILL the real binary while records sit in a buffer (a
// 900 s interval) and while another stream delivers continuously (interval 0); after a
// restart over the same data directory and a clean shutdown (which flushes), every record
// PutRecordBatch acknowledged is in the bucket directory. Duplicates are allowed
// (at-least-once) and logged.
func TestCrashFirehoseAtLeastOnce(t *testing.T) {
	dataDir := t.TempDir()
	p := startFreshet(t, dataDir)
	c := p.client()
	for name, interval := range map[string]int32{"buffered": 900, "flowing": 0} {
		d := fhS3("out-"+name, 128, interval)
		if _, err := c.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String(name), ExtendedS3DestinationConfiguration: d}); err != nil {
			t.Fatal(err)
		}
	}

	var mu sync.Mutex
	acked := map[string][]string{} // stream → acknowledged payloads
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for _, name := range []string{"buffered", "flowing"} {
		for w := range 2 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for b := 0; ; b++ {
					select {
					case <-stop:
						return
					default:
					}
					recs := make([]fhtypes.Record, 20)
					for i := range recs {
						recs[i].Data = fmt.Appendf(nil, "%s-%d-%d-%d\n", name, w, b, i)
					}
					out, err := c.PutRecordBatch(t.Context(), &firehose.PutRecordBatchInput{DeliveryStreamName: aws.String(name), Records: recs})
					if err != nil {
						return // the process is gone
					}
					mu.Lock()
					for i, r := range out.RequestResponses {
						if r.RecordId != nil {
							acked[name] = append(acked[name], string(recs[i].Data))
						}
					}
					mu.Unlock()
				}
			}()
		}
	}
	waitFor(t, "200 acknowledged batches", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(acked["buffered"])+len(acked["flowing"]) >= 200*20
	})
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-p.done
	close(stop)
	wg.Wait()
	p.done <- nil // for the cleanup

	delivered := func(name string) map[string]int {
		out := map[string]int{}
		for _, b := range dirObjects(t, filepath.Join(dataDir, "s3"), "out-"+name) {
			for _, line := range strings.SplitAfter(string(b), "\n") {
				if line != "" {
					out[line]++
				}
			}
		}
		return out
	}
	if n := len(delivered("buffered")); n != 0 {
		t.Errorf("%d buffered records delivered before the 900 s interval", n)
	}
	t.Logf("flowing: %d delivered before the kill", len(delivered("flowing")))

	q := startFreshet(t, dataDir)
	if err := q.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-q.done; err != nil {
		t.Fatalf("clean shutdown: %v", err)
	}
	q.done <- nil
	for _, name := range []string{"buffered", "flowing"} {
		got := delivered(name)
		missing, dups := 0, 0
		for _, r := range acked[name] {
			if got[r] == 0 {
				missing++
			}
		}
		for _, n := range got {
			dups += n - 1
		}
		t.Logf("%s: %d acknowledged, %d distinct delivered, %d duplicates", name, len(acked[name]), len(got), dups)
		if missing > 0 {
			t.Errorf("%s: %d acknowledged records never delivered", name, missing)
		}
	}
}

// TestFirehoseBinaryS3Endpoint: the real binary with --s3-endpoint, --s3-path-style and
// the S3 credentials in AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY delivers to an
// S3-compatible server, and flushes its buffer at a clean shutdown.
func TestFirehoseBinaryS3Endpoint(t *testing.T) {
	srv := startS3Server(t)
	srv.createBucket(t, "fromflags")
	t.Setenv("AWS_ACCESS_KEY_ID", srv.AccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", srv.SecretKey)
	p := startFreshet(t, t.TempDir(), "--s3-endpoint", srv.Endpoint, "--s3-path-style")
	c := p.client()
	if _, err := c.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{DeliveryStreamName: aws.String("f"),
		ExtendedS3DestinationConfiguration: fhS3("fromflags", 128, 900)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PutRecord(t.Context(), &firehose.PutRecordInput{DeliveryStreamName: aws.String("f"), Record: &fhtypes.Record{Data: []byte("hello")}}); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := <-p.done; err != nil {
		t.Fatalf("clean shutdown: %v", err)
	}
	p.done <- nil
	objs := srv.objects(t, "fromflags")
	if len(objs) != 1 {
		t.Fatalf("%d objects, want 1", len(objs))
	}
	for k, b := range objs {
		if !regexp.MustCompile(`^\d{4}/\d{2}/\d{2}/\d{2}/f-1-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9a-f-]{36}$`).MatchString(k) || string(b) != "hello" {
			t.Errorf("object %s = %q", k, b)
		}
	}
}
