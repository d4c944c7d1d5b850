package firehose

// Lambda
//
// Behavior:
//   - Data transformation by a Lambda function: LambdaArn maps, through the server's
//     configuration (Options.LambdaEndpoints, --lambda-endpoint), to a base URL speaking
//     the Lambda Invoke API; Freshet POSTs AWS's event to
//     <base>/2015-03-31/functions/<function name>/invocations (?Qualifier= for a qualified
//     ARN) with X-Amz-Invocation-Type RequestResponse:
//     {"invocationId","deliveryStreamArn","region","records":[{"recordId",
//     "approximateArrivalTimestamp" (epoch ms),"data" (base64)}]}; records of a
//     KinesisStreamAsSource stream add "sourceKinesisStreamArn" and per record
//     "kinesisRecordMetadata" {"shardId","partitionKey","approximateArrivalTimestamp",
//     "sequenceNumber","subsequenceNumber"}.
//   - The answer {"records":[{"recordId","result","data","metadata":{"partitionKeys"}}]}:
//     Ok replaces the record's data (and sets its !{partitionKeyFromLambda:…} keys), Dropped
//     removes it, ProcessingFailed sends the original record to the error output
//     (Lambda.ProcessingFailedStatus, "ProcessingFailed status set for record").
//   - An invocation fails when the endpoint cannot be reached, answers other than 200,
//     reports a function error (X-Amz-Function-Error: Lambda.FunctionError), or answers
//     records that do not match the ones sent (a record id missing, repeated or unknown, a
//     result other than the three, data that is not base64: Lambda.MissingRecordId,
//     Lambda.DuplicatedRecordId, Lambda.JsonProcessingException). It is retried
//     NumberOfRetries times (default 3, 0..300); then every record of the invocation goes
//     to the error output as processing-failed with attemptsMade and lambdaArn.
//   - Records are sent in invocations of at most BufferSizeInMBs (default 1, 0.2..3) of
//     data, one after the other.
//   - A LambdaArn that maps to no endpoint is InvalidArgumentException at
//     CreateDeliveryStream and UpdateDestination.
//
// Differences from AWS:
//   - BufferIntervalInSeconds (0..900) is checked but not applied: the Lambda sees the
//     destination's buffers, not buffers of its own.
//   - Invocations are not signed (the endpoint is trusted server configuration), and RoleArn
//     is accepted but not assumed.
//   - The error codes of unreachable or failing endpoints (Lambda.ServiceException,
//     Lambda.<X-Amzn-ErrorType>) are Freshet's.

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/freshet/freshet/internal/awserr"
)

const (
	lambdaOk               = "Ok"
	lambdaDropped          = "Dropped"
	lambdaProcessingFailed = "ProcessingFailed"
	// maxLambdaData bounds the data of one invocation so that the base64 event stays under
	// Lambda's 6 MB synchronous payload limit.
	maxLambdaData   = 4 << 20
	lambdaTimeout   = 5 * time.Minute
	lambdaAnyARNKey = "*"
)

type lambdaStage struct {
	arn       string
	url       string
	retries   int
	chunkSize int
	client    HTTPClient
}

// lambdaStages returns the Lambda StageFactory of a service configured with o.
func lambdaStages(o Options) StageFactory {
	return func(info StreamInfo, p Processor) (Stage, error) {
		ps, err := params(p, "LambdaArn", "NumberOfRetries", "RoleArn", "BufferSizeInMBs", "BufferIntervalInSeconds")
		if err != nil {
			return nil, err
		}
		arn, ok := ps["LambdaArn"]
		if !ok {
			return nil, awserr.New(awserr.InvalidArgument, "LambdaArn must be specified for the Lambda processor.")
		}
		fn, qualifier, ok := lambdaFunction(arn)
		if !ok {
			return nil, awserr.Newf(awserr.InvalidArgument, "LambdaArn %s is not a Lambda function ARN.", arn)
		}
		base, ok := o.LambdaEndpoints[arn]
		if !ok {
			base, ok = o.LambdaEndpoints[lambdaAnyARNKey]
		}
		if !ok || o.HTTP == nil {
			return nil, awserr.Newf(awserr.InvalidArgument, "Lambda function %s has no endpoint: start freshet with --lambda-endpoint %s=<URL>.", arn, arn)
		}
		st := &lambdaStage{arn: arn, client: o.HTTP, chunkSize: 1 << 20}
		st.url = strings.TrimRight(base, "/") + "/2015-03-31/functions/" + url.PathEscape(fn) + "/invocations"
		if qualifier != "" {
			st.url += "?Qualifier=" + url.QueryEscape(qualifier)
		}
		if st.retries, err = intParam(ps, "NumberOfRetries", 3, 0, 300); err != nil {
			return nil, err
		}
		if v, ok := ps["BufferSizeInMBs"]; ok {
			mb, err := strconv.ParseFloat(v, 64)
			if err != nil || mb < 0.2 || mb > 3 {
				return nil, awserr.Newf(awserr.InvalidArgument, "Processor parameter BufferSizeInMBs must be between 0.2 and 3, got %q.", v)
			}
			st.chunkSize = int(mb * (1 << 20))
		}
		st.chunkSize = min(st.chunkSize, maxLambdaData)
		if _, err := intParam(ps, "BufferIntervalInSeconds", 60, 0, 900); err != nil {
			return nil, err
		}
		return st, nil
	}
}

