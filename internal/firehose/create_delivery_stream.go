package firehose

// CreateDeliveryStream
//
// Behavior:
//   - Creates a DirectPut (the default) or KinesisStreamAsSource delivery stream with an
//     S3, ExtendedS3 or HttpEndpoint destination; it is CREATING for --state-delay, then
//     ACTIVE (ACTIVE at once with no delay). VersionId starts at "1"; the destination's id
//     is destinationId-000000000001.
//   - AWS's defaults are filled in and shown by DescribeDeliveryStream: BufferingHints 5 MiB
//     / 300 s, CompressionFormat UNCOMPRESSED, NoEncryption, S3BackupMode Disabled.
//   - Prefix and ErrorOutputPrefix follow AWS's rules (keys.go): "ErrorOutputPrefix cannot
//     be null or empty when Prefix contains expressions" is AWS's text (with its "Ths").
//   - One engine log per delivery stream holds the records put to it (kept 24 h); a
//     delivery goroutine starts at once. Concurrent creates of one name: exactly one wins,
//     the others get ResourceInUseException.
//   - Exactly one destination must be given (InvalidArgumentException).
//
// Differences from AWS:
//   - Only S3, ExtendedS3 and HttpEndpoint destinations and the DirectPut and
//     KinesisStreamAsSource sources are accepted; others are InvalidArgumentException with
//     Freshet's text. DataFormatConversionConfiguration is stored and shown but not
//     applied, and Enabled is refused.
//   - RoleARN is checked against the model's pattern only; no role is assumed.
//   - No per-region delivery stream limit. Texts other than those named above are Freshet's.

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/store"
)

type CreateDeliveryStreamInput struct {
	AmazonOpenSearchServerlessDestinationConfiguration json.RawMessage                             `json:"AmazonOpenSearchServerlessDestinationConfiguration,omitempty"`
	AmazonopensearchserviceDestinationConfiguration    json.RawMessage                             `json:"AmazonopensearchserviceDestinationConfiguration,omitempty"`
	DatabaseSourceConfiguration                        json.RawMessage                             `json:"DatabaseSourceConfiguration,omitempty"`
	DeliveryStreamEncryptionConfigurationInput         *DeliveryStreamEncryptionConfigurationInput `json:"DeliveryStreamEncryptionConfigurationInput,omitempty"`
	DeliveryStreamName                                 *string                                     `json:"DeliveryStreamName"`
	DeliveryStreamType                                 *string                                     `json:"DeliveryStreamType,omitempty"`
	DirectPutSourceConfiguration                       *DirectPutSourceConfiguration               `json:"DirectPutSourceConfiguration,omitempty"`
	ElasticsearchDestinationConfiguration              json.RawMessage                             `json:"ElasticsearchDestinationConfiguration,omitempty"`
	ExtendedS3DestinationConfiguration                 *ExtendedS3DestinationConfiguration         `json:"ExtendedS3DestinationConfiguration,omitempty"`
	HttpEndpointDestinationConfiguration               *HttpEndpointDestinationConfiguration       `json:"HttpEndpointDestinationConfiguration,omitempty"`
	IcebergDestinationConfiguration                    json.RawMessage                             `json:"IcebergDestinationConfiguration,omitempty"`
	KinesisStreamSourceConfiguration                   *KinesisStreamSourceConfiguration           `json:"KinesisStreamSourceConfiguration,omitempty"`
	MSKSourceConfiguration                             json.RawMessage                             `json:"MSKSourceConfiguration,omitempty"`
	RedshiftDestinationConfiguration                   json.RawMessage                             `json:"RedshiftDestinationConfiguration,omitempty"`
	S3DestinationConfiguration                         *S3DestinationConfiguration                 `json:"S3DestinationConfiguration,omitempty"`
	SnowflakeDestinationConfiguration                  json.RawMessage                             `json:"SnowflakeDestinationConfiguration,omitempty"`
	SplunkDestinationConfiguration                     json.RawMessage                             `json:"SplunkDestinationConfiguration,omitempty"`
	Tags                                               []Tag                                       `json:"Tags,omitempty"`
}

type CreateDeliveryStreamOutput struct {
	DeliveryStreamARN string `json:"DeliveryStreamARN"`
}

