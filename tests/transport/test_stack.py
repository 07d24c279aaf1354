"""The stack a server runs on: httptools + uvloop by default, h11 + asyncio on request or when
the fast one is missing (one log line saying so, never an error). What each stack does on the
wire is tested by running the socket tests on both (see tests/conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

from mockserver.errors import ConfigError
from mockserver.transport.server import MockServer
from mockserver.transport.stack import choose_stack


def test_auto_chooses_httptools_and_uvloop_where_installed() -> None:
    stack = choose_stack()
    assert (stack.http, stack.loop, stack.missing) == ("httptools", "uvloop", ())
    assert stack.line() == "mockserver: HTTP by httptools, event loop uvloop"


@pytest.mark.parametrize(("http", "loop"), [("h11", "asyncio"), ("httptools", "asyncio"),
                                            ("h11", "uvloop"), ("auto", "auto")])
def test_server_thread_runs_the_chosen_protocol_and_loop(http: str, loop: str) -> None:
    with MockServer(http=http, loop=loop) as server:
        reply = httpx.get(server.url + "/_mock/health", timeout=5)
        running = server._server
        assert running is not None and running.loop is not None
        protocol = running.config.http_protocol_class.__name__
        loop_module = type(running.loop).__module__
    assert reply.json() == {"status": "ok"}
    want_http = "httptools" if http == "auto" else http
    assert protocol == {"httptools": "TransportHttpToolsProtocol",
                        "h11": "TransportH11Protocol"}[want_http]
    assert loop_module.startswith("uvloop" if loop in ("uvloop", "auto") else "asyncio")


@pytest.mark.parametrize(("http", "loop", "option"), [("fast", "auto", "--http"),
                                                      ("auto", "trio", "--loop")])
def test_an_unknown_stack_is_a_config_error_naming_the_option(
    http: str, loop: str, option: str
) -> None:
    with pytest.raises(ConfigError, match=f"{option}: expected one of"):
        MockServer(http=http, loop=loop)


MISSING = """
import json, logging, sys
sys.modules["httptools"] = None  # as on a platform without its wheel: import fails
sys.modules["uvloop"] = None
records = []
class Keep(logging.Handler):
    def emit(self, record):
        records.append((record.levelname, record.getMessage()))
logging.getLogger("mockserver").addHandler(Keep())
import httpx
from mockserver.transport.server import MockServer
with MockServer(http=ASKED, loop="auto") as server:
    body = httpx.post(server.base_url + "/chat/completions", timeout=10, json={
        "model": "gpt-4.1", "messages": [{"role": "user", "content": "hi"}]}).json()
    protocol = server._server.config.http_protocol_class.__name__
    loop = type(server._server.loop).__module__
print(json.dumps({"records": records, "text": body["choices"][0]["message"]["content"],
                  "protocol": protocol, "loop": loop,
                  "imported": sorted(m for m in ("httptools", "uvloop", "h11")
                                     if sys.modules.get(m) is not None)}))
"""


@pytest.mark.parametrize("http", ["auto", "httptools"])
def test_missing_httptools_and_uvloop_fall_back_to_h11_with_one_warning(http: str) -> None:
    probe = MISSING.replace("ASKED", repr(http))
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    assert got["records"] == [["WARNING", "mockserver: httptools and uvloop not installed, "
                                          "falling back to HTTP by h11, event loop asyncio"]]
    assert got["text"] == "You said: hi"
    assert (got["protocol"], got["loop"]) == ("TransportH11Protocol", "asyncio.unix_events")
    assert got["imported"] == ["h11"]


def test_a_started_fast_server_has_not_imported_h11() -> None:
    probe = ("import sys\nfrom mockserver.transport.server import MockServer\n"
             "with MockServer():\n    print('h11' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
