"""Keep the engine's libraries off the network.

``tldextract`` (used to validate e-mail domains) downloads the public suffix
list on first use and caches it under the home folder; offline it logs an
error and stalls. The engine's recognizers use ``OFFLINE``, an extractor that
never fetches and never caches, and reads the snapshot bundled with the
package; ``bot.patches.tld`` makes it the one behind every other
``tldextract.extract`` call of the process too.
"""

from __future__ import annotations

import tldextract

OFFLINE = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def suffix_extractor() -> tldextract.TLDExtract:
    """The offline extractor, for recognizers that validate domains themselves."""
    return OFFLINE
