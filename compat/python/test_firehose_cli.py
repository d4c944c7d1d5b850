"""Amazon Data Firehose with the AWS CLI v2: AWS's getting-started flow (create a DirectPut
delivery stream to S3, wait for ACTIVE, put records, find the object in the bucket), with
nothing but --endpoint-url changed. Freshet writes bucket arn:aws:s3:::b to <data-dir>/s3/b,
so the test reads the objects from its own server's data directory.

The CLI 2.9.19's model bounds BufferingHints.IntervalInSeconds to 60..900 (today's AWS
takes 0): the CLI streams fill the 1 MiB size hint exactly, which delivers at once, and
boto3 (whose model takes 0) checks the interval flush."""

import base64
import gzip
import json
import re
import time
import uuid
from datetime import datetime, timezone

import boto3
import pytest
from botocore.config import Config

from conftest import ACCESS_KEY, ACCOUNT, REGION, SECRET_KEY, AwsV2, client_env, error_line, shared

MIB = 1 << 20
ROLE = f"arn:aws:iam::{ACCOUNT}:role/firehose-delivery-role"
DELIVERY_TIMEOUT = 30.0
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class FirehoseCli(AwsV2):
    """`aws --endpoint-url … firehose ARGS` with the CLI v2, and the server's S3 directory."""

    def __init__(self, endpoint, env, s3):
        super().__init__(endpoint, env)
        self.base[-1] = "firehose"
        self.s3 = s3

    def describe(self, name):
        return self("describe-delivery-stream", "--delivery-stream-name", name)["DeliveryStreamDescription"]

    def wait_active(self, name):
        """Polls DescribeDeliveryStream until the stream is ACTIVE (AWS: CREATING first)."""
        deadline = time.monotonic() + shared.STATE_TIMEOUT
        while True:
            d = self.describe(name)
            if d["DeliveryStreamStatus"] == "ACTIVE":
                return d
            assert d["DeliveryStreamStatus"] == "CREATING", d
            assert time.monotonic() < deadline, f"{name} still {d['DeliveryStreamStatus']}"
            time.sleep(0.1)

    def objects(self, bucket):
        """The bucket's object keys (Freshet writes each object to a temporary dot-file first)."""
        root = self.s3 / bucket
        if not root.is_dir():
            return []
        return sorted(p.relative_to(root).as_posix() for p in root.rglob("*")
                      if p.is_file() and not p.name.startswith("."))

    def wait_objects(self, bucket, count=1):
        """Polls the bucket's directory until it holds count objects; returns their keys."""
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while True:
            keys = self.objects(bucket)
            if len(keys) >= count:
                return keys
            assert time.monotonic() < deadline, f"s3://{bucket}: {keys} after {DELIVERY_TIMEOUT} s"
            time.sleep(0.05)

    def read(self, bucket, key):
        return (self.s3 / bucket / key).read_bytes()


@pytest.fixture(scope="module")
def firehose(freshet_binary, tmp_path_factory):
    """A server of this module's own, with a data directory the test can read. Streams stay
    CREATING and DELETING for a while, as on AWS, so that the flow must wait for ACTIVE."""
    work = tmp_path_factory.mktemp("freshet-firehose")
    data = work / "data"
    served = shared.serve(freshet_binary, work, "--data-dir", str(data), "--state-delay", "500ms")
    server = next(served)
    yield FirehoseCli(server.endpoint, client_env(work), data / "s3")
    next(served, None)  # SIGTERM; a non-zero exit fails here


def names():
    suffix = uuid.uuid4().hex[:10]
    return f"cli2-fh-{suffix}", f"compat-bucket-{suffix}"


def s3_config(bucket, compression="UNCOMPRESSED", **extra):
    return {
        "RoleARN": ROLE,
        "BucketARN": f"arn:aws:s3:::{bucket}",
        # The CLI model's minimums: 1 MiB delivers as soon as the buffer holds it.
        "BufferingHints": {"SizeInMBs": 1, "IntervalInSeconds": 60},
        "CompressionFormat": compression,
        **extra,
    }


def create(firehose, name, config, *extra):
    out = firehose("create-delivery-stream", "--delivery-stream-name", name,
                   "--delivery-stream-type", "DirectPut",
                   "--extended-s3-destination-configuration", json.dumps(config), *extra)
    assert out == {"DeliveryStreamARN": f"arn:aws:firehose:{REGION}:{ACCOUNT}:deliverystream/{name}"}
    return firehose.wait_active(name)


