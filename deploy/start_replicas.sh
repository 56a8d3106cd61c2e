#!/usr/bin/env bash
# Serve NN Playground from N Streamlit replicas behind one nginx port, with sticky sessions.
#
#   deploy/start_replicas.sh [N|auto] [PORT]   # N defaults to auto, PORT to 8080
#
# auto is one replica per core (`nproc`): Python trains on one core per process.
# Starts N `streamlit run streamlit_app.py` replicas on consecutive ports PORT+1 .. PORT+N
# (127.0.0.1 only, headless, usage stats off, OPENBLAS_NUM_THREADS=1), renders
# deploy/nginx.conf.template into a fresh temporary directory, runs nginx in the
# foreground from there, waits until every replica and the proxy are healthy, and prints
#     ready http://127.0.0.1:PORT/
# Ctrl-C (SIGINT) or SIGTERM stops nginx and every replica and removes the directory.
#
# Environment (all optional):
#   NNP_LISTEN=127.0.0.1        address nginx listens on (0.0.0.0 to serve other machines)
#   NNP_FIRST_REPLICA_PORT      first replica's port (default PORT+1)
#   NNP_FAIL_TIMEOUT=10s        how long a failed replica is skipped before a retry
#   NNP_COOKIE_SECRET           Streamlit's cookie secret, shared by all replicas so a
#                               failed-over browser's XSRF cookie stays valid (default: random)
#   NNP_KEEP_DIR=1              keep the temporary directory (logs) after stopping
#   PYTHON, NGINX               the programs to use (default python3 and nginx on PATH;
#                               tools/deploy.py passes the interpreter that runs it)
# Lines it prints, for scripts and tests to read:
#   dir <path> | replica r<K> pid <pid> port <port> | nginx pid <pid> | ready <url>
#   failed <why, in one line>   (on stderr, before any log it shows; then it exits 1)
set -euo pipefail

