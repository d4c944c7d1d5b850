#!/usr/bin/env bash
# Runs the standard scenario (freshet bench) against, one after the other on this machine:
#   parse-only   a server that only decodes PutRecords with Freshet's decoder (the ceiling)
#   freshet      this tree's server, durable (file storage in a temp dir)
#   kinesalite   kinesalite 3.3.3 (npm)
#   kinesis-local  kinesis-local 0.6.2 (npm; kinesis-mock compiled to JavaScript)
# and prints their figures side by side with ratios, the servers' peak memory (VmHWM), and
# how soon each answered its first request after it was started.
#
#   bash bench/compare.sh                        # 15 s per target (the standard scenario)
#   DURATION=3s bash bench/compare.sh            # a quick check
#   TARGETS="parse-only freshet" bash bench/compare.sh --size 1024
#
# Extra arguments go to every `freshet bench` run. The npm packages are installed once into
# $FRESHET_BENCH_CACHE (default ~/.cache/freshet-bench). Needs Go, Node.js, npm and curl.
# Figures are only comparable within one run on an otherwise idle machine.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${FRESHET_BENCH_CACHE:-$HOME/.cache/freshet-bench}
duration=${DURATION:-15s}
targets=${TARGETS:-parse-only freshet kinesalite kinesis-local}
work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

if [[ " $targets " == *" kinesalite "* || " $targets " == *" kinesis-local "* ]]; then
	if [[ ! -f $cache/node_modules/kinesalite/package.json || ! -f $cache/node_modules/kinesis-local/package.json ]]; then
		echo "installing kinesalite@3.3.3 and kinesis-local@0.6.2 into $cache" >&2
		mkdir -p "$cache"
		(cd "$cache" && { [[ -f package.json ]] || npm init -y >/dev/null; } &&
			npm install --no-audit --no-fund --silent kinesalite@3.3.3 kinesis-local@0.6.2 >&2)
	fi
fi

echo "building freshet" >&2
(cd "$root" && go build -o "$work/freshet" ./cmd/freshet)
bin=$work/freshet

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# first_answer PORT: waits until a Kinesis request is answered; prints ms since $started.
first_answer() {
	local port=$1 deadline=$((SECONDS + 120))
	until curl -s -o /dev/null --max-time 1 -X POST "http://127.0.0.1:$port/" \
		-H 'Content-Type: application/x-amz-json-1.1' -H 'X-Amz-Target: Kinesis_20131202.ListStreams' \
		-H 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDFRESHETBENCH/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host, Signature=0' \
		-d '{}'; do
		if ((SECONDS > deadline)); then
			echo "server on port $port did not answer within 120 s" >&2
			return 1
		fi
		sleep 0.005
	done
	echo $((($(date +%s%N) - started) / 1000000))
}

declare -A startup
results=()
for t in $targets; do
	port=$(free_port)
	phases=put,drain,latency
	started=$(date +%s%N)
	case $t in
	parse-only)
		"$bin" bench --serve-parse-only "127.0.0.1:$port" 2>"$work/$t.log" &
		phases=put
		;;
	freshet)
		"$bin" --listen "127.0.0.1:$port" --data-dir "$work/data" --log-level warn 2>"$work/$t.log" &
		;;
	kinesalite)
		node "$cache/node_modules/kinesalite/cli.js" --port "$port" --createStreamMs 0 --deleteStreamMs 0 \
			--updateStreamMs 0 --shardLimit 1000 >"$work/$t.log" 2>&1 &
		;;
	kinesis-local)
		# It reads server.json (its TLS settings) from the working directory.
		tls_port=$(free_port)
		(cd "$cache/node_modules/kinesis-local" && KINESIS_MOCK_PLAIN_PORT=$port KINESIS_MOCK_TLS_PORT=$tls_port \
			CREATE_STREAM_DURATION=0ms DELETE_STREAM_DURATION=0ms SHARD_LIMIT=1000 LOG_LEVEL=WARN \
			exec node main.js) >"$work/$t.log" 2>&1 &
		;;
	*)
		echo "unknown target $t" >&2
		exit 2
		;;
	esac
	pid=$!
	pids+=("$pid")
	startup[$t]=$(first_answer "$port")
	echo "== $t (pid $pid): first answer $((startup[$t])) ms after start" >&2
	if "$bin" bench --endpoint "http://127.0.0.1:$port" --label "$t" --pid "$pid" --phases "$phases" \
		--startup-ms "${startup[$t]}" --duration "$duration" --json "$@" >"$work/$t.json"; then
		results+=("$work/$t.json")
	else
		echo "== $t: the run failed or did not verify (see above)" >&2
		[[ -s $work/$t.json ]] && results+=("$work/$t.json")
	fi
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
done

echo
"$bin" bench --compare "${results[@]}"
