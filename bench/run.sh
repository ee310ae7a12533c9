#!/usr/bin/env bash
# isitdown against the C tools and curl, each in the same hyperfine run as its comparison:
# one probe (check_http, curl, a C floor), HTTPS (curl --cacert), a thousand slow and a
# thousand fast targets (curl -Z), repeated runs for a minute (peak RSS, threads), and the history
# (recording's cost, a recording watch's memory, reading ten million probes back).
#
#   bench/run.sh                        # everything; the repeated runs take two minutes
#   BENCH_WATCH_SECONDS=20 bench/run.sh # shorter repeated runs
#
# Needs hyperfine, curl, cc, python3, nginx and openssl, and uses check_http when installed
# (Debian: apt-get install hyperfine curl nginx monitoring-plugins-basic). Every isitdown run
# uses a config without reference endpoints and only 127.0.0.1 targets: nothing leaves this
# machine.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in hyperfine curl python3 cc; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done

cargo build --release --locked --quiet
binary=target/release/isitdown
check_http=$(command -v check_http || ls /usr/lib/nagios/plugins/check_http 2>/dev/null || true)
watch_seconds=${BENCH_WATCH_SECONDS:-60}

page='{"page":{"name":"Local"},"status":{"indicator":"none","description":"All Systems Operational"},"components":[{"name":"API","status":"operational"}],"incidents":[]}'
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
scratch=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$scratch"' EXIT
cc -O2 -o "$scratch/floor" bench/floor.c

# The local server: nginx when it is installed (as in production), else a small Python one.
tls_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
if command -v nginx >/dev/null; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 365 -subj /CN=127.0.0.1 \
    -addext subjectAltName=IP:127.0.0.1 -keyout "$scratch/key.pem" -out "$scratch/cert.pem" 2>/dev/null
  cat > "$scratch/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $scratch/nginx.pid;
error_log $scratch/error.log;
worker_rlimit_nofile 8192;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $scratch;
  server {
    listen 127.0.0.1:$port;
    location = /api/v2/summary.json { default_type application/json; return 200 '$page'; }
    location / { default_type text/plain; return 200 "ok\n"; }
  }
  server {
    listen 127.0.0.1:$tls_port ssl;
    ssl_certificate $scratch/cert.pem;
    ssl_certificate_key $scratch/key.pem;
    location / { default_type text/plain; return 200 "ok\n"; }
  }
}
CONF
  nginx -c "$scratch/nginx.conf" -p "$scratch" &
  server=$!
else
  python3 - "$port" "$page" 2>/dev/null <<'PY' &
import http.server, sys
PAGE = sys.argv[2].encode()
class Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        if self.path == "/api/v2/summary.json":
            body, kind = PAGE, "application/json"
        else:
            body, kind = b"ok\n", "text/plain"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Quiet).serve_forever()
PY
  server=$!
fi
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

url="http://127.0.0.1:$port/"
config="$scratch/config.toml"
export ISITDOWN_CONFIG="$config"
# Every run records its probes (the history): here, in the scratch folder, never in your home.
export XDG_STATE_HOME="$scratch/state"
# No reference endpoints: a failure must never send the connection check out to the internet.
local_only='[connectivity]\nreferences = []\n'
# A service whose status page is on the same local server: the page is read alongside the probe.
printf "$local_only"'[services.local]\nurl = "%s"\nstatus_page = "http://127.0.0.1:%s"\ncomponents = ["API"]\n' "$url" "$port" > "$config"

# hyperfine, its warnings about outliers kept aside unless it fails.
timed() {
  hyperfine --style none "$@" >/dev/null 2>"$scratch/hyperfine.err" || {
    cat "$scratch/hyperfine.err" >&2
    exit 1
  }
}

