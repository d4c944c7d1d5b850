"""Fixtures: the real freshet binary, and the AWS CLI and boto3 pointed at it.

Nothing Freshet-specific is configured on the client side: the CLI gets --endpoint-url,
--region and dummy credentials, exactly what a user changes to move from AWS to Freshet.
"""

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ACCOUNT = "000000000000"  # Freshet's account for access keys that are not 12-digit ids
REGION = "us-east-1"
MAX_HASH_KEY = 2**128 - 1
READY_TIMEOUT = 30.0
STATE_TIMEOUT = 20.0


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Freshet:
    """One freshet process listening on a free loopback port."""

    def __init__(self, binary, workdir, *flags):
        self.port = _free_port()
        self.endpoint = f"http://127.0.0.1:{self.port}"
        self.log_path = workdir / "freshet.log"
        self._log = open(self.log_path, "wb")
        self.proc = subprocess.Popen(
            [str(binary), "--memory", "--listen", f"127.0.0.1:{self.port}", *flags],
            cwd=workdir,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_ready(self):
        deadline = time.monotonic() + READY_TIMEOUT
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"freshet exited with {self.proc.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(self.endpoint + "/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError):
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"freshet not ready after {READY_TIMEOUT}s:\n{self.log()}")
            time.sleep(0.05)

    def stop(self):
        """Sends SIGTERM and returns the exit code; kills a server that does not stop in 30 s."""
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError(f"freshet still running 30 s after SIGTERM:\n{self.log()}")
        finally:
            self._log.close()


@pytest.fixture(scope="session")
def freshet_binary(tmp_path_factory):
    out = tmp_path_factory.mktemp("bin") / "freshet"
    p = subprocess.run(["go", "build", "-o", str(out), "./cmd/freshet"], cwd=REPO, capture_output=True, text=True)
    assert p.returncode == 0, f"go build ./cmd/freshet failed:\n{p.stdout}{p.stderr}"
    return out


def serve(binary, workdir, *flags):
    server = Freshet(binary, workdir, *flags)
    try:
        server.wait_ready()
    except BaseException:
        server.proc.kill()
        server.proc.wait()
        raise
    yield server
    rc = server.stop()
    assert rc == 0, f"freshet exited with {rc} on SIGTERM:\n{server.log()}"


@pytest.fixture(scope="session")
def freshet(freshet_binary, tmp_path_factory):
    yield from serve(freshet_binary, tmp_path_factory.mktemp("freshet"))


@pytest.fixture(scope="session")
def freshet_limited(freshet_binary, tmp_path_factory):
    """A second server that enforces AWS's per-shard throughput limits."""
    yield from serve(freshet_binary, tmp_path_factory.mktemp("freshet-limited"), "--enforce-limits")


def client_env(tmp):
    """The environment of a client that knows nothing but dummy credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="AKIAFRESHETCOMPAT",
        AWS_SECRET_ACCESS_KEY="dummy-secret",
        AWS_PAGER="",
        AWS_CONFIG_FILE=str(tmp / "no-such-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp / "no-such-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
        # Every answer is the server's first: no retry may hide a 5xx or a throttle.
        AWS_MAX_ATTEMPTS="1",
    )
    return env


class CliError(Exception):
    pass


class Aws:
    """Runs `aws --endpoint-url … --region REGION --output json kinesis ARGS`."""

    def __init__(self, endpoint, env, region=REGION):
        exe = Path(sys.executable).parent / "aws"
        self.base = [str(exe), "--endpoint-url", endpoint, "--region", region, "--output", "json", "kinesis"]
        self.env = env

    def run(self, *args):
        return subprocess.run(
            [*self.base, *map(str, args)], env=self.env, capture_output=True, text=True, timeout=120
        )

    def __call__(self, *args):
        """Runs a command that must succeed; returns its parsed JSON (None for no output)."""
        p = self.run(*args)
        if p.returncode != 0:
            raise CliError(f"aws kinesis {' '.join(map(str, args))}: exit {p.returncode}\n{p.stderr}")
        return json.loads(p.stdout) if p.stdout.strip() else None

    def fail(self, *args):
        """Runs a command that must fail with a service error; returns its stderr."""
        p = self.run(*args)
        # CLI v1 exits 255 on a service error (v2: 254); 252 would be a parameter error
        # caught by the CLI itself, which would prove nothing about the server.
        assert p.returncode in (254, 255), f"exit {p.returncode}, stdout {p.stdout!r}, stderr {p.stderr!r}"
        assert p.stdout == ""
        return p.stderr.strip()

    def summary(self, name):
        return self("describe-stream-summary", "--stream-name", name)["StreamDescriptionSummary"]

    def wait_active(self, name):
        """Polls DescribeStreamSummary until the stream is ACTIVE; returns the summary."""
        deadline = time.monotonic() + STATE_TIMEOUT
        while True:
            s = self.summary(name)
            if s["StreamStatus"] == "ACTIVE":
                return s
            assert time.monotonic() < deadline, f"{name} still {s['StreamStatus']} after {STATE_TIMEOUT}s"

    def create(self, shards=None, *extra):
        """Creates a uniquely named stream, waits for it with the CLI's waiter, returns its name."""
        name = "compat-" + uuid.uuid4().hex[:10]
        args = ["create-stream", "--stream-name", name]
        if shards is not None:
            args += ["--shard-count", shards]
        assert self(*args, *extra) is None
        assert self("wait", "stream-exists", "--stream-name", name) is None
        return name


def error_line(code, op, message):
    """What the CLI prints for a service error."""
    return f"An error occurred ({code}) when calling the {op} operation: {message}"


def arn(name):
    return f"arn:aws:kinesis:{REGION}:{ACCOUNT}:stream/{name}"


@pytest.fixture(scope="session")
def aws(freshet, tmp_path_factory):
    return Aws(freshet.endpoint, client_env(tmp_path_factory.mktemp("cli")))


@pytest.fixture(scope="session")
def aws_limited(freshet_limited, tmp_path_factory):
    return Aws(freshet_limited.endpoint, client_env(tmp_path_factory.mktemp("cli-limited")))
