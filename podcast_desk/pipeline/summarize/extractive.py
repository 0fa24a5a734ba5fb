"""Offline extractive summary: pysbd sentences, sumy LexRank ranking, yake/jieba keywords."""

from __future__ import annotations

import bisect
import functools
import logging
import math
import random
import re
import warnings
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from podcast_desk.pipeline.summarize.model import (
    EXTRACTIVE_ENGINE,
    Chapter,
    Summary,
    TimedText,
    is_cjk_text,
    resolve_language,
)
from podcast_desk.pipeline.transcript import TranscriptSegment
from podcast_desk.text import CJK_LETTER

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]

Vector = dict[str, float]

_CJK_CHAR = CJK_LETTER
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’][^\W\d_]+)*")
_TERMINAL = re.compile(r"[.!?。！？…][\"'”’」』)\]]*\s*$")
_EMPHASIS = re.compile(r"[!?！？]")
_FIRST_PERSON = re.compile(r"\b(?:I|we|you)\b|我|我们|你", re.IGNORECASE)

# pysbd is fast on short texts and slow on long ones: segment in blocks of about this size.
_BLOCK_CHARS = 2000
# Longer "sentences" (unpunctuated speech) are split at segment boundaries.
_MAX_SENTENCE_CHARS = 320
_MAX_CJK_SENTENCE_CHARS = 120
# LexRank builds an n×n matrix; longer transcripts are ranked in windows of this many sentences.
_RANK_WINDOW = 2000
# Chapter segmentation works on at most this many units (groups of sentences).
_UNITS = 150

# fmt: off
_PYSBD_LANGUAGES = frozenset({
    "en", "hi", "mr", "zh", "es", "am", "ar", "hy", "bg", "ur", "ru", "pl", "fa", "nl", "da",
    "fr", "my", "el", "it", "ja", "de", "kk", "sk",
})
# Spoken-language filler that says nothing about the topic (added to the stop words).
_FILLERS = {
    "en": frozenset({
        "yeah", "yes", "okay", "ok", "um", "uh", "oh", "hmm", "mm", "like", "just", "really",
        "actually", "basically", "literally", "gonna", "wanna", "gotta", "kinda", "sorta",
        "thing", "things", "stuff", "lot", "lots", "kind", "sort", "pretty", "right", "well",
        "know", "mean", "think", "say", "said", "going", "get", "got", "go", "goes", "let",
        "lets", "let's", "maybe", "probably", "something", "anything", "everything",
        "somebody", "everybody", "people", "guys", "today", "way", "much", "many", "also",
        "still", "even", "though", "one", "two", "first", "little", "bit", "good", "great",
        "called", "named",
    }),
    "zh": frozenset({
        "嗯", "啊", "呃", "哦", "吧", "呢", "吗", "嘛", "那个", "这个", "就是", "然后", "其实",
        "所以", "因为", "但是", "可以", "没有", "一个", "一些", "我们", "你们", "他们", "它们",
        "大家", "今天", "现在", "时候", "什么", "怎么", "这样", "那样", "非常", "特别", "真的",
        "觉得", "知道", "还是", "已经", "如果", "虽然", "比如", "或者", "而且", "不是", "这种",
        "那种", "这些", "那些", "一下", "有点", "可能", "应该",
    }),
}
# fmt: on


@dataclass(frozen=True, slots=True)
class _Sentence:
    text: str
    start: float
    words: int


def summarize_extractive(segments: Sequence[TranscriptSegment], language: str | None) -> Summary:
    """Summarize a transcript offline; fast, deterministic, and never needs the network.

    Sentences come from pysbd and carry the start time of the segment they begin in; sumy's
    LexRank ranks them; chapters are cut where the words in use change (see
    ``_chapter_cuts``); keywords come from yake (jieba for Chinese), the most distinctive of
    each chapter. An empty transcript gives an empty summary, a one-sentence transcript a
    one-point summary.
    """
    segs = sorted((s for s in segments if s.text.strip()), key=lambda s: s.start)
    text_sample = " ".join(s.text for s in segs[:400])
    lang = resolve_language(language, text_sample)
    if not segs:
        return Summary(engine=EXTRACTIVE_ENGINE, language=lang, tldr="")
    code = lang.split("-")[0]
    cjk = code in ("zh", "ja") or is_cjk_text(text_sample)
    if cjk and code not in ("zh", "ja"):
        code = "zh"
    analysis = _Analysis(segs, code or "en", cjk)
    return analysis.summary(lang)


