package conformance

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
)

var consumerARNRe = regexp.MustCompile(`^arn:aws:kinesis:us-east-1:000000000000:stream/cs/consumer/c1:(\d+)$`)

// consumerRegister registers a consumer and returns it.
func consumerRegister(t *testing.T, c *kinesis.Client, stream, name string) *types.Consumer {
	t.Helper()
	out, err := c.RegisterStreamConsumer(t.Context(), &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(setARN(stream)), ConsumerName: aws.String(name)})
	if err != nil {
		t.Fatalf("RegisterStreamConsumer %s: %v", name, err)
	}
	return out.Consumer
}

func consumerStatus(t *testing.T, c *kinesis.Client, arn string) types.ConsumerStatus {
	t.Helper()
	out, err := c.DescribeStreamConsumer(t.Context(), &kinesis.DescribeStreamConsumerInput{ConsumerARN: aws.String(arn)})
	if err != nil {
		t.Fatalf("DescribeStreamConsumer: %v", err)
	}
	return out.ConsumerDescription.ConsumerStatus
}

// TestStreamConsumerLifecycle: CREATING → ACTIVE → DELETING → gone on the state delay, the
// ARN's shape, Describe by ARN and by stream and name, and re-registration of a name.
func TestStreamConsumerLifecycle(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clock.Now})
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("cs"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	_, err := e.Client.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(setARN("cs")), ConsumerName: aws.String("c1")})
	wantError(t, err, "ResourceInUseException", "Stream cs under account 000000000000 not ACTIVE, instead in state CREATING")
	clock.Advance(time.Minute)

	c := consumerRegister(t, e.Client, "cs", "c1")
	m := consumerARNRe.FindStringSubmatch(aws.ToString(c.ConsumerARN))
	if m == nil {
		t.Fatalf("ConsumerARN %s", aws.ToString(c.ConsumerARN))
	}
	if want := fmt.Sprint(clock.Now().Unix()); m[1] != want {
		t.Fatalf("ARN creation time %s, want %s", m[1], want)
	}
	if c.ConsumerStatus != types.ConsumerStatusCreating || !c.ConsumerCreationTimestamp.Equal(clock.Now()) || aws.ToString(c.ConsumerName) != "c1" {
		t.Fatalf("registered %+v", c)
	}
	if got := consumerStatus(t, e.Client, *c.ConsumerARN); got != types.ConsumerStatusCreating {
		t.Fatalf("status %s, want CREATING", got)
	}
	clock.Advance(time.Minute)
	out, err := e.Client.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{StreamARN: aws.String(setARN("cs")), ConsumerName: aws.String("c1")})
	if err != nil {
		t.Fatal(err)
	}
	want := types.ConsumerDescription{
		ConsumerARN: c.ConsumerARN, ConsumerName: aws.String("c1"), ConsumerStatus: types.ConsumerStatusActive,
		ConsumerCreationTimestamp: c.ConsumerCreationTimestamp, StreamARN: aws.String(setARN("cs")),
	}
	got := *out.ConsumerDescription
	if !got.ConsumerCreationTimestamp.Equal(*want.ConsumerCreationTimestamp) {
		t.Fatalf("creation %v, want %v", got.ConsumerCreationTimestamp, want.ConsumerCreationTimestamp)
	}
	got.ConsumerCreationTimestamp = want.ConsumerCreationTimestamp
	if diff := cmp.Diff(want, got, cmp.AllowUnexported(types.ConsumerDescription{})); diff != "" {
		t.Fatalf("DescribeStreamConsumer (-want +got):\n%s", diff)
	}

	consumerCount := func() int32 {
		t.Helper()
		out, err := e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("cs")})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToInt32(out.StreamDescriptionSummary.ConsumerCount)
	}
	if n := consumerCount(); n != 1 {
		t.Fatalf("ConsumerCount %d with one ACTIVE consumer, want 1", n)
	}

	if _, err := e.Client.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{ConsumerARN: c.ConsumerARN}); err != nil {
		t.Fatal(err)
	}
	if got := consumerStatus(t, e.Client, *c.ConsumerARN); got != types.ConsumerStatusDeleting {
		t.Fatalf("status %s, want DELETING", got)
	}
	// Deregistering again while DELETING succeeds; the name is still taken.
	if _, err := e.Client.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{StreamARN: aws.String(setARN("cs")), ConsumerName: aws.String("c1")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.Client.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(setARN("cs")), ConsumerName: aws.String("c1")})
	wantError(t, err, "ResourceInUseException", "Consumer c1 under stream cs already exists for account 000000000000.")
	clock.Advance(time.Minute)
	_, err = e.Client.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: c.ConsumerARN})
	wantError(t, err, "ResourceNotFoundException", "Consumer c1 under stream cs under account 000000000000 not found.")
	if n := consumerCount(); n != 0 {
		t.Fatalf("ConsumerCount %d after deregistration, want 0", n)
	}

	// A new registration of the name has a new ARN; the old ARN stays unknown.
	clock.Advance(time.Second)
	c2 := consumerRegister(t, e.Client, "cs", "c1")
	if *c2.ConsumerARN == *c.ConsumerARN {
		t.Fatal("re-registered consumer kept the old ARN")
	}
	_, err = e.Client.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: c.ConsumerARN})
	wantError(t, err, "ResourceNotFoundException", "Consumer c1 under stream cs under account 000000000000 not found.")
}

