from django.utils.functional import Promise


class HandoverError(Exception):
    """A user's request the domain refuses; the message is shown to them as it is."""

    def __init__(self, message: str | Promise):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)
