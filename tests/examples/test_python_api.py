"""The public face without pytest (README, "Standalone"): MockServer, Scenario, parse_faults."""

from __future__ import annotations

import httpx

from mockserver import MockServer, Scenario, parse_faults


def test_python_api_serves_a_scenario_with_a_fault_over_a_real_socket():
    scenario = Scenario.from_dict({"response": {"text": "Hello there"},
                                   "faults": parse_faults("close(after=2, mode=clean)")})
    with MockServer() as server:
        server.enqueue(scenario)
        body = {"model": "gpt-4.1", "messages": [{"role": "user", "content": "Hi"}],
                "stream": True}
        with httpx.stream("POST", f"{server.base_url}/chat/completions", json=body,
                          timeout=10) as reply:
            data = reply.read()
        assert reply.status_code == 200
        assert data.count(b"data: ") == 2 and b"[DONE]" not in data  # cut after two events
        assert server.requests()[0].faults == ("close(after=2, mode=clean)",)