class _Analysis:
    """All the intermediate results for one transcript."""

    def __init__(self, segments: list[TranscriptSegment], code: str, cjk: bool) -> None:
        self.code = code
        self.cjk = cjk
        self.joiner = "" if cjk else " "
        self.start = segments[0].start
        self.end = max(s.end for s in segments)
        self.sentences = _split_sentences(segments, code, cjk)
        self.tokenizer = _WordTokenizer(cjk)
        terms, scores = _rank(
            [s.text for s in self.sentences], self.tokenizer, _stemmer(code), _stop_words(code)
        )
        self.terms = terms
        self.scores = scores
        self.vectors = _tfidf(terms)
        min_words = 8 if cjk else 6
        good = [i for i, s in enumerate(self.sentences) if s.words >= min_words]
        self.good = good if len(good) >= 3 else list(range(len(self.sentences)))

    def summary(self, language: str) -> Summary:
        n = len(self.sentences)
        # Chinese topics share characters (茶叶, 茶汤, 茶壶) more reliably than whole words.
        units = [[c for t in words for c in t] for words in self.terms] if self.cjk else self.terms
        cuts = _chapter_cuts(units, [s.start for s in self.sentences], self.end)
        bounds = [*cuts, n]
        ranges = [range(bounds[k], bounds[k + 1]) for k in range(len(cuts))]
        chapter_of = [k for k, r in enumerate(ranges) for _ in r]
        texts = [self.joiner.join(self.sentences[i].text for i in r) for r in ranges]
        chapter_keywords = [self._ranked_keywords(t, self.joiner.join(texts)) for t in texts]
        tldr = self._pick(self.good, 2 if n < 12 else 3, diversity=0.4, groups=chapter_of)
        points = self._key_points(ranges)
        quotes = self._quotes({*tldr, *points})
        by_length = sorted(range(len(ranges)), key=lambda k: len(texts[k]), reverse=True)
        return Summary(
            engine=EXTRACTIVE_ENGINE,
            language=language,
            tldr=self.joiner.join(self.sentences[i].text for i in sorted(tldr)),
            key_points=[self._timed(i) for i in sorted(points)],
            chapters=[self._chapter(k, ranges, chapter_keywords[k]) for k in range(len(ranges))],
            keywords=_interleave([chapter_keywords[k] for k in by_length], 10, self.cjk),
            quotes=[self._timed(i) for i in sorted(quotes)],
        )

    def _timed(self, i: int) -> TimedText:
        return TimedText(text=self.sentences[i].text, start=self.sentences[i].start)

    def _pick(
        self,
        candidates: Iterable[int],
        count: int,
        *,
        diversity: float,
        chosen: Sequence[int] = (),
        groups: Sequence[int] | None = None,
    ) -> list[int]:
        """Maximal marginal relevance: high LexRank score, little overlap with what is chosen.

        With ``groups`` (a chapter per sentence) two sentences of one chapter count as
        overlapping by at least one half, which spreads the picks over the chapters.
        """
        picked = list(chosen)
        pool = [i for i in candidates if i not in picked]
        top = max((self.scores[i] for i in pool), default=1.0) or 1.0
        seen = {self.sentences[i].text.lower() for i in picked}

        def overlap(i: int, j: int) -> float:
            same = 0.5 if groups is not None and groups[i] == groups[j] else 0.0
            return max(same, _cosine(self.vectors[i], self.vectors[j]))

        def gain(i: int) -> float:
            worst = max((overlap(i, j) for j in picked), default=0.0)
            return (1 - diversity) * self.scores[i] / top - diversity * worst

        while pool and len(picked) < count:
            best = max(pool, key=gain)
            pool.remove(best)
            if self.sentences[best].text.lower() not in seen:
                seen.add(self.sentences[best].text.lower())
                picked.append(best)
        return picked[len(chosen) :]

    def _best(self, ids: Iterable[int]) -> int | None:
        ids = list(ids)
        good = set(self.good)
        preferred = [i for i in ids if i in good] or ids
        return max(preferred, key=lambda i: self.scores[i], default=None)

    def _key_points(self, chapters: list[range]) -> list[int]:
        n = len(self.sentences)
        count = min(len(self.good), max(3, min(8, round(n / 8)))) if n >= 3 else n
        # One point from each chapter first (the strongest chapters if there are too many).
        firsts = [b for b in (self._best(r) for r in chapters) if b is not None]
        chosen = sorted(firsts, key=lambda i: self.scores[i], reverse=True)[:count]
        return chosen + self._pick(self.good, count, diversity=0.3, chosen=chosen)

    def _quotes(self, exclude: set[int]) -> list[int]:
        lo, hi = (10, 60) if self.cjk else (6, 40)
        fits = [i for i, s in enumerate(self.sentences) if lo <= s.words <= hi]
        fresh = [i for i in fits if i not in exclude] or fits
        if not fresh:
            return []

        def striking(i: int) -> float:
            text = self.sentences[i].text
            bonus = 1.0 + 0.5 * bool(_EMPHASIS.search(text))
            bonus += 0.3 * bool(_FIRST_PERSON.search(text))
            return self.scores[i] * bonus

        n = len(self.sentences)
        count = 3 if n >= 30 else 2 if n >= 10 else 1
        ranked = sorted(fresh, key=striking, reverse=True)[: count * 4]
        return self._pick(ranked, count, diversity=0.5)

    def _chapter(self, k: int, ranges: list[range], keywords: list[str]) -> Chapter:
        r = ranges[k]
        best = self._best(r)
        summary = self.sentences[best].text if best is not None else ""
        start = self.start if k == 0 else self.sentences[r.start].start
        end = self.sentences[ranges[k + 1].start].start if k + 1 < len(ranges) else self.end
        return Chapter(start=start, end=end, title=self._title(keywords, summary), summary=summary)

    def _title(self, keywords: list[str], fallback: str) -> str:
        picked = _interleave([keywords], 2, self.cjk, strict=True)
        if not picked:
            return _shorten(fallback, 60)
        if self.cjk:
            return "、".join(picked)
        title = ", ".join(picked)
        return title[0].upper() + title[1:]

    def _ranked_keywords(self, text: str, whole: str) -> list[str]:
        """Keyword candidates of ``text`` (part of ``whole``), the most distinctive first.

        A candidate scores by how often it occurs in the part, times the share of all its
        occurrences that fall in this part, discounted by its rank from yake or jieba.
        """
        if self.cjk:
            candidates = _cjk_keywords(text, 15, _stop_words(self.code))
        else:
            candidates = _yake_keywords(text, self.code, 15, _stop_words(self.code))
        low, whole_low = text.lower(), whole.lower()
        scored: list[tuple[float, int, str]] = []
        for rank, phrase in enumerate(candidates):
            key = phrase.lower()
            here = max(_occurrences(key, low, self.cjk), 1)
            total = max(_occurrences(key, whole_low, self.cjk), here)
            scored.append((here * here / total / (1 + rank / 5), rank, phrase))
        scored.sort(key=lambda x: (-x[0], x[1]))
        return [phrase for _, _, phrase in scored]


