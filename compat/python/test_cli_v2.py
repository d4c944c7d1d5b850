"""The AWS CLI v2 (Debian's awscli package): what a shell user does, with v2's defaults
(binary arguments are base64 unless --cli-binary-format raw-in-base64-out; timestamps print
as ISO 8601; a service error exits 254). The CLI has no subscribe-to-shard: it leaves out
every event-stream operation."""

import base64
import json
import time
import uuid
from datetime import datetime, timezone

from conftest import ACCOUNT, AwsV2, arn, error_line


def created(aws2, shards=1):
    name = "cli2-" + uuid.uuid4().hex[:10]
    assert aws2("create-stream", "--stream-name", name, "--shard-count", shards) is None
    assert aws2("wait", "stream-exists", "--stream-name", name) is None
    return name


def iso(s):
    return datetime.fromisoformat(s)


def test_cli_v2_put_and_read(aws2):
    name = created(aws2)
    s = aws2.summary(name)
    assert (s["StreamStatus"], s["OpenShardCount"], s["StreamARN"]) == ("ACTIVE", 1, arn(name))
    start = datetime.now(timezone.utc)
    assert abs((iso(s["StreamCreationTimestamp"]) - start).total_seconds()) < 60

    raw = aws2("put-record", "--stream-name", name, "--partition-key", "k0", "--data", "hello raw",
               "--cli-binary-format", "raw-in-base64-out")
    assert raw["ShardId"] == "shardId-000000000000"
    # The CLI sends --timestamp in whole seconds (v1 and v2 alike): start the second half
    # of the records in a new second.
    time.sleep(1.05 - time.time() % 1)
    between = datetime.now(timezone.utc)
    # v2's default binary format: --data is base64 text.
    b64 = aws2("put-record", "--stream-name", name, "--partition-key", "k1",
               "--data", base64.b64encode(bytes(range(256))).decode())
    batch = aws2("put-records", "--stream-name", name, "--records",
                 json.dumps([{"PartitionKey": "k2", "Data": base64.b64encode(b"\x00\xff").decode()}]))
    assert batch["FailedRecordCount"] == 0
    end = datetime.now(timezone.utc)

    it = aws2("get-shard-iterator", "--stream-name", name, "--shard-id", "shardId-000000000000",
              "--shard-iterator-type", "TRIM_HORIZON")["ShardIterator"]
    got = aws2("get-records", "--shard-iterator", it)
    recs = got["Records"]
    assert [base64.b64decode(r["Data"]) for r in recs] == [b"hello raw", bytes(range(256)), b"\x00\xff"]
    assert [r["PartitionKey"] for r in recs] == ["k0", "k1", "k2"]
    assert [r["SequenceNumber"] for r in recs[:2]] == [raw["SequenceNumber"], b64["SequenceNumber"]]
    for r in recs:
        at = iso(r["ApproximateArrivalTimestamp"])
        assert (start - at).total_seconds() < 1 and (at - end).total_seconds() < 1, r
    assert got["MillisBehindLatest"] == 0 and got["NextShardIterator"]

    it = aws2("get-shard-iterator", "--stream-name", name, "--shard-id", "shardId-000000000000",
              "--shard-iterator-type", "AT_SEQUENCE_NUMBER",
              "--starting-sequence-number", b64["SequenceNumber"])["ShardIterator"]
    assert [r["PartitionKey"] for r in aws2("get-records", "--shard-iterator", it)["Records"]] == ["k1", "k2"]

    # An ISO 8601 timestamp with a fraction, which the CLI drops.
    it = aws2("get-shard-iterator", "--stream-name", name, "--shard-id", "shardId-000000000000",
              "--shard-iterator-type", "AT_TIMESTAMP", "--timestamp", between.isoformat())["ShardIterator"]
    assert [r["PartitionKey"] for r in aws2("get-records", "--shard-iterator", it)["Records"]] == ["k1", "k2"]

    shards = aws2("list-shards", "--stream-name", name)["Shards"]
    assert [x["ShardId"] for x in shards] == ["shardId-000000000000"]
    assert aws2("delete-stream", "--stream-name", name) is None
    assert aws2("wait", "stream-not-exists", "--stream-name", name) is None


def test_cli_v2_error_lines(aws2):
    # With its default retry settings: with AWS_MAX_ATTEMPTS=1 the CLI v2 appends
    # " (reached max retries: 0)" to the operation name in every error line.
    aws2 = AwsV2(aws2.endpoint, {k: v for k, v in aws2.env.items() if k != "AWS_MAX_ATTEMPTS"})
    assert aws2.fail("describe-stream-summary", "--stream-name", "cli2-missing") == error_line(
        "ResourceNotFoundException", "DescribeStreamSummary", f"Stream cli2-missing under account {ACCOUNT} not found."
    )
    assert aws2.fail("create-stream", "--stream-name", "bad name!", "--shard-count", "1") == error_line(
        "ValidationException",
        "CreateStream",
        "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    )
    name = created(aws2)
    assert aws2.fail("create-stream", "--stream-name", name, "--shard-count", "1") == error_line(
        "ResourceInUseException", "CreateStream", f"Stream {name} under account {ACCOUNT} already exists."
    )
    assert aws2.fail("get-shard-iterator", "--stream-name", name, "--shard-id", "shardId-000000000009",
                     "--shard-iterator-type", "LATEST") == error_line(
        "ResourceNotFoundException", "GetShardIterator",
        f"Shard shardId-000000000009 in stream {name} under account {ACCOUNT} does not exist",
    )


def test_cli_v2_consumers(aws2):
    name = created(aws2)
    c = aws2("register-stream-consumer", "--stream-arn", arn(name), "--consumer-name", "efo")["Consumer"]
    assert c["ConsumerARN"].startswith(f"{arn(name)}/consumer/efo:")
    assert c["ConsumerStatus"] in ("CREATING", "ACTIVE")
    deadline = time.monotonic() + 20
    while True:
        d = aws2("describe-stream-consumer", "--consumer-arn", c["ConsumerARN"])["ConsumerDescription"]
        if d["ConsumerStatus"] == "ACTIVE":
            break
        assert time.monotonic() < deadline, d
        time.sleep(0.1)
    assert d["StreamARN"] == arn(name)
    listed = aws2("list-stream-consumers", "--stream-arn", arn(name))["Consumers"]
    assert [x["ConsumerName"] for x in listed] == ["efo"]
    assert aws2.fail("register-stream-consumer", "--stream-arn", arn(name), "--consumer-name", "efo").startswith(
        "An error occurred (ResourceInUseException) when calling the RegisterStreamConsumer operation"
    )
    assert aws2("deregister-stream-consumer", "--consumer-arn", c["ConsumerARN"]) is None
