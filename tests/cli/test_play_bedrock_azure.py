"""`mockserver play --path` renders a scenario for Bedrock's and Azure's routes: the exact
frames and chunks those routes would send (the format's own sample request)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from botocore.eventstream import EventStreamBuffer

from mockserver.cli.playback import plan_for_file
from mockserver.errors import ConfigError

SCENARIO = "seed: 7\nresponse: {text: 'Hi there'}\nfaults: ['exception_event(at=3)']\n"
CONVERSE = "/model/anthropic.claude-sonnet-4-5-20250929-v1:0/converse-stream"


@pytest.fixture
def scenario(tmp_path: Path) -> str:
    path = tmp_path / "s.yaml"
    path.write_text(SCENARIO)
    return str(path)


def test_play_prints_the_event_stream_frames_of_a_bedrock_route(scenario: str) -> None:
    out = subprocess.run([sys.executable, "-m", "mockserver", "play", scenario, "--path",
                          CONVERSE], capture_output=True, text=True, timeout=60, check=True).stdout
    assert "content-type: application/vnd.amazon.eventstream" in out
    assert "write" in out and "exception-type" in out and "modelStreamErrorException" in out


def test_the_played_bedrock_plan_is_what_botocore_reads(scenario: str) -> None:
    buffer = EventStreamBuffer()
    buffer.add_data(plan_for_file(scenario, api_path=CONVERSE).body())
    assert [m.headers.get(":event-type") or m.headers[":exception-type"] for m in buffer] == [
        "messageStart", "contentBlockDelta", "modelStreamErrorException"]


def test_play_renders_azure_chat_and_invoke_routes(scenario: str) -> None:
    azure = plan_for_file(scenario, api_path="/openai/deployments/gpt-4o/chat/completions")
    assert azure.body().startswith(b'data: {"choices":[],"created":0,"id":""')
    invoke = plan_for_file(scenario, api_path="/model/anthropic.claude-v2:1/invoke",
                           stream=False)
    assert b'"type":"message"' in invoke.body()


def test_an_unknown_path_names_the_provider_routes(scenario: str) -> None:
    with pytest.raises(ConfigError, match="converse-stream"):
        plan_for_file(scenario, api_path="/nope")