def _occurrences(key: str, text: str, cjk: bool) -> int:
    if cjk:
        return text.count(key)
    return len(re.findall(r"\b" + re.escape(key) + r"\b", text))


def _interleave(
    lists: list[list[str]], count: int, cjk: bool, *, strict: bool = False
) -> list[str]:
    """Round-robin over ranked keyword lists, skipping repeats.

    A phrase repeats another when one's words contain the other's (``strict``: when they
    share any word); for Chinese, when one contains the other.
    """
    picked: list[str] = []
    depth = max((len(x) for x in lists), default=0)
    for level in range(depth):
        for words in lists:
            if len(picked) >= count:
                return picked
            if level < len(words) and not any(
                _repeats(words[level], p, cjk, strict) for p in picked
            ):
                picked.append(words[level])
    return picked


def _repeats(a: str, b: str, cjk: bool, strict: bool) -> bool:
    a, b = a.lower(), b.lower()
    if cjk:
        return a in b or b in a
    wa, wb = set(a.split()), set(b.split())
    return bool(wa & wb) if strict else wa <= wb or wb <= wa


# -- sentences ---------------------------------------------------------------------------------


def _split_sentences(segments: list[TranscriptSegment], code: str, cjk: bool) -> list[_Sentence]:
    """Sentences in order, each with the start of the segment it begins in."""
    parts: list[str] = []
    offsets: list[int] = []
    pos = 0
    for seg in segments:
        part = " ".join(seg.text.split())
        if parts:
            sep = "" if _CJK_CHAR.match(parts[-1][-1:]) and _CJK_CHAR.match(part[:1]) else " "
            parts.append(sep)
            pos += len(sep)
        offsets.append(pos)
        parts.append(part)
        pos += len(part)
    doc = "".join(parts)
    spans = _sentence_spans(doc, offsets, code)
    limit = _MAX_CJK_SENTENCE_CHARS if cjk else _MAX_SENTENCE_CHARS
    sentences: list[_Sentence] = []
    for begin, end in spans:
        for a, b in _split_long(begin, end, offsets, limit):
            text = doc[a:b].strip()
            if not _LETTER.search(text):
                continue
            at = bisect.bisect_right(offsets, a) - 1
            words = len(_CJK_CHAR.findall(text)) if cjk else len(text.split())
            sentences.append(_Sentence(text=text, start=segments[at].start, words=words))
    return sentences


