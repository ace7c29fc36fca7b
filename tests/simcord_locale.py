"""simcord's interactions come from an en-US Discord client; a test that needs another
client language says so with :func:`client_locale`."""

from __future__ import annotations

from typing import Any

import pytest
import simcord.interactions


def client_locale(monkeypatch: pytest.MonkeyPatch, locale: str) -> None:
    """Every interaction simcord sends from now on comes from a Discord client in ``locale``,
    as Discord says it: the interaction's ``locale`` (a member's own choice of language)."""
    original = simcord.interactions.base_payload

    def with_locale(*args: Any, **kwargs: Any) -> tuple[Any, dict[str, Any]]:
        record, payload = original(*args, **kwargs)
        payload["locale"] = locale
        return record, payload

    monkeypatch.setattr(simcord.interactions, "base_payload", with_locale)
