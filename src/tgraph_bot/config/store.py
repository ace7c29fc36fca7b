"""Load, validate and save ``config.yml``; hold the live snapshot and tell subscribers.

- The file is edited with ruamel's round-trip mode, so comments, order, quoting and
  blank lines survive an edit; only the edited key's line changes.
- Saving is atomic (:func:`tgraph_bot.files.atomic_write`): a temporary file in the same
  folder, fsync, rename, fsync of the folder. A kill at any moment leaves the old file or
  the new one, never a torn one.
- Edits are serialised by a lock (a thread lock, and :func:`tgraph_bot.files.file_lock` on
  a side file so the CLI and a running bot do not interleave).
- A hand edit is picked up live; a bad one (not YAML, a bad value, or a file that lost its
  settings: see :func:`lost_settings`) is one log line, and the last good settings stay.
- Values from the environment (``KEY`` or ``TGRAPH_KEY``) and from ``.env`` beside the
  file override the file. ``LANGUAGE`` is only read as ``TGRAPH_LANGUAGE`` because the
  bare name belongs to gettext and is set on many systems.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import threading
import unicodedata
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dotenv import dotenv_values
from pydantic import SecretStr, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError, RoundTripConstructor
from ruamel.yaml.error import YAMLError
from ruamel.yaml.events import AliasEvent
from ruamel.yaml.scalarstring import DoubleQuotedScalarString, SingleQuotedScalarString

from tgraph_bot.config.display import clip, mask_secrets
from tgraph_bot.config.problems import (
    ConfigError,
    ConfigProblem,
    from_validation_error,
    unknown_key,
)
from tgraph_bot.config.schema import (
    DECIMAL_INT,
    DECIMAL_NUMBER,
    EDITABLE_KEYS,
    KEYS,
    MAX_DIGITS,
    RESTART_KEYS,
    SECRET_KEYS,
    SECRET_ROUTE_KEYS,
    Settings,
)
from tgraph_bot.files import atomic_write, file_lock
from tgraph_bot.i18n import N_, Translator

log = logging.getLogger(__name__)

ENV_PREFIX = "TGRAPH_"
_ENV_ONLY_PREFIXED = frozenset({"LANGUAGE"})

Subscriber = Callable[[Settings, Settings], None]
# The round-trip mapping ruamel returns (a CommentedMap), seen through a typed lens.
Document = MutableMapping[str, Any]


class _Constructor(RoundTripConstructor):
    """ruamel's round-trip constructor, except that only a plain decimal integer becomes a
    number. ``0x10``, ``0o20``, ``0b1``, ``1_000`` or a number longer than Python converts
    (which would raise in the middle of loading) stay text, so the schema names the key and
    says what to write instead."""

    def construct_plain_int(self, node: Any) -> Any:
        text = str(node.value)
        if not DECIMAL_INT.fullmatch(text) or len(text) > MAX_DIGITS:
            return text
        if text.lstrip("+-").startswith("0"):  # 017 is 17 here, whatever YAML 1.1 says
            return int(text, 10)
        ruamel: Any = super()  # untyped
        return ruamel.construct_yaml_int(node)


cast(Any, _Constructor).add_constructor("tag:yaml.org,2002:int", _Constructor.construct_plain_int)


def _yaml() -> Any:  # ruamel is untyped: Any here, typed values past this point
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.preserve_quotes = True
    yaml.width = 4096
    return yaml


MAX_FILE_BYTES = 1024 * 1024
"""A configuration file is a few kilobytes; anything over 1 MB is refused unread."""


def _refused(path: Path, message: str, **params: Any) -> ConfigError:
    return ConfigError([ConfigProblem(str(path), None, message, **params)])


def _read_text(path: Path) -> str | None:
    """The file as text (None when it does not exist); refused when it is not a small
    UTF-8 text file that can be read."""
    try:
        with path.open("rb") as fh:
            raw = fh.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        return None
    except PermissionError:
        raise  # the command line turns it into one line naming the uid and the chown to run
    except OSError as exc:
        raise _refused(
            path, N_("cannot be read ({reason}): check its permissions"), reason=exc.strerror
        ) from None
    if len(raw) > MAX_FILE_BYTES:
        raise _refused(path, N_("is larger than 1 MB: that is not a configuration file"))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _refused(
            path, N_("is not UTF-8 text (line {line}): save it as UTF-8"), line=line
        ) from None


def _not_yaml(path: Path, exc: YAMLError, text: str) -> ConfigError:
    if isinstance(exc, DuplicateKeyError):
        twice = _duplicate(text)
        if twice is not None:
            name, first, second = twice
            return _refused(
                path,
                N_("{name} appears twice (lines {first} and {second}): keep one"),
                name=name,
                first=first,
                second=second,
            )
    mark = getattr(exc, "problem_mark", None)
    line = f"line {mark.line + 1}" if mark is not None else "?"
    return _refused(path, N_("not valid YAML at {line}"), line=line)


def _duplicate(text: str) -> tuple[str, int, int] | None:
    """The first top-level key written twice, with both line numbers (ruamel's error names
    the key and the second line only)."""
    try:
        root = _yaml().compose(text)
    except YAMLError:
        return None
    seen: dict[str, int] = {}
    for key_node, _value in getattr(root, "value", None) or ():
        key, line = clip(str(key_node.value)), key_node.start_mark.line + 1
        if key in seen:
            return key, seen[key], line
        seen[key] = line
    return None


def _refuse_aliases(path: Path, text: str) -> None:
    """Anchors and aliases (``&a`` / ``*a``) let a few lines expand into gigabytes: the
    file is refused before anything is built from it (the parser's events are cheap)."""
    if "&" not in text and "*" not in text:
        return
    for event in _yaml().parse(text):
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise _refused(
                path,
                N_("uses a YAML anchor or alias (&name, *name): write each value out instead"),
            )


def read_document(path: Path) -> Document:
    """The file as a round-trip mapping (empty when the file does not exist)."""
    return parse_document(path, _read_text(path))


def parse_document(path: Path, text: str | None) -> Document:
    """``path``'s text as a round-trip mapping (empty for None, no file)."""
    if text is None:
        return cast(Document, CommentedMap())
    try:
        _refuse_aliases(path, text)
        doc = _yaml().load(text)
    except YAMLError as exc:
        raise _not_yaml(path, exc, text) from None
    if doc is None:
        return cast(Document, CommentedMap())
    if not isinstance(doc, CommentedMap):
        raise _refused(path, N_("must be a mapping of KEY: value lines"))
    return cast(Document, doc)


def lost_settings(
    path: Path, had: frozenset[str], doc: Document, *, cut_short: bool = False
) -> ConfigProblem | None:
    """Whether a new version of the file lost settings the way a broken write does.

    The rule for a file that changes under a running bot (or between a store's load and its
    next edit), measured against the last file it accepted (``had``, its keys):

    - a file that holds none of those keys (empty, only comments, cut before the first key)
      is refused;
    - a file that lost more than half of them is refused;
    - a file that lost any of them and now ends mid-line (``cut_short``: no final line
      break where the last good file had one, as a write cut short by a full disk or a
      killed editor leaves it) is refused;
    - otherwise a key removed by hand (a line deleted or commented out) is accepted: it goes
      back to its default, and the log names it.

    A refused file changes nothing: the last good settings stay, and the next edit (``config
    set``, ``/config edit``) is made to the last good file, so it never writes fewer keys.
    To start from the smaller file on purpose, restart the bot: a start accepts any file.
    """
    if not had:
        return None
    kept = had & {str(key) for key in doc}
    if not kept:
        return ConfigProblem(
            str(path),
            None,
            N_(
                "holds no settings (empty, only comments, or cut short): if you meant that, "
                "restart the bot"
            ),
        )
    lost = ", ".join(sorted(had - kept))
    if len(kept) * 2 < len(had):
        return ConfigProblem(
            str(path),
            None,
            N_("lost {lost} of its {had} settings ({keys}): if you meant that, restart the bot"),
            lost=len(had) - len(kept),
            had=len(had),
            keys=clip(lost),
        )
    if kept != had and cut_short:
        return ConfigProblem(
            str(path),
            None,
            N_(
                "lost {keys} and ends mid-line, as a file cut short does: if you meant that, "
                "restart the bot"
            ),
            keys=clip(lost),
        )
    return None


def environment_overrides(environ: Mapping[str, str], dotenv_path: Path | None) -> dict[str, str]:
    """Keys set in ``.env`` or the environment (the environment wins). An empty value
    counts as unset: Unraid and compose pass a template's blank fields as ``KEY=``, which
    must not blank out what config.yml says."""
    sources: list[Mapping[str, str | None]] = []
    if dotenv_path is not None and dotenv_path.is_file():
        sources.append(dotenv_values(dotenv_path))
    sources.append(environ)
    found: dict[str, str] = {}
    for source in sources:
        for key in KEYS:
            bare = None if key in _ENV_ONLY_PREFIXED else source.get(key)
            value = source.get(ENV_PREFIX + key, bare)
            if value is not None and value.strip():
                found[key] = value
    return found


def system_timezone(environ: Mapping[str, str]) -> str | None:
    """``TZ`` when it names an IANA zone (Docker's way to set one), else None."""
    name = environ.get("TZ", "").removeprefix(":")
    if not name or name.startswith("/"):
        return None
    try:
        ZoneInfo(name)
    except (ValueError, ZoneInfoNotFoundError):
        log.warning("TZ=%r is not an IANA time zone name; TIMEZONE stays UTC", name)
        return None
    return name


def validate(data: Mapping[str, Any]) -> Settings:
    """Validate a mapping of keys; raise ConfigError with one problem per bad key."""
    try:
        return Settings.model_validate(dict(data))
    except ValidationError as exc:
        raise ConfigError(from_validation_error(exc, data, SECRET_KEYS)) from None


def parse_value(key: str, raw: str) -> object:
    """A value typed by a person (CLI or Discord) as the schema is given it: a number key's
    plain decimal text as that number (so a problem shows ``-3``, not ``'-3'``); any other
    text as typed, for the schema to read or refuse (``0x10``, ``1_000``, ``yes``)."""
    text = raw.strip()
    kind: object = Settings.model_fields[key].annotation
    if len(text) > MAX_DIGITS or (kind is not int and kind is not float):
        return raw
    if DECIMAL_INT.fullmatch(text):
        return int(text, 10)
    if kind is float and DECIMAL_NUMBER.fullmatch(text):
        return float(text)
    return raw


def _file_value(raw: str, accepted: object) -> object:
    """What the file holds for a value typed by a person (CLI or Discord), once the schema
    accepted it: the text as typed, or the number, yes/no or list it stands for."""
    if isinstance(accepted, list):
        seq: Any = CommentedSeq(cast(list[int], accepted))
        seq.fa.set_flow_style()
        return seq
    if isinstance(accepted, bool | int | float):
        return accepted
    return raw


NOT_SET = N_("(not set)")
NONE = N_("(none)")


def display_value(settings: Settings, key: str, tr: Translator | None = None) -> str:
    """A value as it may be shown to anyone: secrets are never revealed. The one place a
    value is formatted for people (a masking of passwords inside URLs belongs here)."""
    value = getattr(settings, key)
    say = tr._ if tr is not None else str
    if key in SECRET_KEYS:
        return "********" if cast(SecretStr, value).get_secret_value() else say(NOT_SET)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(str(v) for v in cast(list[object], value)) or say(NONE)
    if value == "":
        return say(NOT_SET)
    return mask_secrets(str(value))


def is_default(settings: Settings, key: str) -> bool:
    default = Settings.model_fields[key].get_default(call_default_factory=True)
    value = getattr(settings, key)
    if isinstance(value, SecretStr) and isinstance(default, SecretStr):
        return value.get_secret_value() == default.get_secret_value()
    return bool(value == default)


def _styled(old: object, new: object) -> object:
    """Keep the quoting style the file used for this key."""
    if isinstance(new, str):
        if isinstance(old, DoubleQuotedScalarString) or new.startswith("#"):
            return DoubleQuotedScalarString(new)
        if isinstance(old, SingleQuotedScalarString):
            return SingleQuotedScalarString(new)
    return new


@dataclass(frozen=True, slots=True)
class EditResult:
    settings: Settings
    overridden_by_environment: bool
    needs_restart: bool = False
    """Saved, but read at start-up only: it takes effect when the bot restarts."""


def _unsaveable(value: str) -> str | None:
    """The first character that cannot be saved and read back (``U+XXXX``), if any.

    Surrogates (bytes that were not UTF-8, smuggled through ``surrogateescape``) cannot be
    written as UTF-8 at all; control characters would change the value or the file's
    lines when read back.
    """
    for char in value:
        if unicodedata.category(char) in {"Cc", "Cs"} or char in "\u2028\u2029\ufeff":
            return f"U+{ord(char):04X}"
    return None


class ConfigStore:
    """The configuration file and the live, immutable snapshot of its settings."""

    def __init__(
        self,
        path: Path,
        environ: Mapping[str, str] | None = None,
        *,
        use_dotenv: bool = True,
        read_only: bool = False,
    ) -> None:
        """``read_only``: only read (``check``, ``config get``): no lock file, no clean-up."""
        self.path = path
        self._environ = dict(os.environ if environ is None else environ)
        self._dotenv = path.parent / ".env" if use_dotenv else None
        self._lock = threading.RLock()
        self._subscribers: list[Subscriber] = []
        self._stamp: tuple[int, int, int, int] | None = None
        self._good_text: str | None = None  # the last file accepted (see ``lost_settings``)
        self._good_keys: frozenset[str] = frozenset()
        if not read_only:
            self._remove_leftovers()
        self._settings = self._load()

    def _remove_leftovers(self) -> None:
        """Delete temporary files a save killed before its rename left behind."""
        with self._lock, file_lock(self.path):
            for leftover in self.path.parent.glob(f".{self.path.name}.*.tmp"):
                with contextlib.suppress(OSError):
                    leftover.unlink()

    # -- reading -------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def data_dir(self) -> Path:
        """DATA_DIR, relative to the configuration file's folder when not absolute."""
        path = Path(self._settings.DATA_DIR)
        return path if path.is_absolute() else self.path.parent / path

    def _file_stamp(self) -> tuple[int, int, int, int] | None:
        """What tells an edit: ctime too, so a fixed permission is noticed."""
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino)

    def overrides(self) -> dict[str, str]:
        return environment_overrides(self._environ, self._dotenv)

    def _merged(
        self, doc: Mapping[str, Any], overrides: Mapping[str, str] | None = None
    ) -> dict[str, Any]:
        problems = [unknown_key(str(k)) for k in doc if k not in KEYS]
        if problems:
            raise ConfigError(problems)
        found = self.overrides() if overrides is None else overrides
        merged = {**{str(k): v for k, v in doc.items()}, **found}
        if not merged.get("TIMEZONE"):  # unset or empty: the container's TZ, else UTC
            merged.pop("TIMEZONE", None)
            zone = system_timezone(self._environ)
            if zone:
                merged["TIMEZONE"] = zone
        return merged

    def _load(self) -> Settings:
        with self._lock:
            self._stamp = self._file_stamp()
            text, doc, lost = self._read_file()
            if lost is not None:
                raise ConfigError([lost])
            settings = validate(self._merged(doc))
            self._accept(text, doc)
            return settings

    def _accept(self, text: str | None, doc: Document) -> None:
        """Remember ``doc`` (from ``text``) as the last good file."""
        keys = frozenset(str(key) for key in doc)
        removed = self._good_keys - keys
        if removed:
            log.warning(
                "%s: %s removed from the file, back to the default",
                self.path,
                clip(", ".join(sorted(removed))),
            )
        self._good_text, self._good_keys = text, keys

    def _read_file(self) -> tuple[str | None, Document, ConfigProblem | None]:
        """The file's text, its document, and whether it lost settings since the last good
        file (see ``lost_settings``)."""
        text = _read_text(self.path)
        doc = parse_document(self.path, text)
        # ends mid-line where the last good file ended with a line break
        cut_short = (self._good_text or "").endswith("\n") and not (text or "\n").endswith("\n")
        return text, doc, lost_settings(self.path, self._good_keys, doc, cut_short=cut_short)

    def _edit_base(self) -> Document:
        """The document an edit changes: the file, or the last good file when the file has
        lost settings since (see ``lost_settings``), so an edit never drops keys."""
        _text, doc, lost = self._read_file()
        if lost is None:
            return doc
        log.warning("%s; this edit is made to the last good file instead", lost)
        return parse_document(self.path, self._good_text)

    # -- changing ------------------------------------------------------------------

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        self._subscribers.append(callback)
        return lambda: self._subscribers.remove(callback)

    def _publish(self, new: Settings) -> None:
        old, self._settings = self._settings, new
        if old == new:
            return
        for callback in list(self._subscribers):
            try:
                callback(old, new)
            except Exception:
                log.exception("config subscriber failed")

    def set(self, key: str, raw: str, *, from_discord: bool = False) -> EditResult:
        """Validate one edit, save it atomically with comments kept, apply it live.

        ``from_discord``: the edit comes from a Discord admin, not from the owner's machine,
        so the addresses secrets are sent to are refused too (``SECRET_ROUTE_KEYS``).
        """
        if key not in KEYS:
            raise ConfigError([unknown_key(key)])
        if key not in EDITABLE_KEYS:
            message = (
                N_("is a secret and can only be changed in the file or the environment")
                if key in SECRET_KEYS
                else N_("can only be changed in the file (then restart the bot)")
            )
            raise ConfigError([ConfigProblem(key, None, message)])
        if from_discord and key in SECRET_ROUTE_KEYS:
            message = N_(
                "is an address a secret is sent to, so it can only be changed on the bot's "
                "machine: in the file, the environment or with tgraph-bot config set"
            )
            raise ConfigError([ConfigProblem(key, None, message)])
        bad = _unsaveable(raw)
        if bad is not None:
            raise ConfigError(
                [
                    ConfigProblem(
                        key,
                        raw,
                        N_("contains a character that cannot be saved ({char}): type it again"),
                        char=bad,
                    )
                ]
            )
        with self._lock, file_lock(self.path):
            doc = self._edit_base()
            overrides = self.overrides()  # read .env once per edit
            value = parse_value(key, raw)
            accepted: object = getattr(validate({**self._merged(doc, overrides), key: value}), key)
            doc[key] = _styled(doc.get(key), _file_value(raw, accepted))
            settings = validate(self._merged(doc, overrides))
            buffer = io.BytesIO()
            _yaml().dump(doc, buffer)
            self._check_reads_back(key, buffer.getvalue(), accepted)
            atomic_write(self.path, buffer.getvalue())
            self._stamp = self._file_stamp()
            self._accept(buffer.getvalue().decode("utf-8"), doc)
            self._publish(settings)
            return EditResult(settings, key in overrides, key in RESTART_KEYS)

    def _check_reads_back(self, key: str, data: bytes, accepted: object) -> None:
        """Refuse an edit whose file would not load, or would load another value."""
        try:
            doc = _yaml().load(data.decode("utf-8"))
            again = getattr(validate({str(k): v for k, v in doc.items()}), key)
        except (UnicodeDecodeError, YAMLError, ConfigError, AttributeError):
            again = None
        if again != accepted:
            raise ConfigError(
                [ConfigProblem(key, None, N_("this value cannot be saved and read back"))]
            )

    def reload_if_changed(self) -> bool:
        """Pick up a hand edit of the file.

        A bad edit (not UTF-8, unreadable, too large, not YAML, bad values, ...) is logged
        in one line and ignored: the last good settings stay, and the next edit is read.
        """
        with self._lock:
            if self._file_stamp() == self._stamp:
                return False
            try:
                new = self._load()
            except ConfigError as exc:
                reasons = "; ".join(str(problem) for problem in exc.problems)
                log.error("config file edit ignored, the last good settings stay: %s", reasons)
                return False
            except Exception as exc:  # whatever else a hand edit can do to a parser
                log.error(
                    "config file edit ignored, the last good settings stay: %s",
                    clip(mask_secrets(f"{type(exc).__name__}: {exc}")),
                )
                return False
            waiting = sorted(
                k for k in RESTART_KEYS if getattr(self.settings, k) != getattr(new, k)
            )
            if waiting:
                log.warning(
                    "config file: %s changed; it takes effect when the bot restarts",
                    ", ".join(waiting),
                )
            self._publish(new)
            return True

    async def watch(self, interval: float = 2.0) -> None:
        """Poll the file for hand edits until cancelled; nothing in the file stops it."""
        while True:
            await asyncio.sleep(interval)
            try:
                await asyncio.to_thread(self.reload_if_changed)
            except Exception as exc:  # pragma: no cover - reload_if_changed catches all
                log.error("config watcher: %s", clip(mask_secrets(str(exc))))


__all__ = [
    "ConfigStore",
    "EditResult",
    "display_value",
    "environment_overrides",
    "is_default",
    "lost_settings",
    "parse_document",
    "parse_value",
    "read_document",
    "system_timezone",
    "validate",
]
