"""The map's own branca elements: data goes into their templates as values, never as template
source.

Why: branca's `MacroElement.render` puts each rendered macro (header, html, script) on the page
as `Element(output)`, and `Element` compiles its text as a new Jinja template. Whatever data a
macro printed — a feature name in a label, an attribution — was compiled a second time: `{{ x`,
`{%` or `{#` in a name crashed the Map and Briefing pages with a TemplateSyntaxError, and
`{{ 7*7 }}` printed 49. `ValueMacro` renders like a MacroElement but places the output as
`Literal` text, so each template is compiled once, from our files only.
"""

from __future__ import annotations

from branca.element import Element, MacroElement
from jinja2 import Template

_PARTS = ("header", "html", "script")


class Literal(Element):
    """Text placed in the page exactly as given (a plain `Element` would compile it)."""

    _template = Template("{{ this.text }}")

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class ValueMacro(MacroElement):
    """A MacroElement whose rendered macros reach the page as text, not as templates."""

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        macros = self._template.module.__dict__
        for part in _PARTS:
            macro = macros.get(part)
            if macro is not None:
                getattr(figure, part).add_child(Literal(macro(self, kwargs)),
                                                name=self.get_name())
        for element in self._children.values():
            element.render(**kwargs)
