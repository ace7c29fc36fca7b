-- Camera-time ranking (module 2). Times are integer milliseconds since the Unix epoch, UTC.

-- Finished sessions: insert-only (an UPDATE is refused by the trigger below).
CREATE TABLE camera_session (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    member_id  INTEGER NOT NULL,
    metric     TEXT    NOT NULL CHECK (metric IN ('video', 'stream')),
    started_at INTEGER NOT NULL,
    ended_at   INTEGER NOT NULL,
    CHECK (ended_at >= started_at)
) STRICT;

-- Period rankings and one member's totals: for each member, an index seek to the sessions
-- ending after the period start, read from the index alone (no sort over the period's rows).
CREATE INDEX camera_session_member
    ON camera_session (guild_id, member_id, metric, ended_at, started_at);

CREATE TRIGGER camera_session_no_update BEFORE UPDATE ON camera_session
BEGIN
    SELECT RAISE(ABORT, 'camera sessions are insert-only');
END;

-- All-time totals derived from camera_session by trigger, so the all-time ranking does
-- not scan every session; also the list of members a period ranking walks. Never
-- written directly.
CREATE TABLE camera_total (
    guild_id  INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    metric    TEXT    NOT NULL,
    millis    INTEGER NOT NULL,
    sessions  INTEGER NOT NULL,
    PRIMARY KEY (guild_id, member_id, metric)
) STRICT, WITHOUT ROWID;

CREATE INDEX camera_total_rank ON camera_total (guild_id, metric, millis);

CREATE TRIGGER camera_session_total AFTER INSERT ON camera_session
BEGIN
    INSERT INTO camera_total (guild_id, member_id, metric, millis, sessions)
    VALUES (NEW.guild_id, NEW.member_id, NEW.metric, NEW.ended_at - NEW.started_at, 1)
    ON CONFLICT (guild_id, member_id, metric) DO UPDATE
        SET millis = millis + excluded.millis, sessions = sessions + 1;
END;

CREATE TRIGGER camera_session_total_delete AFTER DELETE ON camera_session
BEGIN
    UPDATE camera_total
       SET millis = millis - (OLD.ended_at - OLD.started_at), sessions = sessions - 1
     WHERE guild_id = OLD.guild_id AND member_id = OLD.member_id AND metric = OLD.metric;
END;

-- Sessions in progress: one row per (guild, member, metric), so a crash does not lose them.
CREATE TABLE camera_open (
    guild_id   INTEGER NOT NULL,
    member_id  INTEGER NOT NULL,
    metric     TEXT    NOT NULL CHECK (metric IN ('video', 'stream')),
    started_at INTEGER NOT NULL,
    PRIMARY KEY (guild_id, member_id, metric)
) STRICT, WITHOUT ROWID;

-- Last known display name, so members who left still rank under a name.
CREATE TABLE camera_member (
    guild_id  INTEGER NOT NULL,
    member_id INTEGER NOT NULL,
    last_name TEXT    NOT NULL,
    PRIMARY KEY (guild_id, member_id)
) STRICT, WITHOUT ROWID;

-- All-time totals imported from seed 003's video_ranking.json (import-camera).
CREATE TABLE camera_import (
    guild_id    INTEGER NOT NULL,
    member_id   INTEGER NOT NULL,
    metric      TEXT    NOT NULL CHECK (metric IN ('video', 'stream')),
    seconds     INTEGER NOT NULL CHECK (seconds >= 0),
    sessions    INTEGER NOT NULL CHECK (sessions >= 0),
    source_hash TEXT    NOT NULL,
    PRIMARY KEY (guild_id, member_id, metric)
) STRICT, WITHOUT ROWID;
