"""Username censoring for the graphs: each word keeps its outline, the letters between are starred.

``"Harper K."`` reads ``"H****r K."``: a member recognises the shape of a name they know,
a stranger learns neither name. Punctuation and spaces stay, so word boundaries stay.
"""

from __future__ import annotations

from collections.abc import Iterable


def _word(word: str, *, alone: bool) -> str:
    """One word: its first and last letter kept (first only when it has two or fewer letters).

    A single letter is an initial ("K.") and is kept, unless it is the whole name.
    """
    letters = [i for i, ch in enumerate(word) if ch.isalnum()]
    if not letters:
        return word
    keep: set[int]
    if len(letters) == 1:
        keep = set() if alone else {letters[0]}
    elif len(letters) == 2:
        keep = {letters[0]}
    else:
        keep = {letters[0], letters[-1]}
    return "".join(ch if i in keep or not ch.isalnum() else "*" for i, ch in enumerate(word))


def censor(name: str) -> str:
    """``"Harper K."`` -> ``"H****r K."``; ``"Al"`` -> ``"A*"``; ``"A"`` -> ``"*"``.

    One star per hidden letter; no name of two or more letters is ever shown whole.
    """
    words = name.split(" ")
    alone = sum(1 for w in words if any(ch.isalnum() for ch in w)) <= 1
    shown = " ".join(_word(w, alone=alone) for w in words)
    if shown == name and sum(ch.isalnum() for ch in name) >= 2:  # initials only: "A B"
        first = next(i for i, ch in enumerate(name) if ch.isalnum())
        shown = "".join(ch if i == first or not ch.isalnum() else "*" for i, ch in enumerate(name))
    return shown


def censor_all(names: Iterable[str]) -> list[str]:
    """Censor every name of one graph so that no two different users read the same.

    Two names that censor alike ("Harper K.", "Hunter K.") are told apart by a number in
    the order they are drawn ("H****r K.", "H****r K. (2)"): nothing more of either name
    is revealed. The same holds for two users with the same name.
    """
    out: list[str] = []
    used: set[str] = set()
    for name in names:
        base = shown = censor(name)
        count = 1
        while shown in used:
            count += 1
            shown = f"{base} ({count})"
        used.add(shown)
        out.append(shown)
    return out


__all__ = ["censor", "censor_all"]
