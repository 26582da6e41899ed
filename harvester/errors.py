"""Exceptions raised by the harvester. All derive from :class:`HarvestError`."""


class HarvestError(Exception):
    """Base class of every harvester error."""


class ApiUnavailable(HarvestError):
    """The API kept failing (429/403/5xx, timeouts, dropped or truncated bodies) until retries ran out."""


class ApiRequestError(HarvestError):
    """The API rejected the request (400 or another non-retryable 4xx); the message carries its text."""


class UnexpectedResponse(HarvestError):
    """A 200 response whose JSON does not have the documented shape."""


class TopicError(HarvestError):
    """A topic file is missing, is not valid TOML, or has missing, empty or wrong-typed keys."""


class TransientError(HarvestError):
    """One failed attempt that is worth retrying (used inside the client's retry loop)."""

    def __init__(self, detail: str, retry_after: float | None = None):
        super().__init__(detail)
        self.retry_after = retry_after
