"""The game as exact, immutable data: expressions, the scenario-level game, the expanded tree."""
