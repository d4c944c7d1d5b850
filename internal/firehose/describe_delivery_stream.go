package firehose

// DescribeDeliveryStream
//
// Behavior:
//   - Describes a delivery stream: status (CREATING until --state-delay has passed, then
//     ACTIVE; DELETING until it is gone), type, VersionId, timestamps, encryption (Status
//     DISABLED when never enabled), source, and its one destination, shown both as
//     ExtendedS3DestinationDescription and S3DestinationDescription as AWS does, with
//     AWS's defaults filled in.
//   - ExclusiveStartDestinationId naming the destination leaves Destinations empty.
//
// Differences from AWS: none known.

import (
	"context"
	"time"

	"github.com/freshet/freshet/internal/awserr"
	"github.com/freshet/freshet/internal/awsproto"
)

type DescribeDeliveryStreamInput struct {
	DeliveryStreamName          *string `json:"DeliveryStreamName"`
	ExclusiveStartDestinationId *string `json:"ExclusiveStartDestinationId,omitempty"`
	Limit                       *int64  `json:"Limit,omitempty"`
}

type DescribeDeliveryStreamOutput struct {
	DeliveryStreamDescription DeliveryStreamDescription `json:"DeliveryStreamDescription"`
}

type DeliveryStreamDescription struct {
	CreateTimestamp                       *awsproto.Time                         `json:"CreateTimestamp,omitempty"`
	DeliveryStreamARN                     string                                 `json:"DeliveryStreamARN"`
	DeliveryStreamEncryptionConfiguration *DeliveryStreamEncryptionConfiguration `json:"DeliveryStreamEncryptionConfiguration,omitempty"`
	DeliveryStreamName                    string                                 `json:"DeliveryStreamName"`
	DeliveryStreamStatus                  string                                 `json:"DeliveryStreamStatus"`
	DeliveryStreamType                    string                                 `json:"DeliveryStreamType"`
	Destinations                          []DestinationDescription               `json:"Destinations"`
	HasMoreDestinations                   bool                                   `json:"HasMoreDestinations"`
	LastUpdateTimestamp                   *awsproto.Time                         `json:"LastUpdateTimestamp,omitempty"`
	Source                                *SourceDescription                     `json:"Source,omitempty"`
	VersionId                             string                                 `json:"VersionId"`
}

type DeliveryStreamEncryptionConfiguration struct {
	KeyARN  *string `json:"KeyARN,omitempty"`
	KeyType *string `json:"KeyType,omitempty"`
	Status  string  `json:"Status"`
}

type DestinationDescription struct {
	DestinationId                      string                              `json:"DestinationId"`
	ExtendedS3DestinationDescription   *ExtendedS3DestinationDescription   `json:"ExtendedS3DestinationDescription,omitempty"`
	HttpEndpointDestinationDescription *HttpEndpointDestinationDescription `json:"HttpEndpointDestinationDescription,omitempty"`
	S3DestinationDescription           *S3DestinationConfiguration         `json:"S3DestinationDescription,omitempty"`
}

type SourceDescription struct {
	DirectPutSourceDescription     *DirectPutSourceConfiguration   `json:"DirectPutSourceDescription,omitempty"`
	KinesisStreamSourceDescription *KinesisStreamSourceDescription `json:"KinesisStreamSourceDescription,omitempty"`
}

func (s *Service) DescribeDeliveryStream(ctx context.Context, in *DescribeDeliveryStreamInput) (*DescribeDeliveryStreamOutput, error) {
	var v awserr.Validator
	checkName(&v, "deliveryStreamName", in.DeliveryStreamName, true)
	v.Str("exclusiveStartDestinationId", in.ExclusiveStartDestinationId, false, 1, 100, destIDPattern)
	v.Int("limit", in.Limit, false, 1, 10000)
	if err := v.Err(); err != nil {
		return nil, err
	}
	m, _, err := s.load(ctx, refOf(ctx, *in.DeliveryStreamName))
	if err != nil {
		return nil, err
	}
	created := awsproto.NewTime(time.UnixMilli(m.CreatedMs))
	d := DeliveryStreamDescription{
		CreateTimestamp:                       &created,
		DeliveryStreamARN:                     m.arn(),
		DeliveryStreamName:                    m.Name,
		DeliveryStreamStatus:                  m.status(s.now()),
		DeliveryStreamType:                    m.Type,
		Destinations:                          []DestinationDescription{},
		VersionId:                             m.versionID(),
		DeliveryStreamEncryptionConfiguration: &DeliveryStreamEncryptionConfiguration{Status: "DISABLED"},
	}
	if m.UpdatedMs != 0 {
		t := awsproto.NewTime(time.UnixMilli(m.UpdatedMs))
		d.LastUpdateTimestamp = &t
	}
	if e := m.Encryption; e != nil {
		d.DeliveryStreamEncryptionConfiguration = &DeliveryStreamEncryptionConfiguration{Status: e.Status}
		if e.KeyType != "" {
			d.DeliveryStreamEncryptionConfiguration.KeyType = &e.KeyType
		}
		if e.KeyARN != "" {
			d.DeliveryStreamEncryptionConfiguration.KeyARN = &e.KeyARN
		}
	}
	if m.DirectPut != nil {
		d.Source = &SourceDescription{DirectPutSourceDescription: m.DirectPut}
	}
	if k := m.KinesisSource; k != nil {
		d.Source = &SourceDescription{KinesisStreamSourceDescription: &KinesisStreamSourceDescription{
			DeliveryStartTimestamp: &created, KinesisStreamARN: k.KinesisStreamARN, RoleARN: k.RoleARN}}
	}
	if in.ExclusiveStartDestinationId == nil || *in.ExclusiveStartDestinationId != destinationID {
		d.Destinations = append(d.Destinations, describeDestination(m))
	}
	return &DescribeDeliveryStreamOutput{DeliveryStreamDescription: d}, nil
}

func describeDestination(m *streamMeta) DestinationDescription {
	c := m.S3
	if m.HTTP != nil {
		return DestinationDescription{DestinationId: destinationID, HttpEndpointDestinationDescription: describeHTTPEndpoint(m.HTTP, c)}
	}
	return DestinationDescription{
		DestinationId: destinationID,
		ExtendedS3DestinationDescription: &ExtendedS3DestinationDescription{
			BucketARN: c.BucketARN, BufferingHints: c.BufferingHints, CloudWatchLoggingOptions: c.CloudWatchLoggingOptions,
			CompressionFormat: c.CompressionFormat, CustomTimeZone: c.CustomTimeZone,
			DataFormatConversionConfiguration: c.DataFormatConversionConfiguration,
			DynamicPartitioningConfiguration:  c.DynamicPartitioningConfiguration,
			EncryptionConfiguration:           c.EncryptionConfiguration, ErrorOutputPrefix: c.ErrorOutputPrefix,
			FileExtension: c.FileExtension, Prefix: c.Prefix, ProcessingConfiguration: c.ProcessingConfiguration,
			RoleARN: c.RoleARN, S3BackupDescription: c.S3BackupConfiguration, S3BackupMode: c.S3BackupMode,
		},
		S3DestinationDescription: s3Members(c),
	}
}
