"""Fixtures: the real freshet binary (compat/awscli's fixtures, shared), boto3, and the AWS CLI v2.

The CLI v2 is not on PyPI: run.sh installs Debian's `awscli` package (2.9.19 on bookworm),
which lives outside the venv, at AWS_CLI_V2 (default /usr/bin/aws).
"""

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

_spec = importlib.util.spec_from_file_location("awscli_conftest", Path(__file__).parents[1] / "awscli" / "conftest.py")
shared = importlib.util.module_from_spec(_spec)
sys.modules["awscli_conftest"] = shared
_spec.loader.exec_module(shared)

ACCOUNT, REGION, Aws, arn, client_env, error_line = (
    shared.ACCOUNT,
    shared.REGION,
    shared.Aws,
    shared.arn,
    shared.client_env,
    shared.error_line,
)
freshet = shared.freshet

AWS_CLI_V2 = os.environ.get("AWS_CLI_V2", "/usr/bin/aws")
ACCESS_KEY, SECRET_KEY = "AKIAFRESHETCOMPAT", "dummy-secret"  # client_env's dummy key


@pytest.fixture(scope="session")
def freshet_binary(tmp_path_factory):
    """The binary compat/run.sh built (FRESHET_BIN), else a fresh build of ./cmd/freshet."""
    if os.environ.get("FRESHET_BIN"):
        return Path(os.environ["FRESHET_BIN"])
    out = tmp_path_factory.mktemp("bin") / "freshet"
    p = subprocess.run(["go", "build", "-o", str(out), "./cmd/freshet"], cwd=shared.REPO, capture_output=True, text=True)
    assert p.returncode == 0, f"go build ./cmd/freshet failed:\n{p.stdout}{p.stderr}"
    return out


@pytest.fixture(scope="session")
def freshet_auth(freshet_binary, tmp_path_factory):
    """A server that verifies SigV4 signatures (--auth) against the clients' dummy key."""
    work = tmp_path_factory.mktemp("freshet-auth")
    creds = work / "credentials.jsonl"
    creds.write_text(f'{{"accessKeyId":"{ACCESS_KEY}","secretAccessKey":"{SECRET_KEY}"}}\n')
    yield from shared.serve(freshet_binary, work, "--auth", str(creds))


@pytest.fixture(scope="session")
def kinesis(freshet):
    """boto3 with nothing but an endpoint, dummy credentials and retries off."""
    session = boto3.session.Session(
        aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY, region_name=REGION
    )
    return session.client("kinesis", endpoint_url=freshet.endpoint, config=Config(retries={"max_attempts": 1}))


def wait_consumer_active(kinesis, consumer_arn, timeout=20):
    """Polls DescribeStreamConsumer until the consumer is ACTIVE."""
    deadline = time.monotonic() + timeout
    while True:
        d = kinesis.describe_stream_consumer(ConsumerARN=consumer_arn)["ConsumerDescription"]
        if d["ConsumerStatus"] == "ACTIVE":
            return d
        assert time.monotonic() < deadline, f"consumer {d['ConsumerStatus']} after {timeout} s"
        time.sleep(0.1)


class AwsV2(Aws):
    """`aws --endpoint-url … kinesis ARGS` with the CLI v2 binary."""

    def __init__(self, endpoint, env):
        super().__init__(endpoint, env)
        self.base[0] = AWS_CLI_V2
        self.endpoint = endpoint


@pytest.fixture(scope="session")
def aws2(freshet, tmp_path_factory):
    p = subprocess.run([AWS_CLI_V2, "--version"], capture_output=True, text=True)
    assert p.returncode == 0 and p.stdout.startswith("aws-cli/2."), f"{AWS_CLI_V2} is not the AWS CLI v2: {p}"
    return AwsV2(freshet.endpoint, client_env(tmp_path_factory.mktemp("cli2")))
