"""dzdesk engine: the Qt-free library behind the CLI and the GUI."""

__version__ = "0.1.0"