usage() { echo "usage: $0 [N|auto] [PORT]   (N replicas, 1..64, default auto = one per core; nginx on PORT, default 8080)" >&2; exit 2; }
[[ $# -le 2 ]] || usage
N=${1:-auto}
[[ $N == auto ]] && N=$(nproc)
PORT=${2:-8080}
[[ $N =~ ^[0-9]+$ && $N -ge 1 && $N -le 64 ]] || usage
[[ $PORT =~ ^[0-9]+$ && $PORT -ge 1 && $PORT -le 65535 ]] || usage

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$HERE")
PYTHON=${PYTHON:-python3}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}
LISTEN=${NNP_LISTEN:-127.0.0.1}
FIRST=${NNP_FIRST_REPLICA_PORT:-$((PORT + 1))}
FAIL_TIMEOUT=${NNP_FAIL_TIMEOUT:-10s}
SECRET=${NNP_COOKIE_SECRET:-$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')}
START_TIMEOUT=${NNP_START_TIMEOUT:-90}

fail() { echo "failed $*" >&2; exit 1; }
[[ -x $NGINX ]] || fail "nginx not found (apt-get install nginx)"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/nnp-deploy.XXXXXX")
chmod 755 "$DIR"                     # nginx's workers (user nobody under root) read it
mkdir -p "$DIR/tmp"
echo "dir $DIR"

PIDS=()
NGINX_PID=""

stop_all() {
    trap - INT TERM EXIT
    local pid
    [[ -n $NGINX_PID ]] && kill -TERM "$NGINX_PID" 2>/dev/null || true
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 50); do                       # up to 5 s for a clean exit
        local alive=0
        for pid in $NGINX_PID "${PIDS[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [[ $alive == 0 ]] && break
        sleep 0.1
    done
    for pid in $NGINX_PID "${PIDS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [[ ${NNP_KEEP_DIR:-} == 1 ]]; then echo "kept $DIR"; else rm -rf "$DIR"; fi
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all' EXIT

http_ok() {    # http_ok URL: true when it answers 200 (curl, or Python where curl is missing)
    if command -v curl >/dev/null; then
        curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null
    else
        "$PYTHON" -c 'import sys, urllib.request
sys.exit(urllib.request.urlopen(sys.argv[1], timeout=2).status != 200)' "$1" 2>/dev/null
    fi
}

# -- the replicas -----------------------------------------------------------------------
cd "$ROOT"                          # so Streamlit reads .streamlit/config.toml
for ((k = 1; k <= N; k++)); do
    port=$((FIRST + k - 1))
    OPENBLAS_NUM_THREADS=1 STREAMLIT_SERVER_COOKIE_SECRET=$SECRET \
        "$PYTHON" -m streamlit run streamlit_app.py \
        --server.port "$port" --server.address 127.0.0.1 --server.headless true \
        --browser.gatherUsageStats false \
        >"$DIR/replica$k.log" 2>&1 &
    PIDS+=($!)
    echo "replica r$k pid $! port $port"
done

# -- nginx's configuration --------------------------------------------------------------
upstreams="    upstream nnp_all {"$'\n'
backend_map=""
served_map=""
for ((k = 1; k <= N; k++)); do
    upstreams+="        server 127.0.0.1:$((FIRST + k - 1)) max_fails=1 fail_timeout=$FAIL_TIMEOUT;"$'\n'
done
upstreams+="        keepalive 16;"$'\n'"    }"$'\n'
for ((k = 1; k <= N; k++)); do
    upstreams+="    upstream nnp_r$k {"$'\n'
    upstreams+="        server 127.0.0.1:$((FIRST + k - 1)) max_fails=1 fail_timeout=$FAIL_TIMEOUT;"$'\n'
    for ((j = 1; j <= N; j++)); do
        [[ $j == "$k" ]] || upstreams+="        server 127.0.0.1:$((FIRST + j - 1)) backup;"$'\n'
    done
    upstreams+="        keepalive 16;"$'\n'"    }"$'\n'
    backend_map+="        r$k nnp_r$k;"$'\n'
    served_map+="        \"~(^|\\s)127\\.0\\.0\\.1:$((FIRST + k - 1))\$\" r$k;"$'\n'
done
user_directive=""
[[ $(id -u) == 0 ]] && user_directive="user nobody nogroup;   # workers drop root"

export NNP_USER_DIRECTIVE=$user_directive NNP_UPSTREAMS=$upstreams NNP_BACKEND_MAP=$backend_map \
    NNP_SERVED_MAP=$served_map NNP_LISTEN=$LISTEN NNP_PORT=$PORT NNP_FAIL_TIMEOUT=$FAIL_TIMEOUT
VARS='${NNP_USER_DIRECTIVE} ${NNP_UPSTREAMS} ${NNP_BACKEND_MAP} ${NNP_SERVED_MAP} ${NNP_LISTEN} ${NNP_PORT} ${NNP_FAIL_TIMEOUT}'
if command -v envsubst >/dev/null; then
    envsubst "$VARS" <"$HERE/nginx.conf.template" >"$DIR/nginx.conf"
else                                   # gettext-base missing: the same substitution in Python
    "$PYTHON" -c 'import os, re, sys
sys.stdout.write(re.sub(r"\$\{(NNP_[A-Z_]+)\}", lambda m: os.environ[m.group(1)], sys.stdin.read()))' \
        <"$HERE/nginx.conf.template" >"$DIR/nginx.conf"
fi

"$NGINX" -t -q -p "$DIR/" -c nginx.conf -e "$DIR/error.log" 2>"$DIR/nginx-t.log" ||
    fail "nginx refused its configuration: $(grep . "$DIR/nginx-t.log" | tail -n 1)"
"$NGINX" -p "$DIR/" -c nginx.conf -e "$DIR/error.log" &
NGINX_PID=$!
echo "nginx pid $NGINX_PID"

# -- wait until everything answers ------------------------------------------------------
deadline=$((SECONDS + START_TIMEOUT))
for ((k = 1; k <= N; k++)); do
    until http_ok "http://127.0.0.1:$((FIRST + k - 1))/_stcore/health"; do
        if ! kill -0 "${PIDS[k - 1]}" 2>/dev/null; then
            echo "failed replica r$k exited: $(grep . "$DIR/replica$k.log" | tail -n 1)" >&2
            echo "its log:" >&2; cat "$DIR/replica$k.log" >&2; exit 1
        fi
        (( SECONDS < deadline )) || fail "replica r$k not healthy after ${START_TIMEOUT}s"
        sleep 0.2
    done
done
until http_ok "http://127.0.0.1:$PORT/healthz"; do
    kill -0 "$NGINX_PID" 2>/dev/null || fail "nginx exited: $(grep . "$DIR/error.log" | tail -n 1)"
    (( SECONDS < deadline )) || fail "nginx not healthy after ${START_TIMEOUT}s"
    sleep 0.2
done
shown=$LISTEN; [[ $LISTEN == 0.0.0.0 ]] && shown=127.0.0.1
echo "ready http://$shown:$PORT/"

# Runs until nginx exits or a signal arrives (wait returns at once for a trapped signal).
wait "$NGINX_PID" || true
