"""Start-up stays lean: a started server has not imported what only some requests need
(WebSocket support, PyYAML, the fault modules, the scenario library). Checked in a fresh
interpreter, since the test session itself has imported everything."""

from __future__ import annotations

import json
import subprocess
import sys

PROBE = """
import json, sys
from mockserver import MockServer
with MockServer() as server:
    loaded = sorted(m for m in sys.modules if m.startswith((
        "websockets", "yaml", "mockserver.transport.ws_app", "mockserver.transport.ws_player",
        "mockserver.core.ws.session", "mockserver.fixtures.library",
        "mockserver.faults.close", "mockserver.faults.split",
        "mockserver.core.formats.responses", "mockserver.core.formats.anthropic",
        "mockserver.sse.decoder",
    )))
print(json.dumps(loaded))
"""


def test_started_server_has_not_imported_websockets_yaml_faults_library_or_decoder() -> None:
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout) == []


def test_first_websocket_named_scenario_and_format_load_what_they_need() -> None:
    probe = PROBE.replace(
        "    loaded =",
        "    import httpx, websockets.sync.client as wsc\n"
        "    httpx.post(server.base_url + '/chat/completions', headers={'x-mock-scenario': "
        "'hello-stream'}, json={'model': 'gpt-4.1', 'messages': [{'role': 'user', "
        "'content': 'x'}]}, timeout=10).raise_for_status()\n"
        "    httpx.post(server.base_url + '/responses', json={'model': 'gpt-4.1', 'input': 'x'},"
        " timeout=10).raise_for_status()\n"
        "    httpx.post(server.base_url + '/messages', json={'model': 'claude-sonnet-4.5', "
        "'max_tokens': 5, 'messages': [{'role': 'user', 'content': 'x'}]}, timeout=10)"
        ".raise_for_status()\n"
        "    with wsc.connect(server.ws_url + '/ws/chat', open_timeout=10) as ws:\n"
        "        ws.send(json.dumps({'type': 'auth', 'api_key': 'k'}))\n"
        "        assert json.loads(ws.recv(timeout=10))['type'] == 'auth_success'\n"
        "    loaded =",
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    loaded = json.loads(out.stdout)
    assert "mockserver.transport.ws_app" in loaded and "mockserver.fixtures.library" in loaded
    assert "mockserver.transport.ws_player" in loaded and "mockserver.core.ws.session" in loaded
    assert "mockserver.core.formats.responses" in loaded
    assert "mockserver.core.formats.anthropic" in loaded
