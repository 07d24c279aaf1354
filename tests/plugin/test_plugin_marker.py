"""The `mockserver` marker: scenario=, faults=, seed=, assert_all_used=, and loud typos."""

from __future__ import annotations


def test_marker_enqueues_a_library_scenario_and_applies_faults_to_every_request(suite):
    suite.makepyfile(
        """
        import pytest

        MSG = [{"role": "user", "content": "hi"}]

        def text(stream):
            return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)

        @pytest.mark.mockserver(scenario="hello-stream")
        def test_library_scenario(mockserver):
            stream = mockserver.openai_client().chat.completions.create(
                model="gpt-4.1", messages=MSG, stream=True)
            assert text(stream) == "Hello there, world!"
            assert mockserver.requests[0].scenario == "hello-stream"

        @pytest.mark.mockserver(faults=["close(after=2, mode=clean)"])
        def test_faults_on_default_and_scripted_answers(mockserver):
            client = mockserver.openai_client()
            mockserver.stream("Scripted answer here")
            chat = client.chat.completions
            scripted = text(chat.create(model="gpt-4.1", messages=MSG, stream=True))
            default = text(chat.create(model="gpt-4.1", messages=MSG, stream=True))
            assert scripted == "Scripted"
            assert [r.faults for r in mockserver.requests] == [("close(after=2, mode=clean)",)] * 2
            assert len(default.split()) == 1

        @pytest.mark.mockserver(seed=11)
        def test_seed(mockserver):
            mockserver.stream("seeded")
            mockserver.openai_client().chat.completions.create(model="gpt-4.1", messages=MSG)
            assert mockserver.options.seed == 11

        @pytest.mark.mockserver(assert_all_used=False)
        def test_opt_out_of_unused_check(mockserver):
            mockserver.stream("never requested")

        @pytest.mark.mockserver(faults="missing_done")
        class TestClassLevel:
            @pytest.mark.mockserver(seed=3)
            def test_merged(self, mockserver):
                assert mockserver.options.faults == ("missing_done",)
                assert mockserver.options.seed == 3
        """
    )
    suite.runpytest_inprocess().assert_outcomes(passed=5)


def test_marker_typos_fail_loudly_at_setup(suite):
    suite.makepyfile(
        """
        import pytest

        @pytest.mark.mockserver(faultz=["bom"])
        def test_unknown_kwarg(mockserver):
            pass

        @pytest.mark.mockserver(faults=["clse(after=1)"])
        def test_unknown_fault(mockserver):
            pass

        @pytest.mark.mockserver(faults=["close(aftr=1)"])
        def test_bad_fault_param(mockserver):
            pass

        @pytest.mark.mockserver(scenario="helo-stream")
        def test_unknown_scenario(mockserver):
            pass

        @pytest.mark.mockserver(seed=-1)
        def test_bad_seed(mockserver):
            pass

        @pytest.mark.mockserver("hello-stream")
        def test_positional(mockserver):
            pass
        """
    )
    result = suite.runpytest_inprocess()
    result.assert_outcomes(errors=6)
    out = result.stdout.str()
    for message in [
        "unknown argument(s) 'faultz'; allowed: scenario, faults, seed, assert_all_used",
        "unknown fault 'clse'",
        "close: unknown parameter 'aftr'",
        "unknown scenario 'helo-stream'; did you mean 'hello-stream'?",
        "seed= must be a non-negative integer, got -1",
        "mockserver marker takes keyword arguments only",
    ]:
        assert message in out
    assert "During handling" not in out


def test_marker_is_registered_with_its_signature(suite):
    suite.makepyfile("def test_nothing():\n    pass\n")
    result = suite.runpytest_inprocess("--markers")
    result.stdout.fnmatch_lines([
        "@pytest.mark.mockserver(scenario=None, faults=(), seed=None, assert_all_used=True, "
        "env=True):*"
    ])
    # --strict-markers accepts it
    assert suite.runpytest_inprocess("--strict-markers").ret == 0
