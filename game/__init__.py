"""The deterrence teaching game: abstract signalling games, an exact solver, play and classroom."""

__version__ = "0.1.0"
