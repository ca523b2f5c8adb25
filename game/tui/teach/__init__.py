"""What the play screens teach, as plain text (no Textual inside, so `--plain` and the exports
share it with the screens).

- `model`: what the computer opponent plays at each of its information sets (its model).
- `working`: the numbers behind the live panels: your own belief with the Bayes arithmetic,
  the risk of disaster and the worth of each action, under the equilibrium and the opponent.
- `panels`: those numbers in words, for the decision screen and the prompt game.
- `narrative`: the debrief a student reads: the opening lines, each decision with its concept
  and counterfactual, the threats that are (not) credible.
- `listing`: the full equilibrium listing (in order of play, one line per information set)
  and the side-by-side table of all equilibria.
- `drawing`: the game tree drawn with its information sets, and the strategic form (matrix)
  of a simultaneous stage with best replies marked.
- `guided`: the questions of the guided backward-induction exercise.
- `export`: one game's debrief as Markdown or HTML.
"""