# Medians: this kind of machine is shared, and a few slow outliers move a mean. FILES is one
# hyperfine export, or several rounds of the same commands separated by commas: then a command's
# figure is the median of its rounds' medians, and a ratio the median of the rounds' ratios.
report() { # FILES [OURS|THEIRS|TARGET]...
  python3 - "$@" <<'PY'
import json, statistics, sys
rounds = [{r["command"]: r["median"] for r in json.load(open(f))["results"]}
          for f in sys.argv[1].split(",")]
for name in rounds[0]:
    value = statistics.median(r[name] for r in rounds)
    print(f"  {name:<34} {value*1000:9.2f} ms")
for pair in sys.argv[2:]:
    ours, theirs, target = pair.split("|")
    if ours in rounds[0] and theirs in rounds[0]:
        each = [r[ours] / r[theirs] for r in rounds]
        ratio = statistics.median(each)
        spread = f" (rounds: {' '.join(f'{x:.2f}' for x in each)})" if len(each) > 1 else ""
        if target == "-":
            print(f"  {ours} / {theirs}: {ratio:.2f}{spread}")
            continue
        verdict = "ok" if ratio <= float(target) else "MISSED"
        print(f"  {ours} / {theirs}: {ratio:.2f}{spread} (target at most {target}: {verdict})")
PY
}

