"""The command tree's error ladder, fed the real discord.py exceptions it meets."""

from __future__ import annotations

from discord import app_commands

from tgraph_bot.adapters.discord.tree import error_reply
from tgraph_bot.errors import NoGraphsError
from tgraph_bot.i18n import translator

EN, DA = translator("en"), translator("da")


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
