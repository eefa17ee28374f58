"""Read the NLU training examples and the held-out phrases, and find near copies between them:
the data-hygiene tests and `make label`'s merge (tools/label.py) both check with it."""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from typing import Dict, Iterable, List, Set, Tuple
from urllib.parse import urlsplit

import yaml

from ops.paths import ROOT

EVALUATION_DIR = ROOT / "tests" / "evaluation"
SHINGLE_WORDS = 3
NEAR_DUPLICATE = 0.5  # Jaccard similarity of word trigrams
COPIED_SPAN = 0.6  # share of a long held-out text's trigrams found in one training example


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def _examples(block: dict) -> List[Tuple[str, dict]]:
    """A block's (text, metadata) pairs, in either of Rasa's two example formats."""
    examples = block["examples"]
    if isinstance(examples, str):
        return [(line[2:].strip(), {}) for line in examples.splitlines() if line.startswith("- ")]
    return [(e["text"].strip(), e.get("metadata") or {}) for e in examples]


def nlu_blocks() -> Iterable[Tuple[str, str, dict]]:
    """(intent, text, metadata) for every example in every NLU file under data/."""
    for path in sorted((ROOT / "data").rglob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in content.get("nlu", []):
            if "intent" in block:
                for text, metadata in _examples(block):
                    yield block["intent"], text, metadata


def nlu_examples() -> Dict[str, List[str]]:
    """Intent name -> training examples."""
    examples: Dict[str, List[str]] = defaultdict(list)
    for intent, text, _ in nlu_blocks():
        examples[intent].append(text)
    return dict(examples)


def evaluation_sets() -> Dict[str, dict]:
    """Every evaluation file by its path under tests/evaluation/ ("test", "real/test", ...)."""
    return {
        str(path.relative_to(EVALUATION_DIR).with_suffix("")): yaml.safe_load(
            path.read_text(encoding="utf-8")
        )
        for path in sorted(EVALUATION_DIR.rglob("*.yml"))
    }


def evaluation_phrases() -> List[str]:
    """Every question and conversation turn of the evaluation sets."""
    phrases = []
    for content in evaluation_sets().values():
        phrases += [q["text"] for q in content.get("questions", [])]
        for conversation in content.get("conversations", []):
            phrases += [turn["text"] for turn in conversation["turns"]]
    return phrases


def held_out_phrases() -> List[str]:
    """Every phrase the tests send: evaluation sets and the literals in test modules."""
    phrases = evaluation_phrases()
    for path in (ROOT / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if len(node.value.split()) >= 4 and "\n" not in node.value:
                    phrases.append(node.value)
    return phrases


def shingles(text: str) -> Set[str]:
    words = normalise(text).split()
    return {
        " ".join(words[i : i + SHINGLE_WORDS])
        for i in range(max(1, len(words) - SHINGLE_WORDS + 1))
    }


def near_duplicates(training: List[str], held_out: List[str]) -> List[Tuple[str, str]]:
    """(held-out, training) pairs that are the same text, a near copy (trigram Jaccard), or a
    long held-out text whose span was copied into one training example."""
    exact = {normalise(t): t for t in training}
    sets = [shingles(t) for t in training]
    index: Dict[str, List[int]] = defaultdict(list)
    for position, grams in enumerate(sets):
        for gram in grams:
            index[gram].append(position)
    found = []
    for phrase in held_out:
        if normalise(phrase) in exact:
            found.append((phrase, exact[normalise(phrase)]))
            continue
        grams = shingles(phrase)
        candidates = {p for gram in grams for p in index.get(gram, ())}
        for position in candidates:
            other = sets[position]
            shared = len(grams & other)
            jaccard = shared / len(grams | other)
            copied = len(grams) >= 15 and shared / len(grams) >= COPIED_SPAN
            if jaccard >= NEAR_DUPLICATE or copied:
                found.append((phrase, training[position]))
                break
    return found


def page(url: str) -> str:
    """The page a question came from: host and path, one page per reddit thread whatever the
    mirror, and one per forum thread whatever its page number."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    thread = re.search(r"/r/([^/]+)/comments/([^/]+)", parts.path)
    if thread:
        return f"reddit/{thread.group(1).lower()}/{thread.group(2)}"
    path = re.sub(r"/page\d+$", "", parts.path.rstrip("/"))
    query = "" if not parts.query or "page=" in parts.query else "?" + parts.query
    return host + path + query
