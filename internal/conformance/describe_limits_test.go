package conformance

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
	"github.com/aws/aws-sdk-go-v2/service/kinesis/types"
	"github.com/google/go-cmp/cmp"
)

func TestDescribeLimits(t *testing.T) {
	e := newEnv(t, envOptions{ShardLimit: 20})
	ctx := t.Context()
	type limits struct{ ShardLimit, Open, OnDemand, OnDemandLimit int32 }
	get := func(c *kinesis.Client) limits {
		t.Helper()
		out, err := c.DescribeLimits(ctx, &kinesis.DescribeLimitsInput{})
		if err != nil {
			t.Fatal(err)
		}
		return limits{*out.ShardLimit, *out.OpenShardCount, *out.OnDemandStreamCount, *out.OnDemandStreamCountLimit}
	}
	if diff := cmp.Diff(limits{20, 0, 0, 50}, get(e.Client)); diff != "" {
		t.Errorf("empty account (-want +got):\n%s", diff)
	}
	e.createStream(t, "p", 3)
	if _, err := e.Client.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("od"), StreamModeDetails: &types.StreamModeDetails{StreamMode: types.StreamModeOnDemand}}); err != nil {
		t.Fatal(err)
	}
	other := e.client("111111111111", "us-east-1")
	if _, err := other.CreateStream(ctx, &kinesis.CreateStreamInput{StreamName: aws.String("x"), ShardCount: aws.Int32(5)}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(limits{20, 7, 1, 50}, get(e.Client)); diff != "" {
		t.Errorf("default account (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(limits{20, 5, 0, 50}, get(other)); diff != "" {
		t.Errorf("other account (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(limits{20, 0, 0, 50}, get(e.client("AKIDEXAMPLE", "eu-west-1"))); diff != "" {
		t.Errorf("other region (-want +got):\n%s", diff)
	}
	if _, err := e.Client.DeleteStream(ctx, &kinesis.DeleteStreamInput{StreamName: aws.String("od")}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(limits{20, 3, 0, 50}, get(e.Client)); diff != "" {
		t.Errorf("after deleting the on-demand stream (-want +got):\n%s", diff)
	}
}
