"""The inspector page: one self-contained HTML file, live (GET /_mock/ui) or static (report).

    web/inspector.html   the skeleton: {{CSP}} {{TITLE}} {{STYLE}} {{NOSCRIPT}} {{DATA}} {{SCRIPT}}
    web/inspector.css    inlined into <style>
    web/timeline.js      the detail pane and its wire timeline  ┐ concatenated, in this
    web/report.js        the static report's matrix and tests   │ order, into one inline
    web/list.js          the request list, filters, the feed    ┘ <script>

No build step, no CDN, no font or image from anywhere: the page needs nothing but itself and,
when live, its own origin's `/_mock/events`. Its Content-Security-Policy says so to the
browser (inline code allowed by hash only, `connect-src 'self'`; the report: no connection
at all). The data the page starts from (`mode`: live or report, and for a report everything
it shows) is a JSON data block, escaped so no `</script>` inside it can end the block.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from importlib import resources
from typing import Any

__all__ = ["render_page", "serve_page", "SCRIPTS"]

SCRIPTS = ("timeline.js", "report.js", "list.js")
_PLACEHOLDER = re.compile(r"\{\{([A-Z]+)\}\}")


@functools.cache
def _asset(name: str) -> str:
    return (resources.files(__package__) / "web" / name).read_text("utf-8")


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@functools.cache
def _code() -> tuple[str, str, str, str]:
    """(style, script, style hash, script hash)."""
    style = _asset("inspector.css")
    script = "\n".join(_asset(name) for name in SCRIPTS)
    return style, script, _hash(style), _hash(script)


def csp(*, live: bool) -> str:
    """The page's Content-Security-Policy: its own inline code only, its own origin at most."""
    _, _, style_hash, script_hash = _code()
    connect = "'self'" if live else "'none'"
    return (f"default-src 'none'; script-src {script_hash}; style-src {style_hash}; "
            f"img-src data:; connect-src {connect}; base-uri 'none'; form-action 'none'")


def _json_block(data: Any) -> str:
    text = json.dumps(data, separators=(",", ":"))  # ASCII only
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_page(data: dict[str, Any], *, title: str = "mockserver inspector",
                noscript: str = "") -> str:
    """The page with `data` (`{"mode": "live"}`, or a report's content) built in."""
    style, script, _, _ = _code()
    live = data.get("mode") != "report"
    parts = {
        "CSP": csp(live=live), "TITLE": _escape(title), "STYLE": style, "SCRIPT": script,
        "DATA": _json_block(data),
        "NOSCRIPT": f"<noscript>{noscript}</noscript>" if noscript else "",
    }
    return _PLACEHOLDER.sub(lambda m: parts[m.group(1)], _asset("inspector.html"))


def _escape(text: str) -> str:
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


@functools.cache
def _live_page() -> bytes:
    return render_page({"mode": "live"}).encode("utf-8")


async def serve_page(send: Any) -> None:
    """Answer GET /_mock/ui with the live page."""
    body = _live_page()
    headers = [
        (b"content-type", b"text/html; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"content-security-policy", csp(live=True).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
