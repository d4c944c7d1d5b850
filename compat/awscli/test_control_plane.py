"""Stream control plane through the AWS CLI: create, describe, list, settings, tags, policies."""

import json

from conftest import ACCOUNT, MAX_HASH_KEY, Aws, arn, client_env, error_line


def _ranges(shards):
    return [(int(s["HashKeyRange"]["StartingHashKey"]), int(s["HashKeyRange"]["EndingHashKey"])) for s in shards]


def test_create_wait_describe(aws):
    name = aws.create(3)

    d = aws("describe-stream", "--stream-name", name)["StreamDescription"]
    assert d["StreamName"] == name
    assert d["StreamARN"] == arn(name)
    assert d["StreamStatus"] == "ACTIVE"
    assert d["RetentionPeriodHours"] == 24
    assert d["EncryptionType"] == "NONE"
    assert [s["ShardId"] for s in d["Shards"]] == [f"shardId-00000000000{i}" for i in range(3)]
    ranges = _ranges(d["Shards"])
    assert ranges[0][0] == 0 and ranges[-1][1] == MAX_HASH_KEY
    assert all(a[1] + 1 == b[0] for a, b in zip(ranges, ranges[1:])), ranges
    for s in d["Shards"]:
        seq = s["SequenceNumberRange"]["StartingSequenceNumber"]
        assert seq.isdigit() and len(seq) == 56, seq
        assert "EndingSequenceNumber" not in s["SequenceNumberRange"]

    # --page-size 1: the CLI follows HasMoreShards with ExclusiveStartShardId, one shard a call.
    paged = aws("describe-stream", "--stream-name", name, "--page-size", "1")["StreamDescription"]
    assert paged["Shards"] == d["Shards"]

    s = aws.summary(name)
    assert s["StreamName"] == name
    assert s["StreamARN"] == arn(name)
    assert s["StreamStatus"] == "ACTIVE"
    assert s["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert s["OpenShardCount"] == 3
    assert s["ConsumerCount"] == 0
    assert s["RetentionPeriodHours"] == 24
    assert s["StreamCreationTimestamp"] == d["StreamCreationTimestamp"]

    # The same stream by ARN.
    assert aws("describe-stream-summary", "--stream-arn", arn(name))["StreamDescriptionSummary"] == s


def test_on_demand_and_update_stream_mode(aws):
    name = aws.create(None, "--stream-mode-details", "StreamMode=ON_DEMAND")
    s = aws.summary(name)
    assert s["StreamModeDetails"] == {"StreamMode": "ON_DEMAND"}
    assert s["OpenShardCount"] == 4  # AWS's initial on-demand capacity

    assert aws("update-stream-mode", "--stream-arn", arn(name), "--stream-mode-details", "StreamMode=PROVISIONED") is None
    s = aws.wait_active(name)
    assert s["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}
    assert s["OpenShardCount"] == 4


def test_list_streams_pages(aws):
    names = sorted(aws.create(1) for _ in range(3))

    everything = aws("list-streams")
    assert set(names) <= set(everything["StreamNames"])
    assert everything["StreamNames"] == sorted(everything["StreamNames"])
    by_name = {s["StreamName"]: s for s in everything["StreamSummaries"]}
    for n in names:
        assert by_name[n]["StreamARN"] == arn(n)
        assert by_name[n]["StreamStatus"] == "ACTIVE"
        assert by_name[n]["StreamModeDetails"] == {"StreamMode": "PROVISIONED"}

    # --page-size 1: one stream per ListStreams call, the CLI following NextToken.
    paged = aws("list-streams", "--page-size", "1")
    assert paged["StreamNames"] == everything["StreamNames"]

    # --max-items / --starting-token: the CLI's resumable token wraps the service's NextToken.
    seen, token, pages = [], None, 0
    while True:
        args = ["list-streams", "--max-items", "2", "--page-size", "2"]
        if token:
            args += ["--starting-token", token]
        page = aws(*args)
        pages += 1
        assert len(page["StreamNames"]) <= 2
        seen += page["StreamNames"]
        token = page.get("NextToken")
        if not token:
            break
    assert seen == everything["StreamNames"]
    assert pages >= 2


def test_list_shards_pages(aws):
    name = aws.create(5)
    all_ids = [f"shardId-00000000000{i}" for i in range(5)]

    everything = aws("list-shards", "--stream-name", name)
    assert [s["ShardId"] for s in everything["Shards"]] == all_ids
    assert "NextToken" not in everything

    # First page: MaxResults=2 with StreamName; the answer carries a NextToken.
    first = aws("list-shards", "--stream-name", name, "--page-size", "2", "--max-items", "2")
    assert [s["ShardId"] for s in first["Shards"]] == all_ids[:2]
    token = first["NextToken"]
    # Later pages: the CLI sends only NextToken (it names the stream), page after page.
    rest = aws("list-shards", "--starting-token", token, "--page-size", "2")
    assert [s["ShardId"] for s in rest["Shards"]] == all_ids[2:]
    assert "NextToken" not in rest

    # --max-items alone: one call, the CLI truncates and resumes by skipping.
    first = aws("list-shards", "--stream-name", name, "--max-items", "3")
    assert [s["ShardId"] for s in first["Shards"]] == all_ids[:3]
    rest = aws("list-shards", "--stream-name", name, "--starting-token", first["NextToken"])
    assert [s["ShardId"] for s in rest["Shards"]] == all_ids[3:]

    # As on AWS, the CLI cannot page with --stream-name: its second call sends StreamName and
    # NextToken together, which ListShards refuses.
    err = aws.fail("list-shards", "--stream-name", name, "--page-size", "2")
    assert err == error_line(
        "InvalidArgumentException", "ListShards", "NextToken and StreamName cannot be provided together."
    )

    latest = aws("list-shards", "--stream-name", name, "--shard-filter", "Type=AT_LATEST")
    assert [s["ShardId"] for s in latest["Shards"]] == all_ids


def test_describe_limits(aws):
    before = aws("describe-limits")
    assert before["ShardLimit"] == 500
    assert before["OnDemandStreamCountLimit"] > 0
    aws.create(2)
    aws.create(None, "--stream-mode-details", "StreamMode=ON_DEMAND")
    after = aws("describe-limits")
    assert after["OpenShardCount"] == before["OpenShardCount"] + 2 + 4
    assert after["OnDemandStreamCount"] == before["OnDemandStreamCount"] + 1


def _tags(listed):
    return {t["Key"]: t["Value"] for t in listed["Tags"]}


def test_tags(aws):
    name = aws.create(1, "--tags", "team=data")
    assert _tags(aws("list-tags-for-stream", "--stream-name", name)) == {"team": "data"}

    assert aws("add-tags-to-stream", "--stream-name", name, "--tags", "env=dev,owner=g") is None
    listed = aws("list-tags-for-stream", "--stream-name", name)
    assert _tags(listed) == {"team": "data", "env": "dev", "owner": "g"}
    assert listed["HasMoreTags"] is False
    # Sorted by key, as AWS answers; --limit and --exclusive-start-tag-key page through them.
    assert [t["Key"] for t in listed["Tags"]] == ["env", "owner", "team"]
    page = aws("list-tags-for-stream", "--stream-name", name, "--limit", "1", "--exclusive-start-tag-key", "env")
    assert page["Tags"] == [{"Key": "owner", "Value": "g"}]
    assert page["HasMoreTags"] is True

    assert aws("remove-tags-from-stream", "--stream-name", name, "--tag-keys", "team", "owner") is None
    assert _tags(aws("list-tags-for-stream", "--stream-name", name)) == {"env": "dev"}

    # The ARN-based API sees the same tags.
    assert aws("tag-resource", "--resource-arn", arn(name), "--tags", "cost=42") is None
    assert _tags(aws("list-tags-for-resource", "--resource-arn", arn(name))) == {"env": "dev", "cost": "42"}
    assert aws("untag-resource", "--resource-arn", arn(name), "--tag-keys", "env") is None
    assert _tags(aws("list-tags-for-stream", "--stream-name", name)) == {"cost": "42"}


def test_retention_period(aws):
    name = aws.create(1)
    assert aws("increase-stream-retention-period", "--stream-name", name, "--retention-period-hours", 48) is None
    assert aws.wait_active(name)["RetentionPeriodHours"] == 48

    err = aws.fail("increase-stream-retention-period", "--stream-name", name, "--retention-period-hours", 30)
    assert err == error_line(
        "InvalidArgumentException",
        "IncreaseStreamRetentionPeriod",
        f"Requested retention period (30 hours) for stream {name} can not be shorter than existing "
        "retention period (48 hours). Use DecreaseRetentionPeriod API.",
    )

    assert aws("decrease-stream-retention-period", "--stream-arn", arn(name), "--retention-period-hours", 24) is None
    assert aws.wait_active(name)["RetentionPeriodHours"] == 24


def test_enhanced_monitoring(aws):
    name = aws.create(1)
    out = aws("enable-enhanced-monitoring", "--stream-name", name, "--shard-level-metrics", "IncomingBytes", "OutgoingRecords")
    assert out["StreamName"] == name
    assert out["StreamARN"] == arn(name)
    assert out["CurrentShardLevelMetrics"] == []
    assert sorted(out["DesiredShardLevelMetrics"]) == ["IncomingBytes", "OutgoingRecords"]
    s = aws.wait_active(name)
    assert sorted(s["EnhancedMonitoring"][0]["ShardLevelMetrics"]) == ["IncomingBytes", "OutgoingRecords"]

    out = aws("disable-enhanced-monitoring", "--stream-name", name, "--shard-level-metrics", "IncomingBytes")
    assert sorted(out["CurrentShardLevelMetrics"]) == ["IncomingBytes", "OutgoingRecords"]
    assert out["DesiredShardLevelMetrics"] == ["OutgoingRecords"]
    s = aws.wait_active(name)
    assert s["EnhancedMonitoring"][0]["ShardLevelMetrics"] == ["OutgoingRecords"]


def test_encryption(aws):
    name = aws.create(1)
    assert aws("start-stream-encryption", "--stream-name", name, "--encryption-type", "KMS", "--key-id", "alias/aws/kinesis") is None
    s = aws.wait_active(name)
    assert s["EncryptionType"] == "KMS"
    assert s["KeyId"] == "alias/aws/kinesis"

    assert aws("stop-stream-encryption", "--stream-name", name, "--encryption-type", "KMS", "--key-id", "alias/aws/kinesis") is None
    s = aws.wait_active(name)
    assert s["EncryptionType"] == "NONE"
    assert "KeyId" not in s


def test_resource_policy(aws):
    name = aws.create(1)
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                "Action": "kinesis:GetRecords",
                "Resource": arn(name),
            }
        ],
    }
    assert json.loads(aws("get-resource-policy", "--resource-arn", arn(name))["Policy"]) == {}

    assert aws("put-resource-policy", "--resource-arn", arn(name), "--policy", json.dumps(policy)) is None
    assert json.loads(aws("get-resource-policy", "--resource-arn", arn(name))["Policy"]) == policy

    assert aws("delete-resource-policy", "--resource-arn", arn(name)) is None
    assert json.loads(aws("get-resource-policy", "--resource-arn", arn(name))["Policy"]) == {}

    err = aws.fail("put-resource-policy", "--resource-arn", arn(name), "--policy", "{not json")
    assert err == error_line("InvalidArgumentException", "PutResourcePolicy", "Policy is not a valid JSON document.")


