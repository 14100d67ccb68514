"""A paper's code repository, found where its sources name it: an abstract's or arXiv comment's
"Code: https://github.com/owner/repo", or the Hugging Face API's `githubRepo`.

Only repositories count (GitHub and GitLab projects, Hugging Face models and Spaces): a project page
(`*.github.io`), a user or organisation alone, a dataset or a paper page on Hugging Face is not code.
"""

from __future__ import annotations

import re

_HOSTS = ("github.com", "gitlab.com", "huggingface.co")
_SEGMENT = r"[A-Za-z0-9][\w.-]*"
_REPOSITORY = re.compile(
    rf"(?<![\w.-])(?:https?://)?(?:www\.)?(?P<host>github\.com|gitlab\.com|huggingface\.co)"
    rf"/(?P<path>{_SEGMENT}(?:/{_SEGMENT})+)",
    re.IGNORECASE,
)
# First path segments that are site pages, not owners of repositories.
_NOT_OWNERS = {
    "github.com": {"about", "features", "marketplace", "orgs", "settings", "sponsors", "topics", "users"},
    "gitlab.com": {"explore", "help", "users"},
    "huggingface.co": {"blog", "collections", "datasets", "docs", "learn", "models", "papers", "tasks"},
}
# Characters a sentence or markup puts right after an address: "(see https://github.com/a/b)."
_TRAILING = ".,;:!?)]}>'\"*"


def find_code_url(*texts: str) -> str:
    """The first code repository the texts name (GitHub and GitLab before Hugging Face), or ""."""
    found: list[tuple[int, str]] = []
    for text in texts:
        if not text or not any(host in text.lower() for host in _HOSTS):
            continue
        for match in _REPOSITORY.finditer(text):
            url = _repository_url(match["host"].lower(), match["path"])
            if url:
                found.append((1 if url.startswith("https://huggingface.co/") else 0, url))
    return min(found, key=lambda rank_url: rank_url[0])[1] if found else ""


def _repository_url(host: str, path: str) -> str:
    parts = [part.rstrip(_TRAILING) for part in path.split("/")]
    parts = [part for part in parts if part]
    if len(parts) < 2 or parts[0].lower() in _NOT_OWNERS[host]:
        return ""
    if host == "huggingface.co":
        # huggingface.co/owner/model, or huggingface.co/spaces/owner/space.
        keep = 3 if parts[0] == "spaces" else 2
    elif host == "gitlab.com":
        # Groups nest (gitlab.com/group/subgroup/project); "/-/" starts a page inside the project.
        keep = parts.index("-") if "-" in parts else len(parts)
    else:
        keep = 2
    if len(parts) < keep:
        return ""
    repository = parts[:keep]
    repository[-1] = repository[-1].removesuffix(".git")
    if not all(repository):
        return ""
    return f"https://{host}/" + "/".join(repository)
