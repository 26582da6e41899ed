"""The `trialkb` command: parses arguments, calls trialkb.pipeline, turns failures into one line."""

from __future__ import annotations

import functools
import logging
import os
import sqlite3
import sys
from pathlib import Path

import click

from harvester.client import DEFAULT_BASE_URL
from trialkb import serving

# Exit codes, documented in the README.
EXIT_LOCKED = 3
EXIT_API_DOWN = 4
EXIT_BAD_INPUT = 5
EXIT_DATABASE = 6
EXIT_INTERRUPTED = 130

class CommandError(click.ClickException):
    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"trialkb: error: {self.format_message()}", err=True, file=file)


def db_option(command):
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default="trials.db",
        show_default=True,
        envvar="TRIALKB_DB",
        help="SQLite database file.",
    )(command)


def harvest_options(command):
    options = [
        click.option(
            "--base-url",
            envvar="CTGOV_API_URL",
            default=DEFAULT_BASE_URL,
            show_default=True,
            help="ClinicalTrials.gov API v2 base URL (env CTGOV_API_URL).",
        ),
        click.option("--topic", "topic_path", type=click.Path(dir_okay=False), help="Topic TOML file (default: JAK/TYK2 × myositis)."),
        click.option("--full", is_flag=True, help="Re-harvest everything and flag studies that left the topic or registry."),
        click.option(
            "--min-interval",
            type=click.FloatRange(min=0),
            default=1.0,
            show_default=True,
            help="Seconds between requests (politeness).",
        ),
        click.option("--retries", type=click.IntRange(min=1), default=6, show_default=True, help="Attempts per request."),
        click.option("--timeout", type=click.FloatRange(min=0.1), default=30.0, show_default=True, help="Seconds per request."),
        click.option(
            "--max-backoff", type=click.FloatRange(min=0), default=30.0, show_default=True, help="Longest wait between retries."
        ),
        jobs_option,
    ]
    for option in reversed(options):
        command = option(command)
    return command


jobs_option = click.option(
    "--jobs", type=click.IntRange(min=1), default=1, show_default=True, help="Processes for text extraction."
)


def verbosity(command):
    @click.option("-v", "--verbose", is_flag=True, help="Log progress.")
    @functools.wraps(command)
    def wrapper(*args, verbose: bool, **kwargs):
        logging.basicConfig(
            level=logging.INFO if verbose else logging.WARNING,
            format="trialkb: %(levelname)s: %(message)s",
            stream=sys.stderr,
        )
        logging.getLogger("httpx").setLevel(logging.WARNING)
        return command(*args, **kwargs)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="trialkb")
def cli():
    """Harvest, extract and publish JAK/TYK2 inhibitor trials in dermatomyositis and myositis."""


@cli.command()
@db_option
@harvest_options
@verbosity
def update(db_path, **options):
    """Harvest -> extract -> load, in one transaction (what a cron runs)."""
    _run("update", db_path, **options)


@cli.command()
@db_option
@harvest_options
@verbosity
def harvest(db_path, **options):
    """Fetch and store raw study versions only."""
    _run("harvest", db_path, **options)


@cli.command()
@db_option
@jobs_option
@click.option("--all", "force", is_flag=True, help="Re-extract every study, not only stale ones.")
@verbosity
def extract(db_path, jobs, force):
    """Re-derive study tables and facts from the stored raw records (no network)."""
    _run("extract", db_path, jobs=jobs, force=force)


@cli.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("-p", "--port", type=click.IntRange(0, 65535), default=8001, show_default=True)
@click.option("--immutable", is_flag=True, help="Serve a file that will not change (no locking, counts cached).")
@click.option(
    "--workers", type=click.IntRange(min=1), default=1, show_default=True,
    help="Server processes (one per core renders pages on every core).",
)
def serve(db_path, host, port, immutable, workers):
    """Serve the database with Datasette and metadata.yml."""
    if not db_path.is_file():
        raise CommandError(f"no database at {db_path}; run `trialkb update` first", EXIT_BAD_INPUT)
    serving.run(db_path, host, port, immutable, workers)


@cli.command()
@click.argument("gold_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--records", "record_dirs", multiple=True, type=click.Path(exists=True, file_okay=False), help="Directories of study records (repeatable).")
def evaluate(gold_dir, record_dirs):
    """Score the extractor against gold annotations (precision, recall, F1 per kind)."""
    from nlp import evaluate as evaluation

    report = evaluation.evaluate_dirs(Path(gold_dir), [Path(d) for d in record_dirs] or None)
    click.echo(evaluation.format_report(report))


def _run(command: str, db_path: Path, **options) -> None:
    from trialkb import pipeline

    _check_database_path(db_path)
    run = {"update": pipeline.update, "harvest": pipeline.harvest, "extract": pipeline.extract}[command]
    try:
        report = run(pipeline.Options(db_path=db_path, **options))
    except KeyboardInterrupt:
        raise CommandError("interrupted; the database is as it was before this run", EXIT_INTERRUPTED) from None
    except Exception as error:
        raise _as_command_error(error) from None
    click.echo(report.summary())


def _check_database_path(db_path: Path) -> None:
    folder = db_path.parent if str(db_path.parent) else Path(".")
    if not folder.is_dir():
        raise CommandError(f"folder {folder} does not exist (for --db {db_path})", EXIT_BAD_INPUT)
    if db_path.is_dir():
        raise CommandError(f"--db {db_path} is a directory", EXIT_BAD_INPUT)
    if not os.access(folder, os.W_OK) or (db_path.exists() and not os.access(db_path, os.W_OK)):
        raise CommandError(f"cannot write the database {db_path}", EXIT_BAD_INPUT)


def _as_command_error(error: Exception) -> Exception:
    from db.errors import DatabaseError
    from harvester.errors import ApiUnavailable, HarvestError
    from harvester.topic import TopicError
    from trialkb.pipeline import RunLocked

    if isinstance(error, RunLocked):
        return CommandError(str(error), EXIT_LOCKED)
    if isinstance(error, ApiUnavailable):
        return CommandError(f"{error} (the database is unchanged)", EXIT_API_DOWN)
    if isinstance(error, (TopicError, HarvestError)):
        return CommandError(str(error), EXIT_BAD_INPUT)
    if isinstance(error, sqlite3.Error) and (error.sqlite_errorcode or 0) & 0xFF == sqlite3.SQLITE_IOERR:
        # What SQLite reports when a write fails with EFBIG (over a file size limit), EIO or, on
        # some systems, ENOSPC; a plain "disk I/O error" does not say what to look at.
        hint = "the disk may be full, over a file size limit or failing"
        return CommandError(f"database error: {error} ({hint}; the database is unchanged)", EXIT_DATABASE)
    if isinstance(error, (DatabaseError, sqlite3.DatabaseError)):
        return CommandError(f"database error: {error} (the database is unchanged)", EXIT_DATABASE)
    if isinstance(error, OSError):
        return CommandError(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "), EXIT_DATABASE)
    return error


def main() -> None:
    cli(prog_name="trialkb")
