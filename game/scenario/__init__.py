"""Scenario files (YAML) and Gambit `.efg` files -> the model, with located, plain errors."""
