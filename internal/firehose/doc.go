// Package firehose implements Amazon Data Firehose: delivery streams that buffer records
// and deliver them to S3 (a local directory or an S3-compatible endpoint), one file per
// operation. It knows nothing of HTTP or NATS: requests arrive decoded, records and state
// live in the store, and the caller's (account, region) comes from the context.
//
// # Pipeline
//
//	PutRecord/PutRecordBatch ─► engine log (one per delivery stream, one message per request,
//	                            acknowledged once stored; kept 24 h)
//	          Source ─► delivery loop (one goroutine per delivery stream): buffer until
//	                    BufferingHints size or interval (or shutdown)
//	                 ─► Stages (processing, in AWS's order) ─► Destination.Deliver
//	                 ─► checkpoint stored (metadata compare-and-set): at-least-once
//
// A failed delivery keeps the buffer and is retried with back-off (RetryMin..RetryMax);
// records the destination never takes expire with the log (Retention, AWS's 24 h).
//
// # Seams
//
//   - Source (source.go): where a delivery stream's records come from, with an opaque
//     Checkpoint the loop stores after each delivery. DirectPut reads the engine log
//     (logSource), KinesisStreamAsSource a Kinesis stream's shards; Service.source picks
//     one by DeliveryStreamType.
//   - Stage and StageFactory (stage.go): one configured Processor; Process rewrites
//     Batch.Records (data, splitting, dropping, partition Keys) and moves failures to
//     Batch.Failed, which the destination writes under the ErrorOutputPrefix as
//     processing-failed. Options.Stages maps ProcessorType to factories
//     (DefaultStages); the factory also validates the configuration at
//     CreateDeliveryStream and UpdateDestination.
//   - Destination (destination.go): takes a processed Batch; Service.destination picks it
//     from the stream's configuration. s3Destination writes objects through an
//     ObjectStore (objects.go): DirStore or S3Store.
//   - HTTPClient (outbound.go): how Lambda processors and HTTP endpoint destinations reach
//     the network, handed in by cmd/freshet (internal/httpout), since services do not
//     import net/http.
//
// Delivery loops run in every process that serves the store; with several nodes each would
// deliver every stream (duplicates, never loss: the checkpoint is compare-and-set). A lease
// per stream in the metadata bucket would make one node the deliverer.
//
// S3 object keys follow AWS exactly (keys.go): <evaluated prefix><stream>-<version>-
// <YYYY-MM-DD-HH-MM-SS>-<uuid><extension>, with !{timestamp:…} (Java DateTimeFormatter
// patterns), !{firehose:random-string}, !{firehose:error-output-type} and the
// partitionKeyFromQuery/partitionKeyFromLambda namespaces, evaluated against the oldest
// record of each object.
package firehose
