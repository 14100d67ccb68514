"""Every export read by the client a reader would use, and what it prints: pandoc's citeproc (BibTeX and
CSL-JSON, in pandoc's default Chicago author-date style), pandoc's Markdown reader, and rispy (RIS)."""

from __future__ import annotations

import datetime
import json
import shutil
import subprocess
from pathlib import Path

import pytest
import rispy

from papers.lists.operations import reading_list_add
from papers.models import Paper, ReadingList, ReadingListItem
from tests.factories import PaperFactory

pytestmark = pytest.mark.django_db

ECLIPSE = (
    "λ-ECLIPSE: Multi-Concept Personalized Text-to-Image Diffusion Models by Leveraging CLIP Latent Space"
)
NOTE = "Compare with CLIP.\nSecond line: ablations."


@pytest.fixture(scope="module")
def pandoc() -> str:
    path = shutil.which("pandoc")
    if path is None:
        pytest.fail("pandoc is missing: `make pandoc` installs Debian's pandoc package")
    return path


@pytest.fixture
def shelf(alice) -> ReadingList:
    """Alice's list: an arXiv paper with a lowercase Greek letter, an arXiv title with TeX math, a
    paper known only from a page capture (no id, no names, no date), all with statuses, one with a note."""
    eclipse = PaperFactory(
        arxiv_id="2402.05195",
        title=ECLIPSE,
        authors=["Maitreya Patel", "Sangmin Jung", "Chitta Baral", "Yezhou Yang"],
        categories=["cs.CV"],
        published_on=datetime.date(2024, 2, 7),
    )
    genm = PaperFactory(
        arxiv_id="2503.14919",
        title="GenM$^3$: Generative Pretrained Multi-path Motion Model for Human Motion Generation",
        authors=["Junyu Shi", "Lijiang Liu"],
        published_on=datetime.date(2025, 3, 19),
    )
    toy = PaperFactory(
        arxiv_id=None,
        title="Toy Models of Superposition",
        authors=[],
        author_count=8,
        categories=[],
        published_on=None,
        listed_on=None,
        source=Paper.Source.HF_PAGE,
    )
    reading_list = ReadingList.objects.create(owner=alice, name="Thesis")
    for paper, status in [(eclipse, "reading"), (genm, "read"), (toy, "to_read")]:
        item = reading_list_add(reading_list=reading_list, paper=paper)
        ReadingListItem.objects.filter(pk=item.pk).update(
            status=status, note=NOTE if paper is eclipse else ""
        )
    return reading_list


def export(client, reading_list: ReadingList, extension: str, tmp_path: Path) -> Path:
    response = client.get(f"/lists/{reading_list.pk}/export.{extension}")
    assert response.status_code == 200
    path = tmp_path / f"export.{extension}"
    path.write_bytes(response.content)
    return path


