-- Personal stats (/my_stats): which Discord member may see which Tautulli user's stats.
-- No email is stored anywhere: a pending Plex sign-in keeps only a keyed hash of it.

-- One link per Discord member (not per guild): member -> Tautulli user.
CREATE TABLE IF NOT EXISTS my_stats_links (
    member_id        INTEGER PRIMARY KEY,
    tautulli_user_id INTEGER NOT NULL,
    plex_username    TEXT NOT NULL,           -- for display only
    linked_at        TEXT NOT NULL,           -- ISO 8601, UTC
    how              TEXT NOT NULL CHECK (how IN ('plex', 'admin', 'email'))
) STRICT;

CREATE INDEX IF NOT EXISTS my_stats_links_user ON my_stats_links (tautulli_user_id);

-- A Plex sign-in that was started and not yet finished. The id is opaque (random).
CREATE TABLE IF NOT EXISTS my_stats_signins (
    id         TEXT PRIMARY KEY,
    member_id  INTEGER NOT NULL,
    pin_id     INTEGER NOT NULL,
    email_hash TEXT NOT NULL,                 -- HMAC-SHA256 of the normalised email
    created_at TEXT NOT NULL,                 -- ISO 8601, UTC
    expires_at TEXT NOT NULL                  -- ISO 8601, UTC (the PIN's own expiry)
) STRICT;

CREATE INDEX IF NOT EXISTS my_stats_signins_member ON my_stats_signins (member_id);
