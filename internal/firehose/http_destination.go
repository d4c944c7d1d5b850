package firehose

// HTTP endpoint destination (HttpEndpointDestinationConfiguration)
//
// Behavior:
//   - Each buffer (BufferingHints: 1..64 MiB, 0..900 s; default 5 MiB / 300 s) is POSTed,
//     at most 10,000 records a request, to EndpointConfiguration.Url with AWS's body {"requestId","timestamp" (epoch ms),
//     "records":[{"data": base64}]} and headers X-Amz-Firehose-Protocol-Version 1.0,
//     X-Amz-Firehose-Request-Id (the body's requestId, the same on every retry of the
//     buffer), X-Amz-Firehose-Source-Arn, X-Amz-Firehose-Access-Key (when AccessKey is
//     set), X-Amz-Firehose-Common-Attributes ({"commonAttributes":{…}}, when set),
//     Content-Type application/json, and Content-Encoding gzip with a gzipped body when
//     RequestConfiguration.ContentEncoding is GZIP.
//   - Success is a 200 whose body is JSON with the same requestId and whose Content-Type is
//     application/json; anything else is a failure, retried with exponential back-off until
//     RetryOptions.DurationInSeconds (default 300, 0..7200; 0 makes one attempt) have passed
//     since the first attempt. A 413 ends the retries at once.
//   - Then the records go to S3Configuration's bucket as AWS's error documents under its
//     ErrorOutputPrefix with error output type http-endpoint-failed (errorCode
//     HttpEndpoint.DestinationException or HttpEndpoint.InvalidResponseFromDestination,
//     attemptsMade). S3BackupMode AllData (default FailedDataOnly) also writes every record
//     under the S3Configuration's Prefix, whether the endpoint took it or not.
//   - Processing runs before delivery as for S3; processing-failed records go to the same
//     bucket.
//
// Differences from AWS:
//   - http:// URLs are accepted (AWS takes https:// on port 443 only), so that local
//     endpoints work. SecretsManagerConfiguration is stored but not used: the access key is
//     the configured AccessKey.
//   - Back-off runs from Options.RetryMin doubling to Options.RetryMax (AWS: from 1 s to 2
//     min, with jitter). The error documents lack AWS's subsequenceNumber and dataId.
//   - The connection-failure error code is Freshet's.

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/freshet/freshet/internal/awserr"
)

type HttpEndpointConfiguration struct {
	AccessKey *string `json:"AccessKey,omitempty"`
	Name      *string `json:"Name,omitempty"`
	Url       *string `json:"Url"`
}

type HttpEndpointCommonAttribute struct {
	AttributeName  *string `json:"AttributeName"`
	AttributeValue *string `json:"AttributeValue"`
}

type HttpEndpointRequestConfiguration struct {
	CommonAttributes []HttpEndpointCommonAttribute `json:"CommonAttributes,omitempty"`
	ContentEncoding  *string                       `json:"ContentEncoding,omitempty"`
}

// HttpEndpointDestinationConfiguration is CreateDeliveryStream's HTTP endpoint destination,
// stored as given with AWS's defaults filled in.
type HttpEndpointDestinationConfiguration struct {
	BufferingHints              *BufferingHints                   `json:"BufferingHints,omitempty"`
	CloudWatchLoggingOptions    *CloudWatchLoggingOptions         `json:"CloudWatchLoggingOptions,omitempty"`
	EndpointConfiguration       *HttpEndpointConfiguration        `json:"EndpointConfiguration"`
	ProcessingConfiguration     *ProcessingConfiguration          `json:"ProcessingConfiguration,omitempty"`
	RequestConfiguration        *HttpEndpointRequestConfiguration `json:"RequestConfiguration,omitempty"`
	RetryOptions                *RetryOptions                     `json:"RetryOptions,omitempty"`
	RoleARN                     *string                           `json:"RoleARN,omitempty"`
	S3BackupMode                *string                           `json:"S3BackupMode,omitempty"`
	S3Configuration             *S3DestinationConfiguration       `json:"S3Configuration"`
	SecretsManagerConfiguration *SecretsManagerConfiguration      `json:"SecretsManagerConfiguration,omitempty"`
}

// SecretsManagerConfiguration is accepted and shown; Freshet reads no secrets.
type SecretsManagerConfiguration struct {
	Enabled   *bool   `json:"Enabled"`
	RoleARN   *string `json:"RoleARN,omitempty"`
	SecretARN *string `json:"SecretARN,omitempty"`
}

