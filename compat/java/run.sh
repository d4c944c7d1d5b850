#!/usr/bin/env bash
# Java SDK v2 compatibility suite: Maven (quiet) compiles Main against the pinned SDK and
# writes the classpath; each client configuration then runs in its own JVM against the real
# freshet binary: CBOR on and off, h2c and TLS, and signatures verified (--auth).
# Set COMPAT_MAVEN_REPO to use another local repository than ~/.m2.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
source "$here/../lib.sh"
tmp=$(mktemp -d)
trap 'freshet_kill_all; rm -rf "$tmp"' EXIT
freshet_binary "$tmp"

cd "$here"
if ! mvn -q -B ${COMPAT_MAVEN_REPO:+-Dmaven.repo.local=$COMPAT_MAVEN_REPO} \
    compile dependency:build-classpath -Dmdep.outputFile="$tmp/classpath.txt" >"$tmp/mvn.log" 2>&1; then
  cat "$tmp/mvn.log"
  echo "compat/java: maven failed"
  echo "0 passed, 1 failed"
  exit 1
fi
cp="$here/target/classes:$(cat "$tmp/classpath.txt")"

freshet_start "$tmp/plain.log"
plain=$FRESHET_ADDR plain_pid=$FRESHET_PID
tls= tls_pid=
if freshet_start "$tmp/tls.log" --tls; then
  tls=$FRESHET_ADDR tls_pid=$FRESHET_PID
fi
freshet_credentials "$tmp/credentials.jsonl"
freshet_start "$tmp/auth.log" --auth "$tmp/credentials.jsonl"
auth=$FRESHET_ADDR auth_pid=$FRESHET_PID

# run LABEL ENDPOINT [JVM and Main arguments...]
run() {
  local label=$1 endpoint=$2
  shift 2
  if [ -z "$endpoint" ]; then
    echo "FAIL $label: no server (freshet --tls did not start)"
    failed=$((failed + 1))
    return
  fi
  local jvm=() args=()
  for a in "$@"; do
    case $a in -D*) jvm+=("$a") ;; *) args+=("$a") ;; esac
  done
  java "${jvm[@]}" -cp "$cp" freshet.compat.Main "$endpoint" "$label" "${args[@]}" | tee "$tmp/$label.out" || true
  tally "$tmp/$label.out"
}

run json-h2c "http://$plain" -Daws.cborEnabled=false
run cbor-h2c "http://$plain"
run cbor-tls "${tls:+https://$tls}"
run cbor-tls-alpn "${tls:+https://$tls}" alpn
run json-tls-alpn "${tls:+https://$tls}" alpn -Daws.cborEnabled=false
run cbor-h2c-auth "http://$auth"

freshet_stop "$plain_pid" "$tmp/plain.log"
freshet_stop "$auth_pid" "$tmp/auth.log"
[ -n "$tls_pid" ] && freshet_stop "$tls_pid" "$tmp/tls.log"
echo "compat/java: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
