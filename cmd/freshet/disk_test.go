package main

import (
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

// TestDiskFull runs the real binary on a small tmpfs (skipped where mounting is not
// permitted), fills the disk under it, and checks: a write that cannot be stored is never
// acknowledged (per-record InternalFailure, which the SDKs and the KPL retry); everything
// acknowledged before stays readable, during and after; once space is back, writes work
// again without a restart, and nothing is corrupt, also after a restart.
func TestDiskFull(t *testing.T) {
	if testing.Short() {
		t.Skip("mounts a tmpfs and waits out engine write timeouts; skipped with -short")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=32m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs to fill (%v %s)", err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { exec.Command("umount", "-l", dir).Run() })
	bin := buildFreshetCached(t)
	args := []string{"--listen", "127.0.0.1:0", "--data-dir", dir + "/data", "--autoscale-interval", "-1s"}
	p := start(t, bin, args...)
	c := p.client()
	ctx := t.Context()
	if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("full"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	waitStream(t, c, "full")
	acked := 0
	put := func(tag string) (ok, failed int) {
		entries := make([]types.PutRecordsRequestEntry, 100)
		for i := range entries {
			entries[i] = types.PutRecordsRequestEntry{Data: fmt.Appendf(nil, "%s-%d-%s", tag, i, strings.Repeat("x", 1000)), PartitionKey: aws.String("k")}
		}
		out, err := c.PutRecords(ctx, &kinesis.PutRecordsInput{StreamName: aws.String("full"), Records: entries})
		if err != nil {
			t.Logf("PutRecords %s: %v", tag, err)
			return 0, len(entries) // a request-level failure: nothing acknowledged
		}
		for _, r := range out.Records {
			switch aws.ToString(r.ErrorCode) {
			case "":
				ok++
			case "InternalFailure":
				failed++
			default:
				t.Fatalf("PutRecords on a full disk: %s %s", aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage))
			}
		}
		return ok, failed
	}
	for i := range 10 {
		ok, failed := put("before" + strconv.Itoa(i))
		if failed > 0 {
			t.Fatalf("PutRecords with space left: %d failed", failed)
		}
		acked += ok
	}

	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		t.Fatal(err)
	}
	junk := dir + "/junk"
	if out, err := exec.Command("fallocate", "-l", strconv.FormatUint(st.Bavail*uint64(st.Bsize)-64<<10, 10), junk).CombinedOutput(); err != nil {
		t.Skipf("fallocate: %v %s", err, out)
	}
	failedPuts := 0
	for i := 0; failedPuts == 0 && i < 50; i++ {
		ok, failed := put("full" + strconv.Itoa(i))
		acked += ok
		if failed > 0 {
			failedPuts++
		}
	}
	if failedPuts == 0 {
		t.Fatal("50 PutRecords of 100 KiB all succeeded on a full disk")
	}
	if got := countRecords(t, c, "full"); got < acked {
		t.Fatalf("with the disk full, %d records readable, %d acknowledged", got, acked)
	}

	if err := os.Remove(junk); err != nil {
		t.Fatal(err)
	}
	// Space is back: writes work again without a restart (the store reopens the engine's
	// logs, internal/store/repair.go).
	deadline := time.Now().Add(60 * time.Second)
	for {
		ok, failed := put("after")
		acked += ok
		if failed == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("PutRecords still fails 60s after space came back:\n%s", p.logText())
		}
	}
	if got := countRecords(t, c, "full"); got < acked {
		t.Fatalf("once space is back, %d records readable, %d acknowledged", got, acked)
	}
	if !strings.Contains(p.logText(), "engine restarted after a write error") {
		t.Errorf("the log does not tell the engine was restarted:\n%s", p.logText())
	}

	p.cmd.Process.Signal(syscall.SIGTERM)
	p.wait(t)
	p = start(t, bin, args...)
	c = p.client()
	if got := countRecords(t, c, "full"); got < acked {
		t.Fatalf("after a restart, %d records readable, %d acknowledged", got, acked)
	}
	if ok, failed := put("restarted"); failed > 0 || ok != 100 {
		t.Fatalf("PutRecords after a restart: %d ok, %d failed", ok, failed)
	}
	t.Logf("%d records acknowledged before, while and after the disk filled; all readable, and after a restart", acked)
}

func waitStream(t *testing.T, c *kinesis.Client, name string) {
	t.Helper()
	for range 1000 {
		out, err := c.DescribeStreamSummary(t.Context(), &kinesis.DescribeStreamSummaryInput{StreamName: aws.String(name)})
		if err == nil && out.StreamDescriptionSummary.StreamStatus == types.StreamStatusActive {
			return
		}
	}
	t.Fatalf("stream %s not ACTIVE", name)
}

// countRecords reads a one-shard stream from its trim horizon and checks each record's
// text is whole.
func countRecords(t *testing.T, c *kinesis.Client, name string) int {
	t.Helper()
	it, err := c.GetShardIterator(t.Context(), &kinesis.GetShardIteratorInput{StreamName: aws.String(name),
		ShardId: aws.String("shardId-000000000000"), ShardIteratorType: types.ShardIteratorTypeTrimHorizon})
	if err != nil {
		t.Fatalf("GetShardIterator: %v", err)
	}
	n := 0
	next := it.ShardIterator
	for next != nil {
		out, err := c.GetRecords(t.Context(), &kinesis.GetRecordsInput{ShardIterator: next})
		if err != nil {
			t.Fatalf("GetRecords: %v", err)
		}
		for _, r := range out.Records {
			if !strings.HasSuffix(string(r.Data), strings.Repeat("x", 1000)) {
				t.Fatalf("record %s is damaged: %.60q", aws.ToString(r.SequenceNumber), r.Data)
			}
		}
		n += len(out.Records)
		if aws.ToInt64(out.MillisBehindLatest) == 0 && len(out.Records) == 0 {
			break
		}
		next = out.NextShardIterator
	}
	return n
}
