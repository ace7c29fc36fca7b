-- The last good answer of each Tautulli graph command, served (marked stale) while
-- Tautulli is unavailable. One row per command, time_range, y_axis and user_id;
-- user_id is NULL for the server-wide graph (0 is Tautulli's "Local" user).
CREATE TABLE IF NOT EXISTS tautulli_graph_cache (
    command    TEXT    NOT NULL,
    time_range INTEGER NOT NULL,
    y_axis     TEXT    NOT NULL,
    user_id    INTEGER,
    body       TEXT    NOT NULL,  -- the "data" of Tautulli's answer, as JSON
    fetched_at TEXT    NOT NULL   -- when it was fetched: ISO 8601, UTC
) STRICT;

-- NULLs are distinct in a UNIQUE constraint, so the key maps NULL to -1 (no user has it).
CREATE UNIQUE INDEX IF NOT EXISTS tautulli_graph_cache_key
    ON tautulli_graph_cache (command, time_range, y_axis, ifnull(user_id, -1));
