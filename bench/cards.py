"""What a paper card costs to build when nobody has looked at its paper lately (no entry cached).

    .venv/bin/python -m bench.cards [--database-url URL] [--papers 300]

Runs on the bench database (bench.catalogue) with the server's settings, in-process. For papers drawn at
random it times the shared entry of a listing card and of a feed card (papers.cards: the card with its
slots and the "off" states of the reader's controls) and the "on" states added when a reader who
upvoted or saved the paper first sees it. A new search shows ~19 such cards (bench.catalogue); listings
and feeds mostly find theirs cached. Prints p50/p95 milliseconds per card.
"""

from __future__ import annotations

from functools import partial

from bench.setup_db import arguments, percentiles, setup_as_server, time_calls


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--papers", type=int, default=300)
    args = parser.parse_args()
    setup_as_server(args.database_url)
    from papers import cards
    from papers.models import Paper

    papers = list(Paper.objects.defer("search_vector").order_by("?")[: args.papers])
    for paper in papers[:20]:  # the template loader's cache, as in a running server
        cards._build(cards.PAPER_CARD, paper, True)
    measured = {
        "listing card entry": lambda paper: cards._build(cards.PAPER_CARD, paper, True),
        "feed card entry": lambda paper: cards._build(cards.FEED_CARD, paper, True),
        "upvoted + saved states": lambda paper: [
            cards._variant(name, paper, True) for name in ("upvote-button:on", "quick-save:on")
        ],
    }
    for label, build in measured.items():
        samples = [sample for paper in papers for sample in time_calls(partial(build, paper))]
        stats = percentiles(samples)
        figures = f"p50 {stats['p50_ms']:5.2f} ms  p95 {stats['p95_ms']:5.2f} ms"
        print(f"{label:<24} {figures}  ({len(samples)} papers)")


if __name__ == "__main__":
    main()
