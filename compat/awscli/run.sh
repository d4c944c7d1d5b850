#!/usr/bin/env bash
# Runs the AWS CLI / boto3 compatibility suite: a throwaway venv with the pinned clients,
# then pytest, which builds ./cmd/freshet and drives it by --endpoint-url only.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"${PYTHON:-python3}" -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check -r "$here/requirements.txt"
cd "$here"
rc=0
"$tmp/venv/bin/python" -m pytest -p no:cacheprovider -q --durations=5 "$@" || rc=$?
if [ "$rc" -eq 5 ]; then
  echo "compat/awscli: pytest ran no tests" >&2
  exit 1
fi
exit "$rc"
