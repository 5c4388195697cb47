"""Text someone else wrote, where the console shows it and ``reveal`` alone did not reach.

``reveal`` (:mod:`server.console.blueprint`) marks the characters that hide or reorder text, but
two places showed such text without it:

- inside a translated sentence: ``t()`` returns plain text, so a value given to it was escaped
  and shown with its U+202E at work. The manual check's "Record account id {id} for this
  account of {name}" showed the checked profile's id — typed from a report — reversed, and the
  rest of the button's sentence with it, on the button that writes that id into her record.
  :func:`t_marked` keeps a value given already as Markup (from :func:`isolated`) and escapes
  everything else, the sentence included, exactly as autoescape did.
- in a form field prefilled from a report (the case form): an ``<input>`` holds no markup, and a
  browser lays its value out with the controls at work. :func:`shown_as` puts the value as
  revealed under the field when reveal would mark anything in it.
"""

from __future__ import annotations

from flask import Flask
from markupsafe import Markup, escape

from server.console.blueprint import page_locale, reveal, t
from server.console.i18n import lookup


def isolated(value: object, ascii_only: bool = False) -> Markup:
    """``value`` revealed inside its own ``<bdi>``, so that its direction can neither reorder the
    sentence around it nor be reordered by it; left to right when ``ascii_only`` (handles, ids)."""
    return _in_bdi(reveal(value, ascii_only), ascii_only)


def _in_bdi(revealed: Markup, ascii_only: bool) -> Markup:
    return Markup("<bdi{}>{}</bdi>").format(Markup(' dir="ltr"') if ascii_only else "", revealed)


def t_marked(key: str, **values: object) -> Markup:
    """``t(key, **values)`` as markup: the sentence and plain values escaped, values given as
    Markup (:func:`isolated`) kept."""
    text = lookup(key, page_locale())
    if text is None:
        return escape(key)
    return escape(text).format(**values)


def shown_as(value: object, ascii_only: bool = False) -> Markup:
    """A hint to put under a form field holding ``value``: how it reads with its hidden characters
    shown, when it has any (and, with ``ascii_only``, any non-ASCII letter); nothing otherwise."""
    if value is None or str(value) == "":
        return Markup("")
    revealed = reveal(value, ascii_only)  # once: the value may be all a trainer typed in a field
    if str(revealed) == str(escape(value)):
        return Markup("")
    return Markup('<small class="hint shown-as">{} {}</small>').format(
        t("reveal.shown_as"), _in_bdi(revealed, ascii_only)
    )


def init_app(app: Flask) -> None:
    app.add_template_filter(isolated, "isolated")
    app.add_template_global(t_marked, "t_marked")
    app.add_template_global(shown_as, "shown_as")
