from hypothesis import given
from hypothesis import strategies as st

from tgraph_bot.core.censor import censor


def test_keeps_first_and_last_with_one_star_per_hidden_character() -> None:
    assert censor("Harper K.") == "H*******."
    assert censor("Zoë Nguyen") == "Z********n"
    assert censor("abc") == "a*c"


def test_short_names_are_never_shown_whole() -> None:
    assert censor("") == ""
    assert censor("A") == "*"
    assert censor("Al") == "A*"


@given(st.text(min_size=3))
def test_length_kept_and_middle_hidden(name: str) -> None:
    out = censor(name)
    assert len(out) == len(name)
    assert out[0] == name[0] and out[-1] == name[-1]
    assert set(out[1:-1]) <= {"*"}
