"""Username censoring for the graphs: keep the first and last character, star the rest."""

from __future__ import annotations


def censor(name: str) -> str:
    """``"Harper K."`` -> ``"H*******."``: one star per hidden character.

    Names of one or two characters keep only their first character ("A" -> "*",
    "Al" -> "A*"), so no name is ever shown whole.
    """
    chars = list(name)
    if len(chars) <= 1:
        return "*" * len(chars)
    if len(chars) == 2:
        return chars[0] + "*"
    return chars[0] + "*" * (len(chars) - 2) + chars[-1]


__all__ = ["censor"]
