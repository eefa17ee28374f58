"""`make check-links`: request every URL the knowledge base cites and report redirects and
failures. Needs internet access, so it is not part of `make test` (which runs offline)."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Tuple

import requests

from actions import knowledge_base, settings

TIMEOUT_S = 20
HEADERS = {"User-Agent": "radiography-guidance-link-check/1.0"}


def check(url: str) -> Tuple[str, str]:
    """('ok' | 'redirect' | 'failed', detail)."""
    try:
        response = requests.get(url, headers=HEADERS, timeout=TIMEOUT_S, allow_redirects=True)
    except requests.RequestException as error:
        return "failed", type(error).__name__
    if response.status_code >= 400:
        return "failed", f"HTTP {response.status_code}"
    if response.history and response.url.rstrip("/") != url.rstrip("/"):
        return "redirect", response.url
    return "ok", ""


def main() -> int:
    kb = knowledge_base.load(settings.GUIDANCE_DIR)
    owners: Dict[str, List[str]] = {}
    for source in kb.sources.values():
        owners.setdefault(source.url, []).append(f"source {source.id}")
    for passage in kb.passages.values():
        owners.setdefault(passage.url, []).append(f"passage {passage.id}")
    with ThreadPoolExecutor(max_workers=8) as pool:
        results = dict(zip(owners, pool.map(check, owners), strict=False))
    problems = 0
    for url, (state, detail) in sorted(results.items(), key=lambda r: r[1][0]):
        if state != "ok":
            problems += state == "failed"
            print(f"{state:8} {url}\n         {detail}\n         used by: {', '.join(owners[url])}")
    print(
        f"{len(results)} URLs: {sum(s == 'ok' for s, _ in results.values())} ok, "
        f"{sum(s == 'redirect' for s, _ in results.values())} redirected, {problems} failed"
    )
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
