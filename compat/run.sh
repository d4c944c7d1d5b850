#!/usr/bin/env bash
# Every compatibility suite, one after another, against the real freshet binary: the AWS
# CLI v1 + boto3 (awscli), boto3 + AWS CLI v2 (python), the JavaScript SDK v3 (js) and the
# Java SDK v2 (java). Each suite installs its own clients from their registries. Prints each
# suite's time and, last, the sum of their counts; exits non-zero if any check failed.
#
#   bash compat/run.sh              # every suite
#   bash compat/run.sh js java      # some of them
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
freshet_binary "$tmp"
export FRESHET_BIN

suites=("$@")
[ ${#suites[@]} -gt 0 ] || suites=(awscli python js java)
# One venv for the two Python suites (the same pins).
times=()
if [[ " ${suites[*]} " == *" awscli "* || " ${suites[*]} " == *" python "* ]]; then
  start=$SECONDS
  export COMPAT_VENV=$tmp/venv
  "${PYTHON:-python3}" -m venv "$COMPAT_VENV"
  "$COMPAT_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$here/awscli/requirements.txt"
  times+=("python venv (pip install): $((SECONDS - start)) s")
fi
for s in "${suites[@]}"; do
  echo "=== compat/$s"
  start=$SECONDS
  rc=0
  bash "$here/$s/run.sh" 2>&1 | tee "$tmp/$s.out" || rc=$?
  before=$failed
  tally "$tmp/$s.out"
  # A suite that failed without counting a failure (a crash, an install error) is one.
  if [ "$rc" -ne 0 ] && [ "$failed" -eq "$before" ]; then
    failed=$((failed + 1))
  fi
  times+=("compat/$s: $((SECONDS - start)) s, exit $rc")
done
printf '%s\n' "${times[@]}"
echo "compat: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
