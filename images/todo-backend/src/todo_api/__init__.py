"""The Todo app's backend."""

__version__ = "1.0.0"
