"""Harvest ClinicalTrials.gov API v2 study records for a topic (HTTP only: no SQL, no NLP)."""

from importlib import metadata
from pathlib import Path
import tomllib


def _version() -> str:
    """The installed trialkb version, or the one in pyproject.toml when running from a checkout."""
    try:
        return metadata.version("trialkb")
    except metadata.PackageNotFoundError:
        pyproject = Path(__file__).resolve().parent.parent / "pyproject.toml"
        try:
            return tomllib.loads(pyproject.read_text())["project"]["version"]
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "unknown"


__version__ = _version()
