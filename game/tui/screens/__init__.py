"""The game's screens: picker, briefing, decision, outcome, debrief, and the dialogs."""
