"""Equilibrium analysis: perfect Bayesian equilibria, refinements, QRE, sweeps, debrief facts.

A pure library over `game.model.tree.Game`: exact fractions throughout, no terminal, no I/O.

The map, from the entry point down:

- `solve.solve`: the entry point: every equilibrium of a game, described and judged
  (`results` holds the records it returns; `build` turns a behaviour profile into one).
- `structure`, `evaluate`: facts about the tree computed once, and what follows from one
  behaviour profile (reach, values, Bayes beliefs).
- `public`, `belief_states`, `beliefs`: the public states of a game with observed actions,
  how Fudenberg-Tirole beliefs move along them, and the checks of a PBE under them.
- `search/`: the searches: pure equilibria by enumeration (`pure`, with its off-path checks
  `atoms`, its off-path mixing `offpath` and `continuation`, backward induction `backward`,
  and the vectorised sender-receiver path `signalling`), mixed equilibria by support
  enumeration (`mixed`, and `guided` for games too large to enumerate), the pre-pass that
  drops actions no equilibrium plays (`prepass`), and values of partial assignments (`assess`).
- `linear/`: the exact linear programs (`lp`), their floating-point screen (`lpfloat`), the
  best-reply LPs in the sequence form (`replylp`, `sequence`), and belief regions (`region`).
- `checks/`: independent checks of an assessment (`check`), the refinements (`refine`:
  Intuitive Criterion and D1, on the unexpected moves of `deviation`), and the Nash equilibria
  that rest on non-credible threats (`credibility`).
- `explain/`: words for people: plain paragraphs (`prose`), debrief facts for a played game
  (`debrief`), and the stable JSON form (`report`).
- `qre`, `sweep`: the logit quantal response equilibrium, and regime maps over parameters.
"""
