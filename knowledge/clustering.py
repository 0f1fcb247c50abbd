"""Grouping unanswered customer questions into topics: TF-IDF vectors, leader clustering.

Owns cluster_texts(). Pure: no database. knowledge.services.gaps picks the
questions no article answers and stores the clusters this returns.

- Each text is a TF-IDF vector over its stemmed terms (knowledge.text):
  tf = 1 + log(count), idf = 1 + log((1 + n) / (1 + df)) over the texts
  given, L2-normalized. Terms of a single text are left out (min_df = 2):
  they cannot link two texts, and in a short post they would drown the one
  word it shares with others ("wifi" in "wifi on the A320 to Lisbon?").
  Vectors are sparse dicts, never a vocabulary-wide matrix.
- Leader clustering, in the order given: a text joins the cluster whose
  centroid (the sum of its members' vectors) is most similar by cosine, if
  that similarity reaches SIMILARITY; otherwise it starts a cluster. Only
  clusters sharing a term with the text are compared (an inverted index of
  centroid terms), so the cost follows the overlaps, not texts x clusters.
- SIMILARITY = 0.25: two short questions sharing their one distinctive
  word ("wifi on board?" and "is there wifi on the plane") sit near 0.3;
  questions sharing only a common word ("flight") stay well below.
- A cluster is labelled by its three heaviest centroid terms, each shown as
  the word most often written for it ("crashing" rather than "crash").
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.text import stem, words

SIMILARITY = 0.25
MIN_DOCUMENT_FREQUENCY = 2
LABEL_TERMS = 3


@dataclass(frozen=True, slots=True)
class TextCluster:
    members: tuple[int, ...]  # indices into the texts given, in their order
    terms: tuple[str, ...]  # the label's words, heaviest first


def _vectors(texts: Sequence[str]) -> tuple[list[dict[str, float]], dict[str, str]]:
    """L2-normalized TF-IDF vectors of the texts, and the most written word of each stem."""
    counts = []
    spellings: dict[str, Counter] = defaultdict(Counter)
    for text in texts:
        terms = Counter()
        for word in words(text):
            term = stem(word)
            terms[term] += 1
            spellings[term][word] += 1
        counts.append(terms)
    document_frequency = Counter(term for terms in counts for term in terms)
    total = len(texts)
    vectors = []
    for terms in counts:
        vector = {
            term: (1 + math.log(count)) * (1 + math.log((1 + total) / (1 + document_frequency[term])))
            for term, count in terms.items()
            if document_frequency[term] >= MIN_DOCUMENT_FREQUENCY
        }
        norm = math.sqrt(sum(weight * weight for weight in vector.values()))
        vectors.append({term: weight / norm for term, weight in vector.items()} if norm else {})
    shown = {term: spelled.most_common(1)[0][0] for term, spelled in spellings.items()}
    return vectors, shown


def cluster_texts(texts: Sequence[str], *, similarity: float = SIMILARITY, min_size: int = 1) -> list[TextCluster]:
    """Clusters of similar texts with at least min_size members, largest first (ties: earliest first)."""
    vectors, shown = _vectors(texts)
    sums: list[dict[str, float]] = []
    norms: list[float] = []
    members: list[list[int]] = []
    clusters_with_term: dict[str, set[int]] = defaultdict(set)
    for index, vector in enumerate(vectors):
        if not vector:
            continue
        candidates = set().union(*(clusters_with_term.get(term, ()) for term in vector))
        best, best_similarity = None, similarity
        for cluster in sorted(candidates):
            centroid = sums[cluster]
            dot = sum(weight * centroid.get(term, 0.0) for term, weight in vector.items())
            cosine = dot / norms[cluster]
            if cosine >= best_similarity and (best is None or cosine > best_similarity):
                best, best_similarity = cluster, cosine
        if best is None:
            best = len(sums)
            sums.append({})
            norms.append(0.0)
            members.append([])
        centroid = sums[best]
        for term, weight in vector.items():
            centroid[term] = centroid.get(term, 0.0) + weight
            clusters_with_term[term].add(best)
        norms[best] = math.sqrt(sum(weight * weight for weight in centroid.values()))
        members[best].append(index)
    found = [
        TextCluster(
            members=tuple(indices),
            terms=tuple(shown[term] for term, _ in sorted(sums[cluster].items(), key=lambda item: (-item[1], item[0])))[
                :LABEL_TERMS
            ],
        )
        for cluster, indices in enumerate(members)
        if len(indices) >= min_size
    ]
    return sorted(found, key=lambda cluster: (-len(cluster.members), cluster.members[0]))
