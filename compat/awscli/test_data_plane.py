"""Data plane through the AWS CLI: PutRecord(s), GetShardIterator of every type, GetRecords."""

import base64
import json
import math
import time

from conftest import ACCOUNT, arn, error_line

SHARD0 = "shardId-000000000000"


def _iterator(aws, name, kind, *extra, shard=SHARD0):
    out = aws("get-shard-iterator", "--stream-name", name, "--shard-id", shard, "--shard-iterator-type", kind, *extra)
    return out["ShardIterator"]


def _records(aws, iterator):
    out = aws("get-records", "--shard-iterator", iterator)
    assert out["MillisBehindLatest"] == 0
    assert out["NextShardIterator"]
    return out["Records"]


def test_put_record_get_records_every_iterator_type(aws, tmp_path):
    name = aws.create(1)
    binary = bytes(range(256))  # not UTF-8: only a blob survives this
    blob = tmp_path / "blob.bin"
    blob.write_bytes(binary)

    puts = [aws("put-record", "--stream-name", name, "--partition-key", "a", "--data", "first")]
    # The CLI sends AT_TIMESTAMP in whole seconds (its botocore's precision for Kinesis), so
    # the later records are written in a later second than the first.
    second = math.floor(time.time()) + 1
    while time.time() < second:
        time.sleep(0.01)
    puts += [
        aws("put-record", "--stream-arn", arn(name), "--partition-key", "b", "--data", f"fileb://{blob}"),
        aws("put-record", "--stream-name", name, "--partition-key", "c", "--data", "third"),
    ]
    want = [b"first", binary, b"third"]
    for p in puts:
        assert p["ShardId"] == SHARD0
        assert p["SequenceNumber"].isdigit() and len(p["SequenceNumber"]) == 56
        assert p["EncryptionType"] == "NONE"
    seqs = [p["SequenceNumber"] for p in puts]
    assert seqs == sorted(seqs, key=int) and len(set(seqs)) == 3

    records = _records(aws, _iterator(aws, name, "TRIM_HORIZON"))
    assert [base64.b64decode(r["Data"]) for r in records] == want
    assert [r["PartitionKey"] for r in records] == ["a", "b", "c"]
    assert [r["SequenceNumber"] for r in records] == seqs
    arrivals = [r["ApproximateArrivalTimestamp"] for r in records]
    assert arrivals == sorted(arrivals)

    at_seq = _records(aws, _iterator(aws, name, "AT_SEQUENCE_NUMBER", "--starting-sequence-number", seqs[1]))
    assert [r["SequenceNumber"] for r in at_seq] == seqs[1:]
    after_seq = _records(aws, _iterator(aws, name, "AFTER_SEQUENCE_NUMBER", "--starting-sequence-number", seqs[1]))
    assert [r["SequenceNumber"] for r in after_seq] == seqs[2:]

    # AT_TIMESTAMP at the second after the first record's arrival: the first is skipped.
    assert arrivals[0] < second <= arrivals[1]
    at_ts = _records(aws, _iterator(aws, name, "AT_TIMESTAMP", "--timestamp", second))
    assert [r["SequenceNumber"] for r in at_ts] == seqs[1:]

    # LATEST sees only what is written after it; the next iterator continues from there.
    latest = _iterator(aws, name, "LATEST")
    empty = aws("get-records", "--shard-iterator", latest)
    assert empty["Records"] == []
    aws("put-record", "--stream-name", name, "--partition-key", "d", "--data", "fourth")
    after = aws("get-records", "--shard-iterator", empty["NextShardIterator"], "--limit", "10")
    assert [base64.b64decode(r["Data"]) for r in after["Records"]] == [b"fourth"]


def test_put_record_routing_and_ordering(aws):
    name = aws.create(2)
    # ExplicitHashKey picks the shard; SequenceNumberForOrdering keeps a key's order.
    low = aws("put-record", "--stream-name", name, "--partition-key", "k", "--data", "x", "--explicit-hash-key", "1")
    high = aws(
        "put-record", "--stream-name", name, "--partition-key", "k", "--data", "y",
        "--explicit-hash-key", str(2**128 - 1), "--sequence-number-for-ordering", low["SequenceNumber"],
    )
    assert low["ShardId"] == "shardId-000000000000"
    assert high["ShardId"] == "shardId-000000000001"

    err = aws.fail("put-record", "--stream-name", name, "--partition-key", "k", "--data", "x", "--explicit-hash-key", str(2**128))
    assert err == error_line(
        "InvalidArgumentException",
        "PutRecord",
        f"Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was {2**128}",
    )


def test_put_records(aws, tmp_path):
    name = aws.create(2)
    entries = [{"Data": f"record-{i}", "PartitionKey": f"key-{i}"} for i in range(20)]
    batch = tmp_path / "records.json"
    batch.write_text(json.dumps(entries))

    out = aws("put-records", "--stream-name", name, "--records", f"file://{batch}")
    assert out["FailedRecordCount"] == 0
    assert out["EncryptionType"] == "NONE"
    assert len(out["Records"]) == 20
    by_shard = {}
    for e, r in zip(entries, out["Records"]):
        assert r["ShardId"] in ("shardId-000000000000", "shardId-000000000001")
        assert "ErrorCode" not in r
        by_shard.setdefault(r["ShardId"], []).append((r["SequenceNumber"], e["Data"]))
    assert len(by_shard) == 2, "20 partition keys all hashed to one shard"

    for shard, written in by_shard.items():
        got = _records(aws, _iterator(aws, name, "TRIM_HORIZON", shard=shard))
        assert [(r["SequenceNumber"], base64.b64decode(r["Data"]).decode()) for r in got] == written


def test_put_records_partial_batch(aws_limited, tmp_path):
    """Over a shard's 1 MiB/s, PutRecords answers 200 with the throttled tail marked failed."""
    aws = aws_limited
    name = aws.create(1)
    entries = [{"Data": f"{i:04d}" + "x" * 2996, "PartitionKey": "p"} for i in range(500)]  # 1.5 MB
    batch = tmp_path / "records.json"
    batch.write_text(json.dumps(entries))

    out = aws("put-records", "--stream-name", name, "--records", f"file://{batch}")
    failed = [i for i, r in enumerate(out["Records"]) if "ErrorCode" in r]
    assert out["FailedRecordCount"] == len(failed)
    assert 0 < len(failed) < 500
    assert failed == list(range(failed[0], 500)), "throttled records are not the tail"
    for r in out["Records"][failed[0] :]:
        assert r == {
            "ErrorCode": "ProvisionedThroughputExceededException",
            "ErrorMessage": f"Rate exceeded for shard {SHARD0} in stream {name} under account {ACCOUNT}.",
        }
    stored = out["Records"][: failed[0]]
    for r in stored:
        assert r["ShardId"] == SHARD0 and r["SequenceNumber"].isdigit()

    # Only the accepted records were written (GetRecords may answer in several pieces).
    it, got = _iterator(aws, name, "TRIM_HORIZON"), []
    for _ in range(10):
        out = aws("get-records", "--shard-iterator", it, "--limit", "10000")
        got += out["Records"]
        if out["MillisBehindLatest"] == 0 and not out["Records"]:
            break
        it = out["NextShardIterator"]
    assert [r["SequenceNumber"] for r in got] == [r["SequenceNumber"] for r in stored]
    assert base64.b64decode(got[-1]["Data"]).decode() == entries[len(stored) - 1]["Data"]
