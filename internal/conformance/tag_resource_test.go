package conformance

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/google/go-cmp/cmp"
)

func TestTagResource(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "res", 1)
	arn := aws.String(setARN("res"))
	if _, err := e.Client.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: arn, Tags: map[string]string{"team": "core", "env": "dev"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Client.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: arn, Tags: map[string]string{"env": "prod"}}); err != nil {
		t.Fatal(err)
	}
	out, err := e.Client.ListTagsForResource(ctx, &kinesis.ListTagsForResourceInput{ResourceARN: arn})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"env=prod", "team=core"}, setTagStrings(out.Tags)); diff != "" {
		t.Fatalf("ListTagsForResource (-want +got):\n%s", diff)
	}
	// The stream operations see the same tags.
	if diff := cmp.Diff([]string{"env=prod", "team=core"}, setTags(t, e, "res")); diff != "" {
		t.Fatalf("ListTagsForStream (-want +got):\n%s", diff)
	}
	if _, err := e.Client.UntagResource(ctx, &kinesis.UntagResourceInput{ResourceARN: arn, TagKeys: []string{"env", "absent"}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"team=core"}, setTags(t, e, "res")); diff != "" {
		t.Fatalf("after UntagResource (-want +got):\n%s", diff)
	}

	// The ARN's account names the stream, whoever calls.
	other := e.client("111122223333", "us-east-1")
	if _, err := other.TagResource(ctx, &kinesis.TagResourceInput{ResourceARN: arn, Tags: map[string]string{"by": "other"}}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"by=other", "team=core"}, setTags(t, e, "res")); diff != "" {
		t.Fatalf("after cross-account TagResource (-want +got):\n%s", diff)
	}
}

func TestTagResourceErrors(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "s", 1)
	raw := func(o *kinesis.Options) { noInputValidation(o) }
	consumer := "arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:1525898737"
	channel := "arn:aws:kinesis:us-east-1:000000000000:channel/ch"
	tag := func(in *kinesis.TagResourceInput) func() error {
		return func() error { _, err := e.Client.TagResource(ctx, in, raw); return err }
	}
	untag := func(in *kinesis.UntagResourceInput) func() error {
		return func() error { _, err := e.Client.UntagResource(ctx, in, raw); return err }
	}
	list := func(in *kinesis.ListTagsForResourceInput) func() error {
		return func() error { _, err := e.Client.ListTagsForResource(ctx, in, raw); return err }
	}
	goldenErrors(t, "tag_resource_errors", []errCase{
		{"tag no members", tag(&kinesis.TagResourceInput{})},
		{"tag bad arn", tag(&kinesis.TagResourceInput{ResourceARN: aws.String("arn:aws:s3:::bucket"), Tags: map[string]string{}})},
		{"tag long key", tag(&kinesis.TagResourceInput{ResourceARN: aws.String(setARN("s")), Tags: map[string]string{strings.Repeat("k", 129): "v"}})},
		{"tag missing stream", tag(&kinesis.TagResourceInput{ResourceARN: aws.String(setARN("missing")), Tags: map[string]string{"a": "b"}})},
		{"tag consumer", tag(&kinesis.TagResourceInput{ResourceARN: aws.String(consumer), Tags: map[string]string{"a": "b"}})},
		{"tag channel", tag(&kinesis.TagResourceInput{ResourceARN: aws.String(channel), Tags: map[string]string{"a": "b"}})},
		{"tag ; in key", tag(&kinesis.TagResourceInput{ResourceARN: aws.String(setARN("s")), Tags: map[string]string{"a;b": "c"}})},
		{"tag % in value", tag(&kinesis.TagResourceInput{ResourceARN: aws.String(setARN("s")), Tags: map[string]string{"a": "5%"}})},
		{"untag no members", untag(&kinesis.UntagResourceInput{})},
		{"untag empty keys", untag(&kinesis.UntagResourceInput{ResourceARN: aws.String(setARN("s")), TagKeys: []string{}})},
		{"untag missing stream", untag(&kinesis.UntagResourceInput{ResourceARN: aws.String(setARN("missing")), TagKeys: []string{"a"}})},
		{"untag consumer", untag(&kinesis.UntagResourceInput{ResourceARN: aws.String(consumer), TagKeys: []string{"a"}})},
		{"list no arn", list(&kinesis.ListTagsForResourceInput{})},
		{"list empty arn", list(&kinesis.ListTagsForResourceInput{ResourceARN: aws.String("")})},
		{"list missing stream", list(&kinesis.ListTagsForResourceInput{ResourceARN: aws.String(setARN("missing"))})},
		{"list channel", list(&kinesis.ListTagsForResourceInput{ResourceARN: aws.String(channel)})},
	})
}