type HttpEndpointDescription struct {
	Name *string `json:"Name,omitempty"`
	Url  *string `json:"Url,omitempty"`
}

// HttpEndpointDestinationDescription is how DescribeDeliveryStream shows the destination
// (the access key is never shown).
type HttpEndpointDestinationDescription struct {
	BufferingHints              *BufferingHints                   `json:"BufferingHints,omitempty"`
	CloudWatchLoggingOptions    *CloudWatchLoggingOptions         `json:"CloudWatchLoggingOptions,omitempty"`
	EndpointConfiguration       *HttpEndpointDescription          `json:"EndpointConfiguration,omitempty"`
	ProcessingConfiguration     *ProcessingConfiguration          `json:"ProcessingConfiguration,omitempty"`
	RequestConfiguration        *HttpEndpointRequestConfiguration `json:"RequestConfiguration,omitempty"`
	RetryOptions                *RetryOptions                     `json:"RetryOptions,omitempty"`
	RoleARN                     *string                           `json:"RoleARN,omitempty"`
	S3BackupMode                *string                           `json:"S3BackupMode,omitempty"`
	S3DestinationDescription    *S3DestinationConfiguration       `json:"S3DestinationDescription,omitempty"`
	SecretsManagerConfiguration *SecretsManagerConfiguration      `json:"SecretsManagerConfiguration,omitempty"`
}

var (
	httpURLPattern       = awserr.NewPattern(`https?://.*`)
	contentEncodings     = []string{"NONE", contentGzip}
	httpBackupModes      = []string{httpBackupFailed, httpBackupAll}
	httpDefaultRetrySecs = int64(300)
)

const (
	// maxHTTPRecords is the most records AWS sends in one request.
	maxHTTPRecords   = 10000
	contentGzip      = "GZIP"
	httpBackupFailed = "FailedDataOnly"
	httpBackupAll    = "AllData"
)

// HttpEndpointDestinationUpdate is UpdateDestination's HTTP endpoint member: the members
// it gives replace the destination's.
type HttpEndpointDestinationUpdate struct {
	BufferingHints              *BufferingHints                   `json:"BufferingHints,omitempty"`
	CloudWatchLoggingOptions    *CloudWatchLoggingOptions         `json:"CloudWatchLoggingOptions,omitempty"`
	EndpointConfiguration       *HttpEndpointConfiguration        `json:"EndpointConfiguration,omitempty"`
	ProcessingConfiguration     *ProcessingConfiguration          `json:"ProcessingConfiguration,omitempty"`
	RequestConfiguration        *HttpEndpointRequestConfiguration `json:"RequestConfiguration,omitempty"`
	RetryOptions                *RetryOptions                     `json:"RetryOptions,omitempty"`
	RoleARN                     *string                           `json:"RoleARN,omitempty"`
	S3BackupMode                *string                           `json:"S3BackupMode,omitempty"`
	S3Update                    *S3DestinationConfiguration       `json:"S3Update,omitempty"`
	SecretsManagerConfiguration *SecretsManagerConfiguration      `json:"SecretsManagerConfiguration,omitempty"`
}

func (u *HttpEndpointDestinationUpdate) asConfig() *HttpEndpointDestinationConfiguration {
	return &HttpEndpointDestinationConfiguration{
		BufferingHints: u.BufferingHints, CloudWatchLoggingOptions: u.CloudWatchLoggingOptions,
		EndpointConfiguration: u.EndpointConfiguration, ProcessingConfiguration: u.ProcessingConfiguration,
		RequestConfiguration: u.RequestConfiguration, RetryOptions: u.RetryOptions, RoleARN: u.RoleARN,
		S3BackupMode: u.S3BackupMode, S3Configuration: u.S3Update, SecretsManagerConfiguration: u.SecretsManagerConfiguration,
	}
}

