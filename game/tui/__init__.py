"""The Textual front end: screens and widgets that render state and post intents."""
