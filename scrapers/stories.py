"""Which story an article belongs to: the matching behind the dedupe stage (pipelines/dedupe.py).

An article is checked against what the store holds, cheapest evidence first, and joins the story of
the first match that is strong enough:

1. the same canonical URL, or the same body once case, width, spacing and punctuation are gone
   (``exact``); the same URL with another body is the article updated, and keeps its story;
2. attribution: it names an article of the store as its original (原文地址, 本文翻译自, ``isBasedOn``),
   or is named by one, or names the same original as one from another site. A named link is trusted
   only when the two texts share evidence too: sites cite the wrong page, and one site's two
   articles citing one page are two works (``translation`` across languages or between two
   renderings of one original, else ``republication``);
3. same-language near duplicates: MinHash-LSH candidates whose estimated Jaccard similarity or
   containment clears a threshold (``republication``; ``near`` for a copy on the same site, which
   must be far closer, since a site's articles share its header and footer);
4. matches without a link: articles of another site published within days of each other that
   share rare evidence (CVE ids, numbers, Latin-script names, domains): a translation into another
   language, or another Chinese translation of the same original, which must also share much of
   its wording (``translation``).

Same-language matches short of a near copy never join two articles that name other CVEs, or
Chinese headlines that name other products: advisories written on one template differ in little
else.

A match too weak to merge is reported as ``relatedTo``. A shared CVE id or company name alone is
never enough: the evidence score counts how much of both articles' evidence agrees.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING, Any

import numpy as np

from scrapers import fingerprint as fp
from scrapers import textscan
from scrapers.storystore import StoredArticle
from scrapers.urls import canonical_url, registered_domain

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    from scrapers.storystore import StoryStore

KINDS = ("exact", "near", "republication", "translation")


@dataclass(frozen=True)
class Thresholds:
    # Same-language text similarity between two sites: estimated Jaccard, or containment of the
    # shorter text in the longer (a cut or framed copy).
    jaccard: float = 0.3
    containment: float = 0.55
    # The same site: only a near copy, as its own articles share header and footer.
    same_site_jaccard: float = 0.9
    # Evidence agreement needed to trust a named original, and to merge with no link at all.
    linked_evidence: float = 0.2
    unlinked_evidence: float = 0.5
    same_language_evidence: float = 0.7
    # Two Chinese renderings of one original with no link: shared evidence and wording (estimated
    # Jaccard of their CJK character bigrams).
    rendering_evidence: float = 0.55
    rendering_wording: float = 0.21
    # Below this similarity a same-language match must not name other CVEs or other things in its
    # headline: advisories of one template differ in little else.
    sure_jaccard: float = 0.7
    related: float = 0.15
    # Independent translations of one original can appear a week apart.
    window_days: float = 10.0
    # Articles compared a rare-evidence key, the newest: a name like "wordpress" is rare in one
    # article's evidence but not in a year of them, and the date window wants the recent ones.
    evidence_hits: int = 64
    # Articles compared an LSH band, the newest: many short articles on one template (a daily
    # bulletin) share bands, and each new one would be compared with all of them.
    band_hits: int = 64
    # A line seen in this many stories is template.
    template_stories: int = 2


@dataclass
class Match:
    story: int
    first_url: str
    kind: str
    related: list[str] = field(default_factory=list)


@dataclass
class Verdict:
    story_id: str
    duplicate_of: str | None
    kind: str | None
    related: list[str]


def story_id(first_url: str) -> str:
    return hashlib.blake2b(first_url.encode("utf-8"), digest_size=8).hexdigest()


def published_days(value: Any) -> float | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return moment.toordinal() - 719163.0 + moment.hour / 24
    return moment.timestamp() / 86400


def evidence_score(a: np.ndarray, b: np.ndarray) -> float:
    """Agreement of two evidence sets (sorted): shared items over the smaller set, damped for small
    sets so that two articles naming one CVE and one company do not agree fully."""
    if not len(a) or not len(b):
        return 0.0
    return textscan.shared(a, b) / (min(len(a), len(b)) + 3)


@dataclass(frozen=True)
class Reading:
    """What an item says of its article before the store is asked: its canonical URL, its body's
    lines, the originals it names, its site, its date and the names in its headline."""

    item: dict[str, Any]
    url: str
    lines: fp.Body
    origins: list[str]
    site: str
    published: float | None
    names: np.ndarray  # fp.title_names of the headline

    @classmethod
    def each(cls, items: list[dict[str, Any]]) -> list[Reading]:
        """The readings of items, one step at a time over all of them (URLs, then originals, sites,
        lines, dates and headline names): each step's code and tables stay in the CPU's caches, where
        a step per item in turn would evict the others'. URL canonicalisation costs a third less."""
        urls = [canonical_url(item.get("canonicalUrl") or item["url"]) for item in items]
        bodies = [item.get("articleBody") or "" for item in items]
        origins = [
            [origin for origin in fp.origin_urls(body, item.get("isBasedOn")) if origin != url]
            for item, body, url in zip(items, bodies, urls, strict=True)
        ]
        sites = [item.get("sourceSite") or registered_domain(url) for item, url in zip(items, urls, strict=True)]
        lines = [fp.body_lines(body) for body in bodies]
        return [
            cls(item, url, body_lines, named, site, published_days(item.get("datePublished")),
                fp.title_names(item.get("headline") or ""))
            for item, url, body_lines, named, site in zip(items, urls, lines, origins, sites, strict=True)
        ]  # fmt: skip


