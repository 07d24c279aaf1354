"""The `mockserver` fixture: lanes, scripting helpers, journal, reset, SDK clients (SPEC 5)."""

from __future__ import annotations

import pytest


def test_fixture_scripts_streams_errors_sequences_and_journal_on_the_tests_lane(suite):
    suite.makepyfile(
        """
        import httpx, openai, pytest

        MSG = [{"role": "user", "content": "hi"}]

        def chat(ms, **kw):
            client = ms.openai_client()
            return client.chat.completions.create(model="gpt-4.1", messages=MSG, **kw)

        def test_stream_text_and_chunks(mockserver):
            mockserver.stream("Hello there, world")
            mockserver.stream(chunks=["Hel", "lo"])
            stream = chat(mockserver, stream=True)
            assert "".join(c.choices[0].delta.content or "" for c in stream) == "Hello there, world"
            assert chat(mockserver).choices[0].message.content == "Hello"
            assert [r.outcome for r in mockserver.requests] == ["completed", "completed"]
            assert mockserver.requests[0].body["messages"] == MSG
            assert "/lane/" in mockserver.base_url and mockserver.base_url.endswith("/v1")
            assert mockserver.ws_url.startswith("ws://") and mockserver.ws_url.endswith("/v1")

        def test_stream_repeat_chunks(mockserver):
            mockserver.stream(chunks={"repeat": "tok ", "times": 3000})
            stream = chat(mockserver, stream=True)
            assert "".join(c.choices[0].delta.content or "" for c in stream) == "tok " * 3000

        def test_stream_fault_truncates(mockserver):
            mockserver.stream("Hello there, world", faults=["close(after=2, mode=clean)"])
            stream = chat(mockserver, stream=True)
            assert "".join(c.choices[0].delta.content or "" for c in stream) == "Hello"
            assert mockserver.requests[0].faults == ("close(after=2, mode=clean)",)

        def test_error_with_headers(mockserver):
            mockserver.error(429, type="rate_limit_error", message="slow down",
                             headers={"retry-after": "1"})
            with pytest.raises(openai.RateLimitError, match="slow down") as info:
                chat(mockserver)
            assert info.value.response.headers["retry-after"] == "1"

        def test_sequence_for_retries(mockserver):
            mockserver.sequence({"error": {"status": 500}}, "Recovered")
            client = mockserver.openai_client(max_retries=1)
            reply = client.chat.completions.create(model="gpt-4.1", messages=MSG)
            assert reply.choices[0].message.content == "Recovered"
            assert [r.status for r in mockserver.requests] == [500, 200]

        def test_model_match_and_tool_calls(mockserver):
            args = '{"city": "Paris"}'
            mockserver.stream(tool_calls=[{"name": "get_weather", "arguments": args}],
                              model="gpt-4o")
            chat = mockserver.openai_client().chat.completions
            call = chat.create(model="gpt-4o", messages=MSG).choices[0].message.tool_calls[0]
            assert (call.function.name, call.function.arguments) == ("get_weather", args)

        def test_enqueue_dict_times_and_reset(mockserver):
            mockserver.enqueue({"response": {"text": "twice"}, "times": 2})
            assert chat(mockserver).choices[0].message.content == "twice"
            mockserver.reset()
            assert mockserver.requests == [] and mockserver.unused() == []
            assert chat(mockserver).choices[0].message.content != "twice"

        def test_ws_script_is_queued(mockserver):
            queued = mockserver.ws([{"type": "chunk", "content": "hi"}])
            assert queued.startswith("scn_")
            assert mockserver.unused()[0]["id"] == queued
            mockserver.reset()

        def test_bad_scenario_names_the_field(mockserver):
            with pytest.raises(ValueError, match="finish_reason"):
                mockserver.enqueue({"response": {"text": "x", "finish_reason": "nope"}})
            with pytest.raises(ValueError, match="unknown fault"):
                mockserver.stream("x", faults=["no_such_fault"])

        def test_anthropic_client(mockserver):
            mockserver.stream("Bonjour")
            client = mockserver.anthropic_client()
            reply = client.messages.create(model="claude-sonnet-4.5", max_tokens=20,
                                           messages=[{"role": "user", "content": "hi"}])
            assert reply.content[0].text == "Bonjour"
            client.close()  # the shared HTTP client survives an SDK close
            assert mockserver.openai_client()._client.is_closed is False
        """
    )
    result = suite.runpytest_inprocess()
    result.assert_outcomes(passed=10)


def test_each_test_has_its_own_lane_and_shares_the_session_server(suite):
    suite.makepyfile(
        """
        SEEN = []

        def test_one(mockserver, make_mockserver):
            mockserver.stream("for one")
            SEEN.append((mockserver.lane, make_mockserver.port, mockserver.openai_client()._client))
            assert mockserver.openai_client().chat.completions.create(
                model="gpt-4.1", messages=[{"role": "user", "content": "x"}]
            ).choices[0].message.content == "for one"

        def test_two(mockserver, make_mockserver):
            # nothing queued here: test_one's queue is on another lane
            lane, port, http = SEEN[0]
            assert mockserver.lane != lane and make_mockserver.port == port
            assert mockserver.openai_client()._client is http
            reply = mockserver.openai_client().chat.completions.create(
                model="gpt-4.1", messages=[{"role": "user", "content": "x"}])
            assert reply.choices[0].message.content != "for one"
            assert len(mockserver.requests) == 1
        """
    )
    suite.runpytest_inprocess().assert_outcomes(passed=2)


@pytest.mark.parametrize("env_port", [False, True])
def test_listen_address_comes_from_env_or_an_overriding_fixture(suite, monkeypatch, env_port):
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    if env_port:
        monkeypatch.setenv("MOCKSERVER_PORT", str(port))
    else:
        suite.makeconftest(
            f"""
            import pytest

            @pytest.fixture(scope="session")
            def mockserver_listen_address():
                return ("127.0.0.1", {port})
            """
        )
    suite.makepyfile(
        f"""
        def test_port(mockserver):
            assert mockserver.url.startswith("http://127.0.0.1:{port}/lane/")
        """
    )
    suite.runpytest_inprocess().assert_outcomes(passed=1)


def test_seed_option_makes_bytes_repeat_and_shows_in_header(suite):
    suite.makepyfile(
        """
        import json, pathlib

        def test_ids(mockserver, pytestconfig):
            mockserver.stream("same", faults=["split(mode=random)"])
            reply = mockserver.openai_client().chat.completions.create(
                model="gpt-4.1", messages=[{"role": "user", "content": "x"}], stream=True)
            ids = [c.id for c in reply]
            out = pathlib.Path(pytestconfig.rootpath, "out.txt")
            with out.open("a") as f:
                writes = mockserver.requests[0].plan.writes()
                f.write(json.dumps([ids[0], writes], default=repr) + "\\n")
        """
    )
    first = suite.runpytest_inprocess("--mockserver-seed", "7")
    first.assert_outcomes(passed=1)
    first.stdout.fnmatch_lines(["mockserver: seed 7 (replay with --mockserver-seed 7)"])
    suite.runpytest_inprocess("--mockserver-seed", "7").assert_outcomes(passed=1)
    suite.runpytest_inprocess("--mockserver-seed", "8").assert_outcomes(passed=1)
    runs = (suite.path / "out.txt").read_text().splitlines()
    assert runs[0] == runs[1] and runs[0] != runs[2]
