from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from papers.importers import PaperRecord, import_file
from papers.importers.hf_page import parse_hf_page, resolve_page_year
from papers.models import Paper, normalize_title
from tests.importers.paths import SEEDS, TODAY, seed

pytestmark = pytest.mark.django_db

CHROME = [
    "new",
    "Get trending papers in your email inbox!",
    "Get trending papers in your email inbox once a day!",
    "Subscribe",
    "Daily Papers",
    "byAK and the research community",
]
ABSTRACT = (
    "We study how cortical circuits could implement credit assignment, and show in simulations of "
    "recurrent spiking networks that a local learning rule approximates the gradient on three benchmark "
    "tasks while using a fraction of the memory of backpropagation through time. The rule needs no "
    "symmetric feedback weights, and its errors shrink as the network grows."
)


def write_page(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "page.txt"
    path.write_text(text, encoding="utf-8")
    return path


def page(*entries: str, date: str = "Jul 29") -> str:
    return "\n\n".join([*CHROME, date, *entries]) + "\n"


def import_seeds() -> list:
    return [import_file(path, today=TODAY) for path in SEEDS]


def test_it_imports_all_341_distinct_seed_papers_from_415_entries():
    reports = import_seeds()

    assert Paper.objects.count() == 341
    assert sum(report.created for report in reports) == 341
    assert sum(report.created + report.updated + report.unchanged for report in reports) == 415
    assert all(report.rejected == 0 for report in reports)
    assert set(Paper.objects.values_list("source", flat=True)) == {Paper.Source.HF_PAGE}
    assert not Paper.objects.filter(arxiv_id__isnull=False).exists()


def test_importing_the_seeds_twice_changes_nothing():
    import_seeds()
    before = {paper.pk: paper.updated_at for paper in Paper.objects.all()}

    reports = import_seeds()

    assert Paper.objects.count() == 341
    assert sum(report.unchanged for report in reports) == 415
    assert sum(report.created + report.updated for report in reports) == 0
    assert {paper.pk: paper.updated_at for paper in Paper.objects.all()} == before


def test_page_chrome_never_becomes_a_paper():
    import_seeds()

    titles = set(Paper.objects.values_list("title", flat=True))
    assert not titles & set(CHROME)
    assert not any(title.startswith(("Subscribe", "Get trending")) for title in titles)
    assert not Paper.objects.filter(title__regex=r"^[A-Z][a-z]{2} \d{1,2}(, \d{4})?( \d+)?$").exists()
    assert all(len(abstract) > 200 for abstract in Paper.objects.values_list("abstract", flat=True))


def test_it_unglues_the_chrome_from_the_first_title_of_the_capture_without_blank_lines():
    report = import_file(seed("002"), today=TODAY)

    assert report.created == 215
    lilo = Paper.objects.get(title__startswith="LILO")
    assert lilo.title == "LILO: Learning Interpretable Libraries by Compressing and Documenting Code"
    assert lilo.abstract.startswith("While large language models (LLMs) now excel at code generation")
    # The capture has no page date: its papers have no listing day (not the day of the import).
    assert lilo.listed_on is None


def test_it_reads_organization_and_date_of_continuous_thought_machines():
    import_file(seed("001"), today=TODAY)

    paper = Paper.objects.get(title="Continuous Thought Machines")
    assert paper.organization == "SakanaAI Sakana AI"
    assert paper.published_on == datetime.date(2025, 5, 8)
    assert paper.author_count is None
    assert paper.authors == []
    assert paper.abstract.startswith("Biological brains demonstrate complex neural activity")


def test_it_reads_author_counts_without_inventing_names():
    import_file(seed("003"), today=TODAY)

    urhand = Paper.objects.get(title="URHand: Universal Relightable Hands")
    assert urhand.author_count == 23
    assert urhand.authors == []
    assert urhand.published_on == datetime.date(2024, 1, 10)
    assert urhand.source_upvotes == 0


def test_a_trailing_number_on_the_date_line_is_the_upvote_count():
    import_file(seed("001"), today=TODAY)

    paper = Paper.objects.get(title="Discovering Influential Neuron Path in Vision Transformers")
    assert paper.published_on == datetime.date(2025, 3, 12)
    assert paper.source_upvotes == 2


def test_year_less_dates_take_the_year_after_the_latest_explicit_year_on_the_page():
    # Page 003 lists dates up to 2024 with years, so it is a 2025 page: "Oct 20" is Oct 20, 2025.
    import_file(seed("003"), today=TODAY)

    softplus = Paper.objects.get(title__startswith="Softplus Attention with Re-weighting")
    assert softplus.published_on == datetime.date(2025, 1, 23)
    assert softplus.listed_on == datetime.date(2025, 10, 20)
    hidden = Paper.objects.get(title="Hidden Dynamics of Massive Activations in Transformer Training")
    assert (hidden.published_on, hidden.source_upvotes) == (datetime.date(2025, 8, 5), 4)


def test_the_page_date_is_the_listing_day_and_the_paper_date_is_the_publication_day():
    # Page 001's explicit years reach 2025, so "Jan 8" is Jan 8, 2026.
    import_file(seed("001"), today=TODAY)

    paper = Paper.objects.get(
        title="The shape and simplicity biases of adversarially robust ImageNet-trained CNNs"
    )
    assert paper.listed_on == datetime.date(2026, 1, 8)
    assert paper.published_on == datetime.date(2020, 6, 16)
    assert paper.author_count == 3


def test_a_page_without_explicit_years_gives_no_listing_day_and_no_invented_year():
    import_file(seed("000"), today=TODAY)
    import_file(seed("004"), today=TODAY)

    # "Jul 29" and "Mar 11" without a year: the pages do not say which year, so nothing is made up.
    assert set(Paper.objects.values_list("listed_on", flat=True)) == {None}
    assert not Paper.objects.filter(published_on__year=TODAY.year).exists()


def test_a_page_its_own_years_would_put_after_the_reference_date_gives_no_listing_day():
    # Page 003's explicit years make it a 2025 page, and Oct 20, 2025 is after this reference date.
    report = import_file(seed("003"), today=datetime.date(2025, 10, 19))

    assert report.rejected == 0
    assert set(Paper.objects.values_list("listed_on", flat=True)) == {None}
    # Its dates without a year are unknown too; those with a year stand.
    softplus = Paper.objects.get(title__startswith="Softplus Attention with Re-weighting")
    assert softplus.published_on is None
    urhand = Paper.objects.get(title="URHand: Universal Relightable Hands")
    assert urhand.published_on == datetime.date(2024, 1, 10)


def test_no_seed_page_dates_a_paper_after_the_reference_date():
    import_seeds()

    assert not Paper.objects.filter(listed_on__gt=TODAY).exists()
    assert not Paper.objects.filter(published_on__gt=TODAY).exists()
    # Pages 001 and 003 are dated by their own years; the other 238 papers have no listing day.
    assert set(Paper.objects.values_list("listed_on", flat=True)) == {
        datetime.date(2026, 1, 8),
        datetime.date(2025, 10, 20),
        None,
    }


@pytest.mark.parametrize(
    ("page_date", "explicit_years", "today", "year"),
    [
        # No explicit year: the page does not tell its year.
        ((7, 29), [], datetime.date(2026, 11, 22), None),
        ((2, 29), [], datetime.date(2026, 11, 22), None),
        (None, [], datetime.date(2026, 11, 22), None),
        # The earliest year after the latest explicit one.
        ((10, 20), [2021, 2024], datetime.date(2026, 11, 22), 2025),
        ((1, 8), [2025], datetime.date(2026, 11, 22), 2026),
        (None, [2024], datetime.date(2026, 11, 22), 2025),
        # Never after the reference date, whatever the page says.
        ((1, 8), [2025, 2026], datetime.date(2026, 11, 22), None),
        ((12, 20), [2025], datetime.date(2026, 12, 7), None),
    ],
)
def test_it_resolves_the_page_year(page_date, explicit_years, today, year):
    assert resolve_page_year(page_date, explicit_years, today) == year


def test_duplicate_entries_across_pages_keep_the_earliest_listing_day(tmp_path):
    import_seeds()

    # On pages 000 (Jul 29, year unknown), 001 (Jan 8, 2026), 002 (no date), 003 (Oct 20, 2025) and 004
    # (Mar 11, year unknown).
    paper = Paper.objects.get(
        title__startswith="How do neurons operate on sparse distributed representations"
    )
    assert paper.listed_on == datetime.date(2025, 10, 20)
    assert paper.published_on == datetime.date(2016, 1, 4)
    assert paper.author_count == 2


def test_a_title_without_an_abstract_is_rejected_and_the_rest_of_the_page_imports(tmp_path):
    text = page(
        "A paper whose abstract went missing",
        "  • 4 authors",
        "·",
        "Feb 3, 2024",
        "Local learning rules for recurrent spiking networks",
        ABSTRACT,
        "  • 2 authors",
        "·",
        "Mar 4, 2024 7",
    )

    report = import_file(write_page(tmp_path, text), today=TODAY)

    assert report.created == 1
    assert [(rejection.line, rejection.reason) for rejection in report.rejections] == [
        (15, "paper 'A paper whose abstract went missing' has no abstract")
    ]
    assert not Paper.objects.filter(title_key=normalize_title("A paper whose abstract went missing")).exists()
    paper = Paper.objects.get()
    assert (paper.author_count, paper.published_on, paper.source_upvotes) == (2, datetime.date(2024, 3, 4), 7)


def test_a_title_followed_directly_by_the_next_entry_is_rejected(tmp_path):
    text = page(
        "A paper whose abstract went missing",
        "Local learning rules for recurrent spiking networks",
        ABSTRACT,
    )

    report = import_file(write_page(tmp_path, text), today=TODAY)

    assert [rejection.reason for rejection in report.rejections] == [
        "paper 'A paper whose abstract went missing' has no abstract"
    ]
    assert list(Paper.objects.values_list("title", flat=True)) == [
        "Local learning rules for recurrent spiking networks"
    ]


def test_a_title_at_the_end_of_the_page_is_rejected(tmp_path):
    text = page(
        "Local learning rules for recurrent spiking networks", ABSTRACT, "A last title with nothing after"
    )

    report = import_file(write_page(tmp_path, text), today=TODAY)

    assert report.created == 1
    assert report.rejections[0].reason == "paper 'A last title with nothing after' has no abstract"
    assert str(report.rejections[0]).startswith(f"{tmp_path / 'page.txt'}:19: ")


def test_a_title_with_only_an_organization_after_it_is_rejected(tmp_path):
    text = page("A paper whose abstract went missing", "SakanaAI Sakana AI", "·", "May 8, 2025")

    report = import_file(write_page(tmp_path, text), today=TODAY)

    assert report.created == 0
    assert [rejection.reason for rejection in report.rejections] == [
        "paper 'A paper whose abstract went missing' has no abstract"
    ]
    assert not Paper.objects.exists()


def test_an_impossible_date_rejects_its_entry_only(tmp_path):
    text = page(
        "Local learning rules for recurrent spiking networks",
        ABSTRACT,
        "Feb 30, 2024",
        "Dendritic computation in deep networks",
        ABSTRACT,
        "Feb 3, 2024",
    )

    report = import_file(write_page(tmp_path, text), today=TODAY)

    assert [rejection.reason for rejection in report.rejections] == [
        "paper 'Local learning rules for recurrent spiking networks': 'Feb 30, 2024' is not a date"
    ]
    assert list(Paper.objects.values_list("title", flat=True)) == ["Dendritic computation in deep networks"]


def test_stray_metadata_lines_are_reported_and_never_become_papers(tmp_path):
    text = page("·", "Jun 16, 2020", "Local learning rules for recurrent spiking networks", ABSTRACT)

    report = import_file(write_page(tmp_path, text), today=TODAY)

    assert [rejection.reason for rejection in report.rejections] == [
        "expected a paper title, found the separator line '·'",
        "expected a paper title, found the date line 'Jun 16, 2020'",
    ]
    assert Paper.objects.count() == 1


def test_an_abstract_where_a_title_belongs_is_rejected(tmp_path):
    text = page(
        ABSTRACT, "  • 3 authors", "·", "Jun 16, 2020", "Dendritic computation in deep networks", ABSTRACT
    )

    report = import_file(write_page(tmp_path, text), today=TODAY)

    assert report.rejections[0].reason == f"expected a paper title, found a {len(ABSTRACT)}-character line"
    assert list(Paper.objects.values_list("title", flat=True)) == ["Dendritic computation in deep networks"]


def test_a_title_that_merely_starts_like_chrome_is_kept(tmp_path):
    text = "\n".join(["Daily Papers", "Jul 29", "Subscribers and the dynamics of attention", ABSTRACT])

    items = list(parse_hf_page(text, today=TODAY))

    assert [item.title for item in items if isinstance(item, PaperRecord)] == [
        "Subscribers and the dynamics of attention"
    ]
    assert len(items) == 1


def test_line_separators_inside_an_abstract_do_not_split_it(tmp_path):
    text = page("Local learning rules for recurrent spiking networks", ABSTRACT.replace(". ", ".\u2028 ", 1))

    report = import_file(write_page(tmp_path, text), today=TODAY)

    assert (report.created, report.rejected) == (1, 0)


def test_an_impossible_page_date_is_reported_and_the_entries_still_import(tmp_path):
    text = page("Local learning rules for recurrent spiking networks", ABSTRACT, "Mar 4, 2024", date="Feb 29")

    report = import_file(write_page(tmp_path, text), today=TODAY)

    # Explicit years up to 2024 make this a 2025 page, and Feb 29, 2025 does not exist.
    assert [(rejection.line, rejection.reason) for rejection in report.rejections] == [
        (13, "the page date is not a date in 2025")
    ]
    assert Paper.objects.get().listed_on is None
