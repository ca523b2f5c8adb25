"""Computer opponents: each sees only its own `PlayerView`, draws with an injected RNG."""
