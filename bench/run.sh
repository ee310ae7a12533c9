#!/usr/bin/env bash
# One probe of a local server: isitdown against curl, in the same hyperfine run.
#
#   bench/run.sh            # builds the release binary, starts a server on 127.0.0.1, runs hyperfine
#
# Needs hyperfine and curl, and uses nginx when installed (Debian: apt-get install hyperfine curl
# nginx-light). Prints the ratio, the size of the binary, and what reading a status page costs.
# Nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in hyperfine curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done

cargo build --release --locked --quiet
binary=target/release/isitdown

page='{"page":{"name":"Local"},"status":{"indicator":"none","description":"All Systems Operational"},"components":[{"name":"API","status":"operational"}],"incidents":[]}'
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
scratch=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$scratch"' EXIT

# The local server: nginx when it is installed (as in production), else a small Python one.
if command -v nginx >/dev/null; then
  cat > "$scratch/nginx.conf" <<CONF
daemon off;
worker_processes 2;
pid $scratch/nginx.pid;
error_log $scratch/error.log;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $scratch;
  server {
    listen 127.0.0.1:$port;
    location = /api/v2/summary.json { default_type application/json; return 200 '$page'; }
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
# A service whose status page is on the same local server: the page is read alongside the probe.
printf '[services.local]\nurl = "%s"\nstatus_page = "http://127.0.0.1:%s"\ncomponents = ["API"]\n' "$url" "$port" > "$config"

hyperfine --warmup 20 --runs 300 -N --export-json "$config.json" \
  -n isitdown "$binary -q $url" \
  -n curl "curl -s -o /dev/null $url" \
  -n "isitdown with status page" "$binary -q local" \
  -n "isitdown without status page" "$binary -q --no-status-page local"

python3 - "$config.json" "$binary" <<'PY'
import json, os, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ours, curl = results["isitdown"]["mean"], results["curl"]["mean"]
size = os.path.getsize(sys.argv[2])
with_page = results["isitdown with status page"]["mean"]
without_page = results["isitdown without status page"]["mean"]
print(f"isitdown {ours*1000:.2f} ms, curl {curl*1000:.2f} ms, ratio {ours/curl:.2f}; binary {size/1e6:.2f} MB")
print(f"with status page {with_page*1000:.2f} ms, without {without_page*1000:.2f} ms")
PY

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
printf '[services.slow]\nurl = "http://127.0.0.1:%s/"\nstatus_page = "http://127.0.0.1:%s"\ncomponents = ["API"]\n' "$slow_port" "$slow_port" > "$config"
hyperfine --warmup 3 --runs 30 -N --export-json "$config.json" \
  -n "50 ms origin, with status page" "$binary -q slow" \
  -n "50 ms origin, without status page" "$binary -q --no-status-page slow"
python3 - "$config.json" <<'PY'
import json, sys
results = {r["command"]: r["mean"] for r in json.load(open(sys.argv[1]))["results"]}
print(f"50 ms origin: with status page {results['50 ms origin, with status page']*1000:.1f} ms, "
      f"without {results['50 ms origin, without status page']*1000:.1f} ms")
PY
