package firehose

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/freshet/freshet/internal/awserr"
)

// Patterns, enums and limits from AWS's model (firehose 2015-08-04). Members are checked in
// alphabetical order of their (lower-camel) names, as AWS's validator does.
var (
	namePattern      = awserr.NewPattern(`[a-zA-Z0-9_.-]+`)
	versionPattern   = awserr.NewPattern(`[0-9]+`)
	destIDPattern    = awserr.NewPattern(`[a-zA-Z0-9-]+`)
	bucketARNPattern = awserr.NewPattern(`arn:.*:s3:::[\w\.\-]{1,255}`)
	roleARNPattern   = awserr.NewPattern(`arn:.*:iam::\d{12}:role/[a-zA-Z_0-9+=,.@\-_/]+`)
	kmsARNPattern    = awserr.NewPattern(`arn:.*:kms:[a-zA-Z0-9\-]+:\d{12}:(key|alias)/[a-zA-Z_0-9+=,.@\-_/]+`)
	kinesisARNPat    = awserr.NewPattern(`arn:.*:kinesis:[a-zA-Z0-9\-]+:\d{12}:stream/[a-zA-Z0-9_.-]+`)
	// NewPattern drops one leading ^ (and one trailing $) from the quoted text.
	fileExtPattern   = awserr.NewPattern(`^^$|\.[0-9a-z!\-_.*'()]+`)
	timeZonePattern  = awserr.NewPattern(`^^$|[a-zA-Z/_]+`)
	anyPattern       = awserr.NewPattern(`.*`)
	logGroupPattern  = awserr.NewPattern(`[\.\-_/#A-Za-z0-9]*`)
	logStreamPattern = awserr.NewPattern(`[^:*]*`)

	streamTypes        = []string{typeDirectPut, typeKinesisSource, "MSKAsSource", "DatabaseAsSource"}
	compressionFormats = []string{compressUncompressed, compressGzip, compressZip, compressSnappy, compressHadoopSnappy}
	backupModes        = []string{"Disabled", "Enabled"}
	keyTypes           = []string{keyAWSOwned, keyCustomerManaged}
	processorTypes     = []string{"RecordDeAggregation", "Decompression", "CloudWatchLogProcessing", "Lambda", "MetadataExtraction", "AppendDelimiterToRecord"}
	processorParams    = []string{"LambdaArn", "NumberOfRetries", "MetadataExtractionQuery", "JsonParsingEngine", "RoleArn", "BufferSizeInMBs", "BufferIntervalInSeconds", "SubRecordType", "Delimiter", "CompressionFormat", "DataMessageExtraction"}
)

