import pytest
from botocore.exceptions import EventStreamError


def test_boto3_raises_when_bedrock_throttles_mid_stream(mockserver):
    mockserver.stream("Hello there", faults=["exception_event(at=3, type=throttlingException)"])
    bedrock = mockserver.bedrock_client()  # boto3 "bedrock-runtime" on this test's lane
    reply = bedrock.converse_stream(modelId="anthropic.claude-sonnet-4-5-20250929-v1:0",
                                    messages=[{"role": "user", "content": [{"text": "Hi"}]}])
    with pytest.raises(EventStreamError, match="throttlingException"):
        list(reply["stream"])  # messageStart, one text delta, then the exception message


def test_the_readme_shows_this_example():
    import inspect
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    assert inspect.getsource(test_boto3_raises_when_bedrock_throttles_mid_stream) in readme
