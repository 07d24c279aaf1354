"""openai-node (the `openai` npm package, pinned in tests/js/package-lock.json) against mockserver.

Why: openai-node is the other official SDK most users point at an OpenAI-compatible server, and
it fails differently from openai-python on the same bytes (failure-modes.md HTTP-02, TCP-01,
HTTP-15; openai-wire.md 6.8). Each test runs the Node driver in a fresh process with a hard
timeout and the same request through openai-python, then asserts what each SDK observed. The
differences are recorded in docs/clients.md; a test fails when a pinned version changes them.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tools.outcomes.nodejs import node_executable

pytestmark = pytest.mark.node

JS_DIR = Path(__file__).resolve().parents[1] / "js"
DRIVER = JS_DIR / "openai_node_driver.mjs"
TIMEOUT_S = 30


def _node_or_unavailable() -> str:
    """The node binary with openai installed; fail under CI, skip on a dev machine without it."""
    node = node_executable()
    installed = (JS_DIR / "node_modules" / "openai" / "package.json").exists()
    if node and installed:
        return node
    reason = "node not on PATH" if not node else "run `npm ci` in tests/js (./run.sh test does)"
    if os.environ.get("CI"):
        pytest.fail(f"openai-node unavailable: {reason}")
    pytest.skip(f"openai-node unavailable: {reason}")


@pytest.fixture
def lane(server):
    """This test's own lane: (base URL, journal reader), so attempts can be counted."""
    lane_id = f"node-{uuid.uuid4().hex[:12]}"
    return server.lane_base_url(lane_id), lambda: server.requests(lane_id)


