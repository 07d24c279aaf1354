def test_azure_streams_start_with_a_chunk_without_choices(mockserver):
    mockserver.stream("Hello there, world")
    azure = mockserver.azure_client()  # openai.AzureOpenAI on this test's lane
    chunks = list(azure.chat.completions.create(model="gpt-4o", stream=True,
                                                messages=[{"role": "user", "content": "Hi"}]))
    assert chunks[0].choices == []  # Azure's prompt_filter_results: chunks[0].choices[0] raises
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Hello there, world"


def test_the_readme_shows_this_example():
    import inspect
    from pathlib import Path

    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    assert inspect.getsource(test_azure_streams_start_with_a_chunk_without_choices) in readme
