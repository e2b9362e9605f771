"""The item every spider emits.

Field names follow zyte-common-items' ``Article`` and schema.org ``NewsArticle`` so that feeds can be
read by tools that already know those schemas. Pipelines and exporters reach the fields through
itemadapter, so the item stays a plain dataclass.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Article:
    url: str
    canonicalUrl: str | None = None
    headline: str | None = None
    articleBody: str | None = None
    description: str | None = None
    authors: list[dict[str, str]] = field(default_factory=list)
    datePublished: str | None = None
    dateModified: str | None = None
    inLanguage: str | None = None
    mainImage: dict[str, str] | None = None
    keywords: list[str] = field(default_factory=list)
    articleSection: str | None = None
    isBasedOn: str | None = None
    # Who wrote the original, and where it ran, as a translation's credits name them.
    originalAuthor: str | None = None
    originalSource: str | None = None
    sourceSite: str | None = None
    dateDownloaded: str | None = None
    # Set by the dedupe stage (pipelines/dedupe.py): the story the article tells, and for a
    # duplicate the URL of the story's first item and how it was recognised.
    storyId: str | None = None
    duplicateOf: str | None = None
    duplicateKind: str | None = None
    relatedTo: list[str] = field(default_factory=list)
