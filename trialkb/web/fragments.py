"""Loop-heavy parts of a page rendered in one synchronous pass.

Datasette renders templates asynchronously: every loop step, include and expression of a page
awaits. On a comparison of a few trials (hundreds of cells) that is three quarters of the page's
CPU. A fragment template is rendered instead by a synchronous overlay of Datasette's Jinja
environment (the same loader, filters, globals and autoescaping, so the same markup) and enters
the page as Markup.
"""

from __future__ import annotations

import weakref

import jinja2
from markupsafe import Markup

_synchronous = weakref.WeakKeyDictionary()  # Datasette's environment -> its synchronous overlay


def render_fragment(datasette, template: str, context: dict) -> Markup:
    return Markup(synchronous_environment(datasette).get_template(template).render(context))


def fragment_renderer(datasette):
    """A template global: `{{ trialkb_render_sync("name.html") }}` renders a fragment with the
    calling template's context (table.html's content below its header)."""

    @jinja2.pass_context
    def render(context, template: str) -> Markup:
        return render_fragment(datasette, template, context.get_all())

    return render


def synchronous_environment(datasette):
    environment = _synchronous.get(datasette.jinja_env)
    if environment is None:
        environment = _synchronous[datasette.jinja_env] = datasette.jinja_env.overlay(enable_async=False)
    return environment
