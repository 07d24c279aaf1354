def test_openai_sdk_returns_a_cut_stream_as_if_complete(mockserver):
    mockserver.stream("Hello there, world", faults=["close(after=2, mode=clean)"])
    chat = mockserver.openai_client().chat.completions
    stream = chat.create(model="gpt-4o", messages=[{"role": "user", "content": "Hi"}], stream=True)
    text = "".join(chunk.choices[0].delta.content or "" for chunk in stream)
    # No exception: without `data: [DONE]` the SDK cannot tell a cut stream from a whole one.
    assert text == "Hello"
    assert mockserver.requests[0].faults == ("close(after=2, mode=clean)",)