def cite_everything(pandoc: str, bibliography: Path, tmp_path: Path) -> str:
    """The bibliography pandoc's citeproc prints for every entry, as plain text."""
    document = tmp_path / "cite.md"
    document.write_text('---\nnocite: "@*"\n---\n', encoding="utf-8")
    result = subprocess.run(
        [pandoc, str(document), "--citeproc", f"--bibliography={bibliography}", "-t", "plain", "--wrap=none"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert not result.stderr, result.stderr
    return result.stdout


def entries_of(printed: str) -> list[str]:
    return [line for line in printed.splitlines() if line.strip()]


@pytest.mark.parametrize("extension", ["bib", "json"])
def test_citeproc_prints_each_entry_truthfully(client, alice, shelf, tmp_path, pandoc, extension):
    client.force_login(alice)
    printed = cite_everything(pandoc, export(client, shelf, extension, tmp_path), tmp_path)

    eclipse, genm, toy = sorted(
        entries_of(printed), key=lambda line: ("Patel" not in line, "Shi" not in line)
    )
    assert eclipse.startswith("Patel, Maitreya, Sangmin Jung, Chitta Baral, and Yezhou Yang. 2024.")
    # The Greek letter keeps its case; "arXiv" is printed once, and the id once, in the arXiv DOI.
    assert "“λ-ECLIPSE: Multi-Concept" in eclipse
    assert "Λ" not in printed
    assert "arXiv. arXiv." not in printed
    assert eclipse.endswith("arXiv. https://doi.org/10.48550/arXiv.2402.05195.")
    assert eclipse.count("2402.05195") == 1
    # TeX math is printed as math, not as "$^3$" or "^{3}".
    assert "“GenM³: Generative" in genm
    assert "$" not in printed and "^" not in printed
    # Nothing invented for the paper known only by its title: no author, no year.
    assert toy == "“Toy Models of Superposition.” n.d."
    assert "anon" not in printed.lower()
    assert str(datetime.date.today().year) not in toy


def test_the_bibtex_export_carries_statuses_and_notes_where_pandoc_reads_them(
    client, alice, shelf, tmp_path, pandoc
):
    client.force_login(alice)
    bib = export(client, shelf, "bib", tmp_path)

    result = subprocess.run(
        [pandoc, str(bib), "-f", "bibtex", "-t", "csljson"], capture_output=True, text=True, check=True
    )

    items = {item["title"]: item for item in json.loads(result.stdout)}
    eclipse = items[ECLIPSE]
    assert eclipse["keyword"] == "cs.CV, status: reading"
    assert eclipse["annote"].startswith("Compare with CLIP.")
    assert eclipse["DOI"] == "10.48550/arXiv.2402.05195"
    toy = items["Toy Models of Superposition"]
    assert toy["keyword"] == "status: to read"
    assert toy["note"] == "Names of its 8 authors and date not known to Papershelf"
    assert "author" not in toy and "issued" not in toy


def test_the_csl_json_export_carries_statuses_and_notes(client, alice, shelf, tmp_path):
    client.force_login(alice)
    items = {
        item["number"] if "number" in item else item["id"]: item
        for item in json.loads(export(client, shelf, "json", tmp_path).read_text(encoding="utf-8"))
    }

    eclipse = items["arXiv:2402.05195"]
    assert eclipse["keyword"] == "cs.CV, status: reading"
    assert eclipse["annote"] == NOTE


def test_rispy_reads_the_ris_export_with_types_statuses_and_notes(client, alice, shelf, tmp_path):
    client.force_login(alice)
    records = rispy.loads(export(client, shelf, "ris", tmp_path).read_text(encoding="utf-8"))

    by_title = {record["title"]: record for record in records}
    eclipse = by_title[ECLIPSE]
    assert {record["type_of_reference"] for record in records} == {"UNPB"}
    assert eclipse["keywords"] == ["cs.CV", "status: reading"]
    assert "\n".join(eclipse["notes"]) == NOTE
    assert eclipse["doi"] == "10.48550/arXiv.2402.05195"
    assert "GenM³: Generative Pretrained Multi-path Motion Model for Human Motion Generation" in by_title
    toy = by_title["Toy Models of Superposition"]
    assert toy["keywords"] == ["status: to read"]
    assert toy["notes"] == ["Names of its 8 authors and date not known to Papershelf"]
    assert "year" not in toy and "authors" not in toy


def test_pandoc_reads_the_markdown_export_with_statuses_and_notes(client, alice, shelf, tmp_path, pandoc):
    client.force_login(alice)
    markdown = export(client, shelf, "md", tmp_path)

    result = subprocess.run(
        [pandoc, str(markdown), "-f", "markdown", "-t", "plain", "--wrap=none"],
        capture_output=True,
        text=True,
        check=True,
    )

    printed = result.stdout
    assert "Status: Reading" in printed and "Status: To read" in printed
    assert "Compare with CLIP." in printed and "Second line: ablations." in printed
    assert "GenM³: Generative" in printed
    assert "Toy Models of Superposition" in printed
    assert "Names of its 8 authors and date not known to Papershelf" in printed
