"""adapters/discord/cogs"""
