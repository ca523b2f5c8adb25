"""Checks and refinements of equilibria.

- `check`: independent checks of an assessment (sequential rationality and Bayes' rule), and
  brute-force enumerations for tests.
- `refine`: the Intuitive Criterion (Cho and Kreps) and D1 (Banks and Sobel), with reasons;
  `deviation`: the unexpected move and its reply they are computed on.
- `credibility`: the Nash equilibria that are not subgame perfect, and the threats they rest on.
"""
