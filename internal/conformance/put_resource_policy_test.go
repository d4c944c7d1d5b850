package conformance

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
)

const setPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kinesis:GetRecords","Resource":"arn:aws:kinesis:us-east-1:000000000000:stream/pol"}]}`

func TestResourcePolicy(t *testing.T) {
	e := newEnv(t, envOptions{})
	ctx := t.Context()
	e.createStream(t, "pol", 1)
	arn := aws.String(setARN("pol"))
	get := func() string {
		t.Helper()
		out, err := e.Client.GetResourcePolicy(ctx, &kinesis.GetResourcePolicyInput{ResourceARN: arn})
		if err != nil {
			t.Fatal(err)
		}
		return aws.ToString(out.Policy)
	}
	if got := get(); got != "{}" {
		t.Fatalf("policy of a new stream = %q, want {}", got)
	}
	if _, err := e.Client.PutResourcePolicy(ctx, &kinesis.PutResourcePolicyInput{ResourceARN: arn, Policy: aws.String(setPolicy)}); err != nil {
		t.Fatal(err)
	}
	if got := get(); got != setPolicy {
		t.Fatalf("policy = %q, want %q", got, setPolicy)
	}
	if _, err := e.Client.DeleteResourcePolicy(ctx, &kinesis.DeleteResourcePolicyInput{ResourceARN: arn}); err != nil {
		t.Fatal(err)
	}
	if got := get(); got != "{}" {
		t.Fatalf("policy after delete = %q, want {}", got)
	}
	if _, err := e.Client.DeleteResourcePolicy(ctx, &kinesis.DeleteResourcePolicyInput{ResourceARN: arn}); err != nil {
		t.Fatalf("second delete: %v", err)
	}
}

func TestResourcePolicyErrors(t *testing.T) {
	clock := newFakeClock()
	e := newEnv(t, envOptions{StateDelay: time.Minute, Now: clock.Now})
	ctx := t.Context()
	setCreate(t, e, "creating", types.StreamModeProvisioned)
	raw := func(o *kinesis.Options) { noInputValidation(o) }
	consumer := "arn:aws:kinesis:us-east-1:000000000000:stream/creating/consumer/c:1525898737"
	put := func(in *kinesis.PutResourcePolicyInput) func() error {
		return func() error { _, err := e.Client.PutResourcePolicy(ctx, in, raw); return err }
	}
	get := func(in *kinesis.GetResourcePolicyInput) func() error {
		return func() error { _, err := e.Client.GetResourcePolicy(ctx, in, raw); return err }
	}
	del := func(in *kinesis.DeleteResourcePolicyInput) func() error {
		return func() error { _, err := e.Client.DeleteResourcePolicy(ctx, in, raw); return err }
	}
	goldenErrors(t, "resource_policy_errors", []errCase{
		{"put no members", put(&kinesis.PutResourcePolicyInput{})},
		{"put bad arn", put(&kinesis.PutResourcePolicyInput{ResourceARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:channel/c"), Policy: aws.String("{}")})},
		{"put not JSON", put(&kinesis.PutResourcePolicyInput{ResourceARN: aws.String(setARN("creating")), Policy: aws.String("{nope")})},
		{"put JSON array", put(&kinesis.PutResourcePolicyInput{ResourceARN: aws.String(setARN("creating")), Policy: aws.String("[]")})},
		{"put missing stream", put(&kinesis.PutResourcePolicyInput{ResourceARN: aws.String(setARN("missing")), Policy: aws.String(setPolicy)})},
		{"put consumer", put(&kinesis.PutResourcePolicyInput{ResourceARN: aws.String(consumer), Policy: aws.String(setPolicy)})},
		{"put creating stream", put(&kinesis.PutResourcePolicyInput{ResourceARN: aws.String(setARN("creating")), Policy: aws.String(setPolicy)})},
		{"get no arn", get(&kinesis.GetResourcePolicyInput{})},
		{"get missing stream", get(&kinesis.GetResourcePolicyInput{ResourceARN: aws.String(setARN("missing"))})},
		{"get consumer", get(&kinesis.GetResourcePolicyInput{ResourceARN: aws.String(consumer)})},
		{"delete no arn", del(&kinesis.DeleteResourcePolicyInput{})},
		{"delete missing stream", del(&kinesis.DeleteResourcePolicyInput{ResourceARN: aws.String(setARN("missing"))})},
		{"delete creating stream", del(&kinesis.DeleteResourcePolicyInput{ResourceARN: aws.String(setARN("creating"))})},
	})
}
