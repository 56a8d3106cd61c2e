#!/usr/bin/env bash
# Serve NN Playground from N Streamlit replicas behind one nginx port, with sticky sessions,
# the replicas supervised by supervisord (a replica that dies is restarted within seconds).
#
#   deploy/start_replicas.sh [N|auto] [PORT]   # N defaults to auto, PORT to 8080
#
# auto is one replica per core (`nproc`): Python trains on one core per process.
# Writes a supervisord.conf into a fresh temporary directory, one [program:rK] per replica:
# `streamlit run streamlit_app.py` on consecutive ports PORT+1 .. PORT+N (127.0.0.1 only,
# headless, usage stats off, OPENBLAS_NUM_THREADS=1), autorestart; runs supervisord from
# there (nodaemon, its socket and logs in the directory), renders deploy/nginx.conf.template
# beside it, runs nginx in the foreground from there, waits until every replica and the
# proxy are healthy, and prints
#     ready http://127.0.0.1:PORT/
# Ctrl-C (SIGINT) or SIGTERM stops nginx, supervisord and every replica and removes the
# directory. `supervisorctl -c <dir>/supervisord.conf status` shows the replicas meanwhile.
#
# Environment (all optional):
#   NNP_LISTEN=127.0.0.1        address nginx listens on (0.0.0.0 to serve other machines)
#   NNP_FIRST_REPLICA_PORT      first replica's port (default PORT+1)
#   NNP_FAIL_TIMEOUT=10s        how long a failed replica is skipped before a retry
#   NNP_COOKIE_SECRET           Streamlit's cookie secret, shared by all replicas so a
#                               failed-over browser's XSRF cookie stays valid (default: random)
#   NNP_STORE, NNP_DATA_DIR     the rooms' store (playground/room/store.py), passed to every
#                               replica; unset: one SQLite file in <repo>/.nnp-data they share
#   NNP_KEEP_DIR=1              keep the temporary directory (logs) after stopping
#   PYTHON, NGINX, SUPERVISORD  the programs to use (default python3, nginx and supervisord on
#                               PATH; supervisorctl is the one beside supervisord;
#                               tools/deploy.py passes the interpreter that runs it)
# Lines it prints, for scripts and tests to read (a restarted replica prints nothing):
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
SUPERVISORD=${SUPERVISORD:-$(command -v supervisord || echo /usr/bin/supervisord)}
SUPERVISORCTL=$(dirname "$SUPERVISORD")/supervisorctl
LISTEN=${NNP_LISTEN:-127.0.0.1}
FIRST=${NNP_FIRST_REPLICA_PORT:-$((PORT + 1))}
FAIL_TIMEOUT=${NNP_FAIL_TIMEOUT:-10s}
SECRET=${NNP_COOKIE_SECRET:-$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')}
START_TIMEOUT=${NNP_START_TIMEOUT:-90}

fail() { echo "failed $*" >&2; exit 1; }
[[ -x $NGINX ]] || fail "nginx not found (apt-get install nginx)"
[[ -x $SUPERVISORD && -x $SUPERVISORCTL ]] ||
    fail "supervisord not found (apt-get install supervisor, or pip install supervisor)"

DIR=$(mktemp -d "${TMPDIR:-/tmp}/nnp-deploy.XXXXXX")
chmod 755 "$DIR"                     # nginx's workers (user nobody under root) read it
mkdir -p "$DIR/tmp"
echo "dir $DIR"

PIDS=()                              # the replicas' pids as first printed
NGINX_PID=""
SUPERVISOR_PID=""
ctl() { "$SUPERVISORCTL" -c "$DIR/supervisord.conf" "$@"; }

stop_all() {
    trap - INT TERM EXIT
    local pid current=()
    # The replicas' pids now (a restarted one has a new pid), for the last resort below.
    [[ -n $SUPERVISOR_PID ]] && mapfile -t current < <(ctl pid all 2>/dev/null | grep -x '[1-9][0-9]*')
    for pid in $NGINX_PID $SUPERVISOR_PID; do kill -TERM "$pid" 2>/dev/null || true; done
    for _ in $(seq 80); do                       # up to 8 s: supervisord gives replicas 5 s
        local alive=0
        for pid in $NGINX_PID $SUPERVISOR_PID "${current[@]}"; do
            kill -0 "$pid" 2>/dev/null && alive=1
        done
        [[ $alive == 0 ]] && break
        sleep 0.1
    done
    for pid in $NGINX_PID $SUPERVISOR_PID "${current[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
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

# -- the replicas, under supervisord -----------------------------------------------------
conf_value() { local v; v=$(printf '%q' "$1"); printf '%s' "${v//%/%%}"; }   # shlex-safe, %-escaped
{
    cat <<EOF
; Written by deploy/start_replicas.sh; %(here)s is this directory.
[supervisord]
nodaemon=true
logfile=%(here)s/supervisord.log
pidfile=%(here)s/supervisord.pid
childlogdir=%(here)s

[unix_http_server]
file=%(here)s/supervisor.sock
chmod=0700

[supervisorctl]
serverurl=unix://%(here)s/supervisor.sock

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface
EOF
    for ((k = 1; k <= N; k++)); do
        cat <<EOF

[program:r$k]
command=$(conf_value "$PYTHON") -m streamlit run streamlit_app.py --server.port $((FIRST + k - 1)) --server.address 127.0.0.1 --server.headless true --browser.gatherUsageStats false
directory=$(conf_value "$ROOT")
autorestart=true
startsecs=1
startretries=5
stopsignal=TERM
stopwaitsecs=5
redirect_stderr=true
stdout_logfile=%(here)s/replica$k.log
stdout_logfile_maxbytes=0
EOF
    done
} >"$DIR/supervisord.conf"

# The replicas inherit supervisord's environment (NNP_STORE, NNP_DATA_DIR, ... pass through).
cd "$ROOT"                          # so Streamlit reads .streamlit/config.toml
OPENBLAS_NUM_THREADS=1 STREAMLIT_SERVER_COOKIE_SECRET=$SECRET \
    "$SUPERVISORD" -c "$DIR/supervisord.conf" >"$DIR/supervisord.out" 2>&1 &
SUPERVISOR_PID=$!

replica_failed() {    # replica_failed K: say why replica K did not start, show its log, exit 1
    echo "failed replica r$1 exited: $(grep . "$DIR/replica$1.log" | tail -n 1)" >&2
    echo "its log:" >&2; cat "$DIR/replica$1.log" >&2; exit 1
}

# Each replica's pid once supervisord reports it RUNNING (up for startsecs).
deadline=$((SECONDS + START_TIMEOUT))
until [[ ${#PIDS[@]} == "$N" ]]; do
    kill -0 "$SUPERVISOR_PID" 2>/dev/null ||
        fail "supervisord exited: $(cat "$DIR/supervisord.out" "$DIR/supervisord.log" 2>/dev/null | grep . | tail -n 1)"
    (( SECONDS < deadline )) || fail "the replicas not running after ${START_TIMEOUT}s"
    status=$(ctl status 2>/dev/null || true)
    pids=()
    for ((k = 1; k <= N; k++)); do
        [[ $status =~ (^|$'\n')r$k\ +(BACKOFF|FATAL|EXITED) ]] && replica_failed "$k"
        [[ $status =~ (^|$'\n')r$k\ +RUNNING\ +pid\ ([0-9]+) ]] && pids+=("${BASH_REMATCH[2]}")
    done
    if [[ ${#pids[@]} == "$N" ]]; then PIDS=("${pids[@]}"); else sleep 0.2; fi
done
for ((k = 1; k <= N; k++)); do echo "replica r$k pid ${PIDS[k - 1]} port $((FIRST + k - 1))"; done

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
        kill -0 "${PIDS[k - 1]}" 2>/dev/null || replica_failed "$k"
        (( SECONDS < deadline )) || fail "replica r$k not healthy after ${START_TIMEOUT}s"
        sleep 0.2
    done
done
shown=$LISTEN; [[ $LISTEN == 0.0.0.0 ]] && shown=127.0.0.1      # the address to reach nginx at
until http_ok "http://$shown:$PORT/healthz"; do
    kill -0 "$NGINX_PID" 2>/dev/null || fail "nginx exited: $(grep . "$DIR/error.log" | tail -n 1)"
    (( SECONDS < deadline )) || fail "nginx not healthy after ${START_TIMEOUT}s"
    sleep 0.2
done
echo "ready http://$shown:$PORT/"

# Runs until nginx or supervisord exits or a signal arrives (wait returns at once for a
# trapped signal). A replica that dies meanwhile is supervisord's to restart.
wait -n "$NGINX_PID" "$SUPERVISOR_PID" || true
