"""Entry point of the PyInstaller bundle: the same `podcast-desk` command as a pip install."""

import sys

from podcast_desk.cli import main

if __name__ == "__main__":
    sys.exit(main())
