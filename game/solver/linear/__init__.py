"""Linear programs and belief regions, exact.

- `lp`: an exact simplex method on integer tableaux (`solve_lp`), and exact integer solving.
- `lpfloat`: a floating-point screen run before an exact LP, trusted only to go on, or to
  prune on a proof checked in exact arithmetic.
- `sequence`, `replylp`: the sequence-form terms of a game and each player's best-reply LP for
  given supports (used by the mixed search).
- `region`: sets of beliefs given by linear inequalities: emptiness and vertices.
"""