def test_delete_stream_and_wait(aws):
    name = aws.create(2)
    assert aws("delete-stream", "--stream-name", name) is None
    assert aws("wait", "stream-not-exists", "--stream-name", name) is None
    assert name not in aws("list-streams")["StreamNames"]
    err = aws.fail("describe-stream-summary", "--stream-name", name)
    assert err == error_line(
        "ResourceNotFoundException", "DescribeStreamSummary", f"Stream {name} under account {ACCOUNT} not found."
    )
    # The name can be used again at once.
    assert aws("create-stream", "--stream-name", name, "--shard-count", 1) is None
    assert aws("wait", "stream-exists", "--stream-name", name) is None
    assert aws.summary(name)["OpenShardCount"] == 1


def test_regions_and_accounts_are_namespaces(aws, freshet, tmp_path):
    """The CLI's --region and a 12-digit access key id select the namespace, as on AWS."""
    eu = Aws(freshet.endpoint, client_env(tmp_path), region="eu-west-1")
    name = eu.create(1)
    assert eu.summary(name)["StreamARN"] == f"arn:aws:kinesis:eu-west-1:{ACCOUNT}:stream/{name}"
    assert name in eu("list-streams")["StreamNames"]
    assert name not in aws("list-streams")["StreamNames"]
    err = aws.fail("describe-stream-summary", "--stream-name", name)
    assert err == error_line(
        "ResourceNotFoundException", "DescribeStreamSummary", f"Stream {name} under account {ACCOUNT} not found."
    )

    env = client_env(tmp_path)
    env["AWS_ACCESS_KEY_ID"] = "123456789012"
    other = Aws(freshet.endpoint, env, region="eu-west-1")
    assert name not in other("list-streams")["StreamNames"]
    assert other("create-stream", "--stream-name", name, "--shard-count", 2) is None
    assert other.wait_active(name)["StreamARN"] == f"arn:aws:kinesis:eu-west-1:123456789012:stream/{name}"
    assert other.summary(name)["OpenShardCount"] == 2
    assert eu.summary(name)["OpenShardCount"] == 1
