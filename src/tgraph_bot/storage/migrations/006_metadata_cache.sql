-- Answers of MusicBrainz and Discogs (CC0 / public data), kept so a second enrich of the
-- same album asks nobody, and so the one-request-a-second limit is spent on new albums.
CREATE TABLE IF NOT EXISTS metadata_cache (
    url        TEXT PRIMARY KEY,
    body       TEXT NOT NULL,
    fetched_at TEXT NOT NULL
) STRICT;
