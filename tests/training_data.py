"""Read the NLU training examples and the held-out phrases, for the data-hygiene tests."""
from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path
from typing import Dict, List

import yaml

ROOT = Path(__file__).resolve().parent.parent
EVALUATION_DIR = ROOT / "tests" / "evaluation"


def normalise(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def nlu_examples() -> Dict[str, List[str]]:
    """Intent name -> training examples, from every NLU file under data/."""
    examples: Dict[str, List[str]] = defaultdict(list)
    for path in sorted((ROOT / "data").rglob("*.yml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for block in content.get("nlu", []):
            if "intent" in block:
                examples[block["intent"]] += [
                    line[2:].strip()
                    for line in block["examples"].splitlines()
                    if line.startswith("- ")
                ]
    return dict(examples)


def evaluation_sets() -> Dict[str, dict]:
    return {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted(EVALUATION_DIR.glob("*.yml"))
    }


def held_out_phrases() -> List[str]:
    """Every phrase the tests send: evaluation sets and the literals in test modules."""
    phrases = []
    for content in evaluation_sets().values():
        phrases += [q["text"] for q in content.get("questions", [])]
        for conversation in content.get("conversations", []):
            phrases += [turn["text"] for turn in conversation["turns"]]
    for path in (ROOT / "tests").glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if len(node.value.split()) >= 4 and "\n" not in node.value:
                    phrases.append(node.value)
    return phrases