def node_client(base_url: str, *, fault: str | None = None, max_retries: int = 0) -> dict[str, Any]:
    """Run the Node driver once; return the JSON line it printed."""
    args = [_node_or_unavailable(), str(DRIVER), "--base-url", base_url]
    args += ["--max-retries", str(max_retries), "--timeout-ms", "10000"]
    if fault:
        args += ["--fault", fault]
    proc = subprocess.run(
        args, cwd=JS_DIR, capture_output=True, text=True, timeout=TIMEOUT_S, check=False
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    assert lines, f"driver printed no JSON (rc={proc.returncode}): {proc.stderr[-2000:]}"
    result: dict[str, Any] = json.loads(lines[-1])
    assert "driverError" not in result, result["driverError"]
    return result


def python_client(
    base_url: str, *, fault: str | None = None, max_retries: int = 0
) -> dict[str, Any]:
    """The same request through openai-python, described in the driver's shape."""
    import openai

    headers = {"X-Mock-Fault": fault} if fault else {}
    out: dict[str, Any] = {"ok": False, "text": "", "chunks": 0, "error": None, "status": None}
    started = time.monotonic()
    with openai.OpenAI(
        base_url=base_url, api_key="sk-test", max_retries=max_retries, timeout=10.0,
        default_headers=headers,
    ) as client:
        try:
            stream = client.chat.completions.create(
                model="gpt-4.1-mini", messages=[{"role": "user", "content": "Say hello"}],
                stream=True,
            )
            for chunk in stream:
                out["chunks"] += 1
                if chunk.choices:
                    out["text"] += chunk.choices[0].delta.content or ""
            out["ok"] = True
        except Exception as exc:  # the class is what the test asserts
            out["error"] = {"class": type(exc).__name__, "message": str(exc)}
            out["status"] = getattr(exc, "status_code", None)
    out["elapsedMs"] = round((time.monotonic() - started) * 1000)
    return out


def test_openai_node_streams_the_faithful_default_like_openai_python(lane):
    base_url, _ = lane
    node = node_client(base_url)
    py = python_client(base_url)
    assert node["ok"] and py["ok"], (node, py)
    assert node["status"] == 200
    assert node["text"] and node["text"] == py["text"]
    assert node["chunks"] == py["chunks"]
    assert node["finishReason"] == "stop"
    assert node["requestId"].startswith("req_")


@pytest.mark.parametrize("mode", ["reset", "abrupt"])
def test_openai_node_raises_raw_typeerror_terminated_when_stream_is_cut(lane, mode):
    # HTTP-02 / TCP-01: undici's TypeError escapes; openai-python wraps it in APIConnectionError.
    base_url, journal = lane
    fault = f"close(after=2, mode={mode})"
    node = node_client(base_url, fault=fault)
    py = python_client(base_url, fault=fault)
    assert not node["ok"]
    assert node["error"]["class"] == "TypeError"
    assert node["error"]["message"] == "terminated"
    assert node["error"]["isAPIError"] is False
    # An abrupt close is "other side closed". A reset races undici's read: the RST is seen
    # either as ECONNRESET or, when the socket's end was read first, as "other side closed"
    # (both measured with openai-node 7.60.0 on Node 20, in runs of this very test).
    causes = {"reset": {"ECONNRESET", "UND_ERR_SOCKET"}, "abrupt": {"UND_ERR_SOCKET"}}[mode]
    assert node["error"]["cause"]["code"] in causes
    assert node["chunks"] == py["chunks"] == 2  # role chunk + first word, then the cut
    assert py["error"]["class"] == "APIConnectionError"
    # Neither SDK retries a stream that broke after the response started.
    assert len([e for e in journal() if e.method == "POST"]) == 2


def test_openai_node_ends_silently_without_done(lane):
    # Neither SDK treats a clean EOF without [DONE] as an error: a silent truncation risk.
    base_url, _ = lane
    node = node_client(base_url, fault="missing_done")
    py = python_client(base_url, fault="missing_done")
    assert node["ok"] and py["ok"]
    assert node["text"] == py["text"] != ""


def test_openai_node_ends_silently_on_clean_close_before_done(lane):
    base_url, _ = lane
    node = node_client(base_url, fault="close(after=2, mode=clean)")
    assert node["ok"] and node["error"] is None and node["chunks"] == 2


def test_openai_node_raises_apierror_on_in_band_error_object(lane):
    base_url, _ = lane
    node = node_client(base_url, fault="error_event(at=3)")
    py = python_client(base_url, fault="error_event(at=3)")
    assert node["error"]["class"] == "APIError" and node["error"]["status"] is None
    assert py["error"]["class"] == "APIError"
    assert node["chunks"] == py["chunks"] == 2  # role chunk + first word, then the error


def test_openai_node_raises_on_flat_event_error_where_openai_python_yields_a_chunk(lane):
    # HTTP-15: an `event: error` block whose data has no `error` key. openai-node 6.49.0
    # yielded it as a chunk on the chat path (its event=='error' check sat under `thread.*`);
    # 7.60.0 throws APIError, as openai-wire 6.8 says. openai-python 3.63.0 still yields it
    # as a chunk of None fields and ends "successfully" with the text cut short.
    base_url, _ = lane
    fault = "error_event(at=3, shape=event_error)"
    node = node_client(base_url, fault=fault)
    py = python_client(base_url, fault=fault)
    assert not node["ok"] and py["ok"], (node, py)
    assert node["error"]["class"] == "APIError" and node["error"]["status"] is None
    assert node["chunks"] == 2  # role, first word, then the throw
    assert py["chunks"] == 3  # role, first word, the error as a "chunk"
    assert node["text"] == py["text"] == "You"


def test_openai_node_throws_syntaxerror_on_malformed_json(lane):
    base_url, _ = lane
    node = node_client(base_url, fault="malformed_json(at=3)")
    py = python_client(base_url, fault="malformed_json(at=3)")
    assert node["error"]["class"] == "SyntaxError" and node["error"]["isAPIError"] is False
    # 7.60.0 words it itself (6.49.0 rethrew JSON.parse's message)
    assert node["error"]["message"] == "Error reading response: malformed server-sent event JSON."
    assert py["error"]["class"] == "JSONDecodeError"
    assert node["chunks"] == py["chunks"] == 2


def test_openai_node_retries_429_honouring_retry_after(lane):
    base_url, journal = lane
    fault = "status(code=429, retry_after=1)"
    node = node_client(base_url, fault=fault, max_retries=2)
    assert node["error"]["class"] == "RateLimitError"
    assert node["status"] == 429
    assert node["retryAfter"] == "1"
    assert node["error"]["message"].startswith("429 ")  # Python: "Error code: 429 - ..."
    # Two retries, each waiting the server's Retry-After of 1 s (a lower bound only: the
    # sleeps cannot be shorter), counted in the header.
    assert node["elapsedMs"] >= 1800, node
    posts = [e for e in journal() if e.method == "POST"]
    assert [e.headers.get("x-stainless-retry-count") for e in posts] == ["0", "1", "2"]