def _sentence_spans(doc: str, offsets: list[int], code: str) -> list[tuple[int, int]]:
    import pysbd

    segmenter = pysbd.Segmenter(language=code if code in _PYSBD_LANGUAGES else "en", clean=False)
    spans: list[tuple[int, int]] = []
    block_start = 0
    while block_start < len(doc):
        j = bisect.bisect_left(offsets, block_start + _BLOCK_CHARS)
        block_end = offsets[j] if j < len(offsets) else len(doc)
        block = doc[block_start:block_end]
        found = _locate(block, segmenter.segment(block))
        next_start = block_end
        if block_end < len(doc) and len(found) > 1:
            a, b = found[-1]
            if not _TERMINAL.search(block[a:b]):
                # The block ended mid-sentence: segment that sentence again with the next block.
                found.pop()
                next_start = block_start + a
        spans.extend((block_start + a, block_start + b) for a, b in found)
        block_start = next_start
    return spans


def _locate(block: str, sentences: Iterable[Any]) -> list[tuple[int, int]]:
    """Character spans of pysbd's sentences inside ``block`` (clean=False keeps the text)."""
    spans: list[tuple[int, int]] = []
    cursor = 0
    for sentence in sentences:
        text = str(sentence).strip()
        if not text:
            continue
        at = block.find(text, cursor)
        if at < 0:
            at = cursor
        end = min(len(block), at + len(text))
        if end > at:
            spans.append((at, end))
            cursor = end
    tail = len(block.rstrip())
    if spans and tail > spans[-1][1]:
        # Anything pysbd dropped at the end still belongs to the last sentence.
        spans[-1] = (spans[-1][0], tail)
    return spans


def _split_long(begin: int, end: int, offsets: list[int], limit: int) -> list[tuple[int, int]]:
    """Split an overlong span at segment boundaries into pieces of at most ``limit`` chars."""
    if end - begin <= limit:
        return [(begin, end)]
    inner = offsets[bisect.bisect_right(offsets, begin) : bisect.bisect_left(offsets, end)]
    pieces: list[tuple[int, int]] = []
    a = begin
    for cut in inner:
        if cut - a >= limit // 2:
            pieces.append((a, cut))
            a = cut
    pieces.append((a, end))
    return pieces


