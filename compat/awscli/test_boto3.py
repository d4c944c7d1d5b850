"""boto3 (botocore as applications use it): a paginator, waiters and the data plane."""

import os
import time

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from conftest import ACCOUNT, REGION, arn, client_env, serve


@pytest.fixture(scope="module")
def slow_freshet(freshet_binary, tmp_path_factory):
    """A server whose streams stay CREATING and DELETING for 1 s, so the waiters must wait."""
    yield from serve(freshet_binary, tmp_path_factory.mktemp("freshet-slow"), "--state-delay", "1s")


@pytest.fixture
def kinesis(slow_freshet, tmp_path, monkeypatch):
    for k in [k for k in os.environ if k.startswith("AWS_")]:
        monkeypatch.delenv(k)
    for k, v in client_env(tmp_path).items():
        if k.startswith("AWS_"):
            monkeypatch.setenv(k, v)
    return boto3.client(
        "kinesis", endpoint_url=slow_freshet.endpoint, region_name=REGION, config=Config(retries={"max_attempts": 1})
    )


def test_boto3_waiters_paginator_and_records(kinesis):
    names = [f"boto3-{i}" for i in range(3)]
    for n in names:
        kinesis.create_stream(StreamName=n, ShardCount=2)
    assert kinesis.describe_stream_summary(StreamName=names[0])["StreamDescriptionSummary"]["StreamStatus"] == "CREATING"
    waiter = kinesis.get_waiter("stream_exists")
    for n in names:
        waiter.wait(StreamName=n, WaiterConfig={"Delay": 1, "MaxAttempts": 10})
        assert kinesis.describe_stream_summary(StreamName=n)["StreamDescriptionSummary"]["StreamStatus"] == "ACTIVE"

    # One stream per ListStreams call, following NextToken/HasMoreStreams.
    pages = list(kinesis.get_paginator("list_streams").paginate(PaginationConfig={"PageSize": 1}))
    assert [p["StreamNames"] for p in pages] == [[n] for n in names]
    assert [p["HasMoreStreams"] for p in pages] == [True, True, False]
    assert [s["StreamARN"] for p in pages for s in p["StreamSummaries"]] == [arn(n) for n in names]

    out = kinesis.put_records(
        StreamName=names[0], Records=[{"Data": bytes([i, 0, 255]), "PartitionKey": str(i)} for i in range(10)]
    )
    assert out["FailedRecordCount"] == 0
    got = []
    for shard in kinesis.list_shards(StreamName=names[0])["Shards"]:
        it = kinesis.get_shard_iterator(StreamName=names[0], ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON")
        got += [r["Data"] for r in kinesis.get_records(ShardIterator=it["ShardIterator"])["Records"]]
    assert sorted(got) == [bytes([i, 0, 255]) for i in range(10)]

    # boto3's botocore sends timestamps with their fraction: AT_TIMESTAMP to the millisecond.
    first = kinesis.put_record(StreamName=names[1], PartitionKey="k", Data=b"first", ExplicitHashKey="0")
    not_before = time.time() + 0.005
    while time.time() < not_before:
        time.sleep(0.001)
    kinesis.put_record(StreamName=names[1], PartitionKey="k", Data=b"second", ExplicitHashKey="0")
    it = kinesis.get_shard_iterator(StreamName=names[1], ShardId=first["ShardId"], ShardIteratorType="TRIM_HORIZON")
    records = kinesis.get_records(ShardIterator=it["ShardIterator"])["Records"]
    assert [r["Data"] for r in records] == [b"first", b"second"]
    arrival = records[1]["ApproximateArrivalTimestamp"]
    assert records[0]["ApproximateArrivalTimestamp"] < arrival
    it = kinesis.get_shard_iterator(
        StreamName=names[1], ShardId=first["ShardId"], ShardIteratorType="AT_TIMESTAMP", Timestamp=arrival
    )
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=it["ShardIterator"])["Records"]] == [b"second"]

    kinesis.delete_stream(StreamName=names[0])
    assert kinesis.describe_stream_summary(StreamName=names[0])["StreamDescriptionSummary"]["StreamStatus"] == "DELETING"
    kinesis.get_waiter("stream_not_exists").wait(StreamName=names[0], WaiterConfig={"Delay": 1, "MaxAttempts": 10})

    with pytest.raises(kinesis.exceptions.ResourceNotFoundException) as e:
        kinesis.describe_stream(StreamName=names[0])
    assert e.value.response["Error"]["Message"] == f"Stream {names[0]} under account {ACCOUNT} not found."
    assert e.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert isinstance(e.value, botocore.exceptions.ClientError)
