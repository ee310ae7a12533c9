#!/usr/bin/env bash
# One probe of a local server: isitdown against curl, in the same hyperfine run.
#
#   bench/run.sh            # builds the release binary, starts a server on 127.0.0.1, runs hyperfine
#
# Needs hyperfine and curl (Debian: apt-get install hyperfine curl). Prints the ratio and the size
# of the binary. Nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in hyperfine curl python3; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is needed" >&2; exit 1; }
done

cargo build --release --locked --quiet
binary=target/release/isitdown

# A small local HTTP server that answers 200 to every GET, kept alive for the run.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 - "$port" 2>/dev/null <<'PY' &
import http.server, sys
class Quiet(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Quiet).serve_forever()
PY
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.1; done

url="http://127.0.0.1:$port/"
config=$(mktemp)
trap 'kill $server 2>/dev/null; rm -f "$config" "$config.json"' EXIT
export ISITDOWN_CONFIG="$config"

hyperfine --warmup 20 --runs 300 -N --export-json "$config.json" \
  -n isitdown "$binary -q $url" \
  -n curl "curl -s -o /dev/null $url"

python3 - "$config.json" "$binary" <<'PY'
import json, os, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ours, curl = results["isitdown"]["mean"], results["curl"]["mean"]
size = os.path.getsize(sys.argv[2])
print(f"isitdown {ours*1000:.2f} ms, curl {curl*1000:.2f} ms, ratio {ours/curl:.2f}; binary {size/1e6:.2f} MB")
PY
