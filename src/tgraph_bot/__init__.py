"""TGraph Bot: Tautulli graphs, personal stats and a camera-time ranking for a Plex Discord."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/tgraph-bot/tgraph-bot"
LICENSE_NAME = "MIT"

__all__ = ["LICENSE_NAME", "PROJECT_URL", "__version__"]
