package firehose

// Wire shapes shared by several operations: destination and source configurations as the
// SDKs send them and as DescribeDeliveryStream returns them.

import "encoding/json"

type BufferingHints struct {
	IntervalInSeconds *int64 `json:"IntervalInSeconds,omitempty"`
	SizeInMBs         *int64 `json:"SizeInMBs,omitempty"`
}

type KMSEncryptionConfig struct {
	AWSKMSKeyARN *string `json:"AWSKMSKeyARN"`
}

type EncryptionConfiguration struct {
	KMSEncryptionConfig *KMSEncryptionConfig `json:"KMSEncryptionConfig,omitempty"`
	NoEncryptionConfig  *string              `json:"NoEncryptionConfig,omitempty"`
}

type CloudWatchLoggingOptions struct {
	Enabled       *bool   `json:"Enabled,omitempty"`
	LogGroupName  *string `json:"LogGroupName,omitempty"`
	LogStreamName *string `json:"LogStreamName,omitempty"`
}

type ProcessorParameter struct {
	ParameterName  *string `json:"ParameterName"`
	ParameterValue *string `json:"ParameterValue"`
}

type Processor struct {
	Parameters []ProcessorParameter `json:"Parameters,omitempty"`
	Type       *string              `json:"Type"`
}

type ProcessingConfiguration struct {
	Enabled    *bool       `json:"Enabled,omitempty"`
	Processors []Processor `json:"Processors,omitempty"`
}

type RetryOptions struct {
	DurationInSeconds *int64 `json:"DurationInSeconds,omitempty"`
}

type DynamicPartitioningConfiguration struct {
	Enabled      *bool         `json:"Enabled,omitempty"`
	RetryOptions *RetryOptions `json:"RetryOptions,omitempty"`
}

// S3DestinationConfiguration is the plain S3 destination (deprecated by AWS, still
// accepted), the backup of an ExtendedS3 destination, and the bucket behind other
// destinations. Its Update and Description twins have the same members.
type S3DestinationConfiguration struct {
	BucketARN                *string                   `json:"BucketARN,omitempty"`
	BufferingHints           *BufferingHints           `json:"BufferingHints,omitempty"`
	CloudWatchLoggingOptions *CloudWatchLoggingOptions `json:"CloudWatchLoggingOptions,omitempty"`
	CompressionFormat        *string                   `json:"CompressionFormat,omitempty"`
	EncryptionConfiguration  *EncryptionConfiguration  `json:"EncryptionConfiguration,omitempty"`
	ErrorOutputPrefix        *string                   `json:"ErrorOutputPrefix,omitempty"`
	Prefix                   *string                   `json:"Prefix,omitempty"`
	RoleARN                  *string                   `json:"RoleARN,omitempty"`
}

// ExtendedS3DestinationConfiguration is the S3 destination with processing, backup and
// dynamic partitioning. The Update shape names its backup S3BackupUpdate, the Description
// shape S3BackupDescription; the stored form uses this shape.
type ExtendedS3DestinationConfiguration struct {
	BucketARN                         *string                           `json:"BucketARN,omitempty"`
	BufferingHints                    *BufferingHints                   `json:"BufferingHints,omitempty"`
	CloudWatchLoggingOptions          *CloudWatchLoggingOptions         `json:"CloudWatchLoggingOptions,omitempty"`
	CompressionFormat                 *string                           `json:"CompressionFormat,omitempty"`
	CustomTimeZone                    *string                           `json:"CustomTimeZone,omitempty"`
	DataFormatConversionConfiguration json.RawMessage                   `json:"DataFormatConversionConfiguration,omitempty"`
	DynamicPartitioningConfiguration  *DynamicPartitioningConfiguration `json:"DynamicPartitioningConfiguration,omitempty"`
	EncryptionConfiguration           *EncryptionConfiguration          `json:"EncryptionConfiguration,omitempty"`
	ErrorOutputPrefix                 *string                           `json:"ErrorOutputPrefix,omitempty"`
	FileExtension                     *string                           `json:"FileExtension,omitempty"`
	Prefix                            *string                           `json:"Prefix,omitempty"`
	ProcessingConfiguration           *ProcessingConfiguration          `json:"ProcessingConfiguration,omitempty"`
	RoleARN                           *string                           `json:"RoleARN,omitempty"`
	S3BackupConfiguration             *S3DestinationConfiguration       `json:"S3BackupConfiguration,omitempty"`
	S3BackupMode                      *string                           `json:"S3BackupMode,omitempty"`
}