# -- words and ranking -------------------------------------------------------------------------


class _WordTokenizer:
    """sumy's tokenizer interface over regex words (jieba for Chinese): no NLTK data needed."""

    def __init__(self, cjk: bool) -> None:
        self._cjk = cjk

    def to_words(self, text: str) -> list[str]:
        if self._cjk:
            return [w for w in _jieba().lcut(text) if _LETTER.search(w)]
        return [w for w in _LATIN_WORD.findall(text) if len(w) > 1]

    def to_sentences(self, paragraph: str) -> list[str]:
        return [paragraph]


@functools.cache
def _jieba() -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # jieba imports pkg_resources, which warns
        import jieba
        import jieba.analyse
    jieba.setLogLevel(logging.WARNING)
    return jieba


@functools.cache
def _stop_words(code: str) -> frozenset[str]:
    from sumy.utils import get_stop_words

    try:
        words = frozenset(get_stop_words("chinese" if code == "zh" else code))
    except LookupError:
        words = frozenset()
    return words | _FILLERS.get(code, frozenset())


@functools.cache
def _stemmer(code: str) -> Callable[[str], str]:
    from sumy.nlp.stemmers import Stemmer, null_stemmer

    try:
        stem: Callable[[str], str] = Stemmer("chinese" if code == "zh" else code)
    except LookupError:
        stem = null_stemmer
    return functools.lru_cache(maxsize=100_000)(stem)


@functools.cache
def _lexrank_type() -> Any:
    import numpy as np
    from sumy.summarizers.lex_rank import LexRankSummarizer

    class FastLexRank(LexRankSummarizer):  # type: ignore[misc]
        """sumy's LexRank with its O(n²) Python loops done sparsely in numpy, plus damping.

        Same idf (log n/(1+df)), same idf-modified cosine, same threshold; damping makes the
        graph irreducible so the power method always converges.
        """

        damping = 0.85
        epsilon = 1e-4

        @staticmethod
        def _compute_idf(sentences: list[list[str]]) -> dict[str, float]:
            n = len(sentences)
            df = Counter(t for words in sentences for t in set(words))
            return {t: math.log(n / (1 + c)) for t, c in df.items()}

        def _create_matrix(
            self,
            sentences: list[list[str]],
            threshold: float,
            tf_metrics: list[dict[str, float]],
            idf_metrics: dict[str, float],
        ) -> FloatArray:
            n = len(sentences)
            sim = _idf_cosine_matrix(tf_metrics, idf_metrics)
            adjacency = (sim > threshold).astype(np.float64)
            degrees = adjacency.sum(axis=1)
            degrees[degrees == 0] = 1.0
            matrix: FloatArray = self.damping * adjacency / degrees[:, None]
            return matrix + (1.0 - self.damping) / n

        def rate(self, document: Any) -> tuple[list[list[str]], FloatArray]:
            words = [self._to_words_set(s) for s in document.sentences]
            tf = self._compute_tf(words)
            matrix = self._create_matrix(words, self.threshold, tf, self._compute_idf(words))
            scores: FloatArray = np.abs(self.power_method(matrix, self.epsilon))
            return words, scores

    return FastLexRank


def _idf_cosine_matrix(tf: list[dict[str, float]], idf: dict[str, float]) -> FloatArray:
    """LexRank's idf-modified cosine for all sentence pairs, summed term by term (sparse)."""
    import numpy as np

    n = len(tf)
    sim = np.zeros((n, n))
    norms = np.zeros(n)
    postings: dict[str, tuple[list[int], list[float]]] = {}
    for i, sentence in enumerate(tf):
        for term, value in sentence.items():
            weight = value * idf[term]
            norms[i] += weight * weight
            rows, weights = postings.setdefault(term, ([], []))
            rows.append(i)
            weights.append(weight)
    for rows, weights in postings.values():
        if len(rows) > 1:
            idx = np.array(rows)
            w = np.array(weights)
            sim[np.ix_(idx, idx)] += np.outer(w, w)
    norms = np.sqrt(norms)
    scale = np.outer(norms, norms)
    np.divide(sim, scale, out=sim, where=scale > 0)
    np.fill_diagonal(sim, (norms > 0).astype(np.float64))
    return sim


