"""The pure core: standard library only.

No discord, httpx, plexapi, matplotlib, sqlite, pydantic here.
"""
