"""A small application that builds its LLM clients from the environment, as most apps do.

Nothing here knows about mockserver: the `mockserver` fixture points OPENAI_BASE_URL and
OPENAI_API_KEY at the test's lane (SPEC 13), so these functions talk to it unchanged.
"""

from __future__ import annotations

__all__ = ["summarize", "summarize_with_langchain", "answer_with_pydantic_ai"]


def summarize(text: str) -> str:
    """Stream a summary with a bare `OpenAI()` (base URL and key from the environment)."""
    from openai import OpenAI

    with OpenAI(max_retries=0) as client:
        stream = client.chat.completions.create(
            model="gpt-4o-mini", messages=[{"role": "user", "content": text}], stream=True
        )
        return "".join(c.choices[0].delta.content or "" for c in stream if c.choices)


def summarize_with_langchain(text: str) -> str:
    """The same with LangChain's `ChatOpenAI()`, configured only by the environment."""
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(model="gpt-4o-mini", max_retries=0)
    return "".join(str(chunk.content) for chunk in llm.stream(text))


async def answer_with_pydantic_ai(question: str) -> str:
    """A pydantic-ai agent on the Chat Completions API: base URL and key come from the
    environment; the app owns its HTTP client so no connection outlives the event loop."""
    import httpx2
    from pydantic_ai import Agent
    from pydantic_ai.models.openai import OpenAIChatModel
    from pydantic_ai.providers.openai import OpenAIProvider

    async with httpx2.AsyncClient() as http:
        model = OpenAIChatModel("gpt-4o-mini", provider=OpenAIProvider(http_client=http))
        result = await Agent(model).run(question)
        return str(result.output)