// TestListStreamConsumers pages with MaxResults and NextToken, in name order.
func TestListStreamConsumers(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "ls", 1)
	var want []string
	for i := range 20 {
		name := fmt.Sprintf("c%02d", 19-i)
		consumerRegister(t, e.Client, "ls", name)
		want = append([]string{name}, want...)
	}
	var got []string
	pages := 0
	p := kinesis.NewListStreamConsumersPaginator(e.Client, &kinesis.ListStreamConsumersInput{StreamARN: aws.String(setARN("ls")), MaxResults: aws.Int32(7)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, c := range out.Consumers {
			if c.ConsumerStatus != types.ConsumerStatusActive {
				t.Fatalf("%s is %s, want ACTIVE", aws.ToString(c.ConsumerName), c.ConsumerStatus)
			}
			got = append(got, aws.ToString(c.ConsumerName))
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("consumers (-want +got):\n%s", diff)
	}
	if pages != 3 {
		t.Fatalf("%d pages of 7, want 3", pages)
	}
	// StreamCreationTimestamp selects the stream incarnation.
	sum, err := e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("ls")})
	if err != nil {
		t.Fatal(err)
	}
	out, err := e.Client.ListStreamConsumers(ctx, &kinesis.ListStreamConsumersInput{StreamARN: aws.String(setARN("ls")), StreamCreationTimestamp: sum.StreamDescriptionSummary.StreamCreationTimestamp})
	if err != nil || len(out.Consumers) != 20 || out.NextToken != nil {
		t.Fatalf("with StreamCreationTimestamp: %v, %d consumers", err, len(out.Consumers))
	}
}

// TestStreamConsumerLimits: 20 consumers per stream, 50 on an on-demand stream of an account
// with the minimum throughput billing commitment, 5 CREATING at once.
func TestStreamConsumerLimits(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clock.Now})
	ctx := t.Context()
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("p"), ShardCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.UpdateAccountSettings(ctx, &kinesis.UpdateAccountSettingsInput{MinimumThroughputBillingCommitment: &types.MinimumThroughputBillingCommitmentInput{Status: types.MinimumThroughputBillingCommitmentInputStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("od"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}); err != nil {
		t.Fatal(err)
	}
	clock.Advance(time.Minute)
	register := func(stream string, n int) error {
		_, err := e.Client.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(setARN(stream)), ConsumerName: aws.String(fmt.Sprintf("c%d", n))})
		return err
	}
	var lines []string
	fill := func(stream string, upTo int) {
		for i := range upTo + 1 {
			if i > 0 && i%5 == 0 {
				clock.Advance(time.Minute) // the 5 CREATING become ACTIVE
			}
			if err := register(stream, i); err != nil {
				lines = append(lines, fmt.Sprintf("%s #%d: %s", stream, i+1, errorLine(t, err)))
				if i != upTo {
					t.Fatalf("%s: consumer %d refused: %v", stream, i+1, err)
				}
			}
		}
	}
	fill("p", 20)
	fill("od", 50)
	// Five CREATING at once.
	for _, s := range []string{"x1", "x2"} {
		if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String(s), ShardCount: aws.Int32(1)}); err != nil {
			t.Fatal(err)
		}
	}
	clock.Advance(time.Minute)
	for i := range 6 {
		if err := register("x1", i); err != nil {
			lines = append(lines, fmt.Sprintf("x1 #%d: %s", i+1, errorLine(t, err)))
		}
	}
	golden(t, "consumer_limits", strings.Join(lines, "\n")+"\n")
}

