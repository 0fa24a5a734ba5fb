"""`python -m podcast_desk` runs the command-line front."""

from podcast_desk.cli import main

raise SystemExit(main())
