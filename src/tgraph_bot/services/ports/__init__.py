"""The ports services depend on, one module per domain. Adapters and storage implement them
(the composition root, app.py, hands the implementations in); tests use real
implementations.

- ``common``: :data:`Clock`, :data:`Sleep`, :data:`Progress`, given to every use case that
  decides by time, waits or reports progress (each defined here only).
- ``graphs``: where graph data comes from (Tautulli with its cache, or the demo sample),
  the home stats, and what the bot needs from rendering.
- ``members``: plex.tv's sign-in, members' links to Tautulli users, the server's users.
- ``messages``: a member's direct messages (their stats, their Wrapped), and what became
  of them.
- ``camera``, ``plex``, ``posting``, ``jobs``, ``history``, ``wrapped``: each room's stores
  and outside services.

Storage ports and what implements them over SQLite: ``CameraStore``
(storage.camera.CameraRepository), ``LinkStore`` (storage.links.SqliteLinkStore),
``PlexStore`` (storage.plex.SqlitePlexStore), ``CreditsCache``
(storage.musicbrainz.SqliteMetadataCache), ``PostingStore``
(storage.posting.SqlitePostingStore), ``HistoryStore`` (storage.history.SqliteHistoryStore).
A use case that needs several reads and writes to be atomic gets one port method for them,
never a connection.

Import a port from its module (``from tgraph_bot.services.ports.common import Clock``):
this package re-exports nothing, so loading one port never loads every room's types.
"""