// TestDeleteStreamWithConsumers: refused unless EnforceConsumerDeletion; then the consumers
// go with the stream.
func TestDeleteStreamWithConsumers(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "d", 1)
	c := consumerRegister(t, e.Client, "d", "c")
	_, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("d")})
	wantError(t, err, "ResourceInUseException", "DeleteStream can’t delete 000000000000:d because there are consumers associated with this data stream. To delete d anyway, set the EnforceConsumerDeletion parameter to true to force the deletion of all the consumers that are associated with it.")
	_, err = e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("d"), EnforceConsumerDeletion: aws.Bool(false)})
	if code, _ := apiError(t, err); code != "ResourceInUseException" {
		t.Fatalf("EnforceConsumerDeletion=false: %v, want ResourceInUseException", err)
	}
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("d"), EnforceConsumerDeletion: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	e.createStream(t, "d", 1)
	_, err = e.Client.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{StreamARN: aws.String(setARN("d")), ConsumerName: aws.String("c")})
	wantError(t, err, "ResourceNotFoundException", "Consumer c under stream d under account 000000000000 not found.")
	_, err = e.Client.DescribeStreamConsumer(ctx, &kinesis.DescribeStreamConsumerInput{ConsumerARN: c.ConsumerARN})
	wantError(t, err, "ResourceNotFoundException", "Consumer c under stream d under account 000000000000 not found.")
	// A stream whose consumers were deregistered deletes without the flag.
	c = consumerRegister(t, e.Client, "d", "c")
	if _, err := e.Client.DeregisterStreamConsumer(ctx, &kinesis.DeregisterStreamConsumerInput{ConsumerARN: c.ConsumerARN}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("d")}); err != nil {
		t.Fatal(err)
	}
}

