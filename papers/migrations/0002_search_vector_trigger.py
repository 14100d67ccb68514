"""Keep Paper.search_vector current inside PostgreSQL, whoever writes the row (importers, admin, bulk SQL).

Title weighs most (A), then authors (B), then the abstract (C). The GIN index makes full-text search an
index scan. SQLite has no tsvector; search falls back to LIKE there and this migration does nothing.
"""

from __future__ import annotations

from django.db import migrations

FORWARD = [
    """
    CREATE OR REPLACE FUNCTION papers_paper_search_vector() RETURNS trigger AS $$
    BEGIN
        NEW.search_vector :=
            setweight(to_tsvector('english', coalesce(NEW.title, '')), 'A') ||
            setweight(to_tsvector('simple', coalesce(
                (SELECT string_agg(value, ' ') FROM jsonb_array_elements_text(
                    CASE WHEN jsonb_typeof(NEW.authors) = 'array' THEN NEW.authors ELSE '[]'::jsonb END
                )), '')), 'B') ||
            setweight(to_tsvector('english', coalesce(NEW.abstract, '')), 'C');
        RETURN NEW;
    END
    $$ LANGUAGE plpgsql;
    """,
    """
    CREATE TRIGGER papers_paper_search_vector_update
    BEFORE INSERT OR UPDATE OF title, authors, abstract ON papers_paper
    FOR EACH ROW EXECUTE FUNCTION papers_paper_search_vector();
    """,
    "CREATE INDEX papers_paper_search_gin ON papers_paper USING gin (search_vector);",
    "UPDATE papers_paper SET title = title;",
]
BACKWARD = [
    "DROP INDEX IF EXISTS papers_paper_search_gin;",
    "DROP TRIGGER IF EXISTS papers_paper_search_vector_update ON papers_paper;",
    "DROP FUNCTION IF EXISTS papers_paper_search_vector();",
]


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("papers", "0001_initial")]
    operations = [migrations.RunPython(forward, backward)]