// lambdaFunction splits arn:aws:lambda:<region>:<account>:function:<name>[:<qualifier>].
func lambdaFunction(arn string) (name, qualifier string, ok bool) {
	parts := strings.Split(arn, ":")
	if len(parts) < 7 || len(parts) > 8 || parts[0] != "arn" || parts[2] != "lambda" || parts[5] != "function" || parts[6] == "" {
		return "", "", false
	}
	if len(parts) == 8 {
		qualifier = parts[7]
	}
	return parts[6], qualifier, true
}

type lambdaEvent struct {
	InvocationID           string              `json:"invocationId"`
	DeliveryStreamArn      string              `json:"deliveryStreamArn"`
	SourceKinesisStreamArn string              `json:"sourceKinesisStreamArn,omitempty"`
	Region                 string              `json:"region"`
	Records                []lambdaEventRecord `json:"records"`
}

type lambdaEventRecord struct {
	RecordID                    string               `json:"recordId"`
	ApproximateArrivalTimestamp int64                `json:"approximateArrivalTimestamp"`
	Data                        []byte               `json:"data"`
	KinesisRecordMetadata       *lambdaKinesisRecord `json:"kinesisRecordMetadata,omitempty"`
}

// lambdaKinesisRecord is kinesisRecordMetadata: where a Kinesis-source record came from.
type lambdaKinesisRecord struct {
	ShardID                     string `json:"shardId"`
	PartitionKey                string `json:"partitionKey"`
	ApproximateArrivalTimestamp int64  `json:"approximateArrivalTimestamp"`
	SequenceNumber              string `json:"sequenceNumber"`
	SubsequenceNumber           int    `json:"subsequenceNumber"`
}

type lambdaResponse struct {
	Records []struct {
		RecordID *string `json:"recordId"`
		Result   *string `json:"result"`
		Data     *string `json:"data"`
		Metadata *struct {
			PartitionKeys map[string]string `json:"partitionKeys"`
		} `json:"metadata"`
	} `json:"records"`
}

// lambdaResult is the function's verdict on one record.
type lambdaResult struct {
	result string
	data   []byte
	keys   map[string]string
}

// invocationError is a failed invocation: errorCode and errorMessage of the error documents.
type invocationError struct{ code, message string }

func (l *lambdaStage) Process(ctx context.Context, b *Batch) error {
	out := make([]DeliveryRecord, 0, len(b.Records))
	for len(b.Records) > 0 {
		n, size := 0, 0
		for n < len(b.Records) && (n == 0 || size+len(b.Records[n].Data) <= l.chunkSize) {
			size += len(b.Records[n].Data)
			n++
		}
		chunk := b.Records[:n]
		b.Records = b.Records[n:]
		results, attempts, ierr := l.invoke(ctx, b.Stream, chunk)
		if err := ctx.Err(); err != nil {
			return err // shutting down: the batch is delivered again later
		}
		for _, r := range chunk {
			if ierr != nil {
				b.Failed = append(b.Failed, FailedRecord{Record: r, ErrorCode: ierr.code, ErrorMessage: ierr.message, Attempts: attempts, LambdaARN: l.arn})
				continue
			}
			res := results[r.ID]
			switch res.result {
			case lambdaOk:
				r.Data = res.data
				if len(res.keys) > 0 {
					keys := make(map[string]string, len(r.Keys)+len(res.keys))
					for k, v := range r.Keys {
						keys[k] = v
					}
					for k, v := range res.keys {
						keys[nsFromLambda+":"+k] = v
					}
					r.Keys = keys
				}
				out = append(out, r)
			case lambdaProcessingFailed:
				b.Failed = append(b.Failed, FailedRecord{Record: r, ErrorCode: "Lambda.ProcessingFailedStatus", ErrorMessage: "ProcessingFailed status set for record", Attempts: attempts, LambdaARN: l.arn})
			}
		}
	}
	b.Records = out
	return nil
}

