package conformance

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/firehose"
	fhtypes "github.com/aws/aws-sdk-go-v2/service/firehose/types"
)

// TestFirehoseBinaryKinesisLambdaHTTP: the real binary wires the pieces together: a Kinesis
// stream feeds a KinesisStreamAsSource delivery stream whose Lambda processor is reached
// through --lambda-endpoint, and whose HTTP endpoint destination receives the result.
func TestFirehoseBinaryKinesisLambdaHTTP(t *testing.T) {
	fn := startFakeLambda(t, func(w http.ResponseWriter, ev map[string]any) {
		var out []map[string]any
		for _, r := range ev["records"].([]any) {
			rec := r.(map[string]any)
			data, _ := base64.StdEncoding.DecodeString(rec["data"].(string))
			out = append(out, map[string]any{"recordId": rec["recordId"], "result": "Ok",
				"data": base64.StdEncoding.EncodeToString([]byte(strings.ToUpper(string(data))))})
		}
		json.NewEncoder(w).Encode(map[string]any{"records": out})
	})
	ep := startFakeEndpoint(t, func(w http.ResponseWriter, _ int, id string) { acceptRequest(w, id) })
	p := startFreshet(t, t.TempDir(), "--lambda-endpoint", fnARN+"="+fn.URL)
	e := &fhEnv{URL: "http://" + p.addr}
	e.Client = p.client()
	kc := e.kinesisClient()
	fhCreateKinesisStream(t, kc, "in", 2)
	d := fhHTTP(ep.URL, 60)
	d.BufferingHints.IntervalInSeconds = aws.Int32(0)
	d.ProcessingConfiguration = fhProcessing(fhProc(fhtypes.ProcessorTypeLambda, "LambdaArn", fnARN))
	_, err := e.Client.CreateDeliveryStream(t.Context(), &firehose.CreateDeliveryStreamInput{
		DeliveryStreamName: aws.String("pipeline"), DeliveryStreamType: fhtypes.DeliveryStreamTypeKinesisStreamAsSource,
		KinesisStreamSourceConfiguration: &fhtypes.KinesisStreamSourceConfiguration{
			KinesisStreamARN: aws.String("arn:aws:kinesis:us-east-1:000000000000:stream/in"), RoleARN: aws.String("arn:aws:iam::000000000000:role/firehose")},
		HttpEndpointDestinationConfiguration: d,
	})
	if err != nil {
		t.Fatal(err)
	}
	fhKinesisPut(t, kc, "in", map[string]string{"alpha": lowHash, "beta": highHash})
	var got []string
	waitFor(t, "both records at the endpoint", func() bool {
		got = nil
		for _, r := range ep.requests() {
			for _, rec := range r.Body["records"].([]any) {
				b, _ := base64.StdEncoding.DecodeString(rec.(map[string]any)["data"].(string))
				got = append(got, string(b))
			}
		}
		return len(got) >= 2
	})
	slices.Sort(got)
	if !slices.Equal(got, []string{"ALPHA", "BETA"}) {
		t.Errorf("endpoint received %q", got)
	}
}
