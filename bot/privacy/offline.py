"""Keep the engine's libraries off the network.

``tldextract`` (used to validate e-mail domains) downloads the public suffix
list on first use and caches it under the home folder; offline it logs an
error and stalls. We replace its module-level extractor with one that never
fetches and never caches, and reads the snapshot bundled with the package.
"""

from __future__ import annotations

import os

import tldextract
import tldextract.tldextract

_OFFLINE = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def make_offline() -> tldextract.TLDExtract:
    """Point every ``tldextract.extract`` call at the bundled suffix list; idempotent."""
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    tldextract.tldextract.TLD_EXTRACTOR = _OFFLINE
    return _OFFLINE


def suffix_extractor() -> tldextract.TLDExtract:
    """The offline extractor, for recognizers that validate domains themselves."""
    return make_offline()
