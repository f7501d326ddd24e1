"""``tldextract`` reads its bundled public suffix list: no process of ours fetches it from the internet.

``tldextract.extract`` (Presidio's own e-mail recognizer calls it) uses the
module's ``TLD_EXTRACTOR``, which downloads the list on first use and caches it
under the home folder; offline it logs an error and stalls. ``install`` puts
the engine's offline extractor (``bot.privacy.offline.OFFLINE``) in its place,
and clears the list's URLs for child processes.
"""

from __future__ import annotations

import os

from bot.patches.guard import SignatureMismatch, Target, mark

PATCH = "tldextract offline"
TLDEXTRACT = "5.4.0"
URLS_ENV = "TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"
EXTRACTOR = Target(PATCH, "tldextract", TLDEXTRACT, "tldextract.tldextract", "TLD_EXTRACTOR", "")
EXTRACT = Target(PATCH, "tldextract", TLDEXTRACT, "tldextract.tldextract", "extract",
                 "(url: 'str', include_psl_private_domains: 'bool | None' = …, "
                 "session: 'requests.Session | None' = …) -> 'ExtractResult'")
CONSTRUCTOR = Target(PATCH, "tldextract", TLDEXTRACT, "tldextract.tldextract", "TLDExtract.__init__",
                     "(self, cache_dir: 'str | None' = …, suffix_list_urls: 'Sequence[str] | _UseEnvironmentUrls' = …, "
                     "fallback_to_snapshot: 'bool' = …, include_psl_private_domains: 'bool' = …, "
                     "extra_suffixes: 'Sequence[str]' = …, cache_fetch_timeout: 'str | float | None' = …) -> 'None'")
TARGETS = (EXTRACTOR, EXTRACT, CONSTRUCTOR)


def check() -> None:
    """VersionMismatch or SignatureMismatch unless tldextract is the one ``install`` was written for:
    ``extract`` calls the module's ``TLD_EXTRACTOR``, a ``TLDExtract`` made with our arguments."""
    import tldextract.tldextract

    CONSTRUCTOR.check()
    EXTRACT.check()
    extractor = EXTRACTOR.check()
    if not isinstance(extractor, tldextract.tldextract.TLDExtract):
        raise SignatureMismatch(EXTRACTOR.name, "a TLDExtract", type(extractor).__name__, PATCH)
    calls = getattr(tldextract.tldextract.extract, "__code__", None)
    if calls is None or EXTRACTOR.attribute not in calls.co_names:
        raise SignatureMismatch(EXTRACT.name, f"a function that calls {EXTRACTOR.attribute}", "another", PATCH)


def install() -> None:
    """Point every ``tldextract.extract`` call of the process at the bundled suffix list; idempotent."""
    import tldextract.tldextract

    from bot.privacy.offline import OFFLINE

    os.environ[URLS_ENV] = ""
    if tldextract.tldextract.TLD_EXTRACTOR is not OFFLINE:
        check()
        tldextract.tldextract.TLD_EXTRACTOR = OFFLINE
    mark(PATCH)
