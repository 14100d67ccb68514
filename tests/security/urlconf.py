"""Every URL pattern in the URL configuration, and how to turn one into concrete URLs.

The patterns come from the resolver, so a URL added later is crawled without any change here. What is
listed by hand is only how to fill a path argument, by its name (the fillers in world.py); an
argument without a filler gets a placeholder of its converter's type, and is reported.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

# A placeholder per converter type, for an argument no filler names.
PLACEHOLDERS: dict[str, Any] = {
    "IntConverter": 1,
    "StringConverter": "placeholder",
    "SlugConverter": "placeholder",
    "PathConverter": "placeholder",
    "UUIDConverter": "00000000-0000-0000-0000-000000000000",
    "regex": "placeholder",
}


@dataclass(frozen=True)
class Route:
    """One URL pattern: its full name (with namespaces), its full route text and its path arguments."""

    name: str
    route: str
    arguments: tuple[tuple[str, str], ...]  # (argument name, converter type)
    view: Any = None

    @property
    def csrf_exempt(self) -> bool:
        return bool(getattr(self.view, "csrf_exempt", False))

    @property
    def is_admin(self) -> bool:
        return self.name.startswith("admin:") or self.route.startswith("admin/")

    @property
    def id(self) -> str:
        return f"{self.name or '(unnamed)'} {self.route}"

    def urls(self, fillers: Mapping[str, Sequence[Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
        """(url, arguments) for every combination of the fillers of this route's arguments."""
        names = [name for name, _ in self.arguments]
        choices = [
            fillers.get(name) or [PLACEHOLDERS.get(kind, "placeholder")] for name, kind in self.arguments
        ]
        for values in itertools.product(*choices):
            arguments = dict(zip(names, values, strict=True))
            yield self._url(arguments), arguments

    def _url(self, arguments: dict[str, Any]) -> str:
        if self.name:
            return reverse(self.name, kwargs=arguments)
        # Unnamed (the admin's catch-all): substitute into the route or regex text.
        text = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(arguments[m[1]]), self.route)
        text = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda m: str(arguments[m[1]]), text)
        return "/" + text.replace("^", "").replace("$", "")


def _arguments(pattern: Any) -> list[tuple[str, str]]:
    if isinstance(pattern, RoutePattern):
        return [(name, type(converter).__name__) for name, converter in pattern.converters.items()]
    return [(name, "regex") for name in pattern.regex.groupindex]


def _walk(
    patterns: Sequence[Any], prefix: str, namespaces: tuple[str, ...], arguments: tuple[tuple[str, str], ...]
) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = (entry.namespace,) if entry.namespace else ()
            yield from _walk(
                entry.url_patterns,
                prefix + str(entry.pattern),
                namespaces + namespace,
                arguments + tuple(_arguments(entry.pattern)),
            )
        elif isinstance(entry, URLPattern):
            name = ":".join((*namespaces, entry.name)) if entry.name else ""
            route = prefix + str(entry.pattern)
            yield Route(name, route, arguments + tuple(_arguments(entry.pattern)), entry.callback)


def all_routes() -> list[Route]:
    """Every pattern, including those inside (namespaced) includes, in resolution order."""
    return list(_walk(get_resolver().url_patterns, "", (), ()))
