"""Provider clients built from the environment alone reach the test's lane: the fixture sets
AZURE_OPENAI_ENDPOINT / AZURE_OPENAI_API_KEY / OPENAI_API_VERSION, AWS_ENDPOINT_URL_BEDROCK_RUNTIME
(+ AWS credentials and region when absent) and ANTHROPIC_BEDROCK_BASE_URL (pytest_plugin/env.py)."""

from __future__ import annotations

import json
from contextlib import closing

import anthropic
import boto3
import openai

CLAUDE = "anthropic.claude-sonnet-4-5-20250929-v1:0"


def test_azure_openai_client_from_the_environment_reaches_the_lane(mockserver):
    mockserver.stream("From Azure.")
    with openai.AzureOpenAI(max_retries=0) as client:
        reply = client.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "Hi"}])
    assert reply.choices[0].message.content == "From Azure."
    assert mockserver.requests[0].path == (
        f"/lane/{mockserver.lane}/openai/deployments/gpt-4o/chat/completions")


def test_boto3_bedrock_client_from_the_environment_reaches_the_lane(mockserver):
    mockserver.stream("From Bedrock.")
    with closing(boto3.client("bedrock-runtime")) as client:
        reply = client.converse(modelId=CLAUDE,
                                messages=[{"role": "user", "content": [{"text": "Hi"}]}])
    assert reply["output"]["message"]["content"] == [{"text": "From Bedrock."}]
    assert mockserver.requests[0].path == f"/lane/{mockserver.lane}/model/{CLAUDE}/converse"


def test_anthropic_bedrock_client_from_the_environment_reaches_the_lane(mockserver):
    mockserver.stream("From Claude on Bedrock.")
    with anthropic.AnthropicBedrock(max_retries=0) as client:
        message = client.messages.create(model=CLAUDE, max_tokens=64,
                                         messages=[{"role": "user", "content": "Hi"}])
    assert message.content[0].text == "From Claude on Bedrock."
    assert json.loads(json.dumps(mockserver.requests[0].body))["anthropic_version"]
