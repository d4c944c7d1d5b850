"""Service errors as the AWS CLI shows them: its exit code, AWS's error code and message."""

from conftest import ACCOUNT, error_line


def test_unknown_stream(aws):
    err = aws.fail("describe-stream", "--stream-name", "nope")
    assert err == error_line("ResourceNotFoundException", "DescribeStream", f"Stream nope under account {ACCOUNT} not found.")
    err = aws.fail("put-record", "--stream-name", "nope", "--partition-key", "k", "--data", "x")
    assert err == error_line("ResourceNotFoundException", "PutRecord", f"Stream nope under account {ACCOUNT} not found.")


def test_stream_exists(aws):
    name = aws.create(1)
    err = aws.fail("create-stream", "--stream-name", name, "--shard-count", 1)
    assert err == error_line("ResourceInUseException", "CreateStream", f"Stream {name} under account {ACCOUNT} already exists.")


def test_validation_the_cli_does_not_do(aws):
    # botocore checks types and minimums but not patterns or maximums: the server must.
    err = aws.fail("create-stream", "--stream-name", "a b/c", "--shard-count", 1)
    assert err == error_line(
        "ValidationException",
        "CreateStream",
        "1 validation error detected: Value 'a b/c' at 'streamName' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+",
    )
    err = aws.fail("get-records", "--shard-iterator", "x", "--limit", 10001)
    assert err == error_line(
        "ValidationException",
        "GetRecords",
        "1 validation error detected: Value '10001' at 'limit' failed to satisfy constraint: "
        "Member must have value less than or equal to 10000",
    )


def test_data_plane_errors(aws):
    name = aws.create(1)
    err = aws.fail("get-shard-iterator", "--stream-name", name, "--shard-id", "shardId-000000000009", "--shard-iterator-type", "LATEST")
    assert err == error_line(
        "ResourceNotFoundException",
        "GetShardIterator",
        f"Shard shardId-000000000009 in stream {name} under account {ACCOUNT} does not exist",
    )
    err = aws.fail("get-records", "--shard-iterator", "not-an-iterator")
    assert err == error_line("InvalidArgumentException", "GetRecords", "Invalid ShardIterator.")
    err = aws.fail("get-shard-iterator", "--stream-name", name, "--shard-id", "shardId-000000000000", "--shard-iterator-type", "AT_SEQUENCE_NUMBER")
    assert err.startswith(error_line("InvalidArgumentException", "GetShardIterator", "Must either specify (1) AT_SEQUENCE_NUMBER"))