def put_one_mib(firehose, name, tmp_path):
    """put-record (raw text) and put-record-batch (base64 in a file://, v2's default) whose
    records add up to exactly 1 MiB; returns the records in order."""
    first = b"hello from the AWS CLI v2."  # shorthand syntax strips trailing white space
    out = firehose("put-record", "--delivery-stream-name", name, "--cli-binary-format", "raw-in-base64-out",
                   "--record", f"Data={first.decode()}")
    assert set(out) == {"RecordId", "Encrypted"} and out["Encrypted"] is False and out["RecordId"]

    small = [b"batch-0\n", b"\x00\xff binary \x80\n"]
    left = MIB - len(first) - sum(map(len, small))
    every_byte = bytes(range(256)) * (left // 2 // 256)
    batch = [small[0], every_byte, small[1], b"z" * (left - len(every_byte))]
    assert len(first) + sum(map(len, batch)) == MIB and max(map(len, batch)) <= 1000 * 1024
    records = tmp_path / "records.json"
    records.write_text(json.dumps([{"Data": base64.b64encode(r).decode()} for r in batch]))
    out = firehose("put-record-batch", "--delivery-stream-name", name, "--records", f"file://{records}")
    assert out["FailedPutCount"] == 0 and out["Encrypted"] is False
    ids = [r["RecordId"] for r in out["RequestResponses"]]
    assert len(ids) == len(batch) and len(set(ids)) == len(batch), out
    return [first, *batch]


def utc_second():
    return datetime.now(timezone.utc).replace(microsecond=0)


def split_key(key, name, ext, before, after):
    """key is <prefix><name>-1-<YYYY-MM-DD-HH-MM-SS>-<uuid><ext>, the timestamp in UTC between
    before and after; returns the prefix and the timestamp."""
    m = re.fullmatch(r"(.*/)" + re.escape(name) + r"-1-(\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})-" + UUID + re.escape(ext),
                     key)
    assert m, key
    at = datetime.strptime(m.group(2), "%Y-%m-%d-%H-%M-%S").replace(tzinfo=timezone.utc)
    assert before <= at <= after, (at, before, after)
    return m.group(1), at


@pytest.mark.parametrize("compression, ext", [("UNCOMPRESSED", ""), ("GZIP", ".gz")])
def test_firehose_cli_getting_started(firehose, tmp_path, compression, ext):
    name, bucket = names()
    d = create(firehose, name, s3_config(bucket, compression))
    assert (d["DeliveryStreamName"], d["DeliveryStreamType"], d["VersionId"]) == (name, "DirectPut", "1")
    dest = d["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert (dest["BucketARN"], dest["RoleARN"], dest["CompressionFormat"]) == (
        f"arn:aws:s3:::{bucket}", ROLE, compression)
    assert dest["BufferingHints"] == {"SizeInMBs": 1, "IntervalInSeconds": 60}

    before = utc_second()
    records = put_one_mib(firehose, name, tmp_path)
    [key] = firehose.wait_objects(bucket)
    after = datetime.now(timezone.utc)
    # The default prefix: YYYY/MM/dd/HH/ in UTC, of the same instant as the name's timestamp.
    prefix, at = split_key(key, name, ext, before, after)
    assert prefix == at.strftime("%Y/%m/%d/%H/")
    body = firehose.read(bucket, key)
    if compression == "GZIP":
        assert body[:2] == b"\x1f\x8b"
        body = gzip.decompress(body)
    assert body == b"".join(records)

    assert firehose("delete-delivery-stream", "--delivery-stream-name", name) is None
    # Deleting a stream leaves its delivered objects.
    assert firehose.objects(bucket) == [key]


def test_firehose_cli_custom_prefix(firehose, tmp_path):
    name, bucket = names()
    prefix = "logs/!{timestamp:yyyy/MM/dd}/"
    config = s3_config(bucket, Prefix=prefix)
    # AWS: a prefix with expressions needs an ErrorOutputPrefix.
    err = firehose.fail("create-delivery-stream", "--delivery-stream-name", name,
                        "--extended-s3-destination-configuration", json.dumps(config))
    assert err.startswith("An error occurred (InvalidArgumentException) when calling the CreateDeliveryStream "
                          "operation"), err
    assert err.endswith("ErrorOutputPrefix cannot be null or empty when Prefix contains expressions"), err

    config["ErrorOutputPrefix"] = "errors/!{firehose:error-output-type}/!{timestamp:yyyy/MM/dd}/"
    dest = create(firehose, name, config)["Destinations"][0]["ExtendedS3DestinationDescription"]
    assert (dest["Prefix"], dest["ErrorOutputPrefix"]) == (prefix, config["ErrorOutputPrefix"])

    before = utc_second()
    records = put_one_mib(firehose, name, tmp_path)
    [key] = firehose.wait_objects(bucket)
    after = datetime.now(timezone.utc)
    # The prefix evaluated, with no YYYY/MM/dd/HH/ added (it has a timestamp expression).
    evaluated, at = split_key(key, name, "", before, after)
    assert evaluated == at.strftime("logs/%Y/%m/%d/")
    assert firehose.read(bucket, key) == b"".join(records)
    assert firehose("delete-delivery-stream", "--delivery-stream-name", name) is None


def test_firehose_cli_list_tags_errors_delete(firehose):
    name, bucket = names()
    other = name + "-b"
    create(firehose, name, s3_config(bucket), "--tags", "Key=team,Value=data")
    create(firehose, other, s3_config(bucket))

    listed = firehose("list-delivery-streams", "--delivery-stream-type", "DirectPut")
    assert {name, other} <= set(listed["DeliveryStreamNames"]) and listed["HasMoreDeliveryStreams"] is False
    assert listed["DeliveryStreamNames"] == sorted(listed["DeliveryStreamNames"])
    page = firehose("list-delivery-streams", "--limit", 1, "--exclusive-start-delivery-stream-name", name)
    assert page["DeliveryStreamNames"] == [other], page

    assert firehose("tag-delivery-stream", "--delivery-stream-name", name,
                    "--tags", "Key=env,Value=compat", "Key=team,Value=streaming") is None
    tags = firehose("list-tags-for-delivery-stream", "--delivery-stream-name", name)
    assert tags["HasMoreTags"] is False
    # The value of an existing key replaced (AWS documents no order).
    assert sorted(tags["Tags"], key=lambda t: t["Key"]) == [
        {"Key": "env", "Value": "compat"}, {"Key": "team", "Value": "streaming"}]
    assert firehose("untag-delivery-stream", "--delivery-stream-name", name, "--tag-keys", "env") is None
    tags = firehose("list-tags-for-delivery-stream", "--delivery-stream-name", name)
    assert tags["Tags"] == [{"Key": "team", "Value": "streaming"}]

    # With the CLI's default retry settings: AWS_MAX_ATTEMPTS=1 would append
    # " (reached max retries: 0)" to the operation name.
    plain = FirehoseCli(firehose.endpoint, {k: v for k, v in firehose.env.items() if k != "AWS_MAX_ATTEMPTS"},
                        firehose.s3)
    missing = name + "-missing"
    assert plain.fail("describe-delivery-stream", "--delivery-stream-name", missing) == error_line(
        "ResourceNotFoundException", "DescribeDeliveryStream",
        f"Firehose {missing} under account {ACCOUNT} not found.")
    assert plain.fail("put-record", "--delivery-stream-name", missing, "--cli-binary-format",
                      "raw-in-base64-out", "--record", "Data=x") == error_line(
        "ResourceNotFoundException", "PutRecord", f"Firehose {missing} under account {ACCOUNT} not found.")

    for n in (name, other):
        assert firehose("delete-delivery-stream", "--delivery-stream-name", n) is None
        deadline = time.monotonic() + shared.STATE_TIMEOUT
        while True:  # AWS: DELETING for a while, then gone
            p = plain.run("describe-delivery-stream", "--delivery-stream-name", n)
            if p.returncode != 0:
                break
            assert json.loads(p.stdout)["DeliveryStreamDescription"]["DeliveryStreamStatus"] == "DELETING"
            assert time.monotonic() < deadline, f"{n} still there"
            time.sleep(0.1)
        assert p.stderr.strip() == error_line(
            "ResourceNotFoundException", "DescribeDeliveryStream", f"Firehose {n} under account {ACCOUNT} not found.")
    assert not {name, other} & set(firehose("list-delivery-streams")["DeliveryStreamNames"])


def test_firehose_boto3_interval_flush(firehose):
    """boto3's model takes IntervalInSeconds 0..900: a 1 s interval delivers a small buffer."""
    client = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
    ).client("firehose", endpoint_url=firehose.endpoint, config=Config(retries={"max_attempts": 1}))
    name, bucket = names()
    config = s3_config(bucket, "GZIP")
    config["BufferingHints"] = {"SizeInMBs": 1, "IntervalInSeconds": 1}
    client.create_delivery_stream(DeliveryStreamName=name, ExtendedS3DestinationConfiguration=config)
    firehose.wait_active(name)

    before = utc_second()
    # One request: its records reach the buffer together, so one object holds them all.
    records = [json.dumps({"ticker": "FRSH", "price": i}).encode() + b"\n" for i in range(5)]
    out = client.put_record_batch(DeliveryStreamName=name, Records=[{"Data": r} for r in records])
    assert out["FailedPutCount"] == 0
    [key] = firehose.wait_objects(bucket)
    after = datetime.now(timezone.utc)
    prefix, at = split_key(key, name, ".gz", before, after)
    assert prefix == at.strftime("%Y/%m/%d/%H/")
    assert gzip.decompress(firehose.read(bucket, key)) == b"".join(records)
    client.delete_delivery_stream(DeliveryStreamName=name)
