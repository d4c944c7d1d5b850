#!/usr/bin/env bash
# JavaScript SDK v3 compatibility suite: `npm ci` installs the exact versions in
# package-lock.json, then compat.mjs runs against the real freshet binary: over h2c
# (http://), over TLS (https://, freshet --tls with its self-signed certificate), and over
# h2c with signatures verified (--auth).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
tmp=$(mktemp -d)
trap 'freshet_kill_all; rm -rf "$tmp"' EXIT
freshet_binary "$tmp"

cd "$here"
if ! npm ci --no-audit --no-fund --loglevel=error >"$tmp/npm.log" 2>&1; then
  cat "$tmp/npm.log"
  echo "compat/js: npm ci failed"
  echo "0 passed, 1 failed"
  exit 1
fi

freshet_start "$tmp/plain.log"
plain=$FRESHET_ADDR plain_pid=$FRESHET_PID
tls= tls_pid=
if freshet_start "$tmp/tls.log" --tls; then
  tls=$FRESHET_ADDR tls_pid=$FRESHET_PID
fi
freshet_credentials "$tmp/credentials.jsonl"
freshet_start "$tmp/auth.log" --auth "$tmp/credentials.jsonl"
auth=$FRESHET_ADDR auth_pid=$FRESHET_PID

# --no-warnings: the SDK warns that releases after January 2027 need Node 22.
node --no-warnings compat.mjs "http://$plain" h2c | tee "$tmp/h2c.out" || true
tally "$tmp/h2c.out"
if [ -n "$tls" ]; then
  NODE_TLS_REJECT_UNAUTHORIZED=0 node --no-warnings compat.mjs "https://$tls" tls | tee "$tmp/tls.out" || true
  tally "$tmp/tls.out"
else
  echo "FAIL tls: no server (freshet --tls did not start)"
  failed=$((failed + 1))
fi

# --auth: the server verifies the SDK's real SigV4 signatures (over HTTP/2 it signs :authority).
node --no-warnings compat.mjs "http://$auth" h2c-auth | tee "$tmp/auth.out" || true
tally "$tmp/auth.out"

freshet_stop "$plain_pid" "$tmp/plain.log"
freshet_stop "$auth_pid" "$tmp/auth.log"
[ -n "$tls_pid" ] && freshet_stop "$tls_pid" "$tmp/tls.log"
echo "compat/js: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