// updateHTTP merges UpdateDestination's HttpEndpointDestinationUpdate into m and checks the
// result as CreateDeliveryStream would; m is unchanged on error.
func (s *Service) updateHTTP(m *streamMeta, u *HttpEndpointDestinationUpdate) error {
	if m.HTTP == nil || u == nil {
		return awserr.New(awserr.InvalidArgument, "Changing the destination type of a delivery stream is not supported by Freshet.")
	}
	old := *m
	h := *m.HTTP
	c := u.asConfig()
	if e := c.EndpointConfiguration; e != nil {
		ep := HttpEndpointConfiguration{}
		if h.EndpointConfiguration != nil {
			ep = *h.EndpointConfiguration
		}
		set(&ep.Url, e.Url)
		set(&ep.Name, e.Name)
		set(&ep.AccessKey, e.AccessKey)
		h.EndpointConfiguration = &ep
	}
	mergeHints(&h.BufferingHints, c.BufferingHints)
	if c.CloudWatchLoggingOptions != nil {
		h.CloudWatchLoggingOptions = c.CloudWatchLoggingOptions
	}
	if c.ProcessingConfiguration != nil {
		h.ProcessingConfiguration = c.ProcessingConfiguration
	}
	if c.RequestConfiguration != nil {
		h.RequestConfiguration = c.RequestConfiguration
	}
	if c.RetryOptions != nil {
		h.RetryOptions = c.RetryOptions
	}
	set(&h.RoleARN, c.RoleARN)
	set(&h.S3BackupMode, c.S3BackupMode)
	if c.SecretsManagerConfiguration != nil {
		h.SecretsManagerConfiguration = c.SecretsManagerConfiguration
	}
	next := *m.S3
	if c.S3Configuration != nil {
		mergeS3Into(&next, c.S3Configuration)
	}
	m.HTTP, m.S3 = &h, &next
	if err := s.checkDestination(m); err != nil {
		*m = old
		return err
	}
	withDefaults(m.S3)
	httpDefaults(m.HTTP)
	return nil
}

// checkHTTPEndpoint validates an HttpEndpointDestinationConfiguration, or with required
// false an update (s3Member names the S3 member: s3Configuration or s3Update).
func checkHTTPEndpoint(v *awserr.Validator, path string, c *HttpEndpointDestinationConfiguration, required bool, s3Member string) {
	if c == nil {
		return
	}
	if b := c.BufferingHints; b != nil {
		v.Int(path+".bufferingHints.intervalInSeconds", b.IntervalInSeconds, false, 0, 900)
		v.Int(path+".bufferingHints.sizeInMBs", b.SizeInMBs, false, 1, 64)
	}
	checkLogging(v, path+".cloudWatchLoggingOptions", c.CloudWatchLoggingOptions)
	if e := c.EndpointConfiguration; e == nil {
		if required {
			v.Null(path + ".endpointConfiguration")
		}
	} else {
		v.Str(path+".endpointConfiguration.accessKey", e.AccessKey, false, 0, 4096, nil)
		if e.Name != nil && strings.TrimSpace(*e.Name) == "" {
			v.Constraint(*e.Name, path+".endpointConfiguration.name", `Member must satisfy regular expression pattern: ^(?!\s*$).+$`)
		}
		v.Str(path+".endpointConfiguration.name", e.Name, false, 1, 256, nil)
		v.Str(path+".endpointConfiguration.url", e.Url, required, 1, 1000, httpURLPattern)
	}
	checkProcessing(v, path+".processingConfiguration", c.ProcessingConfiguration)
	if r := c.RequestConfiguration; r != nil {
		if len(r.CommonAttributes) > 50 {
			v.Constraint("["+strings.Repeat("*,", len(r.CommonAttributes)-1)+"*]", path+".requestConfiguration.commonAttributes", "Member must have length less than or equal to 50")
		}
		for i, a := range r.CommonAttributes {
			p := fmt.Sprintf("%s.requestConfiguration.commonAttributes.%d.member.", path, i+1)
			v.Str(p+"attributeName", a.AttributeName, true, 1, 256, nil)
			v.Str(p+"attributeValue", a.AttributeValue, true, 0, 1024, nil)
		}
		v.Enum(path+".requestConfiguration.contentEncoding", r.ContentEncoding, false, contentEncodings)
	}
	if r := c.RetryOptions; r != nil {
		v.Int(path+".retryOptions.durationInSeconds", r.DurationInSeconds, false, 0, 7200)
	}
	v.Str(path+".roleARN", c.RoleARN, false, 1, 512, roleARNPattern)
	v.Enum(path+".s3BackupMode", c.S3BackupMode, false, httpBackupModes)
	if c.S3Configuration == nil && required {
		v.Null(path + "." + s3Member)
	}
	checkS3(v, path+"."+s3Member, c.S3Configuration, required)
}

