package conformance

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
)

func TestListStreams(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	out, err := e.Client.ListStreams(ctx, &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.StreamNames) != 0 || len(out.StreamSummaries) != 0 || *out.HasMoreStreams || out.NextToken != nil {
		t.Fatalf("empty account lists %+v", out)
	}
	before := time.Now().Add(-time.Second)
	for _, n := range []string{"b", "a", "c"} {
		e.createStream(t, n, 1)
	}
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("d"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}); err != nil {
		t.Fatal(err)
	}
	out, err = e.Client.ListStreams(ctx, &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"a", "b", "c", "d"}, out.StreamNames); diff != "" {
		t.Errorf("StreamNames (-want +got):\n%s", diff)
	}
	var sums []types.StreamSummary
	for _, s := range out.StreamSummaries {
		if s.StreamCreationTimestamp == nil || s.StreamCreationTimestamp.Before(before) {
			t.Errorf("%s: StreamCreationTimestamp %v", *s.StreamName, s.StreamCreationTimestamp)
		}
		s.StreamCreationTimestamp = nil
		sums = append(sums, s)
	}
	sum := func(name string, mode types.StreamMode) types.StreamSummary {
		return types.StreamSummary{StreamARN: aws.String(ctlARN(name)), StreamName: aws.String(name), StreamStatus: types.StreamStatusActive, StreamModeDetails: &types.StreamModeDetails{StreamMode: mode}}
	}
	want := []types.StreamSummary{sum("a", types.StreamModeProvisioned), sum("b", types.StreamModeProvisioned), sum("c", types.StreamModeProvisioned), sum("d", types.StreamModeOnDemand)}
	if diff := cmp.Diff(want, sums, ctlIgnoreSDK); diff != "" {
		t.Errorf("StreamSummaries (-want +got):\n%s", diff)
	}
	if *out.HasMoreStreams || out.NextToken != nil {
		t.Errorf("HasMoreStreams %v, NextToken %v on a complete list", *out.HasMoreStreams, out.NextToken)
	}
	// ExclusiveStartStreamName need not name a stream.
	out, err = e.Client.ListStreams(ctx, &kinesis.ListStreamsInput{ExclusiveStartStreamName: aws.String("b0"), Limit: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(out.StreamNames, []string{"c"}) || !*out.HasMoreStreams || out.NextToken == nil {
		t.Errorf("after b0, limit 1: %v more=%v token=%v", out.StreamNames, *out.HasMoreStreams, out.NextToken)
	}
}

func TestListStreamsPagination(t *testing.T) {
	clk := newFakeClock()
	e := newEnv(t, envOptions{Now: clk.Now})
	ctx := t.Context()
	var want []string
	for i := range 7 {
		n := fmt.Sprintf("s%d", i)
		e.createStream(t, n, 1)
		want = append(want, n)
	}
	// The SDK's paginator follows NextToken.
	var got []string
	pages := 0
	p := kinesis.NewListStreamsPaginator(e.Client, &kinesis.ListStreamsInput{Limit: aws.Int32(3)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		got = append(got, out.StreamNames...)
		if len(out.StreamNames) != len(out.StreamSummaries) {
			t.Errorf("page %d: %d names, %d summaries", pages, len(out.StreamNames), len(out.StreamSummaries))
		}
	}
	if diff := cmp.Diff(want, got); diff != "" || pages != 3 {
		t.Errorf("%d pages, names (-want +got):\n%s", pages, diff)
	}
	// The old way: ExclusiveStartStreamName with the last name of a page.
	out, err := e.Client.ListStreams(ctx, &kinesis.ListStreamsInput{ExclusiveStartStreamName: aws.String("s5")})
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(out.StreamNames, []string{"s6"}) || *out.HasMoreStreams {
		t.Errorf("after s5: %v more=%v", out.StreamNames, *out.HasMoreStreams)
	}
	// A token lives 300 s.
	first, err := e.Client.ListStreams(ctx, &kinesis.ListStreamsInput{Limit: aws.Int32(2)})
	if err != nil {
		t.Fatal(err)
	}
	clk.Advance(300 * time.Second)
	if _, err := e.Client.ListStreams(ctx, &kinesis.ListStreamsInput{NextToken: first.NextToken}); err != nil {
		t.Fatalf("token at 300 s: %v", err)
	}
	clk.Advance(time.Millisecond)
	_, err = e.Client.ListStreams(ctx, &kinesis.ListStreamsInput{NextToken: first.NextToken})
	if !ctlIsCode(t, err, "ExpiredNextTokenException") {
		t.Fatalf("token after 300 s: %v, want ExpiredNextTokenException", err)
	}
}

func TestListStreamsNamespaces(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	other := e.client("111111111111", "us-east-1")
	europe := e.client("AKIDEXAMPLE", "eu-west-1")
	for _, c := range []*kinesis.Client{other, europe} {
		if _, err := c.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("shared"), ShardCount: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
	}
	e.createStream(t, "mine", 1)
	for name, c := range map[string]*kinesis.Client{"default": e.Client, "account": other, "region": europe} {
		out, err := c.ListStreams(ctx, &kinesis.ListStreamsInput{})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"shared"}
		if name == "default" {
			want = []string{"mine"}
		}
		if diff := cmp.Diff(want, out.StreamNames); diff != "" {
			t.Errorf("%s namespace (-want +got):\n%s", name, diff)
		}
	}
	// The summaries carry each namespace's ARN.
	out, err := europe.ListStreams(ctx, &kinesis.ListStreamsInput{})
	if err != nil {
		t.Fatal(err)
	}
	if got := *out.StreamSummaries[0].StreamARN; got != "arn:aws:kinesis:eu-west-1:000000000000:stream/shared" {
		t.Errorf("ARN in eu-west-1: %s", got)
	}
	// A token from one namespace is refused in another.
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("mine2"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	page, err := e.Client.ListStreams(ctx, &kinesis.ListStreamsInput{Limit: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = other.ListStreams(ctx, &kinesis.ListStreamsInput{NextToken: page.NextToken})
	wantError(t, err, "InvalidArgumentException", "Invalid NextToken.")
}

func TestListStreamsValidation(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "a", 1)
	e.createStream(t, "b", 1)
	page, err := e.Client.ListStreams(ctx, &kinesis.ListStreamsInput{Limit: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	list := func(in *kinesis.ListStreamsInput) func() error {
		return func() error { _, err := e.Client.ListStreams(ctx, in, noInputValidation); return err }
	}
	goldenErrors(t, "list_streams_validation", []errCase{
		{"empty members", list(&kinesis.ListStreamsInput{ExclusiveStartStreamName: aws.String(""), Limit: aws.Int32(0), NextToken: aws.String("")})},
		{"long members", list(&kinesis.ListStreamsInput{ExclusiveStartStreamName: aws.String(strings.Repeat("a", 129)), Limit: aws.Int32(1000000)})},
		{"token and start name", list(&kinesis.ListStreamsInput{ExclusiveStartStreamName: aws.String("a"), NextToken: page.NextToken})},
		{"garbage token", list(&kinesis.ListStreamsInput{NextToken: aws.String("not a token")})},
	})
}
