"""Declined and clarified questions grouped by what they are about, so that a gap in the guidance
shows as one big group rather than a long list: TF-IDF over the distinct questions, then
k-means, each question weighted by how often it was asked."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Dict, List, Sequence, Tuple

import numpy as np

from tools.training_data import normalise
from tools.usage.usage import Gap

MAX_THEMES = 30
DIMENSIONS = 100  # of the reduced space k-means runs in, for speed on tens of thousands


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
    keys = list(asked)
    if not keys:
        return []
    weights = np.array([asked[k] for k in keys], dtype=float)
    labels, matrix, vocabulary = _clusters(keys, weights)
    found = []
    for label in set(labels):
        members = [i for i, own in enumerate(labels) if own == label]
        members.sort(key=lambda i: (-weights[i], keys[i]))
        words: Tuple[str, ...] = ()
        if matrix is not None:
            centre = np.asarray(matrix[members].T @ weights[members]).ravel()
            words = tuple(vocabulary[i] for i in np.argsort(-centre)[:3] if centre[i] > 0)
        topics: Counter = Counter()
        for i in members:
            topics.update(offered[keys[i]])
        found.append(
            Theme(
                words=words,
                asked=int(weights[members].sum()),
                questions=tuple((wording[keys[i]], asked[keys[i]]) for i in members),
                offered=tuple(topics.most_common()),
            )
        )
    found.sort(key=lambda t: (-t.asked, t.questions[0][0]))
    return found


def _clusters(texts: List[str], weights: np.ndarray):
    """A cluster label per text, with the TF-IDF matrix and its vocabulary."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    vectorizer = TfidfVectorizer(stop_words="english", ngram_range=(1, 2), sublinear_tf=True)
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # nothing but stop words
        return [0] * len(texts), None, []
    vocabulary = vectorizer.get_feature_names_out()
    count = min(MAX_THEMES, max(1, round(math.sqrt(len(texts) / 2))))
    if count == 1:
        return [0] * len(texts), matrix, vocabulary
    points = matrix
    if matrix.shape[1] > DIMENSIONS and len(texts) > DIMENSIONS:
        points = normalize(TruncatedSVD(DIMENSIONS, random_state=0).fit_transform(matrix))
    model = KMeans(n_clusters=count, n_init=3, random_state=0)
    return list(model.fit_predict(points, sample_weight=weights)), matrix, vocabulary
