"""A polite, retrying client for the ClinicalTrials.gov API v2.

Politeness and retries follow shared/ctgov/API_NOTES.md §8: a descriptive User-Agent, at most one
request per ``min_interval`` seconds, and exponential backoff with jitter on 429, 403, 5xx,
timeouts, dropped connections and truncated or unparseable bodies. Error bodies are text/plain and
are never JSON-parsed.
"""

from collections.abc import Callable, Iterator
from email.utils import parsedate_to_datetime
import datetime
import gc
import json
import random
import time

import httpx
from tenacity import RetryCallState, RetryError, Retrying, retry_if_exception_type, stop_after_attempt

from . import __version__
from .errors import ApiRequestError, ApiUnavailable, TransientError, UnexpectedResponse

DEFAULT_BASE_URL = "https://clinicaltrials.gov/api/v2"
PROJECT_URL = "https://github.com/trialkb/trialkb"
DEFAULT_USER_AGENT = f"trialkb/{__version__} (+{PROJECT_URL}; research harvester)"
MAX_PAGE_SIZE = 1000
RETRYABLE_STATUSES = frozenset({403, 429}) | frozenset(range(500, 600))
TRANSIENT_HTTPX_ERRORS = (httpx.TimeoutException, httpx.NetworkError, httpx.RemoteProtocolError, httpx.DecodingError)


class CtgovClient:
    """GET JSON from API v2, one polite request at a time.

    ``sleep`` is called for every wait (throttling and backoff); tests pass a recorder to see the
    requested delays without waiting them out.
    """

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        *,
        min_interval: float = 1.0,
        timeout: float = 30.0,
        max_attempts: int = 6,
        max_backoff: float = 30.0,
        user_agent: str | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.base_url = base_url.rstrip("/")
        self.min_interval = min_interval
        self.max_attempts = max_attempts
        self.max_backoff = max_backoff
        self.sleep = sleep
        self.requests_made = 0
        self.retries = 0
        self.last_total_count: int | None = None
        self._last_request_at: float | None = None
        self._http = httpx.Client(
            base_url=self.base_url,
            timeout=timeout,
            follow_redirects=True,  # /studies/{alias} answers 301 to the canonical id
            headers={"User-Agent": user_agent or DEFAULT_USER_AGENT, "Accept": "application/json"},
        )

    def __enter__(self) -> "CtgovClient":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def version(self) -> dict:
        """``{"apiVersion": ..., "dataTimestamp": ...}`` from ``/version``."""
        return self._get("/version")

    def get_study(self, nct_id: str) -> dict | None:
        """One full Study record, or None when the registry answers 404."""
        return self._get(f"/studies/{nct_id}", not_found_ok=True)

    def iter_pages(self, params: dict, *, count_total: bool = False) -> Iterator[list[dict]]:
        """Yield the ``studies`` list of each ``/studies`` page for ``params``.

        Sends ``pageSize=1000`` unless ``params`` sets it, repeats the same parameters with
        ``pageToken`` on later pages, and stops when there is no ``nextPageToken`` or a page is
        empty (the API emits a spurious token whenever a page is exactly full). With
        ``count_total`` the first page asks for ``countTotal`` and ``last_total_count`` is set.
        """
        if "pageToken" in params:
            raise ValueError("pageToken must not be sent on the first page")
        params = {"pageSize": MAX_PAGE_SIZE, **params}
        self.last_total_count = None
        page = self._get_page({**params, "countTotal": "true"} if count_total else params)
        if count_total:
            self.last_total_count = page.get("totalCount")
        while page["studies"]:
            yield page["studies"]
            token = page.get("nextPageToken")
            if not token:
                return
            page = self._get_page({**params, "pageToken": token})

    def _get_page(self, params: dict) -> dict:
        page = self._get("/studies", params)
        if not isinstance(page.get("studies"), list):
            raise UnexpectedResponse(f"{self.base_url}/studies: response has no 'studies' list")
        return page

    def _get(self, path: str, params: dict | None = None, *, not_found_ok: bool = False) -> dict | None:
        retrying = Retrying(
            stop=stop_after_attempt(self.max_attempts),
            wait=self._wait,
            retry=retry_if_exception_type(TransientError),
            sleep=self.sleep,
            before_sleep=self._count_retry,
        )
        try:
            return retrying(self._attempt, path, params, not_found_ok)
        except RetryError as exhausted:
            attempt = exhausted.last_attempt
            raise ApiUnavailable(
                f"{self.base_url}{path} unavailable after {attempt.attempt_number} attempts;"
                f" last error: {attempt.exception()}"
            ) from None

    def _attempt(self, path: str, params: dict | None, not_found_ok: bool) -> dict | None:
        """One HTTP request; raises TransientError for anything worth retrying."""
        self._throttle()
        self.requests_made += 1
        try:
            response = self._http.get(path, params=params)
        except TRANSIENT_HTTPX_ERRORS as error:
            raise TransientError(f"{type(error).__name__}: {one_line(str(error))}") from error
        status = response.status_code
        if status == 404 and not_found_ok:
            return None
        if status in RETRYABLE_STATUSES:
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            raise TransientError(f"HTTP {status}: {one_line(response.text)}", retry_after)
        if status != 200:
            raise ApiRequestError(f"{response.url}: HTTP {status}: {one_line(response.text)}")
        try:
            body = parse_json(response.content)
        except (json.JSONDecodeError, UnicodeDecodeError) as error:
            raise TransientError(f"HTTP 200 with a body that is not JSON ({error})") from error
        if not isinstance(body, dict):
            raise UnexpectedResponse(f"{response.url}: expected a JSON object, got {type(body).__name__}")
        return body

    def _throttle(self) -> None:
        """Wait until ``min_interval`` seconds have passed since the previous request."""
        if self.min_interval > 0 and self._last_request_at is not None:
            remaining = self._last_request_at + self.min_interval - time.monotonic()
            if remaining > 0:
                self.sleep(remaining)
        self._last_request_at = time.monotonic()

    def _wait(self, state: RetryCallState) -> float:
        """Seconds before the next attempt: Retry-After if the server sent one, else backoff."""
        error = state.outcome.exception()
        if isinstance(error, TransientError) and error.retry_after is not None:
            return min(error.retry_after, self.max_backoff)
        return self._backoff(state.attempt_number)

    def _backoff(self, attempt_number: int) -> float:
        """1 s, 2 s, 4 s, ... with ±25% jitter, never above ``max_backoff``."""
        base = 2.0 ** (attempt_number - 1)
        return min(self.max_backoff, base * random.uniform(0.75, 1.25))

    def _count_retry(self, state: RetryCallState) -> None:
        self.retries += 1


def parse_json(content: bytes):
    """json.loads with the cyclic garbage collector paused: a page of 1,000 studies is about a
    million dicts and lists, and the collections their allocation triggers cost about three times
    the parse itself. Parsed JSON holds no reference cycles, so there is nothing for them to find."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return json.loads(content)
    finally:
        if was_enabled:
            gc.enable()


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date); None if absent/bad."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return max(0.0, (when - datetime.datetime.now(datetime.timezone.utc)).total_seconds())


def one_line(text: str, limit: int = 200) -> str:
    """Collapse whitespace so error messages stay on one line, and cut long texts."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
