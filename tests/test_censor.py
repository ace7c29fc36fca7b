from hypothesis import given
from hypothesis import strategies as st

from tgraph_bot.core.censor import censor, censor_all


def test_each_word_keeps_its_outline_with_one_star_per_hidden_letter() -> None:
    assert censor("Harper K.") == "H****r K."
    assert censor("Zoë Nguyen") == "Z*ë N****n"
    assert censor("abc") == "a*c"
    assert censor("mary-jane") == "m***-***e"  # one word: its first and last letter


def test_short_names_are_never_shown_whole() -> None:
    assert censor("") == ""
    assert censor("A") == "*"
    assert censor("Al") == "A*"
    assert censor("Al B") == "A* B"  # an initial beside a name is kept


def test_names_that_censor_alike_are_told_apart_without_revealing_more() -> None:
    shown = censor_all(["Harper K.", "Hunter K.", "Bo", "Bob", "Harper K."])
    assert shown == ["H****r K.", "H****r K. (2)", "B*", "B*b", "H****r K. (3)"]


@given(st.text(min_size=3))
def test_length_and_word_boundaries_kept_letters_hidden(name: str) -> None:
    out = censor(name)
    assert len(out) == len(name)
    for a, b in zip(name, out, strict=True):
        assert b == a or (b == "*" and a.isalnum())
    letters = sum(ch.isalnum() for ch in name)
    if letters >= 2:
        assert out != name
        assert sum(ch == "*" for ch in out) >= letters - 2 * len(name.split(" "))


@given(st.lists(st.text(max_size=12), max_size=12))
def test_never_two_users_read_the_same(names: list[str]) -> None:
    shown = censor_all(names)
    assert len(shown) == len(names)
    assert len(set(shown)) == len(shown)
