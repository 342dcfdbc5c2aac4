"""PySide6 front end for branch secretaries; talks to the engine through ``ui.operations``."""
