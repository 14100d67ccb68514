"""A generated population for the scale benchmarks: users with reading histories over the 75k catalogue.

    .venv/bin/python -m bench.population [--users 10000] [--signals 500000] [--database-url URL]

Run after `bench.catalogue` (which loads the 75k arXiv papers). Users are `reader00001`… with password
`bench-password`. Each reader follows one to three arXiv categories and draws papers from them with a
long-tailed popularity, plus some globally popular papers, half as upvotes and half as saves to their
"Read later" list (a tenth of the saves marked read). Written with COPY, so 500k signals take seconds.
Every existing user of the benchmark database, and all their data, is replaced.
"""

from __future__ import annotations

import datetime
import time
from collections import defaultdict

import numpy as np

from bench.setup_db import arguments, setup_django

PASSWORD = "bench-password"


def generate(n_users: int, n_signals: int, seed: int = 11) -> None:
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone

    from papers.models import Paper

    rng = np.random.default_rng(seed)
    rows = list(Paper.objects.order_by("id").values_list("id", "categories"))
    paper_ids = np.array([pk for pk, _ in rows], dtype=np.int64)
    by_category: dict[str, list[int]] = defaultdict(list)
    for index, (_pk, categories) in enumerate(rows):
        if categories:
            by_category[categories[0]].append(index)
    categories = [c for c, members in by_category.items() if len(members) >= 50]
    weights = np.array([len(by_category[c]) for c in categories], dtype=np.float64)
    weights /= weights.sum()
    popular = rng.permutation(len(paper_ids))[:3000]

    per_user = max(1, n_signals // n_users)
    now = timezone.now()
    password = make_password(PASSWORD)
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        # A benchmark database only: every user and everything that references one goes.
        cursor.execute("TRUNCATE auth_user RESTART IDENTITY CASCADE")
        with cursor.copy(
            "COPY auth_user (username, email, password, is_superuser, is_staff, is_active, first_name, "
            "last_name, date_joined) FROM STDIN"
        ) as copy:
            for n in range(1, n_users + 1):
                copy.write_row(
                    (
                        f"reader{n:05d}",
                        f"reader{n:05d}@example.org",
                        password,
                        False,
                        False,
                        True,
                        "",
                        "",
                        now,
                    )
                )
        cursor.execute("SELECT id FROM auth_user WHERE username LIKE 'reader%%' ORDER BY username")
        user_ids = [row[0] for row in cursor.fetchall()]
        with cursor.copy(
            "COPY papers_readinglist (owner_id, name, description, is_default, created_at, updated_at) "
            "FROM STDIN"
        ) as copy:
            for user_id in user_ids:
                copy.write_row((user_id, "Read later", "", True, now, now))
        cursor.execute(
            "SELECT owner_id, id FROM papers_readinglist WHERE is_default AND owner_id = ANY(%s)", [user_ids]
        )
        list_of = dict(cursor.fetchall())

        upvotes, items = [], []
        for user_id in user_ids:
            follows = rng.choice(len(categories), size=rng.integers(1, 4), replace=False, p=weights)
            pool = np.concatenate([np.asarray(by_category[categories[c]]) for c in follows])
            # Long tail: low positions in each reader's pool are drawn far more often.
            draws = 4 * per_user
            picks = pool[np.minimum((rng.pareto(1.2, draws) * 20).astype(int), len(pool) - 1)]
            picks = np.where(rng.random(draws) < 0.2, rng.choice(popular, draws), picks)
            # Distinct papers in draw order, as many as the reader's share of the signals.
            _, first = np.unique(picks, return_index=True)
            chosen = picks[np.sort(first)][:per_user]
            for position, index in enumerate(chosen):
                moment = now - datetime.timedelta(days=float(rng.uniform(0, 365)))
                if position % 2:
                    upvotes.append((user_id, int(paper_ids[index]), moment))
                else:
                    status = "read" if rng.random() < 0.1 else "to_read"
                    items.append((list_of[user_id], int(paper_ids[index]), status, position, moment))
        with cursor.copy("COPY papers_upvote (user_id, paper_id, created_at) FROM STDIN") as copy:
            for row in upvotes:
                copy.write_row(row)
        with cursor.copy(
            "COPY papers_readinglistitem (reading_list_id, paper_id, status, note, position, added_at, "
            "status_changed_at) FROM STDIN"
        ) as copy:
            for list_id, paper_id, status, position, moment in items:
                copy.write_row((list_id, paper_id, status, "", position, moment, moment))
        cursor.execute(
            "UPDATE papers_paper p SET upvote_count = c.n FROM "
            "(SELECT paper_id, count(*) AS n FROM papers_upvote GROUP BY paper_id) c WHERE p.id = c.paper_id"
        )
        cursor.execute("ANALYZE")
    elapsed = time.perf_counter() - started
    print(
        f"population: {len(user_ids)} readers, {len(upvotes)} upvotes, {len(items)} saves "
        f"({len(upvotes) + len(items)} signals) in {elapsed:.1f} s"
    )


def ensure_profiles() -> None:
    """Give every reader a profile, as a reader with a history has one from earlier visits: a first visit
    ever creates it, which a benchmark of first views by thousands of readers should not time."""
    from django.contrib.auth.models import User

    from papers.models import Profile

    missing = User.objects.filter(profile__isnull=True).values_list("pk", flat=True)
    Profile.objects.bulk_create([Profile(user_id=pk) for pk in missing], ignore_conflicts=True)


def main() -> None:
    parser = arguments(__doc__)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--signals", type=int, default=500_000)
    args = parser.parse_args()
    setup_django(args.database_url, fresh=False)
    generate(args.users, args.signals)
    ensure_profiles()


if __name__ == "__main__":
    main()
