package firehose

// UpdateDestination
//
// Behavior:
//   - Merges an ExtendedS3DestinationUpdate or S3DestinationUpdate into the destination
//     (members left out keep their values), then VersionId goes up by one; objects written
//     from then on carry the new version in their names. An HttpEndpoint destination takes
//     an HttpEndpointDestinationUpdate the same way (http_destination.go).
//   - CurrentDeliveryStreamVersionId must be the current VersionId, else
//     ConcurrentModificationException; the check and the write are one compare-and-set, so
//     of two concurrent updates from the same version exactly one wins.
//   - DestinationId must name the destination (InvalidArgumentException). The merged
//     configuration is checked like CreateDeliveryStream's (prefix rules, processors).
//   - S3BackupMode cannot go from Enabled back to Disabled, and dynamic partitioning cannot
//     be switched on or off (InvalidArgumentException), as AWS documents.
//
// Differences from AWS:
//   - Only S3, ExtendedS3 and HttpEndpoint updates, and the destination type cannot change;
//     error texts other than the validation messages are Freshet's.

import (
	"context"
	"encoding/json"

	"github.com/freshet/freshet/internal/awserr"
)

type UpdateDestinationInput struct {
	AmazonOpenSearchServerlessDestinationUpdate json.RawMessage                `json:"AmazonOpenSearchServerlessDestinationUpdate,omitempty"`
	AmazonopensearchserviceDestinationUpdate    json.RawMessage                `json:"AmazonopensearchserviceDestinationUpdate,omitempty"`
	CurrentDeliveryStreamVersionId              *string                        `json:"CurrentDeliveryStreamVersionId"`
	DeliveryStreamName                          *string                        `json:"DeliveryStreamName"`
	DestinationId                               *string                        `json:"DestinationId"`
	ElasticsearchDestinationUpdate              json.RawMessage                `json:"ElasticsearchDestinationUpdate,omitempty"`
	ExtendedS3DestinationUpdate                 *ExtendedS3DestinationUpdate   `json:"ExtendedS3DestinationUpdate,omitempty"`
	HttpEndpointDestinationUpdate               *HttpEndpointDestinationUpdate `json:"HttpEndpointDestinationUpdate,omitempty"`
	IcebergDestinationUpdate                    json.RawMessage                `json:"IcebergDestinationUpdate,omitempty"`
	RedshiftDestinationUpdate                   json.RawMessage                `json:"RedshiftDestinationUpdate,omitempty"`
	S3DestinationUpdate                         *S3DestinationConfiguration    `json:"S3DestinationUpdate,omitempty"`
	SnowflakeDestinationUpdate                  json.RawMessage                `json:"SnowflakeDestinationUpdate,omitempty"`
	SplunkDestinationUpdate                     json.RawMessage                `json:"SplunkDestinationUpdate,omitempty"`
}

type UpdateDestinationOutput struct{}

// concurrentModification is the error code of a stale CurrentDeliveryStreamVersionId.
const concurrentModification = "ConcurrentModificationException"