# Short comparisons run in rounds, each one hyperfine run of every command in an order that
# turns from round to round: a slow spell of this shared machine then falls on all commands
# alike instead of on whichever ran during it. Sets `round_files` for `report`.
in_rounds() { # ROUNDS RUNS NAME COMMAND [NAME COMMAND]...
  local rounds=$1 runs=$2
  shift 2
  local pairs=("$@") count=$(($# / 2)) files=()
  for round in $(seq 0 $((rounds - 1))); do
    local ordered=()
    for i in $(seq 0 $((count - 1))); do
      local at=$(((i + round) % count))
      ordered+=(-n "${pairs[$((2 * at))]}" "${pairs[$((2 * at + 1))]}")
    done
    timed --warmup 10 --runs "$runs" -N --export-json "$scratch/round$round.json" "${ordered[@]}"
    files+=("$scratch/round$round.json")
  done
  round_files=$(IFS=,; echo "${files[*]}")
}

commands=(isitdown "$binary -q $url" curl "curl -s -o /dev/null $url"
  floor "$scratch/floor 127.0.0.1 $port /")
[ -n "$check_http" ] && commands+=(check_http "$check_http -H 127.0.0.1 -p $port -u /")
echo "One probe of a local server (5 rounds of 100 runs):"
in_rounds 5 100 "${commands[@]}" \
  "isitdown with status page" "$binary -q local" \
  "isitdown without status page" "$binary -q --no-status-page local"
report "$round_files" "isitdown|check_http|1.05" "isitdown|floor|2.5" "isitdown|curl|-" \
  "isitdown with status page|isitdown without status page|-"
echo "  binary $(stat -c %s "$binary" | awk '{printf "%.2f MB", $1/1e6}')"

# With real latency the status page is read while the probe waits: a server that takes 50 ms for
# the probe and for the page shows whether the two overlap (about 50 ms) or add up (about 100 ms).
slow_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$slow_port" "$page" 2>/dev/null <<'PY' &
import http.server, sys, time
PAGE = sys.argv[2].encode()
class Slow(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        time.sleep(0.05)
        page = self.path == "/api/v2/summary.json"
        body = PAGE if page else b"ok\n"
        self.send_response(200)
        self.send_header("Content-Type", "application/json" if page else "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Slow).serve_forever()
PY
slow_server=$!
trap 'kill $server $slow_server 2>/dev/null; rm -rf "$scratch"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$slow_port/" && break; sleep 0.1; done
printf "$local_only"'[services.slow]\nurl = "http://127.0.0.1:%s/"\nstatus_page = "http://127.0.0.1:%s"\ncomponents = ["API"]\n' "$slow_port" "$slow_port" > "$config"
echo "A 50 ms origin whose status page also takes 50 ms (overlapping: about 50 ms):"
timed --warmup 3 --runs 30 -N --export-json "$config.json" \
  -n "with status page" "$binary -q slow" \
  -n "without status page" "$binary -q --no-status-page slow"
report "$config.json"
printf "$local_only" > "$config"

if [ -s "$scratch/cert.pem" ]; then
  echo "One HTTPS probe (both trusting the local certificate):"
  tls_url="https://127.0.0.1:$tls_port/"
  timed --warmup 20 --runs 200 -N --export-json "$config.json" \
    -n isitdown "$binary -q --cacert $scratch/cert.pem $tls_url" \
    -n "curl --cacert" "curl -s -o /dev/null --cacert $scratch/cert.pem $tls_url"
  report "$config.json" "isitdown|curl --cacert|0.5"
fi

# A thousand targets at once: one list for isitdown, the same as a curl config for curl -Z.
fan_out() { # NAME BASE_URL TARGET_SECONDS [CURL_HEADER]
  local list="$scratch/$1.txt" curl_list="$scratch/$1.curl"
  : > "$list"; : > "$curl_list"
  for i in $(seq 1000); do
    echo "$2?n=$i" >> "$list"
    printf 'url = "%s?n=%s"\noutput = "/dev/null"\n' "$2" "$i" >> "$curl_list"
  done
  local header=()
  [ -n "${4:-}" ] && header=(-H "'$4'")
  timed --warmup 1 --runs 5 --export-json "$config.json" \
    -n isitdown "$binary -q -f $list" \
    -n "curl -Z" "curl -s -Z --parallel-immediate --parallel-max 1000 ${header[*]} -K $curl_list"
  report "$config.json" "isitdown|curl -Z|$3"
}
slow_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 bench/slow_server.py "$slow_port" 0.5 &
fan_server=$!
trap 'kill $server $slow_server $fan_server 2>/dev/null; rm -rf "$scratch"' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$slow_port/" && break; sleep 0.1; done
echo "1,000 targets of a server answering in 500 ms (target: isitdown at most 1.2 s):"
fan_out slow "http://127.0.0.1:$slow_port/" -
python3 - "$config.json" <<'PY'
import json, sys
median = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}["isitdown"]
print(f"  isitdown {median:.2f} s (target at most 1.2 s: {'ok' if median <= 1.2 else 'MISSED'})")
PY
echo "1,000 fast targets (curl closing each connection, as isitdown does):"
fan_out fast "$url" 1.0 "Connection: close"

# The history: one probe recorded against the same probe with --no-record, in the same runs.
echo "One probe, recorded in the history or not (5 rounds of 100 runs):"
in_rounds 5 100 recorded "$binary -q $url" "not recorded" "$binary -q --no-record $url"
report "$round_files" "recorded|not recorded|1.1"

# Repeated runs: peak RSS (VmHWM) after 10 s and at the end, and the most threads seen.
watch_for() { # NAME MOST_THREADS IN_FLIGHT ARGUMENT...
  # The peak RSS is taken 10 s after the run first has IN_FLIGHT threads (all its probes in
  # flight: a thousand-target watch on a busy machine takes several seconds to get there, which
  # is a slow start, not growth), and again $watch_seconds - 10 s later.
  local name=$1 threads=$2 in_flight=$3; shift 3
  "$binary" --watch -i 0 "$@" >/dev/null 2>"$scratch/watch.err" &
  local pid=$!
  python3 - "$pid" "$watch_seconds" "$name" "$threads" "$in_flight" <<'PY'
import sys, time
pid, seconds, name = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
limit, in_flight = int(sys.argv[4]), int(sys.argv[5])
def status():
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, value = line.partition(":")
            fields[key] = value.strip()
    return fields
start, most, flying, first, end = time.time(), 0, None, None, None
while end is None or time.time() < end:
    try:
        fields = status()
    except FileNotFoundError:
        print(f"  {name}: ENDED after {time.time() - start:.1f} s")
        sys.exit(0)
    now = time.time()
    most = max(most, int(fields["Threads"]))
    if flying is None and int(fields["Threads"]) >= in_flight:
        flying = now - start
        end = start + max(10, flying + 10) + seconds - 10
    if first is None and flying is not None and now - start >= max(10, flying + 10):
        first = int(fields["VmHWM"].split()[0])
    if flying is None and now - start > 60:
        print(f"  {name}: never had {in_flight} threads in 60 s (at most {most})")
        sys.exit(0)
    time.sleep(0.2)
last = int(status()["VmHWM"].split()[0])
grew = (last - first) / 1024
mark = max(10, flying + 10)
threads = f" (at most {limit}: {'ok' if most <= limit else 'MISSED'})" if limit else ""
print(f"  {name}: peak RSS {first/1024:.1f} MB at {mark:.0f} s, {last/1024:.1f} MB "
      f"{seconds - 10} s later (grew {grew:.2f} MB: {'ok' if grew <= 1 else 'MISSED'}); "
      f"all probes in flight at {flying:.1f} s; at most {most} threads{threads}")
PY
  kill -INT "$pid" 2>/dev/null
  local code=0
  wait "$pid" 2>/dev/null || code=$?
  # Ctrl-C ends a watch with its verdict's code; anything else is said, with what it printed.
  if [ "$code" -gt 3 ]; then
    echo "  (exit code $code; its last words on stderr follow)"
    tail -5 "$scratch/watch.err" | sed 's/^/    /'
  fi
}
echo "--watch -i 0 for $watch_seconds s:"
watch_for "one target" 4 1 "$url"
printf "$local_only"'[services.local]\nurl = "%s"\nstatus_page = "http://127.0.0.1:%s"\ncomponents = ["API"]\n' "$url" "$port" > "$config"
watch_for "one target with its status page" 4 1 local
# A public name whose IPv6 address refuses: every probe races it and answers over IPv4.
watch_for "one target with a dead IPv6 address" 4 1 \
  --resolve "dual.example:$port:[::1],127.0.0.1" "http://dual.example:$port/"
watch_for "one target with --on-change" 4 1 --on-change-initial --on-change true "$url"
# The probes in flight (at most the pool's 1,024 workers) plus a handful: four hook workers,
# the main thread, the signal thread.
watch_for "1,000 targets" 1040 1000 -f "$scratch/fast.txt"
watch_for "1,000 targets, a hook on every one" 1040 1000 --on-change-initial --on-change true \
  -f "$scratch/fast.txt"
# A watch of 100 targets records some hundreds of probes a second, written once a second.
head -n 100 "$scratch/fast.txt" > "$scratch/hundred.txt"
watch_for "100 targets, every probe recorded" 0 100 -f "$scratch/hundred.txt"

# A month of ten million probes of the whole catalog, read back: the hours are summed as rows are
# written, and outages found through an index of the rows that were not UP.
cargo build --release --locked --quiet --example history-fill
big="$scratch/big.sqlite3"
echo "--history over ten million probes (target: under 200 ms):"
target/release/examples/history-fill "$big" 10000000 30 | sed 's/^/  /'
printf "$local_only"'[history]\npath = "%s"\n' "$big" > "$config"
timed --warmup 2 --runs 10 -N --export-json "$config.json" \
  -n "history @all, 30 days" "$binary --history @all --since 30d --no-status-page" \
  -n "history chatgpt, 30 days" "$binary --history chatgpt --since 30d --no-status-page"
report "$config.json"
python3 - "$config.json" <<'PY'
import json, sys
median = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}["history @all, 30 days"]
print(f"  --history @all: {median*1000:.0f} ms (target under 200 ms: {'ok' if median < 0.2 else 'MISSED'})")
PY
echo "  on disk: $(du -b "$big"* | awk '{s += $1} END {printf "%.0f MB", s/1e6}')"
printf "$local_only" > "$config"
