"""Declined and clarified questions grouped by what they are about, so that a gap in the guidance
shows as one big group rather than a long list: TF-IDF over the distinct questions, then
average-linkage clustering on cosine distance, cut where questions stop sharing their words."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import numpy as np

from tools.training_data import normalise
from tools.usage.usage import Gap

# Questions further apart than this (1 - cosine similarity of their TF-IDF) are not grouped:
# tuned by eye on generated data, where it puts "hcpc fee due", "when is the hcpc fee due" and
# "hcpc fee went up again" together and leaves "how many days until christmas" alone.
DISTANCE = 0.85
# The most asked distinct questions that are grouped (the distance matrix is this squared);
# rarer ones stay a theme of their own.
GROUPED = 3000


@dataclass(frozen=True)
class Theme:
    words: Tuple[str, ...]  # the terms that mark it out
    asked: int  # how many times its questions were asked
    questions: Tuple[Tuple[str, int], ...]  # distinct questions, the most asked first
    offered: Tuple[Tuple[str, int], ...] = ()  # for clarified questions: the topics offered


def themes(gaps: Sequence[Gap]) -> List[Theme]:
    """The themes of these questions, the most asked first."""
    asked: Counter = Counter()
    wording: Dict[str, str] = {}
    offered: Dict[str, Counter] = {}
    for gap in gaps:
        key = normalise(gap.text)
        asked[key] += 1
        wording.setdefault(key, gap.text)
        offered.setdefault(key, Counter()).update(gap.offered)
    keys = [key for key, _ in asked.most_common()]
    if not keys:
        return []
    weights = np.array([asked[k] for k in keys], dtype=float)
    labels, matrix, vocabulary = _groups(keys[:GROUPED])
    labels += list(range(max(labels) + 1, max(labels) + 1 + len(keys) - len(labels)))
    members: Dict[int, List[int]] = {}
    for index, label in enumerate(labels):
        members.setdefault(label, []).append(index)
    found = []
    for group in members.values():
        words: Tuple[str, ...] = ()
        if matrix is not None and group[0] < matrix.shape[0]:
            inside = [i for i in group if i < matrix.shape[0]]
            centre = np.asarray(matrix[inside].T @ weights[inside]).ravel()
            words = tuple(vocabulary[i] for i in np.argsort(-centre)[:3] if centre[i] > 0)
        topics: Counter = Counter()
        for i in group:
            topics.update(offered[keys[i]])
        found.append(
            Theme(
                words=words,
                asked=int(weights[group].sum()),
                questions=tuple((wording[keys[i]], asked[keys[i]]) for i in group),
                offered=tuple(topics.most_common()),
            )
        )
    found.sort(key=lambda t: (-t.asked, t.questions[0][0]))
    return found


def _groups(texts: List[str]):
    """A group label per text, with the TF-IDF matrix and its vocabulary."""
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return [0] * len(texts), None, []
    if len(texts) == 1:
        return [0], matrix, vectorizer.get_feature_names_out()
    distances = 1 - (matrix @ matrix.T).toarray()
    np.clip(distances, 0, None, out=distances)
    clustering = AgglomerativeClustering(
        n_clusters=None,
        distance_threshold=DISTANCE,
        affinity="precomputed",
        linkage="average",
    )
    return list(clustering.fit_predict(distances)), matrix, vectorizer.get_feature_names_out()
