"""`mockserver play`: compile a scenario file for a sample request and show the exact bytes.

The timeline lists each op with the time it happens (relative to the start of the response):
the head, every write with its full bytes (repr), pauses, and how the connection ends.
"""

from __future__ import annotations

from mockserver.core.compile import compile_plan
from mockserver.core.formats import FORMATS, view_for
from mockserver.core.plan import Close, Sleep, Start, WirePlan, Write
from mockserver.errors import ConfigError

__all__ = ["plan_for_file", "describe_timeline"]

_APIS = {
    "/v1/chat/completions": "chat",
    "/v1/completions": "completions",
    "/v1/responses": "responses",
    "/v1/messages": "messages",
}


def _sample_body(api: str, model: str, message: str, stream: bool) -> dict[str, object]:
    if api == "completions":
        return {"model": model, "prompt": message, "stream": stream}
    if api == "responses":
        return {"model": model, "input": message, "stream": stream}
    body: dict[str, object] = {
        "model": model,
        "messages": [{"role": "user", "content": message}],
        "stream": stream,
    }
    if api == "messages":
        body["max_tokens"] = 1024
    return body


def _provider_route(path: str) -> tuple[str, dict[str, str]]:
    """The format of a provider path (`/model/<id>/converse-stream`, ...) and its parameters;
    the format must say what a typical request looks like (`Renderer.sample`)."""
    for fmt in FORMATS.values():
        for route in fmt.routes:
            params = route.match(path)
            if params is not None and fmt.renderer.sample is not None:
                return fmt.name, params
    raise ConfigError(f"--path must be one of {', '.join(_APIS)} or a provider route "
                      f"(e.g. /model/<model id>/converse-stream, /openai/deployments/<name>/"
                      f"chat/completions), got {path!r}")


def plan_for_file(
    path: str,
    *,
    index: int = 0,
    api_path: str | None = None,
    stream: bool = True,
    seed: int | None = None,
    message: str = "Hello",
    model: str = "gpt-4.1",
) -> WirePlan:
    """Compile scenario number `index` of the file at `path` for a sample request."""
    from mockserver.cli.loader import load_scenarios
    from mockserver.core.models import ModelCatalog

    api_path = api_path or "/v1/chat/completions"
    api, params = _APIS.get(api_path), dict[str, str]()
    if api is None:
        api, params = _provider_route(api_path)
        model = next(iter(params.values()), model)  # the path names the model (or deployment)
    scenarios = load_scenarios(path)
    if not scenarios:
        raise ConfigError("the file holds no scenario", where=path)
    if not 0 <= index < len(scenarios):
        raise ConfigError(
            f"--index {index} out of range (the file has {len(scenarios)})", where=path
        )
    scenario = scenarios[index]
    sample = FORMATS[api].renderer.sample
    body = sample(model, message, stream) if sample else _sample_body(api, model, message, stream)
    request = view_for(api, api_path, body, params)
    info = ModelCatalog().get(model)
    return compile_plan(
        request,
        response=scenario.response_for(0),
        seed=seed if seed is not None else (scenario.seed or 0),
        timing=scenario.timing,
        faults=scenario.faults,
        model=info.resolved if info else model,
        scenario=scenario.name,
    )


def describe_timeline(plan: WirePlan) -> str:
    """One line per op with its time offset; writes show their complete bytes."""
    lines = []
    if plan.faults:
        lines.append(f"# faults: {'; '.join(plan.faults)}")
    if plan.requires_raw_socket:
        lines.append("# played over the raw socket")
    t = 0.0
    for op in plan.ops:
        stamp = f"{t * 1000:9.1f}ms"
        if isinstance(op, Start):
            lines.append(f"{stamp}  HTTP {op.status}")
            lines += [f"{'':11}  {k}: {v}" for k, v in op.headers]
        elif isinstance(op, Write):
            kind = "raw write" if op.raw else "write"
            lines.append(f"{stamp}  {kind} {len(op.data)}B (events {op.events}): {op.data!r}")
        elif isinstance(op, Sleep):
            spacing = " (at least, after the previous write)" if op.since == "write" else ""
            lines.append(f"{stamp}  sleep {op.seconds * 1000:.1f}ms{spacing}")
            t += op.seconds
        elif isinstance(op, Close):
            extra = f" after {op.seconds}s" if op.seconds else ""
            lines.append(f"{stamp}  close {op.mode}{extra}")
    return "\n".join(lines) + "\n"
