"""The two browser clients of the matrix: Chromium's `fetch` with a stream reader, and
Chromium's `EventSource`, both in pages of a second loopback origin (so CORS applies).

    fixtures/web/chat.html served from http://127.0.0.1:P1 (a stdlib static server)
    mockserver at http://127.0.0.1:P2 (another origin)
    fetch        POST <lane>/chat/completions, body read with getReader() and the page's
                 WHATWG parser (`chatParsers.buffered`), stops at [DONE], throws on a non-2xx
                 status, on `{"error": ...}` in an event and on JSON it cannot parse
    EventSource  GET <lane>/chat/completions (mockserver's GET form), `onmessage` appends the
                 deltas and closes at [DONE]; on `error` with readyState CLOSED it gives up,
                 with readyState CONNECTING it lets the browser reconnect (as an app that does
                 not handle `onerror` does) and the lane answers the reconnection with the
                 healthy stream, so a cut shows up as the answer delivered twice

Debian's chromium through Python playwright (`executable_path`, never a downloaded build), one
browser for both clients, one context per client, each case in its own page, a few at once.
"""

from __future__ import annotations

import asyncio
from typing import Any

from tools.chromium import CHROMIUM_ARGS, chromium_path, static_origin

__all__ = ["BROWSER_CLIENTS", "run_browser_clients"]

BROWSER_CLIENTS = ("chromium-fetch", "chromium-eventsource")

FETCH_JS = """async ({url, deadline}) => {
  const out = {finished: false, text: "", error: null, status: null};
  const ctrl = new AbortController();
  let hung = false;
  const timer = setTimeout(() => { hung = true; ctrl.abort(); }, deadline);
  try {
    const r = await fetch(url + "/chat/completions", {method: "POST", signal: ctrl.signal,
      headers: {"Authorization": "Bearer sk-test", "Content-Type": "application/json"},
      body: JSON.stringify({model: "gpt-4.1", stream: true,
                            messages: [{role: "user", content: "Hello"}]})});
    out.status = r.status;
    if (!r.ok) { const e = new Error(`HTTP ${r.status}`); e.name = "HTTPError"; throw e; }
    const parser = window.chatParsers.buffered();
    const reader = r.body.getReader();
    reading: for (;;) {
      const {done, value} = await reader.read();
      for (const ev of done ? parser.end() : parser.feed(value)) {
        if (ev.data === "[DONE]") { reader.cancel(); break reading; }
        const obj = JSON.parse(ev.data);
        if (obj.error) { const e = new Error(obj.error.message); e.name = "StreamError"; throw e; }
        const c = obj.choices && obj.choices[0] && obj.choices[0].delta
          && obj.choices[0].delta.content;
        if (c) out.text += c;
      }
      if (done) break;
    }
  } catch (err) {
    out.error = {type: err.name || err.constructor.name, module: "", message: String(err.message),
                 cause: null};
  }
  clearTimeout(timer);
  out.finished = !hung;
  return out;
}"""

EVENTSOURCE_JS = """({url, deadline}) => new Promise((resolve) => {
  const out = {finished: false, text: "", error: null, errors: [], opens: 0};
  const es = new EventSource(url + "/chat/completions?model=gpt-4.1&prompt=Hello");
  let timer = null;
  const finish = (finished) => { es.close(); clearTimeout(timer); out.finished = finished;
                                 resolve(out); };
  timer = setTimeout(() => finish(false), deadline);
  es.onopen = () => { out.opens += 1; };
  es.onmessage = (e) => {
    if (e.data === "[DONE]") { finish(true); return; }
    try {
      const obj = JSON.parse(e.data);
      if (obj.error) {
        out.error = {type: "StreamError", module: "", message: String(obj.error.message),
                     cause: null};
        finish(true); return;
      }
      const c = obj.choices && obj.choices[0] && obj.choices[0].delta
        && obj.choices[0].delta.content;
      if (c) out.text += c;
    } catch (err) {
      out.error = {type: err.name, module: "", message: String(err.message), cause: null};
      finish(true);
    }
  };
  es.onerror = () => {
    const closed = es.readyState === EventSource.CLOSED;
    out.errors.push(closed ? "closed" : "reconnecting");
    if (closed) {
      out.error = {type: "error event", module: "", cause: null,
                   message: "connection failed (readyState CLOSED, no reconnection)"};
      finish(true);
    }
  };
})"""


async def _run_client(browser: Any, origin: str, script: str, cases: list[dict[str, Any]],
                      deadline: float, concurrency: int) -> dict[str, Any]:
    context = await browser.new_context()
    context.set_default_timeout((deadline + 10) * 1000)
    gate = asyncio.Semaphore(concurrency)
    results: dict[str, Any] = {}

    async def one(case: dict[str, Any]) -> None:
        async with gate:
            page = await context.new_page()
            try:
                await page.goto(f"{origin}/chat.html")
                results[case["key"]] = await page.evaluate(
                    script, {"url": case["url"], "deadline": int(deadline * 1000)})
            finally:
                await page.close()

    try:
        warm = await context.new_page()  # warm up on the baseline: page, parser, connection
        await warm.goto(f"{origin}/chat.html")
        await warm.evaluate(script, {"url": cases[0]["url"], "deadline": 30_000})
        await warm.close()
        await asyncio.gather(*(one(case) for case in cases))
    finally:
        await context.close()
    return results


async def _run_all(jobs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    from playwright.async_api import async_playwright

    path = chromium_path()
    reports: dict[str, dict[str, Any]] = {}
    if path is None:
        for client in jobs:
            reports[client] = {"client": client, "versions": {}, "results": {},
                               "skipped": "no chromium on PATH or at /usr/bin/chromium"}
        return reports
    scripts = {"chromium-fetch": FETCH_JS, "chromium-eventsource": EVENTSOURCE_JS}
    async with async_playwright() as manager:
        browser = await manager.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            with static_origin(name="outcomes-web") as origin:
                runs = {
                    client: _run_client(browser, origin, scripts[client], job["cases"],
                                        job["deadline"], job.get("concurrency", 4))
                    for client, job in jobs.items()
                }
                done = await asyncio.gather(*runs.values())
            version = browser.version
        finally:
            await browser.close()
    for client, results in zip(runs, done, strict=True):
        reports[client] = {"client": client, "versions": {"chromium": version},
                           "skipped": None, "results": results}
    return reports


def run_browser_clients(jobs: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Run the browser clients' jobs (client -> job, as for the other workers) in one browser."""
    try:
        import playwright  # noqa: F401
    except ImportError as exc:
        return {client: {"client": client, "versions": {}, "results": {},
                         "skipped": f"python playwright is not installed ({exc})"}
                for client in jobs}
    return asyncio.run(_run_all(jobs))
