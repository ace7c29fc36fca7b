-- Members who chose to be named in the server's Wrapped (/wrapped share:on). Nothing names a
-- member without a row here saying yes; /my_stats forget deletes the row.
CREATE TABLE IF NOT EXISTS wrapped_consent (
    member_id INTEGER PRIMARY KEY,
    share     INTEGER NOT NULL,  -- 1: may be named; 0: asked not to be
    at        TEXT NOT NULL      -- ISO 8601, UTC
) STRICT;
