"""Words for people: what the solver found, said plainly.

- `prose`: a paragraph per equilibrium, action names, for `deterrence solve` and the debrief.
- `debrief`: facts about a played game: each decision against the theory.
- `report`: the stable JSON form of a result (documented in the README).
"""
