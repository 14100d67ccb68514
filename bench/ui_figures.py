"""What a reader sees of a listing: the header's height (whole and once scrolled) and cards per screen,
roomy and compact, on a phone (390 x 844) and a desktop (1280 x 900), from a running site.

    .venv/bin/python -m bench.ui_figures --base-url http://127.0.0.1:8024

Logs in as the demo account (`make run` creates it) and opens the daily page. Prints one line per size.
"""

from __future__ import annotations

import argparse

from playwright.sync_api import Page, sync_playwright

from bench.screenshots import ARGS, CHROMIUM

SIZES = ((390, 844), (1280, 900))
CARDS = """() => {
  const top = document.querySelector('.site-header').getBoundingClientRect().bottom;
  const cards = [...document.querySelectorAll('[data-card]')].map(c => c.getBoundingClientRect());
  const whole = cards.filter(r => r.top >= top && r.bottom <= innerHeight).length;
  return [whole, cards.reduce((sum, r) => sum + r.height, 0) / Math.max(cards.length, 1)];
}"""


def cards_on_screen(page: Page) -> str:
    whole, height = page.evaluate(CARDS)
    return f"{whole} whole cards on screen, {height:.0f} px a card"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--username", default="demo")
    parser.add_argument("--password", default="papershelf-demo")
    args = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        for width, height in SIZES:
            context = browser.new_context(base_url=args.base_url, viewport={"width": width, "height": height})
            page = context.new_page()
            page.goto("/accounts/login/")
            page.fill("input[name=username]", args.username)
            page.fill("input[name=password]", args.password)
            page.click("form [type=submit]")
            page.wait_for_load_state()
            page.goto("/")
            header = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().height")
            page.mouse.wheel(0, 1500)
            page.wait_for_function("window.scrollY > 500")
            stuck = page.evaluate("document.querySelector('.site-header').getBoundingClientRect().bottom")
            roomy = cards_on_screen(page)
            page.click("[data-density-toggle]")
            compact = cards_on_screen(page)
            page.click("[data-density-toggle]")  # the demo account's browser keeps the roomy default
            print(
                f"{width} px: header {header:.0f} px, {stuck:.0f} px once scrolled; "
                f"roomy: {roomy}; compact: {compact}"
            )
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
