"""Signatures verified (freshet --auth): boto3 and the AWS CLI v2 sign with the dummy key in
the server's credentials file; a wrong secret is refused with AWS's error."""

import uuid

import boto3
import botocore.exceptions
import pytest
from botocore.config import Config

from conftest import ACCESS_KEY, REGION, SECRET_KEY, AwsV2, client_env


def client(endpoint, secret):
    session = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=secret, region_name=REGION)
    return session.client("kinesis", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}))


def test_boto3_signed(freshet_auth):
    kinesis = client(freshet_auth.endpoint, SECRET_KEY)
    name = "auth-" + uuid.uuid4().hex[:10]
    kinesis.create_stream(StreamName=name, ShardCount=1)
    kinesis.get_waiter("stream_exists").wait(StreamName=name, WaiterConfig={"Delay": 1, "MaxAttempts": 20})
    kinesis.put_record(StreamName=name, PartitionKey="k", Data=b"signed")
    it = kinesis.get_shard_iterator(StreamName=name, ShardId="shardId-000000000000", ShardIteratorType="TRIM_HORIZON")
    assert [r["Data"] for r in kinesis.get_records(ShardIterator=it["ShardIterator"])["Records"]] == [b"signed"]

    with pytest.raises(botocore.exceptions.ClientError) as e:
        client(freshet_auth.endpoint, "wrong-secret").list_streams()
    assert e.value.response["Error"]["Code"] == "InvalidSignatureException"


def test_cli_v2_signed(freshet_auth, aws2, tmp_path):
    cli = AwsV2(freshet_auth.endpoint, client_env(tmp_path))
    name = "auth-" + uuid.uuid4().hex[:10]
    assert cli("create-stream", "--stream-name", name, "--shard-count", "1") is None
    assert cli("wait", "stream-exists", "--stream-name", name) is None
    assert cli("put-record", "--stream-name", name, "--partition-key", "k", "--data", "c2lnbmVk")["ShardId"]
    wrong = AwsV2(freshet_auth.endpoint, {**client_env(tmp_path), "AWS_SECRET_ACCESS_KEY": "wrong-secret"})
    assert "An error occurred (InvalidSignatureException) when calling the ListStreams operation" in wrong.fail(
        "list-streams"
    )
