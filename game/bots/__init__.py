"""Computer opponents: each sees only its own `PlayerView`, draws with an injected RNG.

`make_bot(kind, game, result, seed)` builds one from a command-line style name:
`equilibrium[:N]` (N counts from 1 in the solver's list; default the refined one),
`qre:LAMBDA`, `learner`, `hawk`, `dove`, `bluffer` or `random`.
"""

from __future__ import annotations

import random

BOT_KINDS = ("equilibrium", "qre", "learner", "hawk", "dove", "bluffer", "random")
"""The kinds `make_bot` understands (`equilibrium` and `qre` take `:N` / `:LAMBDA`)."""

MAX_LAMBDA = 1000
"""The largest logit precision `qre:LAMBDA` accepts."""


class BotSpecError(ValueError):
    """A bot name is wrong (the user's to fix)."""


class SeededBot:
    """Wraps a bot with its own seeded RNG, so its draws are reproducible whatever else draws.

    `choose(view, rng=None)` ignores an outside RNG unless one is given.
    """

    def __init__(self, bot, seed: int | None) -> None:
        self.bot = bot
        self.seed = seed
        self.rng = random.Random(seed)
        self.name = bot.name
        self.description = bot.description

    def reset(self) -> None:
        """Starts the bot's random draws again from its seed (for a fresh match)."""
        self.rng = random.Random(self.seed)

    def choose(self, view, rng: random.Random | None = None) -> str:
        """Delegates to the wrapped bot with the bot's own RNG."""
        return self.bot.choose(view, self.rng)

    def __getattr__(self, name: str):
        return getattr(self.bot, name)


def make_bot(kind: str, game, result=None, seed: int | None = None) -> SeededBot:
    """Builds a seeded bot from its name.

    Args:
        kind: `equilibrium[:N]`, `qre:LAMBDA`, `learner`, `hawk`, `dove`, `bluffer`, `random`.
        game: the expanded game.
        result: the `SolveResult` (needed by `equilibrium` and `learner`).
        seed: the bot's own RNG seed.

    Raises:
        BotSpecError: an unknown kind, a bad number, or no equilibrium to play.
    """
    from game.bots.base import RandomBot

    name, _, argument = kind.strip().partition(":")
    name = name.lower()
    if name == "random":
        return SeededBot(RandomBot(), seed)
    if name in ("hawk", "dove", "bluffer"):
        from game.bots.archetypes import BlufferBot, DoveBot, HawkBot

        cls = {"hawk": HawkBot, "dove": DoveBot, "bluffer": BlufferBot}[name]
        return SeededBot(cls(game), seed)
    if name == "qre":
        from game.bots.qre import QREBot

        try:
            lam = float(argument) if argument else 1.0
        except ValueError:
            raise BotSpecError(f"qre:LAMBDA needs a number, not {argument!r}") from None
        if not 0 <= lam <= MAX_LAMBDA:
            raise BotSpecError(f"qre:LAMBDA needs a lambda between 0 and {MAX_LAMBDA}")
        return SeededBot(QREBot(game, lam), seed)
    if name in ("equilibrium", "learner"):
        from game.bots.equilibrium import EquilibriumBot, preferred_equilibrium

        if result is None or not result.equilibria:
            raise BotSpecError(f"the {name} bot needs a solved game with an equilibrium")
        if argument:
            try:
                index = int(argument) - 1
            except ValueError:
                raise BotSpecError(f"equilibrium:N needs a whole number, not {argument!r}"
                                   ) from None
            if not 0 <= index < len(result.equilibria):
                raise BotSpecError(f"equilibrium:{argument}: the solver found "
                                   f"{len(result.equilibria)} equilibria")
            equilibrium = result.equilibria[index]
        else:
            equilibrium = preferred_equilibrium(result)
            index = list(result.equilibria).index(equilibrium)
        if name == "learner":
            from game.bots.learner import LearnerBot

            bot = LearnerBot(game, equilibrium)
        else:
            bot = EquilibriumBot(game, equilibrium, index)
        wrapped = SeededBot(bot, seed)
        wrapped.equilibrium_index = index
        return wrapped
    raise BotSpecError(f"unknown opponent {kind!r}; choose equilibrium[:N], qre:LAMBDA, "
                       "learner, hawk, dove, bluffer or random")


def needs_solution(kind: str) -> bool:
    """True when `make_bot(kind, ...)` needs a `SolveResult`."""
    return kind.strip().partition(":")[0].lower() in ("equilibrium", "learner")


def check_kind(kind: str) -> None:
    """Checks a bot name's syntax without building it.

    Raises:
        BotSpecError: the name is not one `make_bot` accepts.
    """
    name, _, argument = kind.strip().partition(":")
    name = name.lower()
    if name not in BOT_KINDS:
        raise BotSpecError(f"unknown opponent {kind!r}; choose equilibrium[:N], qre:LAMBDA, "
                           "learner, hawk, dove, bluffer, random or human")
    if name == "qre" and argument:
        try:
            lam = float(argument)
        except ValueError:
            raise BotSpecError(f"qre:LAMBDA needs a number, not {argument!r}") from None
        if not 0 <= lam <= MAX_LAMBDA:
            raise BotSpecError(f"qre:LAMBDA needs a lambda between 0 and {MAX_LAMBDA}")
    if name == "equilibrium" and argument and not argument.isdigit():
        raise BotSpecError(f"equilibrium:N needs a whole number, not {argument!r}")
