"""PyInstaller entry point for rvr-desktop."""

import sys

from rvr_desktop.cli.main import main

sys.exit(main())
