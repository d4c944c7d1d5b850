package server

import (
	"github.com/freshet/freshet/internal/firehose"
	"github.com/freshet/freshet/internal/kinesis"
)

// kinesisTarget is the X-Amz-Target prefix of Kinesis Data Streams.
const kinesisTarget = "Kinesis_20131202."

// kinesisRoutes maps each Kinesis operation name to its handler.
func kinesisRoutes(k *kinesis.Service) map[string]handler {
	return map[string]handler{
		"AddTagsToStream":                        handle(k.AddTagsToStream),
		"CreateStream":                           handle(k.CreateStream),
		"DecreaseStreamRetentionPeriod":          handle(k.DecreaseStreamRetentionPeriod),
		"DeleteResourcePolicy":                   handle(k.DeleteResourcePolicy),
		"DeleteStream":                           handle(k.DeleteStream),
		"DeregisterStreamConsumer":               handle(k.DeregisterStreamConsumer),
		"DescribeAccountSettings":                handle(k.DescribeAccountSettings),
		"DescribeLimits":                         handle(k.DescribeLimits),
		"DescribeStream":                         handle(k.DescribeStream),
		"DescribeStreamConsumer":                 handle(k.DescribeStreamConsumer),
		"DescribeStreamSummary":                  handle(k.DescribeStreamSummary),
		"DisableEnhancedMonitoring":              handle(k.DisableEnhancedMonitoring),
		"EnableEnhancedMonitoring":               handle(k.EnableEnhancedMonitoring),
		"GetRecords":                             handle(k.GetRecords),
		"GetResourcePolicy":                      handle(k.GetResourcePolicy),
		"GetShardIterator":                       handle(k.GetShardIterator),
		"IncreaseStreamRetentionPeriod":          handle(k.IncreaseStreamRetentionPeriod),
		"ListShards":                             handle(k.ListShards),
		"ListStreamConsumers":                    handle(k.ListStreamConsumers),
		"ListStreams":                            handle(k.ListStreams),
		"ListTagsForResource":                    handle(k.ListTagsForResource),
		"ListTagsForStream":                      handle(k.ListTagsForStream),
		"MergeShards":                            handle(k.MergeShards),
		"PutRecord":                              handle(k.PutRecord),
		"PutRecords":                             handle(k.PutRecords),
		"PutResourcePolicy":                      handle(k.PutResourcePolicy),
		"RegisterStreamConsumer":                 handle(k.RegisterStreamConsumer),
		"RemoveTagsFromStream":                   handle(k.RemoveTagsFromStream),
		"SplitShard":                             handle(k.SplitShard),
		"StartStreamEncryption":                  handle(k.StartStreamEncryption),
		"StopStreamEncryption":                   handle(k.StopStreamEncryption),
		"SubscribeToShard":                       handle(k.SubscribeToShard), // streamed: see subscribe.go
		"TagResource":                            handle(k.TagResource),
		"UntagResource":                          handle(k.UntagResource),
		"UpdateAccountSettings":                  handle(k.UpdateAccountSettings),
		"UpdateMaxRecordSize":                    handle(k.UpdateMaxRecordSize),
		"UpdateShardCount":                       handle(k.UpdateShardCount),
		"UpdateStreamMode":                       handle(k.UpdateStreamMode),
		"UpdateStreamRecordDistributionStrategy": handle(k.UpdateStreamRecordDistributionStrategy),
		"UpdateStreamWarmThroughput":             handle(k.UpdateStreamWarmThroughput),
	}
}

// firehoseTarget is the X-Amz-Target prefix of Amazon Data Firehose.
const firehoseTarget = "Firehose_20150804."

// firehoseRoutes maps each Firehose operation name to its handler.
func firehoseRoutes(f *firehose.Service) map[string]handler {
	return map[string]handler{
		"CreateDeliveryStream":          handle(f.CreateDeliveryStream),
		"DeleteDeliveryStream":          handle(f.DeleteDeliveryStream),
		"DescribeDeliveryStream":        handle(f.DescribeDeliveryStream),
		"ListDeliveryStreams":           handle(f.ListDeliveryStreams),
		"ListTagsForDeliveryStream":     handle(f.ListTagsForDeliveryStream),
		"PutRecord":                     handle(f.PutRecord),
		"PutRecordBatch":                handle(f.PutRecordBatch),
		"StartDeliveryStreamEncryption": handle(f.StartDeliveryStreamEncryption),
		"StopDeliveryStreamEncryption":  handle(f.StopDeliveryStreamEncryption),
		"TagDeliveryStream":             handle(f.TagDeliveryStream),
		"UntagDeliveryStream":           handle(f.UntagDeliveryStream),
		"UpdateDestination":             handle(f.UpdateDestination),
	}
}
