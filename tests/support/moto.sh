#!/usr/bin/env bash
# The local AWS emulator for the test suite (moto, pinned), started and stopped by `make test`.
#
#   tests/support/moto.sh start DIR   install moto into DIR/moto-venv if needed, start it on a free
#                                      loopback port, wait until it answers, print its endpoint URL
#   tests/support/moto.sh stop DIR    stop the server started from DIR (no-op if none)
#
# Everything lives under DIR (the cargo build directory), so nothing is installed by hand.
set -euo pipefail

MOTO_VERSION="5.2.5"
cmd="${1:-}"
dir="${2:-target}"
venv="$dir/moto-venv"
pidfile="$dir/moto.pid"
logfile="$dir/moto.log"

say() { echo "moto.sh: $*" >&2; }

install() {
    if [ -x "$venv/bin/python" ] &&
        "$venv/bin/python" -c "import moto.server, sys; sys.exit(__import__('moto').__version__ != '$MOTO_VERSION')" 2>/dev/null; then
        return 0
    fi
    say "installing moto[server]==$MOTO_VERSION into $venv"
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "moto[server]==$MOTO_VERSION" >&2
}

free_port() {
    "$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

ready() {
    "$venv/bin/python" - "$1" <<'PY'
import sys, urllib.request
try:
    urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/moto-api/", timeout=1).read()
except Exception:
    sys.exit(1)
PY
}

stop() {
    if [ -f "$pidfile" ]; then
        pid="$(cat "$pidfile")"
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 50); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.1
            done
            kill -9 "$pid" 2>/dev/null || true
        fi
        rm -f "$pidfile"
    fi
}

start() {
    mkdir -p "$dir"
    install
    stop
    for attempt in 1 2 3; do
        port="$(free_port)"
        # Through the venv's python, not the moto_server script: the script's first line names
        # the python of the path the venv was made at, so a moved build directory breaks it.
        "$venv/bin/python" -m moto.server -H 127.0.0.1 -p "$port" </dev/null >"$logfile" 2>&1 &
        echo $! >"$pidfile"
        for _ in $(seq 150); do
            if ready "$port"; then
                say "moto $MOTO_VERSION listening on 127.0.0.1:$port (pid $(cat "$pidfile"), log $logfile)"
                echo "http://127.0.0.1:$port"
                return 0
            fi
            kill -0 "$(cat "$pidfile")" 2>/dev/null || break
            sleep 0.2
        done
        say "attempt $attempt: moto did not start on port $port; log follows"
        cat "$logfile" >&2 || true
        stop
    done
    say "could not start the emulator"
    return 1
}

case "$cmd" in
start) start ;;
stop) stop ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
