"""Equilibrium analysis: perfect Bayesian equilibria, refinements, QRE, sweeps, debrief facts.

A pure library over `game.model.tree.Game`: exact fractions throughout, no terminal, no I/O.
"""
