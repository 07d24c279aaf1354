"""Wiring without code changes (SPEC 13): the fixture points the SDKs' environment variables at
the test's lane, restores them afterwards, and can be told not to. Under xdist, see
test_plugin_session.py (its tests build `OpenAI()` from the environment on two workers)."""

from __future__ import annotations

import pytest

APP = """
import os

import pytest
from openai import OpenAI

MSG = [{"role": "user", "content": "hi"}]

def ask():
    # application code: the client comes from the environment only
    with OpenAI(max_retries=0) as client:
        reply = client.chat.completions.create(model="gpt-4.1", messages=MSG)
        return reply.choices[0].message.content
"""


def test_each_test_sees_its_own_lane_and_the_environment_is_restored(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://outside.invalid/v1")
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    suite.makepyfile(
        APP
        + """

def test_first(mockserver):
    assert os.environ["OPENAI_BASE_URL"] == mockserver.base_url
    assert os.environ["OPENAI_API_BASE"] == mockserver.base_url
    assert os.environ["OPENAI_API_KEY"] == mockserver.api_key
    assert os.environ["ANTHROPIC_BASE_URL"] == mockserver.url
    assert os.environ["ANTHROPIC_API_KEY"] == mockserver.api_key
    mockserver.stream("first lane")
    assert ask() == "first lane"
    assert [r.lane for r in mockserver.requests] == [mockserver.lane]

def test_second(mockserver):
    mockserver.stream("second lane")
    assert ask() == "second lane"

def test_afterwards_nothing_is_left():
    assert os.environ["OPENAI_BASE_URL"] == "http://outside.invalid/v1"
    assert "ANTHROPIC_BASE_URL" not in os.environ
"""
    )
    suite.runpytest_inprocess("-p", "no:randomly").assert_outcomes(passed=3)


def test_opt_out_with_the_marker_leaves_the_environment_alone(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("OPENAI_BASE_URL", "http://outside.invalid/v1")
    suite.makepyfile(
        APP
        + """

@pytest.mark.mockserver(env=False)
def test_opted_out(mockserver):
    assert os.environ["OPENAI_BASE_URL"] == "http://outside.invalid/v1"

@pytest.mark.mockserver(env="no")
def test_bad_value(mockserver):
    pass
"""
    )
    result = suite.runpytest_inprocess()
    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*env= must be True or False, got 'no'*"])


def test_opt_out_for_the_run_with_the_command_line_option(
    suite: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    suite.makepyfile(
        APP
        + """
def test_untouched(mockserver):
    assert "OPENAI_BASE_URL" not in os.environ
"""
    )
    suite.runpytest_inprocess("--mockserver-no-env").assert_outcomes(passed=1)