// Tag keys and values: the model's patterns use a lookahead Go's regexp lacks, so they are
// checked by hand and quoted as AWS prints them.
var (
	tagChars          = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@%]*$`)
	tagKeyPatternText = `^(?!aws:)[\p{L}\p{Z}\p{N}_.:\/=+\-@%]*$`
	tagValPatternText = `^[\p{L}\p{Z}\p{N}_.:\/=+\-@%]*$`
)

const (
	keyAWSOwned        = "AWS_OWNED_CMK"
	keyCustomerManaged = "CUSTOMER_MANAGED_CMK"
)

func checkName(v *awserr.Validator, path string, name *string, required bool) {
	v.Str(path, name, required, 1, 64, namePattern)
}

// checkTags validates a TagDeliveryStreamInputTagList (1..50 tags).
func checkTags(v *awserr.Validator, path string, tags []Tag, required bool) {
	if tags == nil {
		if required {
			v.Null(path)
		}
		return
	}
	v.List(path, len(tags), true, required, 1, 50, renderTags(tags))
	for i, t := range tags {
		p := path + "." + strconv.Itoa(i+1) + ".member."
		checkTagKey(v, p+"key", t.Key, true)
		if t.Value != nil {
			if !tagChars.MatchString(*t.Value) {
				v.Constraint(*t.Value, p+"value", "Member must satisfy regular expression pattern: "+tagValPatternText)
			}
			v.Str(p+"value", t.Value, false, 0, 256, nil)
		}
	}
}

func checkTagKey(v *awserr.Validator, path string, k *string, required bool) {
	if k == nil {
		if required {
			v.Null(path)
		}
		return
	}
	if strings.HasPrefix(*k, "aws:") || !tagChars.MatchString(*k) {
		v.Constraint(*k, path, "Member must satisfy regular expression pattern: "+tagKeyPatternText)
	}
	v.Str(path, k, false, 1, 128, nil)
}

// renderTags prints a tag list as AWS's Java validator does.
func renderTags(tags []Tag) string {
	parts := make([]string, len(tags))
	for i, t := range tags {
		parts[i] = "Tag(Key=" + deref(t.Key) + ", Value=" + deref(t.Value) + ")"
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func deref(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}

// checkBuffering validates S3 BufferingHints (size 1..128 MiB, interval 0..900 s).
func checkBuffering(v *awserr.Validator, path string, b *BufferingHints) {
	if b == nil {
		return
	}
	v.Int(path+".intervalInSeconds", b.IntervalInSeconds, false, 0, 900)
	v.Int(path+".sizeInMBs", b.SizeInMBs, false, 1, 128)
}

func checkLogging(v *awserr.Validator, path string, c *CloudWatchLoggingOptions) {
	if c == nil {
		return
	}
	v.Str(path+".logGroupName", c.LogGroupName, false, 0, 512, logGroupPattern)
	v.Str(path+".logStreamName", c.LogStreamName, false, 0, 512, logStreamPattern)
}

func checkEncryption(v *awserr.Validator, path string, e *EncryptionConfiguration) {
	if e == nil {
		return
	}
	if e.KMSEncryptionConfig != nil {
		v.Str(path+".kMSEncryptionConfig.aWSKMSKeyARN", e.KMSEncryptionConfig.AWSKMSKeyARN, true, 1, 512, kmsARNPattern)
	}
	v.Enum(path+".noEncryptionConfig", e.NoEncryptionConfig, false, []string{"NoEncryption"})
}

func checkProcessing(v *awserr.Validator, path string, p *ProcessingConfiguration) {
	if p == nil {
		return
	}
	for i, pr := range p.Processors {
		pp := path + ".processors." + strconv.Itoa(i+1) + ".member."
		for j, par := range pr.Parameters {
			ppp := pp + "parameters." + strconv.Itoa(j+1) + ".member."
			v.Enum(ppp+"parameterName", par.ParameterName, true, processorParams)
			checkParamValue(v, ppp+"parameterValue", par.ParameterValue)
		}
		v.Enum(pp+"type", pr.Type, true, processorTypes)
	}
}

// checkParamValue checks a ProcessorParameterValue: 1..5120 characters, not only blanks
// (the model's pattern ^(?!\s*$).+$).
func checkParamValue(v *awserr.Validator, path string, s *string) {
	if s == nil {
		v.Null(path)
		return
	}
	if strings.TrimSpace(*s) == "" || strings.ContainsAny(*s, "\n\r") {
		v.Constraint(*s, path, `Member must satisfy regular expression pattern: ^(?!\s*$).+$`)
	}
	v.Str(path, s, false, 1, 5120, nil)
}

// checkS3 validates an S3DestinationConfiguration (or Update: required is false).
func checkS3(v *awserr.Validator, path string, c *S3DestinationConfiguration, required bool) {
	if c == nil {
		return
	}
	v.Str(path+".bucketARN", c.BucketARN, required, 1, 2048, bucketARNPattern)
	checkBuffering(v, path+".bufferingHints", c.BufferingHints)
	checkLogging(v, path+".cloudWatchLoggingOptions", c.CloudWatchLoggingOptions)
	v.Enum(path+".compressionFormat", c.CompressionFormat, false, compressionFormats)
	checkEncryption(v, path+".encryptionConfiguration", c.EncryptionConfiguration)
	v.Str(path+".errorOutputPrefix", c.ErrorOutputPrefix, false, 0, 1024, anyPattern)
	v.Str(path+".prefix", c.Prefix, false, 0, 1024, anyPattern)
	v.Str(path+".roleARN", c.RoleARN, required, 1, 512, roleARNPattern)
}

// checkExtendedS3 validates an ExtendedS3DestinationConfiguration or, with required false,
// an ExtendedS3DestinationUpdate (backupPath names its backup member).
func checkExtendedS3(v *awserr.Validator, path string, c *ExtendedS3DestinationConfiguration, required bool, backupPath string) {
	if c == nil {
		return
	}
	v.Str(path+".bucketARN", c.BucketARN, required, 1, 2048, bucketARNPattern)
	checkBuffering(v, path+".bufferingHints", c.BufferingHints)
	checkLogging(v, path+".cloudWatchLoggingOptions", c.CloudWatchLoggingOptions)
	v.Enum(path+".compressionFormat", c.CompressionFormat, false, compressionFormats)
	v.Str(path+".customTimeZone", c.CustomTimeZone, false, 0, 50, timeZonePattern)
	if d := c.DynamicPartitioningConfiguration; d != nil && d.RetryOptions != nil {
		v.Int(path+".dynamicPartitioningConfiguration.retryOptions.durationInSeconds", d.RetryOptions.DurationInSeconds, false, 0, 7200)
	}
	checkEncryption(v, path+".encryptionConfiguration", c.EncryptionConfiguration)
	v.Str(path+".errorOutputPrefix", c.ErrorOutputPrefix, false, 0, 1024, anyPattern)
	v.Str(path+".fileExtension", c.FileExtension, false, 0, 128, fileExtPattern)
	v.Str(path+".prefix", c.Prefix, false, 0, 1024, anyPattern)
	checkProcessing(v, path+".processingConfiguration", c.ProcessingConfiguration)
	v.Str(path+".roleARN", c.RoleARN, required, 1, 512, roleARNPattern)
	checkS3(v, path+"."+backupPath, c.S3BackupConfiguration, required)
	v.Enum(path+".s3BackupMode", c.S3BackupMode, false, backupModes)
}