// httpDefaults fills in the values AWS reports for members left out.
func httpDefaults(c *HttpEndpointDestinationConfiguration) {
	hintDefaults(&c.BufferingHints)
	if c.RequestConfiguration == nil {
		c.RequestConfiguration = &HttpEndpointRequestConfiguration{}
	}
	if c.RequestConfiguration.ContentEncoding == nil {
		e := "NONE"
		c.RequestConfiguration.ContentEncoding = &e
	}
	if c.RetryOptions == nil || c.RetryOptions.DurationInSeconds == nil {
		n := httpDefaultRetrySecs
		c.RetryOptions = &RetryOptions{DurationInSeconds: &n}
	}
	if c.S3BackupMode == nil {
		m := httpBackupFailed
		c.S3BackupMode = &m
	}
}

func describeHTTPEndpoint(c *HttpEndpointDestinationConfiguration, s3 *ExtendedS3DestinationConfiguration) *HttpEndpointDestinationDescription {
	d := &HttpEndpointDestinationDescription{
		BufferingHints: c.BufferingHints, CloudWatchLoggingOptions: c.CloudWatchLoggingOptions,
		ProcessingConfiguration: c.ProcessingConfiguration, RequestConfiguration: c.RequestConfiguration,
		RetryOptions: c.RetryOptions, RoleARN: c.RoleARN, S3BackupMode: c.S3BackupMode,
		SecretsManagerConfiguration: c.SecretsManagerConfiguration,
		S3DestinationDescription:    s3Members(s3),
	}
	if e := c.EndpointConfiguration; e != nil {
		d.EndpointConfiguration = &HttpEndpointDescription{Name: e.Name, Url: e.Url}
	}
	return d
}

// httpDestination delivers buffers to an HTTP endpoint; backup is the S3 destination of
// its S3Configuration (failed and backed-up data, processing failures).
type httpDestination struct {
	cfg                *HttpEndpointDestinationConfiguration
	backup             *s3Destination
	client             HTTPClient
	now                func() time.Time
	retryMin, retryMax time.Duration
}

type httpRequestBody struct {
	RequestID string              `json:"requestId"`
	Timestamp int64               `json:"timestamp"`
	Records   []httpRequestRecord `json:"records"`
}

type httpRequestRecord struct {
	Data []byte `json:"data"`
}

func (d *httpDestination) Deliver(ctx context.Context, b *Batch) error {
	failed := b.Failed
	var httpFailed []FailedRecord
	for recs := range slices.Chunk(b.Records, maxHTTPRecords) {
		attempts, code, msg, err := d.post(ctx, b.Stream, recs)
		if err != nil {
			return err
		}
		if code != "" {
			for _, r := range recs {
				httpFailed = append(httpFailed, FailedRecord{Record: r, ErrorCode: code, ErrorMessage: msg, Attempts: attempts})
			}
		}
	}
	if len(b.Records) > 0 && deref0(d.cfg.S3BackupMode) == httpBackupAll {
		if err := d.backupAll(ctx, b); err != nil {
			return err
		}
	}
	if len(httpFailed) > 0 {
		if err := d.backup.putFailed(ctx, b, ErrHTTPEndpointFailed, httpFailed, time.UTC); err != nil {
			return err
		}
	}
	if len(failed) > 0 {
		return d.backup.putFailed(ctx, b, ErrProcessingFailed, failed, time.UTC)
	}
	return nil
}

