"""Screenshots of the main pages at 1280 and 390 px, light and dark, from a running site.

    make screenshots PORT=8024            # or:
    .venv/bin/python -m bench.screenshots --base-url http://127.0.0.1:8024 [--out var/screenshots]

Logs in as the demo account (`make run` creates it), opens each page in Debian's chromium through
Playwright and saves PNGs of its first three screens, named <page>-<width>-<scheme>.png, into --out
(var/ is not committed).
The list, shared list and paper addresses are read from the site's own pages, so the script needs
nothing but the URL. It prints each file and whether the page scrolls sideways (document wider than
the window), the one thing a screenshot does not show at a glance.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from playwright.sync_api import FloatRect, Page, sync_playwright

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
WIDTHS = {1280: 900, 390: 844}
SCHEMES: tuple[Literal["light", "dark"], ...] = ("light", "dark")


def first_link(page: Page, url: str, pattern: str) -> str | None:
    page.goto(url)
    for href in page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))"):
        if href and re.fullmatch(pattern, href):
            return href
    return None


def discover(page: Page) -> dict[str, str]:
    pages = {
        "daily": "/",
        "trending": "/trending/",
        "search": "/search/?q=language+models",
        "feed": "/feed/",
        "onboarding": "/onboarding/",
        "lists": "/lists/",
        "account": "/account/",
        "digest": "/account/digest/",
        "hidden": "/hidden/",
        "login": "/accounts/login/",
    }
    paper = first_link(page, "/", r"/(abs|papers)/[^?#]+/")
    if paper:
        pages["paper"] = paper
    a_list = first_link(page, "/lists/", r"/lists/\d+/")
    if a_list:
        pages["list"] = a_list
        page.goto(a_list)
        share = page.locator("#share-url")
        if share.count():
            pages["shared-list"] = urlsplit(share.input_value()).path
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", default="var/screenshots")
    parser.add_argument("--username", default="demo")
    parser.add_argument("--password", default="papershelf-demo")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for scheme in SCHEMES:
            for width, height in WIDTHS.items():
                context = browser.new_context(
                    base_url=args.base_url, viewport={"width": width, "height": height}, color_scheme=scheme
                )
                page = context.new_page()
                page.goto("/accounts/login/")
                page.screenshot(path=str(out / f"login-{width}-{scheme}.png"), full_page=True)
                page.fill("input[name=username]", args.username)
                page.fill("input[name=password]", args.password)
                page.click("form [type=submit]")
                page.wait_for_load_state()
                for name, url in discover(page).items():
                    if name == "login":
                        continue
                    page.goto(url)
                    page.wait_for_load_state("networkidle")
                    path = out / f"{name}-{width}-{scheme}.png"
                    # The first three screens: enough to judge a page, small enough to look at.
                    tall = page.evaluate("document.documentElement.scrollHeight")
                    clip: FloatRect = {"x": 0, "y": 0, "width": width, "height": min(tall, 3 * height)}
                    page.screenshot(path=str(path), full_page=True, clip=clip)
                    scroll = page.evaluate("document.documentElement.scrollWidth")
                    sideways = f"  SCROLLS SIDEWAYS ({scroll} px)" if scroll > width else ""
                    print(f"{path}  {url}{sideways}")
                context.close()
        browser.close()


if __name__ == "__main__":
    main()
