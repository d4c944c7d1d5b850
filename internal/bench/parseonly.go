package bench

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
	"github.com/freshet/freshet/internal/kinesis"
)

// ServeParseOnly serves the parse-only baseline on ln until ctx is done: a server that reads
// each PutRecords body with Freshet's own decoder and answers as Freshet would, but routes
// and stores nothing. It is the ceiling the protocol work alone allows on this machine.
// CreateStream and DeleteStream succeed, DescribeStreamSummary says ACTIVE, PutRecord is
// decoded too; every other operation is unknown (so run only the put phase against it).
func ServeParseOnly(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: http.HandlerFunc(parseOnly), ReadHeaderTimeout: 30 * time.Second}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return err
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// parseOnlySeq stands for every sequence number the baseline answers: the same length as
// Freshet's.
const parseOnlySeq = "49660000000000000000000000000000000000000000000000000000"

func parseOnly(w http.ResponseWriter, r *http.Request) {
	codec := awsproto.JSON
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	fail := func(e *awserr.Error) {
		w.Header().Set("Content-Type", codec.ContentType())
		w.Header().Set("X-Amzn-ErrorType", e.Code)
		w.WriteHeader(e.HTTPStatus())
		w.Write(codec.EncodeError(e))
	}
	var out any
	switch op, _ := strings.CutPrefix(r.Header.Get("X-Amz-Target"), "Kinesis_20131202."); op {
	case "PutRecords":
		var in kinesis.PutRecordsInput
		if err := codec.Decode(body, &in); err != nil {
			e, _ := awserr.As(err)
			fail(e)
			return
		}
		res := &kinesis.PutRecordsOutput{EncryptionType: "NONE", Records: make([]kinesis.PutRecordsResultEntry, len(in.Records))}
		for i := range res.Records {
			res.Records[i] = kinesis.PutRecordsResultEntry{SequenceNumber: parseOnlySeq, ShardId: "shardId-000000000000"}
		}
		out = res
	case "PutRecord":
		var in kinesis.PutRecordInput
		if err := codec.Decode(body, &in); err != nil {
			e, _ := awserr.As(err)
			fail(e)
			return
		}
		out = &kinesis.PutRecordOutput{EncryptionType: "NONE", SequenceNumber: parseOnlySeq, ShardId: "shardId-000000000000"}
	case "CreateStream", "DeleteStream":
		out = struct{}{}
	case "DescribeStreamSummary":
		out = map[string]any{"StreamDescriptionSummary": map[string]any{"StreamStatus": "ACTIVE"}}
	default:
		fail(awserr.New(awserr.UnknownOperation, ""))
		return
	}
	b, err := codec.Encode(out)
	if err != nil {
		fail(awserr.New(awserr.InternalFailure, ""))
		return
	}
	w.Header().Set("Content-Type", codec.ContentType())
	w.Write(b)
}
