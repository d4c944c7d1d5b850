"""TLS (freshet --tls --memory: a self-signed certificate kept nowhere, so the clients skip
verification): boto3 and the AWS CLI v2 over https:// (HTTP/1.1), SubscribeToShard too."""

import uuid

import boto3
import pytest
from botocore.config import Config

import conftest
from conftest import ACCESS_KEY, REGION, SECRET_KEY, AwsV2, client_env, shared


@pytest.fixture(scope="module")
def freshet_tls(freshet_binary, tmp_path_factory):
    work = tmp_path_factory.mktemp("freshet-tls")
    for server in shared.serve(freshet_binary, work, "--tls"):
        server.endpoint = server.endpoint.replace("http://", "https://")
        yield server


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_boto3_over_tls(freshet_tls):
    session = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION)
    kinesis = session.client(
        "kinesis", endpoint_url=freshet_tls.endpoint, verify=False, config=Config(retries={"max_attempts": 1})
    )
    name = "tls-" + uuid.uuid4().hex[:10]
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"over tls")
    it = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=it["ShardIterator"])["Records"]] == [b"over tls"]

    stream_arn = kinesis.describe_stream_summary(StreamName=name)["StreamDescriptionSummary"]["StreamARN"]
    c = kinesis.register_stream_consumer(StreamARN=stream_arn, ConsumerName="efo")["Consumer"]
    conftest.wait_consumer_active(kinesis, c["ConsumerARN"])
    out = kinesis.subscribe_to_shard(
        ConsumerARN=c["ConsumerARN"], ShardId="shardId-000000000000", StartingPosition={"Type": "TRIM_HORIZON"}
    )
    try:
        event = next(iter(out["EventStream"]))
    finally:
        out["EventStream"].close()
    assert [r["Data"] for r in event["SubscribeToShardEvent"]["Records"]] == [b"over tls"]


def test_cli_v2_over_tls(freshet_tls, aws2, tmp_path):
    cli = AwsV2(freshet_tls.endpoint, client_env(tmp_path))
    cli.base.insert(1, "--no-verify-ssl")
    name = "tls-" + uuid.uuid4().hex[:10]
    assert cli("create-stream", "--stream-name", name, "--shard-count", "1") is None
    assert cli("wait", "stream-exists", "--stream-name", name) is None
    assert cli.summary(name)["StreamStatus"] == "ACTIVE"
