"""``python -m assettrack_gui.cli`` works like ``assettrack-admin``."""

import sys

from .run import main

sys.exit(main())
