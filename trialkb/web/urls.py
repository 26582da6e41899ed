"""NCT numbers and the URLs of the plugin's pages and of the registry's."""

from __future__ import annotations

import re
from urllib.parse import urlencode

NCT_RE = re.compile(r"^NCT\d{8}$")
CTGOV_STUDY_URL = "https://clinicaltrials.gov/study/{}"


def compare_url(datasette) -> str:
    return datasette.urls.path("/-/compare")


def study_url(datasette, nct_id: str, anchor: str | None = None, fact: str | None = None) -> str:
    url = datasette.urls.path(f"/-/study/{nct_id}")
    if fact:
        url += "?" + urlencode({"fact": fact})
    return url + (f"#{anchor}" if anchor else "")