func TestStreamConsumerErrors(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} // ARNs in the golden file
	e := newEnv(t, envOptions{Now: clock.Now})
	ctx := t.Context()
	e.createStream(t, "s", 1)
	c := consumerRegister(t, e.Client, "s", "c")
	raw := func(o *kinesis.Options) { noInputValidation(o) }
	reg := func(in *kinesis.RegisterStreamConsumerInput) func() error {
		return func() error { _, err := e.Client.RegisterStreamConsumer(ctx, in, raw); return err }
	}
	dereg := func(in *kinesis.DeregisterStreamConsumerInput) func() error {
		return func() error { _, err := e.Client.DeregisterStreamConsumer(ctx, in, raw); return err }
	}
	desc := func(in *kinesis.DescribeStreamConsumerInput) func() error {
		return func() error { _, err := e.Client.DescribeStreamConsumer(ctx, in, raw); return err }
	}
	list := func(in *kinesis.ListStreamConsumersInput) func() error {
		return func() error { _, err := e.Client.ListStreamConsumers(ctx, in, raw); return err }
	}
	arn, missing := aws.String(setARN("s")), aws.String(setARN("missing"))
	otherTime := aws.String(strings.TrimSuffix(*c.ConsumerARN, fmt.Sprint(clock.Now().Unix())) + "1525898737")
	tags51 := map[string]string{}
	for i := range 51 {
		tags51[fmt.Sprintf("k%02d", i)] = "v"
	}
	// A NextToken: two consumers listed one at a time.
	consumerRegister(t, e.Client, "s", "d")
	page, err := e.Client.ListStreamConsumers(ctx, &kinesis.ListStreamConsumersInput{StreamARN: arn, MaxResults: aws.Int32(1)})
	if err != nil || page.NextToken == nil {
		t.Fatalf("first page: %v", err)
	}
	e.createStream(t, "other", 1)
	sc := func() error {
		sum, err := e.Client.DescribeStreamSummary(ctx, &kinesis.DescribeStreamSummaryInput{StreamName: aws.String("s")})
		if err != nil {
			return err
		}
		_, err = e.Client.ListStreamConsumers(ctx, &kinesis.ListStreamConsumersInput{StreamARN: arn, NextToken: page.NextToken, StreamCreationTimestamp: sum.StreamDescriptionSummary.StreamCreationTimestamp})
		return err
	}
	cases := []errCase{
		{"register no members", reg(&kinesis.RegisterStreamConsumerInput{})},
		{"register bad members", reg(&kinesis.RegisterStreamConsumerInput{StreamARN: aws.String("arn:aws:s3:::b"), ConsumerName: aws.String("a b"), Tags: map[string]string{}})},
		{"register long name", reg(&kinesis.RegisterStreamConsumerInput{StreamARN: arn, ConsumerName: aws.String(strings.Repeat("n", 129))})},
		{"register missing stream", reg(&kinesis.RegisterStreamConsumerInput{StreamARN: missing, ConsumerName: aws.String("c")})},
		{"register existing", reg(&kinesis.RegisterStreamConsumerInput{StreamARN: arn, ConsumerName: aws.String("c")})},
		{"register 51 tags", reg(&kinesis.RegisterStreamConsumerInput{StreamARN: arn, ConsumerName: aws.String("t"), Tags: tags51})},
		{"register bad tag", reg(&kinesis.RegisterStreamConsumerInput{StreamARN: arn, ConsumerName: aws.String("t"), Tags: map[string]string{"a;b": "c"}})},
		{"deregister no members", dereg(&kinesis.DeregisterStreamConsumerInput{})},
		{"deregister name only", dereg(&kinesis.DeregisterStreamConsumerInput{ConsumerName: aws.String("c")})},
		{"deregister bad members", dereg(&kinesis.DeregisterStreamConsumerInput{ConsumerARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c"), ConsumerName: aws.String(""), StreamARN: aws.String("x")})},
		{"deregister missing", dereg(&kinesis.DeregisterStreamConsumerInput{StreamARN: arn, ConsumerName: aws.String("nope")})},
		{"deregister other creation time", dereg(&kinesis.DeregisterStreamConsumerInput{ConsumerARN: otherTime})},
		{"deregister disagreeing name", dereg(&kinesis.DeregisterStreamConsumerInput{ConsumerARN: c.ConsumerARN, ConsumerName: aws.String("d")})},
		{"describe missing stream", desc(&kinesis.DescribeStreamConsumerInput{StreamARN: missing, ConsumerName: aws.String("c")})},
		{"describe missing consumer", desc(&kinesis.DescribeStreamConsumerInput{ConsumerARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/zz:1")})},
		{"describe disagreeing stream", desc(&kinesis.DescribeStreamConsumerInput{ConsumerARN: c.ConsumerARN, StreamARN: aws.String(setARN("other"))})},
		{"list no members", list(&kinesis.ListStreamConsumersInput{})},
		{"list bad members", list(&kinesis.ListStreamConsumersInput{StreamARN: aws.String(""), MaxResults: aws.Int32(0), NextToken: aws.String("")})},
		{"list max results", list(&kinesis.ListStreamConsumersInput{StreamARN: arn, MaxResults: aws.Int32(10001)})},
		{"list missing stream", list(&kinesis.ListStreamConsumersInput{StreamARN: missing})},
		{"list wrong creation time", list(&kinesis.ListStreamConsumersInput{StreamARN: arn, StreamCreationTimestamp: aws.Time(time.Unix(1, 0))})},
		{"list bad token", list(&kinesis.ListStreamConsumersInput{StreamARN: arn, NextToken: aws.String("nope")})},
		{"list token of another stream", list(&kinesis.ListStreamConsumersInput{StreamARN: aws.String(setARN("other")), NextToken: page.NextToken})},
		{"list token and creation time", sc},
	}
	goldenErrors(t, "consumer_errors", cases)
	clock.Advance(301 * time.Second)
	_, err = e.Client.ListStreamConsumers(ctx, &kinesis.ListStreamConsumersInput{StreamARN: arn, NextToken: page.NextToken})
	wantError(t, err, "ExpiredNextTokenException", "The NextToken has expired. Tokens are valid for 300 seconds.")
}

// TestStreamConsumerTags: RegisterStreamConsumer's Tags and the tagging operations on a
// consumer ARN; the stream's tags are separate.
func TestStreamConsumerTags(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "tg", 1)
	out, err := e.Client.RegisterStreamConsumer(ctx, &kinesis.RegisterStreamConsumerInput{StreamARN: aws.String(setARN("tg")), ConsumerName: aws.String("c"), Tags: map[string]string{"team": "a"}})
	if err != nil {
		t.Fatal(err)
	}
	arn := out.Consumer.ConsumerARN
	list := func() []string {
		t.Helper()
		out, err := e.Client.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: arn})
		if err != nil {
			t.Fatal(err)
		}
		return setTagStrings(out.Tags)
	}
	if diff := cmp.Diff([]string{"team=a"}, list()); diff != "" {
		t.Fatalf("tags at registration (-want +got):\n%s", diff)
	}
	if _, err := e.Client.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: arn, Tags: map[string]string{"env": "dev", "team": "b"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.UntagResource(ctx, &kinesis.UntagResourceInput{ResourceARN: arn, TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"team=b"}, list()); diff != "" {
		t.Fatalf("tags (-want +got):\n%s", diff)
	}
	if got := setTags(t, e, "tg"); len(got) != 0 {
		t.Fatalf("stream tags %v, want none", got)
	}
	many := map[string]string{}
	for i := range 50 {
		many[fmt.Sprintf("k%02d", i)] = "v"
	}
	_, err = e.Client.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: arn, Tags: many})
	wantError(t, err, "InvalidArgumentException", "Failed to add tags to consumer c of stream tg under account 000000000000 because a given consumer cannot have more than 50 tags associated with it.")
	gone := aws.String(strings.TrimSuffix(*arn, ":"+strings.Split(*arn, ":")[6]) + ":1")
	_, err = e.Client.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: gone})
	wantError(t, err, "ResourceNotFoundException", "Consumer c under stream tg under account 000000000000 not found.")
}