// invoke calls the function with the records, retrying a failed invocation, and returns the
// results by record id and the number of attempts made.
func (l *lambdaStage) invoke(ctx context.Context, st StreamInfo, recs []DeliveryRecord) (map[string]lambdaResult, int, *invocationError) {
	ev := lambdaEvent{InvocationID: uuid.NewString(), DeliveryStreamArn: st.ARN, SourceKinesisStreamArn: st.SourceKinesisStreamARN,
		Region: st.Region, Records: make([]lambdaEventRecord, len(recs))}
	for i, r := range recs {
		ev.Records[i] = lambdaEventRecord{RecordID: r.ID, ApproximateArrivalTimestamp: r.Arrival.UnixMilli(), Data: r.Data}
		if k := r.Kinesis; k != nil {
			ev.Records[i].KinesisRecordMetadata = &lambdaKinesisRecord{ShardID: k.ShardID, PartitionKey: k.PartitionKey,
				ApproximateArrivalTimestamp: r.Arrival.UnixMilli(), SequenceNumber: k.SequenceNumber, SubsequenceNumber: k.SubsequenceNumber}
		}
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return nil, 1, &invocationError{"Lambda.JsonProcessingException", err.Error()}
	}
	header := map[string]string{"Content-Type": "application/json", "X-Amz-Invocation-Type": "RequestResponse"}
	var ierr *invocationError
	attempt := 0
	for attempt <= l.retries && ctx.Err() == nil {
		attempt++
		actx, cancel := context.WithTimeout(ctx, lambdaTimeout)
		resp, err := l.client.Post(actx, l.url, header, body)
		cancel()
		var res map[string]lambdaResult
		res, ierr = lambdaAnswer(resp, err, recs)
		if ierr == nil {
			return res, attempt, nil
		}
	}
	return nil, attempt, ierr
}

// lambdaAnswer checks an Invoke answer against the records sent.
func lambdaAnswer(resp *HTTPResponse, err error, recs []DeliveryRecord) (map[string]lambdaResult, *invocationError) {
	if err != nil {
		return nil, &invocationError{"Lambda.ServiceException", "The Lambda function could not be invoked: " + err.Error()}
	}
	if resp.Status != 200 {
		code := "Lambda.ServiceException"
		if t := resp.Header["X-Amzn-Errortype"]; t != "" {
			t, _, _ = strings.Cut(t, ":")
			code = "Lambda." + t
		}
		var e struct {
			Message  string `json:"message"`
			MessageU string `json:"Message"`
		}
		json.Unmarshal(resp.Body, &e)
		msg := e.Message + e.MessageU
		if msg == "" {
			msg = fmt.Sprintf("The Lambda endpoint answered HTTP %d.", resp.Status)
		}
		return nil, &invocationError{code, msg}
	}
	if resp.Header["X-Amz-Function-Error"] != "" {
		return nil, &invocationError{"Lambda.FunctionError", "The Lambda function was successfully invoked but it returned an error result."}
	}
	jsonErr := &invocationError{"Lambda.JsonProcessingException", "There was an error parsing returned records from the Lambda function. Ensure that the returned records follow the status model required by Kinesis Data Firehose."}
	var lr lambdaResponse
	if err := json.Unmarshal(resp.Body, &lr); err != nil {
		return nil, jsonErr
	}
	sent := make(map[string]bool, len(recs))
	for _, r := range recs {
		sent[r.ID] = true
	}
	out := make(map[string]lambdaResult, len(recs))
	for _, r := range lr.Records {
		if r.RecordID == nil || !sent[*r.RecordID] {
			return nil, &invocationError{"Lambda.MissingRecordId", "One or more record Ids were not returned. Ensure that the Lambda function returns all received record Ids."}
		}
		if _, dup := out[*r.RecordID]; dup {
			return nil, &invocationError{"Lambda.DuplicatedRecordId", "Multiple records were returned with the same record Id. Ensure that the Lambda function returns unique record Ids for each record."}
		}
		res := lambdaResult{result: deref0(r.Result)}
		switch res.result {
		case lambdaOk:
			if r.Data == nil {
				return nil, jsonErr
			}
			d, err := base64.StdEncoding.DecodeString(*r.Data)
			if err != nil {
				return nil, jsonErr
			}
			res.data = d
			if r.Metadata != nil {
				res.keys = r.Metadata.PartitionKeys
			}
		case lambdaDropped, lambdaProcessingFailed:
		default:
			return nil, jsonErr
		}
		out[*r.RecordID] = res
	}
	if len(out) != len(sent) {
		return nil, &invocationError{"Lambda.MissingRecordId", "One or more record Ids were not returned. Ensure that the Lambda function returns all received record Ids."}
	}
	return out, nil
}