// ExtendedS3DestinationUpdate is UpdateDestination's ExtendedS3 member.
type ExtendedS3DestinationUpdate struct {
	BucketARN                         *string                           `json:"BucketARN,omitempty"`
	BufferingHints                    *BufferingHints                   `json:"BufferingHints,omitempty"`
	CloudWatchLoggingOptions          *CloudWatchLoggingOptions         `json:"CloudWatchLoggingOptions,omitempty"`
	CompressionFormat                 *string                           `json:"CompressionFormat,omitempty"`
	CustomTimeZone                    *string                           `json:"CustomTimeZone,omitempty"`
	DataFormatConversionConfiguration json.RawMessage                   `json:"DataFormatConversionConfiguration,omitempty"`
	DynamicPartitioningConfiguration  *DynamicPartitioningConfiguration `json:"DynamicPartitioningConfiguration,omitempty"`
	EncryptionConfiguration           *EncryptionConfiguration          `json:"EncryptionConfiguration,omitempty"`
	ErrorOutputPrefix                 *string                           `json:"ErrorOutputPrefix,omitempty"`
	FileExtension                     *string                           `json:"FileExtension,omitempty"`
	Prefix                            *string                           `json:"Prefix,omitempty"`
	ProcessingConfiguration           *ProcessingConfiguration          `json:"ProcessingConfiguration,omitempty"`
	RoleARN                           *string                           `json:"RoleARN,omitempty"`
	S3BackupMode                      *string                           `json:"S3BackupMode,omitempty"`
	S3BackupUpdate                    *S3DestinationConfiguration       `json:"S3BackupUpdate,omitempty"`
}

// ExtendedS3DestinationDescription is how DescribeDeliveryStream shows an S3 destination.
type ExtendedS3DestinationDescription struct {
	BucketARN                         *string                           `json:"BucketARN"`
	BufferingHints                    *BufferingHints                   `json:"BufferingHints"`
	CloudWatchLoggingOptions          *CloudWatchLoggingOptions         `json:"CloudWatchLoggingOptions,omitempty"`
	CompressionFormat                 *string                           `json:"CompressionFormat"`
	CustomTimeZone                    *string                           `json:"CustomTimeZone,omitempty"`
	DataFormatConversionConfiguration json.RawMessage                   `json:"DataFormatConversionConfiguration,omitempty"`
	DynamicPartitioningConfiguration  *DynamicPartitioningConfiguration `json:"DynamicPartitioningConfiguration,omitempty"`
	EncryptionConfiguration           *EncryptionConfiguration          `json:"EncryptionConfiguration"`
	ErrorOutputPrefix                 *string                           `json:"ErrorOutputPrefix,omitempty"`
	FileExtension                     *string                           `json:"FileExtension,omitempty"`
	Prefix                            *string                           `json:"Prefix,omitempty"`
	ProcessingConfiguration           *ProcessingConfiguration          `json:"ProcessingConfiguration,omitempty"`
	RoleARN                           *string                           `json:"RoleARN"`
	S3BackupDescription               *S3DestinationConfiguration       `json:"S3BackupDescription,omitempty"`
	S3BackupMode                      *string                           `json:"S3BackupMode,omitempty"`
}

type DirectPutSourceConfiguration struct {
	ThroughputHintInMBs *int64 `json:"ThroughputHintInMBs"`
}

type KinesisStreamSourceConfiguration struct {
	KinesisStreamARN *string `json:"KinesisStreamARN"`
	RoleARN          *string `json:"RoleARN"`
}

type DeliveryStreamEncryptionConfigurationInput struct {
	KeyARN  *string `json:"KeyARN,omitempty"`
	KeyType *string `json:"KeyType"`
}

type Tag struct {
	Key   *string `json:"Key"`
	Value *string `json:"Value,omitempty"`
}
