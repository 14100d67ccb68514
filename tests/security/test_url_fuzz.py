"""Every URL pattern of the URL configuration, fed hostile values as a stranger, as alice (who owns the
world's private data) and as bob (another user) — issue 20.

For each pattern and each of those three, one request per hostile value:
- in each path argument in turn (GET; the other arguments keep a real value from the world's fillers);
- in every common query parameter at once (GET), with htmx's headers on every other value, its
  HX-Current-URL carrying the value too;
- when the view takes a POST: in every form field any view reads, and in the query, with a valid CSRF
  token (cookie and header, as htmx sends it), htmx's headers on the values the GETs went without.
In the admin, Django's own, which sends whoever is not staff to its login page, the three take the values
in turn (`Fuzz._values`).

Every answer must be below 500, must not send the browser to another site (Location, HX-Redirect, or a
form's `next`), and must come within SECONDS_PER_REQUEST (the bound the issue asks). The patterns come
from the resolver, so a new URL is fuzzed as soon as it exists. Counts, the total time and the slowest
request are printed at the end of the run.
"""

from __future__ import annotations

import itertools
import re
import time
from dataclasses import dataclass, field
from urllib.parse import quote, unquote_to_bytes

import pytest
from django.conf import settings
from django.http import HttpResponseBase
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils.http import url_has_allowed_host_and_scheme

from tests.security.conftest import FUZZ_STATS
from tests.security.urlconf import PLACEHOLDERS, Route, all_routes
from tests.security.world import World

ROUTES = all_routes()
PERSONAS = ("anonymous", "alice", "bob")
SECONDS_PER_REQUEST = 1.0
# A request slower than this is sent again (see Fuzz._send), so the slowest one reported is the request's.
RETIME_ABOVE = SECONDS_PER_REQUEST / 4
HOST = "testserver"


@dataclass(frozen=True)
class Hostile:
    name: str
    value: str
    # The value's bytes percent-encoded, for one no Python text can carry (a lone surrogate is not UTF-8).
    encoded: str = ""
    # Whether it is tried in path arguments too (values about redirects only matter in parameters).
    in_paths: bool = True

    def quoted(self) -> str:
        return self.encoded or quote(self.value, safe="")

    def header(self) -> str:
        # As a WSGI server hands a header to Django: its bytes read as Latin-1. Servers refuse a NUL in a
        # header before any application sees it, so none is sent.
        return unquote_to_bytes(self.quoted()).decode("latin-1").replace("\x00", "")


HOSTILE = (
    Hostile("NUL", "2401.0\x00001"),
    Hostile("2**63", str(2**63)),
    Hostile("past int()'s digit limit", "1" * 5000),
    Hostile("negative", str(-(2**63) - 1)),
    Hostile("over-long", "x" * 5000),
    Hostile("tsquery storm", "-" * 40),
    Hostile("spaced operator storm", "x " + "- " * 40 + "OR " * 40 + '" ' * 20),
    Hostile("lone surrogate", "\ud800", encoded="%ED%A0%80"),
    Hostile("RTL marks", "\u202egnp.exe\u200f\u061c"),
    Hostile("Arabic-Indic digits", "\u0661\u0662\u0663"),
    Hostile("empty", ""),
    Hostile("dot-dot", "../../../etc/passwd"),
    Hostile("quote and SQL", "' OR '1'='1' -- \"<script>"),
    Hostile("scheme-relative", "//evil.example/x", in_paths=False),
    Hostile("our host, then //", f"http://{HOST}//evil.example/x", in_paths=False),
    Hostile("our host, upper-case scheme", f"HTTP://{HOST}//evil.example/x", in_paths=False),
    Hostile("backslashes", "/\\evil.example/x", in_paths=False),
    Hostile("another site", "https://evil.example/x", in_paths=False),
    Hostile("javascript:", "javascript:alert(1)", in_paths=False),
)
# The query parameters views here read (and the admin's page and order), each given the value at once.
QUERY_PARAMETERS = (
    "next", "q", "offset", "page", "token", "shown", "sort", "status", "since", "poll", "p", "o",
)  # fmt: skip
# Every form field any view here reads.
FORM_FIELDS = (
    "next", "name", "description", "note", "status", "item", "order", "direction", "add", "remove", "action",
    "ids", "shown", "menu", "topics", "upvote", "username", "password", "email", "old_password",
    "new_password1", "new_password2", "enabled", "frequency", "hour", "weekday", "time_zone", "size",
)  # fmt: skip
FUZZ_STATS.patterns, FUZZ_STATS.personas, FUZZ_STATS.values = len(ROUTES), len(PERSONAS), len(HOSTILE)
_ARGUMENT = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


def url_of(route: Route, arguments: dict[str, str]) -> str:
    """The route with each argument replaced by its (already quoted) text: no reverse(), which would
    refuse a value its converter does not match."""
    text = _ARGUMENT.sub(lambda match: arguments[match[1] or match[2]], route.route)
    return "/" + text.replace("^", "").replace("$", "")


def off_site(url: str) -> bool:
    """Whether a browser sent to `url` from this site leaves it (Django's own check: `//host`, `/\\host`
    and other schemes count). Django refuses any URL past 2,048 characters outright; where a long one
    leads is decided by its start, which is all that is checked here."""
    return not url_has_allowed_host_and_scheme(url[:1000], allowed_hosts={HOST})


_NEXT_FIELD = re.compile(rb'name="next" value="([^"]*)"|value="([^"]*)" name="next"')


