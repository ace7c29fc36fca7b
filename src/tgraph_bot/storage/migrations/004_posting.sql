-- The graph messages the bot posted per channel (deleted before the next post),
-- and when each channel last got a successful post (so a restart neither reposts nor skips).
CREATE TABLE IF NOT EXISTS posted_message (
    channel_id INTEGER NOT NULL,
    message_id INTEGER NOT NULL,
    posted_at  TEXT    NOT NULL,
    PRIMARY KEY (channel_id, message_id)
) STRICT;

CREATE TABLE IF NOT EXISTS graph_post (
    channel_id   INTEGER PRIMARY KEY,
    last_post_at TEXT    NOT NULL
) STRICT;
