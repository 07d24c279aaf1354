"""Teardown checks and the failure transcript: failures say what happened and how to fix it."""

from __future__ import annotations


def test_unused_scenario_fails_teardown_naming_it_and_the_opt_out(suite):
    suite.makepyfile(
        """
        import pytest

        def test_forgot_to_call(mockserver):
            mockserver.stream("Hello never sent", faults=["missing_done"])
            mockserver.error(429, times=2)

        def test_failing_test_skips_the_check(mockserver):
            mockserver.stream("unused")
            assert False, "the real failure"

        @pytest.mark.xfail(reason="known bug", strict=True)
        def test_xfail_skips_the_check(mockserver):
            mockserver.stream("unused")
            raise RuntimeError("bug")
        """
    )
    result = suite.runpytest_inprocess()
    result.assert_outcomes(passed=1, errors=1, failed=1, xfailed=1)
    result.stdout.fnmatch_lines([
        "*ERROR at teardown of test_forgot_to_call*",
        "mockserver: 2 scenario(s) queued by this test were not fully used:",
        "  - scn_*: text 'Hello never sent', faults missing_done (requested 0 of 1 times)",
        "  - scn_*: error 429 (requested 0 of 2 times)",
        "Point the client at mockserver.base_url (this test's lane), remove the scenario, or opt "
        "out with @pytest.mark.mockserver(assert_all_used=False); see README.md#unused-scenarios",
    ])
    assert "the real failure" in result.stdout.str()
    # once, for test_forgot_to_call only (the short summary repeats it in full under CI, where
    # pytest does not truncate summary lines, so count above it)
    report = result.stdout.str().split("short test summary info")[0]
    assert report.count("were not fully used") == 1


def test_failing_test_gets_a_transcript_of_what_was_received_and_sent(suite):
    suite.makepyfile(
        """
        import httpcore2, httpx2, openai, pytest

        def test_client_breaks(mockserver):
            mockserver.stream("Hello there, world", faults=["close(after=2, mode=reset)"])
            client = mockserver.openai_client()
            stream = client.chat.completions.create(
                model="gpt-4.1", messages=[{"role": "user", "content": "Say hi"}], stream=True)
            text = ""
            with pytest.raises(
                (openai.APIConnectionError, httpx2.ReadError, httpcore2.ReadError)
            ):
                for chunk in stream:
                    text += chunk.choices[0].delta.content or ""
            assert text == "Hello there, world"

        def test_passing(mockserver):
            mockserver.stream("fine")
            mockserver.openai_client().chat.completions.create(
                model="gpt-4.1", messages=[{"role": "user", "content": "x"}])
        """
    )
    result = suite.runpytest_inprocess()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines([
        "*- mockserver: what the server received and sent -*",
        "mockserver lane t1-* (seed 0): 1 request(s)",
        "#1 POST /lane/t1-*/v1/chat/completions -> 200, outcome reset",
        "   scenario: queued   faults: close(after=2, mode=reset)",
        '   received: {*"content": "Say hi"}*',
        "   sent:",
        "     START 200 [[]content-type: text/event-stream; charset=utf-8, x-mock-fault: "
        "close(after=2, mode=reset), +* more]",
        "     WRITE *B b'data: {\"id\":\"chatcmpl-* ... *\"finish_reason\":null}*",
        "     WRITE *B b'data: {\"id\":\"chatcmpl-* ... *\"delta\":{\"content\":\"Hello\"}*",
        "     CLOSE reset",
    ])
    out = result.stdout.str()
    assert out.count("what the server received and sent") == 1  # not for the passing test


def test_transcript_says_when_no_request_reached_the_lane(suite):
    suite.makepyfile(
        """
        def test_wrong_url(mockserver, make_mockserver):
            import httpx
            httpx.post(make_mockserver.base_url + "/chat/completions",
                       json={"model": "gpt-4.1", "messages": []})
            assert mockserver.requests, "the client used the root URL, not the lane's"
        """
    )
    result = suite.runpytest_inprocess()
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines([
        "mockserver lane * 0 request(s)",
        "no request reached this test's lane: is the client using mockserver.base_url?",
    ])
