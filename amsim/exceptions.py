"""Exception hierarchy: every error amsim raises on purpose derives from :class:`AmsimError`.

The CLI turns each of them into one line ``error: <message>`` and exit status 2.
"""

from __future__ import annotations


class AmsimError(Exception):
    """Base class of errors that are the user's to fix (bad input, missing backend)."""


class ValidationError(AmsimError, ValueError):
    """A value is out of range, of the wrong type, or inconsistent with another value."""


class UnknownNameError(AmsimError, KeyError):
    """A family, experiment, parameter, axis, card or theory name does not exist."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class BackendUnavailableError(AmsimError, RuntimeError):
    """A compute backend was requested that this installation or machine cannot provide."""