func (s *Service) CreateDeliveryStream(ctx context.Context, in *CreateDeliveryStreamInput) (*CreateDeliveryStreamOutput, error) {
	var v awserr.Validator
	if e := in.DeliveryStreamEncryptionConfigurationInput; e != nil {
		v.Str("deliveryStreamEncryptionConfigurationInput.keyARN", e.KeyARN, false, 1, 512, kmsARNPattern)
		v.Enum("deliveryStreamEncryptionConfigurationInput.keyType", e.KeyType, true, keyTypes)
	}
	checkName(&v, "deliveryStreamName", in.DeliveryStreamName, true)
	v.Enum("deliveryStreamType", in.DeliveryStreamType, false, streamTypes)
	if d := in.DirectPutSourceConfiguration; d != nil {
		v.Int("directPutSourceConfiguration.throughputHintInMBs", d.ThroughputHintInMBs, true, 1, 100)
	}
	checkExtendedS3(&v, "extendedS3DestinationConfiguration", in.ExtendedS3DestinationConfiguration, true, "s3BackupConfiguration")
	checkHTTPEndpoint(&v, "httpEndpointDestinationConfiguration", in.HttpEndpointDestinationConfiguration, true, "s3Configuration")
	if k := in.KinesisStreamSourceConfiguration; k != nil {
		v.Str("kinesisStreamSourceConfiguration.kinesisStreamARN", k.KinesisStreamARN, true, 1, 512, kinesisARNPat)
		v.Str("kinesisStreamSourceConfiguration.roleARN", k.RoleARN, true, 1, 512, roleARNPattern)
	}
	checkS3(&v, "s3DestinationConfiguration", in.S3DestinationConfiguration, true)
	checkTags(&v, "tags", in.Tags, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	r := refOf(ctx, *in.DeliveryStreamName)

	typ := typeDirectPut
	if in.DeliveryStreamType != nil {
		typ = *in.DeliveryStreamType
	}
	if typ == typeKinesisSource {
		if err := s.checkKinesisSource(ctx, in.KinesisStreamSourceConfiguration); err != nil {
			return nil, err
		}
	} else if typ != typeDirectPut {
		return nil, awserr.Newf(awserr.InvalidArgument, "DeliveryStreamType %s is not supported by Freshet.", typ)
	} else if in.KinesisStreamSourceConfiguration != nil {
		return nil, awserr.New(awserr.InvalidArgument, "KinesisStreamSourceConfiguration is only allowed for KinesisStreamAsSource delivery streams.")
	}
	others := 0
	for _, raw := range []json.RawMessage{in.AmazonOpenSearchServerlessDestinationConfiguration, in.AmazonopensearchserviceDestinationConfiguration,
		in.ElasticsearchDestinationConfiguration, in.IcebergDestinationConfiguration,
		in.RedshiftDestinationConfiguration, in.SnowflakeDestinationConfiguration, in.SplunkDestinationConfiguration} {
		if len(raw) > 0 && string(raw) != "null" {
			others++
		}
	}
	given := others
	if in.ExtendedS3DestinationConfiguration != nil {
		given++
	}
	if in.S3DestinationConfiguration != nil {
		given++
	}
	if in.HttpEndpointDestinationConfiguration != nil {
		given++
	}
	if given != 1 {
		return nil, awserr.New(awserr.InvalidArgument, "Exactly one destination configuration must be specified.")
	}
	if others > 0 {
		return nil, awserr.New(awserr.InvalidArgument, "Only S3, ExtendedS3 and HttpEndpoint destinations are supported by Freshet.")
	}

	now := s.now()
	m := &streamMeta{
		ID: newID(), Name: r.Name, Account: r.Account, Region: r.Region, Type: typ,
		Status: statusActive, CreatedMs: now.UnixMilli(), Version: 1,
		DirectPut: in.DirectPutSourceConfiguration, KinesisSource: in.KinesisStreamSourceConfiguration,
	}
	if s.opts.StateDelay > 0 {
		m.Status, m.StatusUntil = statusCreating, now.Add(s.opts.StateDelay).UnixMilli()
	}
	if c := in.ExtendedS3DestinationConfiguration; c != nil {
		m.S3 = c
	} else if h := in.HttpEndpointDestinationConfiguration; h != nil {
		m.HTTP, m.S3 = h, extendedFromS3(h.S3Configuration)
	} else {
		m.S3, m.PlainS3 = extendedFromS3(in.S3DestinationConfiguration), true
	}
	if err := s.checkDestination(m); err != nil {
		return nil, err
	}
	withDefaults(m.S3)
	if m.HTTP != nil {
		httpDefaults(m.HTTP)
	}
	for _, t := range in.Tags {
		m.Tags = setTag(m.Tags, *t.Key, deref0(t.Value))
	}
	if e := in.DeliveryStreamEncryptionConfigurationInput; e != nil {
		enc, err := encryptionFrom(e)
		if err != nil {
			return nil, err
		}
		m.Encryption = enc
	}

	// The log first, so that a stream that can be seen can be written.
	if err := s.store.CreateLog(ctx, m.logName(), s.opts.Retention); err != nil {
		return nil, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	if _, err := s.store.MetaCreate(ctx, r.key(), b); err != nil {
		s.store.DeleteLog(context.WithoutCancel(ctx), m.logName())
		if errors.Is(err, store.ErrExists) {
			return nil, awserr.Newf(awserr.ResourceInUse, "Firehose %s under accountId %s already exists", r.Name, r.Account)
		}
		return nil, err
	}
	s.startLoop(m)
	return &CreateDeliveryStreamOutput{DeliveryStreamARN: m.arn()}, nil
}

// checkDestination applies the rules that need the whole destination: prefixes, time
// zone, processors, format conversion.
func (s *Service) checkDestination(m *streamMeta) error {
	c := m.S3
	if err := checkPrefixes(deref0(c.Prefix), deref0(c.ErrorOutputPrefix), dynamicPartitioning(c)); err != nil {
		return err
	}
	if b := c.S3BackupConfiguration; b != nil {
		if err := checkPrefixes(deref0(b.Prefix), deref0(b.ErrorOutputPrefix), false); err != nil {
			return err
		}
	}
	if z := deref0(c.CustomTimeZone); z != "" {
		if _, err := time.LoadLocation(z); err != nil {
			return awserr.Newf(awserr.InvalidArgument, "CustomTimeZone %s is not a valid time zone.", z)
		}
	}
	if deref0(c.S3BackupMode) == backupEnabled && c.S3BackupConfiguration == nil {
		return awserr.New(awserr.InvalidArgument, "S3BackupConfiguration must be specified when S3BackupMode is Enabled.")
	}
	var conv struct {
		Enabled *bool `json:"Enabled"`
	}
	if len(c.DataFormatConversionConfiguration) > 0 && json.Unmarshal(c.DataFormatConversionConfiguration, &conv) == nil && conv.Enabled != nil && *conv.Enabled {
		return awserr.New(awserr.InvalidArgument, "Record format conversion is not supported by Freshet.")
	}
	if m.HTTP != nil {
		_, err := s.stages(m.info(), m.HTTP.ProcessingConfiguration)
		return err
	}
	_, err := s.stages(m.info(), c.ProcessingConfiguration)
	return err
}

const backupEnabled = "Enabled"

// extendedFromS3 is an S3DestinationConfiguration as the ExtendedS3 shape it is stored in.
func extendedFromS3(c *S3DestinationConfiguration) *ExtendedS3DestinationConfiguration {
	return &ExtendedS3DestinationConfiguration{
		BucketARN: c.BucketARN, BufferingHints: c.BufferingHints, CloudWatchLoggingOptions: c.CloudWatchLoggingOptions,
		CompressionFormat: c.CompressionFormat, EncryptionConfiguration: c.EncryptionConfiguration,
		ErrorOutputPrefix: c.ErrorOutputPrefix, Prefix: c.Prefix, RoleARN: c.RoleARN,
	}
}

// s3Members is the plain S3DestinationConfiguration part of an ExtendedS3 configuration.
func s3Members(c *ExtendedS3DestinationConfiguration) *S3DestinationConfiguration {
	return &S3DestinationConfiguration{
		BucketARN: c.BucketARN, BufferingHints: c.BufferingHints, CloudWatchLoggingOptions: c.CloudWatchLoggingOptions,
		CompressionFormat: c.CompressionFormat, EncryptionConfiguration: c.EncryptionConfiguration,
		ErrorOutputPrefix: c.ErrorOutputPrefix, Prefix: c.Prefix, RoleARN: c.RoleARN,
	}
}

// withDefaults fills in the values AWS reports for members left out.
func withDefaults(c *ExtendedS3DestinationConfiguration) {
	hintDefaults(&c.BufferingHints)
	if c.CompressionFormat == nil {
		f := compressUncompressed
		c.CompressionFormat = &f
	}
	if c.EncryptionConfiguration == nil {
		e := "NoEncryption"
		c.EncryptionConfiguration = &EncryptionConfiguration{NoEncryptionConfig: &e}
	}
	if c.S3BackupMode == nil {
		d := "Disabled"
		c.S3BackupMode = &d
	}
	if c.S3BackupConfiguration != nil {
		b := c.S3BackupConfiguration
		if b.BufferingHints == nil {
			size, interval := int64(5), int64(300)
			b.BufferingHints = &BufferingHints{SizeInMBs: &size, IntervalInSeconds: &interval}
		}
		if b.CompressionFormat == nil {
			f := compressUncompressed
			b.CompressionFormat = &f
		}
		if b.EncryptionConfiguration == nil {
			e := "NoEncryption"
			b.EncryptionConfiguration = &EncryptionConfiguration{NoEncryptionConfig: &e}
		}
	}
}

// hintDefaults fills in AWS's buffering hints for members left out: 5 MiB, 300 s.
func hintDefaults(h **BufferingHints) {
	if *h == nil {
		*h = &BufferingHints{}
	}
	if (*h).SizeInMBs == nil {
		n := int64(5)
		(*h).SizeInMBs = &n
	}
	if (*h).IntervalInSeconds == nil {
		n := int64(300)
		(*h).IntervalInSeconds = &n
	}
}

func deref0(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
