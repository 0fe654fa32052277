from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # The stubs' name for what gettext_lazy returns; it exists only for the type checker.
    from django.utils.functional import _StrPromise


class HandoverError(Exception):
    """A user's request the domain refuses; the message is shown to them as it is."""

    def __init__(self, message: "str | _StrPromise"):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class NotFound(Exception):
    """What the request names does not exist for this person (another case's row, a case they may
    not see); the web layer answers 404, as if it did not exist at all."""
