#!/usr/bin/env bash
# The two commands of the README, each setting up what it needs from a fresh clone:
#   ./run.sh serve [ARGS...]   start mockserver with the faithful default on 127.0.0.1:8000
#   ./run.sh test  [ARGS...]   run the whole test suite (what .ci/run calls)
# Needs only python3 (>= 3.10). Creates .venv and installs the locked test environment
# (requirements/test.lock, with hashes) and the project itself;
# for the browser and openai-node tests it installs Debian's chromium (as root) and the npm
# packages pinned in tests/js/package-lock.json.
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

setup_node() {
    if [ -f tests/js/package.json ] && ! command -v npm >/dev/null 2>&1; then
        if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
            echo "run.sh: installing Debian's nodejs and npm for the openai-node tests" >&2
            apt-get update -qq >/dev/null
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
        else
            echo "run.sh: npm not found and cannot apt-get it; openai-node tests will fail under CI" >&2
        fi
    fi
    if [ -f tests/js/package.json ] && command -v npm >/dev/null 2>&1; then
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
        setup_node
        exec "$venv/bin/python" -m pytest "$@"
        ;;
    *)
        echo "usage: ./run.sh serve [mockserver serve args] | ./run.sh test [pytest args]" >&2
        exit 2
        ;;
esac
