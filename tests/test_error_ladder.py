"""The command tree's error ladder, fed the real discord.py exceptions it meets."""

from __future__ import annotations

import errno

import discord
from discord import app_commands
from discord.ext import commands

from tgraph_bot.adapters.discord.tree import LADDER, ReplyRefused, error_reply, meaning
from tgraph_bot.errors import NoGraphsError, UserFacingError
from tgraph_bot.i18n import translator

EN, DA = translator("en"), translator("da")


@app_commands.command(name="probe", description="A command an error can come from")
async def _probe(interaction: discord.Interaction) -> None:
    """Only its name is used."""


_COMMAND = _probe


def refusal() -> discord.HTTPException:
    """Discord's 400 for a message over a limit, as discord.py raises it."""

    class Response:
        status = 400
        reason = "Bad Request"

    return discord.HTTPException(Response(), {"code": 50035, "message": "Invalid Form Body"})  # type: ignore[arg-type]


def test_the_bot_lacking_a_permission_says_which_not_that_the_member_may_not() -> None:
    error = app_commands.BotMissingPermissions(["attach_files", "embed_links"])
    assert isinstance(error, app_commands.CheckFailure)  # why the ladder tests it first
    assert error_reply(error, EN, 0) == (
        "I lack a permission this command needs: attach_files, embed_links.",
        None,
    )
    assert error_reply(error, DA, 0) == (
        "Jeg mangler en tilladelse, som kommandoen kræver: attach_files, embed_links.",
        None,
    )


def test_the_member_lacking_a_permission_is_not_permitted() -> None:
    for error in (
        app_commands.MissingPermissions(["manage_guild"]),
        app_commands.NoPrivateMessage(),
        app_commands.CheckFailure(),
    ):
        assert error_reply(error, EN, 0) == ("You are not permitted to use this command.", None)


def test_cooldown_user_facing_and_unexpected_errors() -> None:
    cooldown = app_commands.CommandOnCooldown(app_commands.Cooldown(1, 60), 59.5)
    assert error_reply(cooldown, EN, 1000)[0] == (
        "This command is cooling down. Try again <t:1060:R>."
    )
    admin = NoGraphsError().render(DA)
    assert error_reply(NoGraphsError(), DA, 0, admin=True) == (admin, None)
    member = NoGraphsError().render(DA, admin=False)
    assert member != admin
    assert error_reply(NoGraphsError(), DA, 0) == (member, None)  # a member, unless told
    text, error_id = error_reply(RuntimeError("boom"), EN, 0)
    assert error_id is not None and len(error_id) == 8
    assert text == f"Sorry, something went wrong (error id {error_id})."
    assert "boom" not in text


def test_the_ladder_is_most_specific_first() -> None:
    """A rung after one that catches its exceptions' base would never answer: each type is
    caught by no earlier rung (e.g. BotMissingPermissions before CheckFailure)."""
    for i, later in enumerate(LADDER):
        for earlier in LADDER[:i]:
            shadowed = [t for t in later.catches if issubclass(t, earlier.catches)]
            assert not shadowed, (shadowed, earlier.catches)


def test_each_rung_answers_what_it_catches() -> None:
    """Every rung is reached by an exception of its own (none is dead)."""
    samples: list[BaseException] = [
        ReplyRefused(refusal()),
        app_commands.CommandOnCooldown(app_commands.Cooldown(1, 60), 1.0),
        commands.BotMissingPermissions(["embed_links"]),
        commands.NoPrivateMessage(),
        commands.BadArgument("no"),
        NoGraphsError(),
    ]
    answered = [
        next(i for i, rung in enumerate(LADDER) if isinstance(meaning(e), rung.catches))
        for e in samples
    ]
    assert answered == list(range(len(LADDER)))


def test_a_text_command_typed_wrong_is_told_how_to_use_it() -> None:
    error = commands.BadArgument('Converting to "int" failed for parameter "days".')
    text, error_id = error_reply(error, DA, 0, mention=lambda c: f"</{c}:1>")
    assert error_id is None
    assert text == DA._(
        "Something that command needs is missing or could not be read. {help} shows how to use it."
    ).format(help="</help:1>")
    assert "</help:1>" in text and not text.startswith("Something")  # in Danish


def test_wrapped_errors_are_answered_by_what_the_command_raised() -> None:
    wrapped = commands.HybridCommandError(
        app_commands.CommandInvokeError(_COMMAND, NoGraphsError())  # type: ignore[arg-type]
    )
    assert error_reply(wrapped, EN, 0) == error_reply(NoGraphsError(), EN, 0)
    disk = commands.CommandInvokeError(OSError(errno.ENOSPC, "No space left on device"))
    assert isinstance(meaning(disk), UserFacingError)
