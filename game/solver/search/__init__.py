"""The searches for equilibria.

- `pure`: every pure equilibrium, grouped into families (`family`) that share their play on
  the path; off the path, independent clusters of information sets are completed one by one,
  each completion passing the checks in `atoms`.
- `signalling`: the same for a one-shot sender-receiver stage, vectorised with integer arrays
  (`stage` recognises the stage and what lies below its replies; `deterrence` finds the mixed
  replies off the path that deter).
- `mixed`: equilibria with mixing on the path, by support enumeration with the best-reply
  linear programs of `game.solver.linear.replylp`; `guided` follows the logit QRE to likely
  supports when the full enumeration would take too long.
- `offpath`: off-path play that must mix (last moves, and bounds that refute a cluster), and
  `continuation`: the games that start where the play leaves the path, solved on their own;
  `backward`: backward induction for games of perfect information.
- `prepass`: drops actions that no equilibrium plays (dominated, or never a best reply).
- `assess`: expected values and Bayes weights of partial assignments.
"""
