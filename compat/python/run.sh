#!/usr/bin/env bash
# boto3 and AWS CLI v2 compatibility suite. boto3 and pytest come from PyPI into a
# throwaway venv (compat/run.sh's COMPAT_VENV, shared with compat/awscli), pinned by
# compat/awscli/requirements.txt: one set of Python pins for both Python suites. The AWS CLI v2 is not on PyPI (its `awscli` there is v1): it comes from
# Debian (`apt-get install awscli`, 2.9.19 on bookworm) unless AWS_CLI_V2 names one.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

export AWS_CLI_V2=${AWS_CLI_V2:-/usr/bin/aws}
if ! "$AWS_CLI_V2" --version 2>/dev/null | grep -q '^aws-cli/2\.'; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends awscli >"$tmp/apt.log" 2>&1 ||
      { apt-get update -q >>"$tmp/apt.log" 2>&1 &&
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends awscli >>"$tmp/apt.log" 2>&1; } ||
      { tail -20 "$tmp/apt.log"; echo "compat/python: apt-get install awscli failed"; }
  else
    echo "compat/python: no AWS CLI v2 at $AWS_CLI_V2 (install Debian's awscli, or set AWS_CLI_V2)"
  fi
fi

venv=${COMPAT_VENV:-$tmp/venv}
if [ -z "${COMPAT_VENV:-}" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/../awscli/requirements.txt"
fi
export PYTHONDONTWRITEBYTECODE=1
cd "$here"
rc=0
"$venv/bin/python" -m pytest -p no:cacheprovider -q -n 2 --durations=3 "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
  echo "compat/python: pytest ran no tests" >&2
  exit 1
fi
exit "$rc"