def _rank(
    texts: list[str],
    tokenizer: _WordTokenizer,
    stemmer: Callable[[str], str],
    stop_words: frozenset[str],
) -> tuple[list[list[str]], list[float]]:
    """Each sentence's terms (normalized, stemmed) and LexRank score (mean 1)."""
    from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence

    ranker = _lexrank_type()(stemmer)
    ranker.stop_words = stop_words
    terms: list[list[str]] = []
    scores: list[float] = []
    for begin in range(0, len(texts), _RANK_WINDOW):
        window = texts[begin : begin + _RANK_WINDOW]
        if begin and len(window) < _RANK_WINDOW // 4:
            # Too short to rank alone: re-rank it together with the tail of the previous window.
            begin = max(0, len(texts) - _RANK_WINDOW // 2)
            window = texts[begin:]
            del terms[begin:], scores[begin:]
        document = ObjectDocumentModel([Paragraph([Sentence(t, tokenizer) for t in window])])
        words, raw = ranker.rate(document)
        total = float(raw.sum()) or 1.0
        terms.extend(words)
        scores.extend((raw * (len(window) / total)).tolist())
    return terms, scores


def _tfidf(terms: list[list[str]]) -> list[Vector]:
    """Unit-length TF-IDF vectors (smoothed idf) for similarity between sentences."""
    n = len(terms)
    df = Counter(t for words in terms for t in set(words))
    idf = {t: math.log((1 + n) / (1 + c)) + 1.0 for t, c in df.items()}
    vectors: list[Vector] = []
    for words in terms:
        vec = {t: c * idf[t] for t, c in Counter(words).items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})
    return vectors


def _cosine(a: Vector, b: Vector) -> float:
    if len(a) > len(b):
        a, b = b, a
    dot = sum(v * b.get(t, 0.0) for t, v in a.items())
    if not dot:
        return 0.0
    na = math.sqrt(sum(v * v for v in a.values()))
    nb = math.sqrt(sum(v * v for v in b.values()))
    return dot / (na * nb) if na and nb else 0.0


# -- chapters ----------------------------------------------------------------------------------


def _chapter_cuts(terms: list[list[str]], starts: list[float], end: float) -> list[int]:
    """Indices of the sentences that open chapters (always 0 first).

    Each chapter's words are modelled by its own Laplace-smoothed word frequencies
    (Utiyama & Isahara); dynamic programming finds, for every chapter count K, the
    boundaries that make the transcript most probable. More chapters always fit better, even
    in text without topics, so the same is done for the transcript with its units shuffled
    (no topics left), twice, and K is where the real text gains most over the shuffled one.
    Chapters last at least ``min_len`` seconds; long transcripts are grouped into at most
    ``_UNITS`` units of consecutive sentences first.
    """
    n = len(terms)
    first = starts[0] if starts else 0.0
    duration = end - first
    min_len = min(max(duration / 20, 20.0), 240.0)
    max_chapters = int(min(max(duration / 30, 1), 12))
    if n < 4 or max_chapters < 2:
        return [0]
    size = math.ceil(n / _UNITS)
    unit_starts = [k for k in range(0, n, size) if k == 0 or starts[k] > starts[k - 1]]
    bounds = [*unit_starts, n]
    units = [
        [t for s in range(bounds[u], bounds[u + 1]) for t in terms[s]]
        for u in range(len(unit_starts))
    ]
    times = [first] + [starts[k] for k in unit_starts[1:]] + [end]
    if len(units) < 2 or not any(units):
        return [0]
    real, cuts = _segment(_chapter_costs(units, times, min_len), max_chapters)
    noise = [0.0] * len(real)
    for seed in (1, 2):
        shuffled = list(units)
        random.Random(seed).shuffle(shuffled)
        costs, _ = _segment(_chapter_costs(shuffled, times, min_len), max_chapters)
        for k, c in enumerate(costs):
            noise[k] += (costs[0] - c) / 2
    excess = [
        (real[0] - c) - noise[k] if math.isfinite(c) else -math.inf for k, c in enumerate(real)
    ]
    best = max(range(len(excess)), key=lambda k: (excess[k], -k))
    return [unit_starts[u] for u in cuts[best]]


