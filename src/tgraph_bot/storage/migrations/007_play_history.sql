-- A local mirror of Tautulli's play history (get_history, one row per session, grouping=0),
-- so a member's year is read from here instead of asking Tautulli to load its whole history.
-- row_id is Tautulli's session_history id: a re-fetched row replaces the one kept.
CREATE TABLE IF NOT EXISTS play_history (
    row_id                 INTEGER PRIMARY KEY,
    reference_id           INTEGER NOT NULL,  -- Tautulli groups resumed sessions by this
    user_id                INTEGER NOT NULL,
    user_name              TEXT NOT NULL,     -- Tautulli's friendly name, for the server recap
    started                INTEGER NOT NULL,  -- Unix seconds
    stopped                INTEGER NOT NULL,  -- 0: Tautulli never closed the session
    paused_seconds         INTEGER NOT NULL,
    media_type             TEXT NOT NULL,     -- movie, episode, track, or live
    rating_key             INTEGER,
    grandparent_rating_key INTEGER,
    title                  TEXT NOT NULL,
    parent_title           TEXT NOT NULL,     -- the album of a track, the season of an episode
    grandparent_title      TEXT NOT NULL,     -- the artist of a track, the show of an episode
    year                   INTEGER,
    platform               TEXT NOT NULL,
    player                 TEXT NOT NULL,
    transcode_decision     TEXT NOT NULL,     -- direct play, copy (direct stream), transcode
    percent_complete       INTEGER NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS play_history_user_started ON play_history (user_id, started);
CREATE INDEX IF NOT EXISTS play_history_started ON play_history (started);
