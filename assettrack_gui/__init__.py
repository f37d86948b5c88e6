"""AssetTrack: offline-first custody tracking for stockrooms."""

__version__ = "0.1.0"
APP_NAME = "AssetTrack"
