"""The pure core: scenario + request + seed -> WirePlan (no I/O, no clock, no global random).

    POST body ─FORMATS[name].renderer.view─► RequestView                 formats/, request.py
    Scenario (scenario.py) ─► Response (response.py) ─content.resolve─► Content
    compile_plan (compile.py)
      Content ─renderer.events | .body─► Draft(status, headers, events | body)      draft.py
      the faults' hooks (mockserver.faults), in order:
        on_draft ─► on_cors ─► on_payload ─► serialize ─► on_events
        ─► framing.encode (SSE) ─► on_frames ─► schedule (Timing) ─► on_wire
      ─► WirePlan(Start, Write, Sleep, Close)                                        plan.py
    WebSocket: WsSession (ws/session.py) ─► one batch of ops per turn (ws/ops.py) ─► on_ws

Layers, inner first (tests/test_layers.py keeps them): data (events, plan, draft, request,
response, content, cors, ids, models, validate, ws/ops.py) ─► formats/ ─► mockserver.faults
─► compile, scenario and the ws/ protocols. The transport plays plans; the CLI reads files.
"""
