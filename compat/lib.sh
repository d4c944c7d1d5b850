# Sourced by the compat suites' run.sh: build and run the real freshet binary, and count
# results. A suite prints one line `N passed, N failed` last and exits non-zero on a failure.

compat_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo_dir=$(cd "$compat_dir/.." && pwd)
passed=0
failed=0
freshet_pids=()

# freshet_binary DIR: sets FRESHET_BIN, building ./cmd/freshet into DIR unless the caller
# (compat/run.sh) already built one.
freshet_binary() {
  if [ -z "${FRESHET_BIN:-}" ]; then
    FRESHET_BIN=$1/freshet
    (cd "$repo_dir" && go build -o "$FRESHET_BIN" ./cmd/freshet)
  fi
}

# freshet_credentials FILE: writes an --auth credentials file holding the dummy key every
# suite's clients sign with, so that an --auth server verifies their real signatures.
freshet_credentials() {
  echo '{"accessKeyId":"AKIAFRESHETCOMPAT","secretAccessKey":"dummy-secret"}' >"$1"
}

# freshet_start LOG FLAGS...: starts freshet --memory on a free loopback port with FLAGS,
# in LOG's directory, logging to LOG; sets FRESHET_PID and FRESHET_ADDR (host:port, read from the log).
freshet_start() {
  local log=$1 i
  shift
  : >"$log"
  # From LOG's directory, so that nothing a flag writes lands in the work tree.
  (cd "$(dirname "$log")" && exec "$FRESHET_BIN" --memory --listen 127.0.0.1:0 "$@" >"$log" 2>&1) &
  FRESHET_PID=$!
  freshet_pids+=("$FRESHET_PID")
  FRESHET_ADDR=
  for i in $(seq 300); do
    FRESHET_ADDR=$(sed -n 's/.*msg="freshet listening" addr=\([^ ]*\).*/\1/p' "$log" || true)
    [ -n "$FRESHET_ADDR" ] && return 0
    if ! kill -0 "$FRESHET_PID" 2>/dev/null; then
      echo "freshet $* did not start:" >&2
      tail -3 "$log" >&2
      return 1
    fi
    sleep 0.1
  done
  echo "freshet $* not listening after 30 s" >&2
  kill -KILL "$FRESHET_PID"
  return 1
}

# freshet_kill_all: for an EXIT trap, kills every server freshet_start started and
# freshet_stop did not stop.
freshet_kill_all() {
  local p
  for p in "${freshet_pids[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
}

# freshet_stop PID LOG: SIGTERM, then a clean exit (0) within 30 s is a passed check.
freshet_stop() {
  local pid=$1 log=$2 i rc
  kill -TERM "$pid" 2>/dev/null || true
  for i in $(seq 300); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    kill -KILL "$pid"
    echo "FAIL freshet still running 30 s after SIGTERM" >&2
  fi
  rc=0
  wait "$pid" || rc=$?
  local kept=() p
  for p in "${freshet_pids[@]}"; do [ "$p" = "$pid" ] || kept+=("$p"); done
  freshet_pids=("${kept[@]}")
  if [ "$rc" -eq 0 ]; then
    passed=$((passed + 1))
    echo "ok   freshet exits 0 on SIGTERM"
  else
    failed=$((failed + 1))
    echo "FAIL freshet exited $rc on SIGTERM; its log:"
    tail -20 "$log"
  fi
}

# tally LOG: adds the counts of a run's output (a final `N passed, N failed` line, or
# pytest's summary) to passed and failed. A run that printed no counts is one failure.
tally() {
  local line p f e
  line=$(grep -E '[0-9]+ (passed|failed)' "$1" | tail -1 || true)
  if [ -z "$line" ]; then
    failed=$((failed + 1))
    return
  fi
  p=$(grep -oE '[0-9]+ passed' <<<"$line" | cut -d' ' -f1 || true)
  f=$(grep -oE '[0-9]+ failed' <<<"$line" | cut -d' ' -f1 || true)
  e=$(grep -oE '[0-9]+ errors?' <<<"$line" | cut -d' ' -f1 || true)
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0} + ${e:-0}))
}
