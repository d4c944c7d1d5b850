#!/usr/bin/env bash
# Runs the AWS CLI / boto3 compatibility suite: a throwaway venv with the pinned clients,
# then pytest, which builds ./cmd/freshet and drives it by --endpoint-url only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# compat/run.sh makes one venv for both Python suites (COMPAT_VENV); alone, make our own.
venv=${COMPAT_VENV:-$tmp/venv}
if [ -z "${COMPAT_VENV:-}" ]; then
  "${PYTHON:-python3}" -m venv "$venv"
  # pip compiles the packages as it installs them: each aws process then starts from .pyc.
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
fi
# The suite's own modules are not worth a __pycache__ in the work tree.
export PYTHONDONTWRITEBYTECODE=1
cd "$here"
rc=0
"$venv/bin/python" -m pytest -p no:cacheprovider -q -n 2 --durations=5 "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
  echo "compat/awscli: pytest ran no tests" >&2
  exit 1
fi
exit "$rc"