func (s *Service) UpdateDestination(ctx context.Context, in *UpdateDestinationInput) (*UpdateDestinationOutput, error) {
	var v awserr.Validator
	v.Str("currentDeliveryStreamVersionId", in.CurrentDeliveryStreamVersionId, true, 1, 50, versionPattern)
	checkName(&v, "deliveryStreamName", in.DeliveryStreamName, true)
	v.Str("destinationId", in.DestinationId, true, 1, 100, destIDPattern)
	if u := in.ExtendedS3DestinationUpdate; u != nil {
		checkExtendedS3(&v, "extendedS3DestinationUpdate", asExtended(u), false, "s3BackupUpdate")
	}
	if u := in.HttpEndpointDestinationUpdate; u != nil {
		checkHTTPEndpoint(&v, "httpEndpointDestinationUpdate", u.asConfig(), false, "s3Update")
	}
	checkS3(&v, "s3DestinationUpdate", in.S3DestinationUpdate, false)
	if err := v.Err(); err != nil {
		return nil, err
	}
	for _, raw := range []json.RawMessage{in.AmazonOpenSearchServerlessDestinationUpdate, in.AmazonopensearchserviceDestinationUpdate,
		in.ElasticsearchDestinationUpdate, in.IcebergDestinationUpdate,
		in.RedshiftDestinationUpdate, in.SnowflakeDestinationUpdate, in.SplunkDestinationUpdate} {
		if len(raw) > 0 && string(raw) != "null" {
			return nil, awserr.New(awserr.InvalidArgument, "Only S3, ExtendedS3 and HttpEndpoint destinations are supported by Freshet.")
		}
	}
	if n := btoi(in.ExtendedS3DestinationUpdate != nil) + btoi(in.S3DestinationUpdate != nil) + btoi(in.HttpEndpointDestinationUpdate != nil); n != 1 {
		return nil, awserr.New(awserr.InvalidArgument, "Exactly one destination update must be specified.")
	}
	r := refOf(ctx, *in.DeliveryStreamName)
	now := s.now()
	_, err := s.update(ctx, r, func(m *streamMeta) error {
		if m.Status == statusDeleting {
			return r.notFound()
		}
		if *in.CurrentDeliveryStreamVersionId != m.versionID() {
			return awserr.Newf(concurrentModification, "Cannot update firehose: %s since the current version id: %s and specified version id: %s do not match", r.Name, m.versionID(), *in.CurrentDeliveryStreamVersionId)
		}
		if *in.DestinationId != destinationID {
			return awserr.Newf(awserr.InvalidArgument, "Destination Id %s not found for Firehose %s under account %s.", *in.DestinationId, r.Name, r.Account)
		}
		if m.HTTP != nil || in.HttpEndpointDestinationUpdate != nil {
			if err := s.updateHTTP(m, in.HttpEndpointDestinationUpdate); err != nil {
				return err
			}
			m.Version++
			m.UpdatedMs = now.UnixMilli()
			return nil
		}
		next := *m.S3
		if u := in.ExtendedS3DestinationUpdate; u != nil {
			if err := mergeExtended(&next, asExtended(u)); err != nil {
				return err
			}
		} else {
			mergeS3Into(&next, in.S3DestinationUpdate)
		}
		old := *m
		m.S3 = &next
		if err := s.checkDestination(m); err != nil {
			*m = old
			return err
		}
		withDefaults(m.S3)
		m.Version++
		m.UpdatedMs = now.UnixMilli()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &UpdateDestinationOutput{}, nil
}

// asExtended is an update as the configuration shape (its backup member renamed).
func asExtended(u *ExtendedS3DestinationUpdate) *ExtendedS3DestinationConfiguration {
	return &ExtendedS3DestinationConfiguration{
		BucketARN: u.BucketARN, BufferingHints: u.BufferingHints, CloudWatchLoggingOptions: u.CloudWatchLoggingOptions,
		CompressionFormat: u.CompressionFormat, CustomTimeZone: u.CustomTimeZone,
		DataFormatConversionConfiguration: u.DataFormatConversionConfiguration,
		DynamicPartitioningConfiguration:  u.DynamicPartitioningConfiguration,
		EncryptionConfiguration:           u.EncryptionConfiguration, ErrorOutputPrefix: u.ErrorOutputPrefix,
		FileExtension: u.FileExtension, Prefix: u.Prefix, ProcessingConfiguration: u.ProcessingConfiguration,
		RoleARN: u.RoleARN, S3BackupConfiguration: u.S3BackupUpdate, S3BackupMode: u.S3BackupMode,
	}
}

// mergeExtended applies the members an update gives.
func mergeExtended(c, u *ExtendedS3DestinationConfiguration) error {
	if u.S3BackupMode != nil && *u.S3BackupMode != backupEnabled && deref0(c.S3BackupMode) == backupEnabled {
		return awserr.New(awserr.InvalidArgument, "S3BackupMode cannot be changed from Enabled to Disabled.")
	}
	if u.DynamicPartitioningConfiguration != nil && u.DynamicPartitioningConfiguration.Enabled != nil &&
		*u.DynamicPartitioningConfiguration.Enabled != dynamicPartitioning(c) {
		return awserr.New(awserr.InvalidArgument, "Dynamic partitioning can only be enabled when the delivery stream is created, and cannot be disabled.")
	}
	mergeS3Into(c, s3Members(u))
	set(&c.CustomTimeZone, u.CustomTimeZone)
	set(&c.FileExtension, u.FileExtension)
	set(&c.S3BackupMode, u.S3BackupMode)
	if u.DataFormatConversionConfiguration != nil {
		c.DataFormatConversionConfiguration = u.DataFormatConversionConfiguration
	}
	if u.DynamicPartitioningConfiguration != nil {
		c.DynamicPartitioningConfiguration = u.DynamicPartitioningConfiguration
	}
	if u.ProcessingConfiguration != nil {
		c.ProcessingConfiguration = u.ProcessingConfiguration
	}
	if u.S3BackupConfiguration != nil {
		b := S3DestinationConfiguration{}
		if c.S3BackupConfiguration != nil {
			b = *c.S3BackupConfiguration
		}
		mergeS3(&b, u.S3BackupConfiguration)
		c.S3BackupConfiguration = &b
	}
	return nil
}

// mergeS3Into applies an S3DestinationUpdate to an ExtendedS3 configuration.
func mergeS3Into(c *ExtendedS3DestinationConfiguration, u *S3DestinationConfiguration) {
	set(&c.BucketARN, u.BucketARN)
	mergeHints(&c.BufferingHints, u.BufferingHints)
	if u.CloudWatchLoggingOptions != nil {
		c.CloudWatchLoggingOptions = u.CloudWatchLoggingOptions
	}
	set(&c.CompressionFormat, u.CompressionFormat)
	if u.EncryptionConfiguration != nil {
		c.EncryptionConfiguration = u.EncryptionConfiguration
	}
	set(&c.ErrorOutputPrefix, u.ErrorOutputPrefix)
	set(&c.Prefix, u.Prefix)
	set(&c.RoleARN, u.RoleARN)
}

// mergeS3 applies an S3DestinationUpdate to an S3 configuration (an ExtendedS3 backup).
func mergeS3(c, u *S3DestinationConfiguration) {
	e := extendedFromS3(c)
	mergeS3Into(e, u)
	*c = *s3Members(e)
}

func mergeHints(c **BufferingHints, u *BufferingHints) {
	if u == nil {
		return
	}
	h := BufferingHints{}
	if *c != nil {
		h = **c
	}
	if u.IntervalInSeconds != nil {
		h.IntervalInSeconds = u.IntervalInSeconds
	}
	if u.SizeInMBs != nil {
		h.SizeInMBs = u.SizeInMBs
	}
	*c = &h
}

func set(dst **string, v *string) {
	if v != nil {
		*dst = v
	}
}