def problems_with(response: HttpResponseBase) -> list[str]:
    found = []
    if response.status_code >= 500:
        found.append(f"answered {response.status_code}")
    for header in ("Location", "HX-Redirect", "HX-Location"):
        if response.has_header(header) and off_site(response[header]):
            found.append(f"{header} off-site: {response[header]!r}")
    if not getattr(response, "streaming", False) and "html" in response.get("Content-Type", ""):
        for match in _NEXT_FIELD.finditer(response.content):
            value = (match[1] if match[1] is not None else match[2]).decode().replace("&amp;", "&")
            if value and off_site(value):  # an empty next means the view's default
                found.append(f"a form's next is off-site: {value!r}")
    return found


@dataclass
class Fuzz:
    route: Route
    world: World
    base: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.base = self._reachable_arguments()

    def _reachable_arguments(self) -> dict[str, str]:
        """Real values for the route's arguments: the first combination of fillers that alice can open,
        so the query and form values reach the view instead of a 404."""
        names = [name for name, _ in self.route.arguments]
        choices = [
            self.world.fillers.get(name) or [PLACEHOLDERS.get(kind, "placeholder")]
            for name, kind in self.route.arguments
        ]
        combinations = [
            {name: quote(str(value), safe="") for name, value in zip(names, values, strict=True)}
            for values in itertools.product(*choices)
        ]
        if len(combinations) > 1:
            client = self.world.client("alice")
            for arguments in combinations:
                if client.get(url_of(self.route, arguments)).status_code != 404:
                    return arguments
        return combinations[0]

    def run(self, persona: str) -> None:
        client = self._client(persona)
        values = self._values(persona)
        for name, _ in self.route.arguments:
            for hostile in values:
                if hostile.in_paths:
                    path = url_of(self.route, self.base | {name: hostile.quoted()})
                    self._send(client, persona, "GET", path)
        url = url_of(self.route, self.base)
        for number, hostile in enumerate(values):
            query = "&".join(f"{parameter}={hostile.quoted()}" for parameter in QUERY_PARAMETERS)
            self._send(client, persona, "GET", f"{url}?{query}", htmx=hostile if number % 2 else None)
        for number, hostile in enumerate(values):
            query = f"next={hostile.quoted()}&q={hostile.quoted()}"
            body = "&".join(f"{name}={hostile.quoted()}" for name in FORM_FIELDS)
            htmx = None if number % 2 else hostile
            response = self._send(client, persona, "POST", f"{url}?{query}", body=body, htmx=htmx)
            if response is not None and response.status_code == 405:
                break  # the view takes no POST: one refusal says so
            # A request refused before AuthenticationMiddleware has no user: it logged nobody out.
            user = getattr(response.wsgi_request, "user", None) if response is not None else None
            if persona != "anonymous" and user is not None and not user.is_authenticated:
                client = self._client(persona)  # that POST (the logout view) logged the persona out

    def _values(self, persona: str) -> tuple[Hostile, ...]:
        """Every value; in the admin, every third. The admin (Django's own) answers whoever is not staff
        with its login page, whatever the value: there the three personas take the values in turn, so
        each admin pattern still gets every value, at a third of the requests."""
        if not self.route.is_admin:
            return HOSTILE
        return HOSTILE[PERSONAS.index(persona) :: len(PERSONAS)]

    def _client(self, persona: str) -> Client:
        client = self.world.client(persona, enforce_csrf_checks=True)
        client.cookies[settings.CSRF_COOKIE_NAME] = self.csrf_token = _get_new_csrf_string()
        return client

    def _send(
        self,
        client: Client,
        persona: str,
        method: str,
        url: str,
        *,
        body: str = "",
        htmx: Hostile | None = None,
    ) -> HttpResponseBase | None:
        headers = {"HX-Request": "true", "HX-Current-URL": htmx.header()} if htmx else {}
        if method == "POST":
            headers["X-CSRFToken"] = self.csrf_token
        where = f"{method} {url[:160]} as {persona}{' (htmx)' if htmx else ''}"
        try:
            response, seconds = self._timed(client, method, url, body, headers)
            if seconds > RETIME_ABOVE:
                # Timed once more, the faster counting: a pause of the machine (another process, the
                # garbage collector) is not the request's. A request that is slow is slow both times.
                seconds = min(seconds, self._timed(client, method, url, body, headers)[1])
        except Exception as error:  # the test client re-raises what would have been a 500
            self.problems.append(f"{where}: raised {type(error).__name__}: {str(error)[:300]}")
            return None
        FUZZ_STATS.slowest = max(FUZZ_STATS.slowest, (seconds, where))
        if seconds > SECONDS_PER_REQUEST:
            self.problems.append(f"{where}: took {seconds:.2f} s")
        self.problems += [f"{where}: {problem}" for problem in problems_with(response)]
        return response

    def _timed(
        self, client: Client, method: str, url: str, body: str, headers: dict[str, str]
    ) -> tuple[HttpResponseBase, float]:
        started = time.perf_counter()
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            form = "application/x-www-form-urlencoded"
            response = client.post(url, body, content_type=form, headers=headers)
        seconds = time.perf_counter() - started
        FUZZ_STATS.requests += 1
        FUZZ_STATS.seconds += seconds
        return response, seconds


def test_the_fuzz_covers_every_kind_of_url():
    assert {"papers:search", "papers:feed", "papers:list_import", "signup", "admin:index"} <= {
        route.name for route in ROUTES
    }


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.id)
def test_hostile_values_never_fail_leave_the_site_or_hold_a_worker(route: Route, world: World):
    fuzz = Fuzz(route, world)
    for persona in PERSONAS:
        fuzz.run(persona)
    assert not fuzz.problems, f"{len(fuzz.problems)} problems:\n" + "\n".join(fuzz.problems[:40])
