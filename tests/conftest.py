"""Shared fixtures: the API v2 emulator serving the real, seed and test records."""

import copy

import pytest

from emulator import DEFAULT_RECORD_DIRS, ROOT, Emulator, load_records

# NCT ids the default topic selects from the emulator's records (see tests/fixtures/studies/README.md).
TOPIC_NCT_IDS = (
    "NCT06857240",
    "NCT07012057",
    "NCT09900101",
    "NCT09900102",
    "NCT09900103",
    "NCT09900104",
    "NCT09900105",
)


@pytest.fixture(scope="session")
def shared_dir():
    """``../shared`` next to the repository: reference data the tests read in place."""
    shared = ROOT.parent / "shared"
    if not (shared / "ctgov" / "studies-dm").is_dir():
        pytest.fail(f"reference data missing: {shared}/ctgov (tests need ../shared next to the repository)")
    return shared


@pytest.fixture(scope="session")
def _records(shared_dir):
    records = list(load_records(*DEFAULT_RECORD_DIRS))
    assert len(records) >= 23, f"expected the real, seed and fixture records in {DEFAULT_RECORD_DIRS}"
    return records


@pytest.fixture
def all_records(_records):
    """Every record the emulator serves, as fresh copies a test may modify."""
    return copy.deepcopy(_records)


@pytest.fixture
def topic_records(all_records):
    """``{nct_id: record}`` of the records the default topic selects."""
    by_id = {r["protocolSection"]["identificationModule"]["nctId"]: r for r in all_records}
    return {nct_id: by_id[nct_id] for nct_id in TOPIC_NCT_IDS}


@pytest.fixture
def emulator(_records):
    """A running emulator (``emulator.url`` is the client base URL) with every record loaded."""
    with Emulator(_records) as running:
        yield running
