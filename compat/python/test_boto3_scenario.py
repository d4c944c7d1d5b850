"""boto3: the scenario every compat suite runs (create, wait, put, read by every iterator
type, typed errors, a consumer and SubscribeToShard), as boto3 applications use it."""

import re
import time
import uuid
from datetime import datetime, timedelta, timezone

import pytest

from conftest import ACCOUNT, arn, wait_consumer_active

SHARD = "shardId-000000000000"
SEQUENCE = re.compile(r"^[0-9]{20,128}$")


def data(i):
    """Every byte value, so a blob that went through a text encoding would not survive."""
    return bytes((j + i) & 0xFF for j in range(256 + i))


@pytest.fixture(scope="module")
def stream(kinesis):
    """A 2-shard stream with r0 (PutRecord), then after a gap r1..r3 (PutRecords), all on shard 0."""
    name = "boto3-" + uuid.uuid4().hex[:10]
    kinesis.create_stream(StreamName=name, ShardCount=2)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    put_start = datetime.now(timezone.utc)
    first = kinesis.put_record(StreamName=name, PartitionKey="k0", ExplicitHashKey="0", Data=data(0))
    time.sleep(0.05)
    between = datetime.now(timezone.utc)
    time.sleep(0.05)
    rest = kinesis.put_records(
        StreamName=name,
        Records=[{"PartitionKey": f"k{i}", "ExplicitHashKey": "0", "Data": data(i)} for i in (1, 2, 3)],
    )
    put_end = datetime.now(timezone.utc)
    assert first["ShardId"] == SHARD and SEQUENCE.match(first["SequenceNumber"])
    assert rest["FailedRecordCount"] == 0
    seqs = [first["SequenceNumber"]] + [r["SequenceNumber"] for r in rest["Records"]]
    return dict(name=name, seqs=seqs, between=between, put_start=put_start, put_end=put_end)


def read(kinesis, stream, want, **iterator):
    it = kinesis.get_shard_iterator(StreamName=stream, ShardId=SHARD, **iterator)["ShardIterator"]
    out = []
    for _ in range(5):
        if len(out) >= want or not it:
            break
        g = kinesis.get_records(ShardIterator=it)
        out += g["Records"]
        it = g.get("NextShardIterator")
    return out


def test_summary_and_shards(kinesis, stream):
    s = kinesis.describe_stream_summary(StreamName=stream["name"])["StreamDescriptionSummary"]
    assert (s["StreamStatus"], s["OpenShardCount"], s["StreamARN"]) == ("ACTIVE", 2, arn(stream["name"]))
    created = s["StreamCreationTimestamp"]
    assert stream["put_start"] - timedelta(seconds=60) < created <= stream["put_start"] + timedelta(seconds=1)
    shards = kinesis.list_shards(StreamName=stream["name"])["Shards"]
    assert [x["ShardId"] for x in shards] == [SHARD, "shardId-000000000001"]
    assert shards[1]["HashKeyRange"]["EndingHashKey"] == str(2**128 - 1)


def test_get_records_trim_horizon(kinesis, stream):
    got = read(kinesis, stream["name"], 4, ShardIteratorType="TRIM_HORIZON")
    assert [r["Data"] for r in got] == [data(i) for i in range(4)]
    assert [r["PartitionKey"] for r in got] == ["k0", "k1", "k2", "k3"]
    assert [r["SequenceNumber"] for r in got] == stream["seqs"]
    for r in got:
        at = r["ApproximateArrivalTimestamp"]
        assert stream["put_start"] - timedelta(seconds=1) <= at <= stream["put_end"] + timedelta(seconds=1)
    assert got[0]["ApproximateArrivalTimestamp"] < stream["between"]


def test_at_sequence_number(kinesis, stream):
    seq = stream["seqs"][2]
    got = read(kinesis, stream["name"], 2, ShardIteratorType="AT_SEQUENCE_NUMBER", StartingSequenceNumber=seq)
    assert [r["SequenceNumber"] for r in got] == stream["seqs"][2:]


def test_at_timestamp_millisecond_precision(kinesis, stream):
    got = read(kinesis, stream["name"], 3, ShardIteratorType="AT_TIMESTAMP", Timestamp=stream["between"])
    assert [r["SequenceNumber"] for r in got] == stream["seqs"][1:]


def test_latest_is_empty_and_caught_up(kinesis, stream):
    it = kinesis.get_shard_iterator(StreamName=stream["name"], ShardId=SHARD, ShardIteratorType="LATEST")
    g = kinesis.get_records(ShardIterator=it["ShardIterator"])
    assert (g["Records"], g["MillisBehindLatest"]) == ([], 0)
    assert g["NextShardIterator"]


def test_errors_are_typed(kinesis):
    with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as e:
        kinesis.describe_stream_summary(StreamName="boto3-missing")
    assert e.value.response["Error"]["Message"] == f"Stream boto3-missing under account {ACCOUNT} not found."
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(kinesis.exceptions.ValidationException) as e:
        kinesis.create_stream(StreamName="bad name!", ShardCount=1)
    assert e.value.response["Error"]["Message"] == (
        "1 validation error detected: Value 'bad name!' at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+"
    )


def test_subscribe_to_shard(kinesis, stream):
    stream_arn = arn(stream["name"])
    c = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName="efo")["Consumer"]
    assert c["ConsumerARN"].startswith(f"{stream_arn}/consumer/efo:")
    wait_consumer_active(kinesis, c["ConsumerARN"])

    out = kinesis.subscribe_to_shard(
        ConsumerARN=c["ConsumerARN"], ShardId=SHARD, StartingPosition={"Type": "TRIM_HORIZON"}
    )
    records, continuation = [], []
    try:
        for event in out["EventStream"]:
            assert list(event) == ["SubscribeToShardEvent"], event
            records += event["SubscribeToShardEvent"]["Records"]
            continuation.append(event["SubscribeToShardEvent"]["ContinuationSequenceNumber"])
            if len(records) >= 4:
                break
    finally:
        out["EventStream"].close()
    assert [r["Data"] for r in records[:4]] == [data(i) for i in range(4)]
    assert [r["SequenceNumber"] for r in records[:4]] == stream["seqs"]
    assert continuation and continuation[-1]


def test_delete_stream_waiter(kinesis):
    name = "boto3-" + uuid.uuid4().hex[:10]
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    kinesis.delete_stream(StreamName=name, EnforceConsumerDeletion=True)
    kinesis.get_waiter("stream_not_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