class StoryMatcher:
    # Decoded articles kept in memory. A stored article never changes, and the newest are the
    # likeliest candidates (the date window, the newest evidence hits), so the oldest go first.
    # An article another process forgets (a killed run's, rolled back at its next start) may stay
    # here until it ages out: it can only make a later copy of itself a duplicate.
    CACHED_ARTICLES = 20_000
    # Items ``classify_each`` reads ahead, and the body characters they may hold in all: a read
    # body takes 12 to 16 bytes a character (at most 0.5 MB), and a feed may hold huge bodies.
    READ_AHEAD = 256
    READ_AHEAD_CHARS = 4_000_000

    def __init__(self, store: StoryStore, thresholds: Thresholds | None = None):
        self.store = store
        self.thresholds = thresholds or Thresholds()
        self.cache: dict[int, StoredArticle] = {}

    def articles(self, ids: Iterable[int]) -> dict[int, StoredArticle]:
        found = {}
        missing = []
        for article_id in ids:
            article = self.cache.get(article_id)
            if article is None:
                missing.append(article_id)
            else:
                found[article_id] = article
        if missing:
            fetched = self.store.articles(missing)
            found.update(fetched)
            self._remember(fetched.values())
        return found

    def _remember(self, articles: Iterable[StoredArticle]) -> None:
        for article in articles:
            self.cache[article.id] = article
        for oldest in list(islice(self.cache, max(0, len(self.cache) - self.CACHED_ARTICLES))):
            del self.cache[oldest]

    def classify(self, item: dict[str, Any], now: float | None = None) -> Verdict:
        return self._classify(Reading.each([item])[0], now)

    def classify_each(
        self, items: Iterable[dict[str, Any]], now: float | None = None
    ) -> Iterator[tuple[dict[str, Any], Verdict]]:
        """Each item with its verdict, in order, as ``classify`` gives them. A batch of items is read
        (``Reading.each``) before any of them is matched, ~25 % faster than one item at a time."""
        batch: list[dict[str, Any]] = []
        chars = 0
        for item in items:
            batch.append(item)
            chars += len(item.get("articleBody") or "")
            if len(batch) >= self.READ_AHEAD or chars >= self.READ_AHEAD_CHARS:
                yield from self._classify_batch(batch, now)
                batch, chars = [], 0
        yield from self._classify_batch(batch, now)

    def _classify_batch(
        self, batch: list[dict[str, Any]], now: float | None
    ) -> Iterator[tuple[dict[str, Any], Verdict]]:
        for reading in Reading.each(batch):
            yield reading.item, self._classify(reading, now)

    def _classify(self, reading: Reading, now: float | None) -> Verdict:
        item, url, lines = reading.item, reading.url, reading.lines
        t = self.thresholds
        # Lines seen in several other stories are a site's or a genre's template (a footer, a
        # disclaimer, an advisory's headings): they say nothing of which story this is.
        kept = self.store.line_stories(lines.hashes) < t.template_stories
        if not kept.any():
            kept[:] = True
        signature, size, wording = fp.sketches(lines, kept)
        facts = fp.facts(lines, kept, item.get("headline") or "")
        language = item.get("inLanguage") or ("zh" if lines.cjk else "en")

        url_key = fp.key_of("url", url)
        # A body with no text says nothing of which story it is: no two of them are exact copies.
        body_keys = [lines.key] if len(lines) else []
        origin_keys = [fp.key_of("url", origin) for origin in reading.origins]
        cited_keys = [fp.key_of("origin", origin) for origin in reading.origins]
        cited_me = fp.key_of("origin", url)
        bands = fp.band_keys(signature) if size else []
        rare = facts.rare
        named = [url_key, *body_keys, cited_me, *origin_keys, *cited_keys]
        newest = [0] * len(named) + [t.band_hits] * len(bands) + [t.evidence_hits] * len(rare)
        hits = self.store.lookup([*named, *bands, *rare], newest)
        ids = {article for found in hits.values() for article in found}
        known = self.articles(ids) if ids else {}

        me = StoredArticle(
            0, item["url"], 0, reading.site, language, lines.cjk, reading.published, now or time.time(), size,
            signature, facts.evidence, wording, facts.cves, reading.names,
        )  # fmt: skip
        match = self._match(me, hits, known, url_key, body_keys, cited_me, origin_keys, cited_keys, bands, rare)
        if match is not None:
            me.story = match.story
        own_keys = [url_key, *body_keys, *cited_keys, *bands, *rare]
        self.store.add(me, own_keys, lines.hashes)
        self._remember([me])
        if match is None or match.kind == "related":
            related = match.related if match else []
            return Verdict(story_id(me.url), None, None, related)
        if match.kind == "update":
            return Verdict(story_id(match.first_url), None, None, match.related)
        return Verdict(story_id(match.first_url), match.first_url, match.kind, match.related)

    def _match(
        self,
        me: StoredArticle,
        hits: dict[int, list[int]],
        known: dict[int, StoredArticle],
        url_key: int,
        body_keys: list[int],
        cited_me: int,
        origin_keys: list[int],
        cited_keys: list[int],
        bands: list[int],
        rare: list[int],
    ) -> Match | None:
        t = self.thresholds

        def found(*keys: int) -> list[StoredArticle]:
            return [known[i] for key in keys for i in hits.get(key, ()) if i in known]

        same_url = found(url_key)
        if same_url and not found(*body_keys):
            # The article again, changed since (the incremental stage lets only changed ones
            # through): it stays in its story, and a story's own article is no duplicate.
            earlier = min(same_url, key=lambda a: a.id)
            return self._joined(earlier, "update" if earlier.story == earlier.id else "near")
        exact = found(url_key, *body_keys)
        if exact:
            return self._joined(min(exact, key=lambda a: a.id), "exact")

        # Attribution: the original itself, an article that names this one, or one that names
        # the same original from another site.
        linked = found(*origin_keys, cited_me)
        siblings = [a for a in found(*cited_keys) if a.site != me.site]
        best: tuple[float, StoredArticle] | None = None
        for other in linked + siblings:
            score = evidence_score(me.evidence, other.evidence)
            if score >= t.linked_evidence and (best is None or score > best[0]):
                best = (score, other)
        if best is not None:
            other = best[1]
            same_text = other.cjk == me.cjk and fp.jaccard(me.signature, other.signature) >= t.jaccard
            kind = "translation" if other.language != me.language or not same_text else "republication"
            return self._joined(other, kind)

        related: list[StoredArticle] = []
        # In the order of the bands, so that ties go the same way in every run.
        candidates = dict.fromkeys(article for key in bands for article in hits.get(key, ()))
        near: tuple[float, StoredArticle] | None = None
        for article_id in candidates:
            candidate = known.get(article_id)
            if candidate is None or candidate.cjk != me.cjk:
                continue
            other = candidate
            similarity = fp.jaccard(me.signature, other.signature)
            if similarity < t.sure_jaccard and _name_other_things(me, other):
                continue
            if other.site == me.site:
                strong = similarity >= t.same_site_jaccard
            else:
                contained = fp.containment(similarity, me.size, other.size)
                strong = similarity >= t.jaccard or contained >= t.containment
            if strong and (near is None or similarity > near[0]):
                near = (similarity, other)
            elif similarity >= t.related:
                related.append(other)
        if near is not None:
            other = near[1]
            return self._joined(other, "near" if other.site == me.site else "republication")

        crossed: tuple[float, StoredArticle] | None = None
        # Band candidates too: two renderings of one original share too few 5-grams to be near
        # copies, but may share a band.
        unlinked = {a.id: a for a in found(*rare)} | {i: known[i] for i in candidates if i in known}
        for other in unlinked.values():
            if not _within(me.published, other.published, t.window_days):
                continue
            score = evidence_score(me.evidence, other.evidence)
            if other.language != me.language:
                strong = score >= t.unlinked_evidence
            elif _name_other_things(me, other):
                strong = False
            elif len(me.wording) and len(other.wording):
                strong = score >= t.rendering_evidence and fp.jaccard(me.wording, other.wording) >= t.rendering_wording
            else:
                strong = score >= t.same_language_evidence
            if other.site != me.site and strong and (crossed is None or score > crossed[0]):
                crossed = (score, other)
            elif score >= t.related:
                related.append(other)
        if crossed is not None:
            return self._joined(crossed[1], "translation")
        if related:
            firsts = self.articles({a.story for a in related})
            return Match(0, "", "related", sorted({a.url for a in firsts.values()}))
        return None

    def _joined(self, other: StoredArticle, kind: str) -> Match:
        first = other if other.story == other.id else self.articles([other.story]).get(other.story, other)
        return Match(other.story, first.url, kind)


def _name_other_things(a: StoredArticle, b: StoredArticle) -> bool:
    return fp.disjoint(a.cves, b.cves) or fp.disjoint(a.names, b.names)


def _within(a: float | None, b: float | None, days: float) -> bool:
    return a is None or b is None or abs(a - b) <= days