// post sends one request's records until the endpoint takes them or the retry duration
// has passed. It returns the attempts made and, when the endpoint never took them, the
// error code and message of the error documents; err is only for a cancelled ctx.
func (d *httpDestination) post(ctx context.Context, st StreamInfo, recs []DeliveryRecord) (attempts int, code, msg string, err error) {
	id := requestID(st.ARN, recs)
	body := httpRequestBody{RequestID: id, Records: make([]httpRequestRecord, len(recs))}
	for i, r := range recs {
		body.Records[i].Data = r.Data
	}
	header := map[string]string{
		"Content-Type":                    "application/json",
		"User-Agent":                      "Amazon Kinesis Data Firehose Agent/1.0",
		"X-Amz-Firehose-Protocol-Version": "1.0",
		"X-Amz-Firehose-Request-Id":       id,
		"X-Amz-Firehose-Source-Arn":       st.ARN,
	}
	ep := d.cfg.EndpointConfiguration
	if k := deref0(ep.AccessKey); k != "" {
		header["X-Amz-Firehose-Access-Key"] = k
	}
	gz := false
	if rc := d.cfg.RequestConfiguration; rc != nil {
		if len(rc.CommonAttributes) > 0 {
			attrs := map[string]string{}
			for _, a := range rc.CommonAttributes {
				attrs[deref0(a.AttributeName)] = deref0(a.AttributeValue)
			}
			j, _ := json.Marshal(map[string]any{"commonAttributes": attrs})
			header["X-Amz-Firehose-Common-Attributes"] = string(j)
		}
		if deref0(rc.ContentEncoding) == contentGzip {
			header["Content-Encoding"] = "gzip"
			gz = true
		}
	}
	retryFor := time.Duration(httpDefaultRetrySecs) * time.Second
	if r := d.cfg.RetryOptions; r != nil && r.DurationInSeconds != nil {
		retryFor = time.Duration(*r.DurationInSeconds) * time.Second
	}
	start := d.now()
	for {
		attempts++
		body.Timestamp = d.now().UnixMilli()
		payload, err := json.Marshal(body)
		if err != nil {
			return attempts, "", "", err
		}
		if gz {
			var buf bytes.Buffer
			w := gzip.NewWriter(&buf)
			w.Write(payload)
			w.Close()
			payload = buf.Bytes()
		}
		actx, cancel := context.WithTimeout(ctx, 3*time.Minute)
		resp, perr := d.client.Post(actx, deref0(ep.Url), header, payload)
		cancel()
		if ctx.Err() != nil {
			return attempts, "", "", ctx.Err()
		}
		var permanent bool
		code, msg, permanent = httpAnswer(resp, perr, id)
		if code == "" {
			return attempts, "", "", nil
		}
		if permanent || !d.now().Before(start.Add(retryFor)) {
			return attempts, code, msg, nil
		}
		if !sleep(ctx, min(d.retryMin<<min(attempts-1, 20), d.retryMax)) {
			return attempts, "", "", ctx.Err()
		}
	}
}

// httpAnswer judges an endpoint's answer: "" when it took the request, else the error
// code and message, and whether retrying is pointless (413).
func httpAnswer(resp *HTTPResponse, err error, id string) (code, msg string, permanent bool) {
	if err != nil {
		return "HttpEndpoint.ConnectionFailed", "The delivery failed because a connection could not be established with the endpoint: " + err.Error(), false
	}
	if resp.Status != 200 {
		body := string(resp.Body)
		if len(body) > 256 {
			body = body[:256]
		}
		return "HttpEndpoint.DestinationException", fmt.Sprintf("The following response was received from the endpoint destination. %d: %s", resp.Status, body), resp.Status == 413
	}
	invalid := "HttpEndpoint.InvalidResponseFromDestination"
	invalidMsg := "The response received from the specified endpoint is invalid. Contact the owner of the endpoint to resolve the issue."
	ct, _, _ := strings.Cut(resp.Header["Content-Type"], ";")
	if strings.TrimSpace(ct) != "application/json" || resp.Header["Content-Encoding"] != "" {
		return invalid, invalidMsg, false
	}
	var ans struct {
		RequestID *string `json:"requestId"`
	}
	if json.Unmarshal(resp.Body, &ans) != nil || ans.RequestID == nil || *ans.RequestID != id {
		return invalid, invalidMsg, false
	}
	return "", "", false
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// requestID is the request id of a request's records: derived from the stream and the
// records, so that every attempt, also after a restart, sends the same id.
func requestID(streamARN string, recs []DeliveryRecord) string {
	h := sha256.New()
	h.Write([]byte(streamARN))
	for _, r := range recs {
		h.Write([]byte{0})
		h.Write([]byte(r.ID))
	}
	s := hex.EncodeToString(h.Sum(nil))
	return s[:8] + "-" + s[8:12] + "-4" + s[13:16] + "-a" + s[17:20] + "-" + s[20:32]
}

// backupAll writes every record of the batch under the S3 configuration's Prefix.
func (d *httpDestination) backupAll(ctx context.Context, b *Batch) error {
	c := d.backup.cfg
	p, err := parsePrefix(deref0(c.Prefix))
	if err != nil {
		return fmt.Errorf("backup prefix: %w", err)
	}
	kc := keyContext{time: oldest(b.Records).UTC()}
	return d.backup.put(ctx, b.Stream, bucketOf(c.BucketARN), p.withDefaultTime(), deref0(c.CompressionFormat), "", kc, joinData(b.Records))
}
