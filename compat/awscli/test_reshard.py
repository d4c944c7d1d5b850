"""Resharding through the AWS CLI: split-shard, merge-shards, update-shard-count, lineage."""

import base64

from conftest import ACCOUNT, MAX_HASH_KEY, arn, error_line

HALF = 2**127


def _shard(i):
    return f"shardId-{i:012d}"


def _by_id(aws, name):
    return {s["ShardId"]: s for s in aws("list-shards", "--stream-name", name)["Shards"]}


def _range(s):
    return int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"])


def _read_to_end(aws, name, shard):
    """Reads a closed shard from TRIM_HORIZON until GetRecords stops handing out iterators."""
    it = aws("get-shard-iterator", "--stream-name", name, "--shard-id", shard, "--shard-iterator-type", "TRIM_HORIZON")["ShardIterator"]
    data = []
    for _ in range(10):
        out = aws("get-records", "--shard-iterator", it)
        data += [base64.b64decode(r["Data"]) for r in out["Records"]]
        if "NextShardIterator" not in out:
            return data, out["ChildShards"]
        it = out["NextShardIterator"]
    raise AssertionError(f"{shard} still hands out iterators after 10 calls")


def test_split_merge_update_shard_count(aws):
    name = aws.create(1)
    aws("put-record", "--stream-name", name, "--partition-key", "k", "--data", "before")

    assert aws("split-shard", "--stream-name", name, "--shard-to-split", _shard(0), "--new-starting-hash-key", HALF) is None
    assert aws.wait_active(name)["OpenShardCount"] == 2
    shards = _by_id(aws, name)
    assert sorted(shards) == [_shard(0), _shard(1), _shard(2)]
    assert "EndingSequenceNumber" in shards[_shard(0)]["SequenceNumberRange"]
    assert _range(shards[_shard(1)]) == (0, HALF - 1)
    assert _range(shards[_shard(2)]) == (HALF, MAX_HASH_KEY)
    for child in (_shard(1), _shard(2)):
        assert shards[child]["ParentShardId"] == _shard(0)
        assert "EndingSequenceNumber" not in shards[child]["SequenceNumberRange"]

    # The closed parent still serves its records, then names its children and ends.
    data, children = _read_to_end(aws, name, _shard(0))
    assert data == [b"before"]
    assert sorted(c["ShardId"] for c in children) == [_shard(1), _shard(2)]
    assert all(c["ParentShards"] == [_shard(0)] for c in children)

    # Writes go to the children now.
    assert aws("put-record", "--stream-name", name, "--partition-key", "k", "--data", "x", "--explicit-hash-key", HALF)["ShardId"] == _shard(2)
    err = aws.fail("split-shard", "--stream-name", name, "--shard-to-split", _shard(0), "--new-starting-hash-key", 1)
    assert err == error_line(
        "InvalidArgumentException",
        "SplitShard",
        f"Shard {_shard(0)} in stream {name} under account {ACCOUNT} has already been merged or split, "
        "and thus is not eligible for merging or splitting.",
    )

    assert aws("merge-shards", "--stream-arn", arn(name), "--shard-to-merge", _shard(1), "--adjacent-shard-to-merge", _shard(2)) is None
    assert aws.wait_active(name)["OpenShardCount"] == 1
    merged = _by_id(aws, name)[_shard(3)]
    assert merged["ParentShardId"] == _shard(1)
    assert merged["AdjacentParentShardId"] == _shard(2)
    assert _range(merged) == (0, MAX_HASH_KEY)

    out = aws("update-shard-count", "--stream-name", name, "--target-shard-count", 2, "--scaling-type", "UNIFORM_SCALING")
    assert out == {"StreamName": name, "StreamARN": arn(name), "CurrentShardCount": 1, "TargetShardCount": 2}
    assert aws.wait_active(name)["OpenShardCount"] == 2
    open_shards = aws("list-shards", "--stream-name", name, "--shard-filter", "Type=AT_LATEST")["Shards"]
    assert [_range(s) for s in open_shards] == [(0, HALF - 1), (HALF, MAX_HASH_KEY)]
    assert all(s["ParentShardId"] == _shard(3) for s in open_shards)

    err = aws.fail("update-shard-count", "--stream-name", name, "--target-shard-count", 5, "--scaling-type", "UNIFORM_SCALING")
    # botocore counts LimitExceededException as throttling (Kinesis's rate limits use it) and
    # says how often it retried; retries are off here.
    assert err == (
        "An error occurred (LimitExceededException) when calling the UpdateShardCount operation "
        "(reached max retries: 0): UpdateShardCount cannot scale up over double your current open "
        "shard count. Current open shard count: 2, Target shard count: 5"
    )
