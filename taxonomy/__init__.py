"""The shared vocabulary of targets: occupations (with alternative titles) and places."""

from .text import normalise

__all__ = ["normalise"]
