"""`python -m game` runs the `deterrence` command."""

from game.cli import main

raise SystemExit(main())
