"""The model catalogue: which model ids the fake API knows, and their snapshot names."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ModelInfo", "DEFAULT_MODELS", "ModelCatalog"]


@dataclass(frozen=True)
class ModelInfo:
    id: str
    owned_by: str = "system"
    created: int = 1715367049
    snapshot: str | None = None
    kind: str = "chat"  # chat | completion | embedding | realtime
    dimensions: int = 0

    @property
    def resolved(self) -> str:
        """The name echoed in responses (`gpt-4o-mini` -> `gpt-4o-mini-2024-07-18`)."""
        return self.snapshot or self.id


DEFAULT_MODELS: tuple[ModelInfo, ...] = (
    ModelInfo("gpt-4.1", snapshot="gpt-4.1-2025-04-14", created=1744316542),
    ModelInfo("gpt-4.1-mini", snapshot="gpt-4.1-mini-2025-04-14", created=1744318173),
    ModelInfo("gpt-4o", snapshot="gpt-4o-2024-08-06", created=1715367049),
    ModelInfo("gpt-4o-mini", snapshot="gpt-4o-mini-2024-07-18", created=1721172741),
    ModelInfo("gpt-3.5-turbo-instruct", created=1692901427, kind="completion"),
    ModelInfo("gpt-realtime", created=1756271701, kind="realtime"),
    ModelInfo("claude-sonnet-4.5", owned_by="anthropic", created=1759104000),
    ModelInfo("gemini-2.5-flash", owned_by="google", created=1750118400),
    ModelInfo("deepseek-v3.2", owned_by="deepseek", created=1759190400),
    ModelInfo("text-embedding-3-small", created=1705948997, kind="embedding", dimensions=1536),
    ModelInfo("text-embedding-3-large", created=1705953180, kind="embedding", dimensions=3072),
)


class ModelCatalog:
    """Known models by id; `extra` adds ids given with `--models a,b` (treated as chat models)."""

    def __init__(self, extra: tuple[str, ...] = ()) -> None:
        self._models = {m.id: m for m in DEFAULT_MODELS}
        for snapshot in DEFAULT_MODELS:
            if snapshot.snapshot:
                self._models.setdefault(snapshot.snapshot, snapshot)
        for name in extra:
            name = name.strip()
            if name and name not in self._models:
                kind = "embedding" if "embedding" in name else "chat"
                self._models[name] = ModelInfo(name, kind=kind, dimensions=1536)

    def get(self, model_id: str) -> ModelInfo | None:
        return self._models.get(model_id)

    def add(self, model_id: str) -> None:
        """Know one more chat model (a recording's upstream model, say)."""
        self._models.setdefault(model_id, ModelInfo(model_id))

    def listed(self) -> list[ModelInfo]:
        seen: dict[str, ModelInfo] = {}
        for model in self._models.values():
            seen.setdefault(model.id, model)
        return list(seen.values())