def _chapter_costs(units: list[list[str]], times: list[float], min_len: float) -> list[list[float]]:
    """cost[i][j]: -log P(words of units i..j-1 | their own Laplace-smoothed unigram model).

    Spans shorter than ``min_len`` seconds cost infinity (except the whole transcript).
    """
    m = len(units)
    vocab = len({t for words in units for t in words})
    cost = [[math.inf] * (m + 1) for _ in range(m + 1)]
    for i in range(m):
        counts: Counter[str] = Counter()
        fsum = 0.0  # sum over words of f * log(f + 1), kept up to date word by word
        length = 0
        for j in range(i + 1, m + 1):
            for t in units[j - 1]:
                f = counts[t]
                fsum += (f + 1) * math.log(f + 2) - f * math.log(f + 1)
                counts[t] = f + 1
            length += len(units[j - 1])
            if times[j] - times[i] >= min_len or (i == 0 and j == m):
                cost[i][j] = length * math.log(length + vocab) - fsum
    return cost


def _segment(cost: list[list[float]], max_segments: int) -> tuple[list[float], list[list[int]]]:
    """For K = 1..max_segments: the cheapest total cost and the units that open segments."""
    m = len(cost) - 1
    totals: list[float] = []
    openings: list[list[int]] = []
    prev = [0.0] + [math.inf] * m
    backs: list[list[int]] = []
    for _ in range(max_segments):
        cur = [math.inf] * (m + 1)
        back = [0] * (m + 1)
        for j in range(1, m + 1):
            row = cur[j]
            for i in range(j):
                value = prev[i] + cost[i][j]
                if value < row:
                    row = value
                    back[j] = i
            cur[j] = row
        backs.append(back)
        totals.append(cur[m])
        cut: list[int] = []
        j = m
        for level in range(len(backs) - 1, -1, -1):
            j = backs[level][j]
            cut.append(j)
        openings.append(sorted(cut))
        prev = cur
    return totals, openings


# -- keywords ----------------------------------------------------------------------------------


def _yake_keywords(text: str, code: str, count: int, stop_words: frozenset[str]) -> list[str]:
    import yake

    extractor = yake.KeywordExtractor(lan=code, n=2, top=count * 4, dedup_lim=0.7)
    lowered = text.lower()
    keywords: list[str] = []
    seen: set[str] = set()
    for phrase, _score in extractor.extract_keywords(text):
        words = phrase.lower().split()
        if not words or all(w in stop_words for w in words) or any(len(w) < 2 for w in words):
            continue
        if words[0] in stop_words or words[-1] in stop_words:
            continue
        key = " ".join(words)
        if key in seen:
            continue
        seen.add(key)
        # Lower-case unless the phrase only ever appears capitalized (a name).
        keywords.append(key if _appears_lowercase(key, lowered, text) else phrase)
        if len(keywords) >= count:
            break
    return keywords


def _appears_lowercase(key: str, lowered: str, text: str) -> bool:
    for match in re.finditer(re.escape(key), lowered):
        if text[match.start() : match.end()] == key:
            return True
    return False


def _cjk_keywords(text: str, count: int, stop_words: frozenset[str]) -> list[str]:
    tags = _jieba().analyse.extract_tags(text, topK=count * 3)
    keywords = [
        t
        for t in tags
        if len(t) >= 2 and t not in stop_words and _LETTER.search(t) and not t.isdigit()
    ]
    return keywords[:count]


def _shorten(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(",;:，、 ") + "…"
