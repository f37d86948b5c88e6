"""PyInstaller entry point for assettrack-admin."""

import sys

from assettrack_gui.cli import main

sys.exit(main())
