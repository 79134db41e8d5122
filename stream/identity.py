"""What counts as the same teaser, and the deterministic ids of every record.

A teaser's identity is its headline (its lead when it has none) after
normalisation: Unicode NFKC, typographic quotes, apostrophes and dashes folded to
ASCII, whitespace collapsed and trimmed, case folded. Ids are short BLAKE2b
hashes: 16 hex characters (64 bits) keep the collision odds below one in a
million up to ~6 million distinct teasers per dedup window, and are cheap to hold.
"""

from __future__ import annotations

import functools
import hashlib
import re
import unicodedata
from collections.abc import Mapping
from typing import Final

# Typographic characters that NFKC keeps but a person reads as the ASCII one, in
# three groups: enrichment's tokenizer folds quotes and hyphens but keeps dashes as
# written, which separate clauses and stay in names (`Rasht–Astara`).
QUOTE_FOLDS: Final[Mapping[str, str]] = {
    "\u2018": "'",  # left single quote
    "\u2019": "'",  # right single quote / apostrophe
    "\u201a": "'",  # single low-9 quote
    "\u201b": "'",  # single high-reversed-9 quote
    "\u2032": "'",  # prime
    "\u00b4": "'",  # acute accent used as apostrophe
    "\u0060": "'",  # grave accent used as apostrophe
    "\u02bc": "'",  # modifier letter apostrophe
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',  # guillemets
    "\u00bb": '"',
    "\u2039": "'",
    "\u203a": "'",
}
HYPHEN_FOLDS: Final[Mapping[str, str]] = {
    "\u2010": "-",  # hyphen
    "\u2011": "-",  # non-breaking hyphen
}
DASH_FOLDS: Final[Mapping[str, str]] = {
    "\u2012": "-",  # figure dash
    "\u2013": "-",  # en dash
    "\u2014": "-",  # em dash
    "\u2015": "-",  # horizontal bar
    "\u2212": "-",  # minus sign
    "\ufe58": "-",
    "\ufe63": "-",
    "\uff0d": "-",
}
_FOLD = str.maketrans({**QUOTE_FOLDS, **HYPHEN_FOLDS, **DASH_FOLDS})
_SPACE = re.compile(r"\s+")
# Zero-width characters survive NFKC and would make two equal headlines differ.
_INVISIBLE = str.maketrans(dict.fromkeys(["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"]))


def normalize(text: str) -> str:
    """The identity form of a text: `normalize(normalize(t)) == normalize(t)`."""
    # Folded before NFKC too: NFKC turns `´` into a space and a combining accent, and
    # `″` into two primes, and neither would reach its fold afterwards.
    text = text.translate(_FOLD)
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE).translate(_FOLD)
    return _SPACE.sub(" ", text).strip().casefold()


def teaser_key(headline: str | None, lead: str | None) -> str:
    """The normalised text that decides identity: the headline, else the lead."""
    return normalize(headline or lead or "")


def short_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


# A site prints the same ~100 teasers on every page, and normalising and hashing
# one costs ~10 µs; a cache hit is well under 1 µs. ~500 bytes an entry at most.
@functools.lru_cache(maxsize=16_384)
def teaser_id(headline: str | None, lead: str | None) -> str:
    return short_hash("teaser\0" + teaser_key(headline, lead))


def page_id(url: str | None, body: str | bytes) -> str:
    """Stable per URL, so a re-crawl of a page keeps its id; else per body."""
    if url:
        return short_hash("url\0" + url.strip())
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    return hashlib.blake2b(b"body\0" + data, digest_size=8).hexdigest()


def dead_letter_id(topic: str, partition: int, offset: int) -> str:
    return short_hash(f"dlq\0{topic}\0{partition}\0{offset}")


def partition_for(teaser_id_: str, partitions: int) -> int:
    """The partition of `teasers.sightings` that owns a teaser id's dedup state.

    The id is already a uniform hash, so its leading 32 bits spread evenly. Every
    worker computes the same answer, which is what makes dedup exact when scaled out.
    """
    return int(teaser_id_[:8], 16) % partitions
