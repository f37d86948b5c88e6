"""PyInstaller entry point for the desktop app."""

import sys

from assettrack_gui.__main__ import main

sys.exit(main())
