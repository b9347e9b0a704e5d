"""What a clerk may type to find a person: the name, its pinyin, pinyin initials, unit and room.

`search_key` builds one lower-case string of space-separated tokens, stored with the person
(`recipient.search_name`), so matching is one LIKE over one column: a typed `zs` is a token prefix
(` zs`) of 张三's key ` 张三 zhangsan zs ...`; typed hanzi match anywhere. A character with several
readings (单: dan, chan, shan; 曾: zeng, ceng) gives every variant, up to `MAX_VARIANTS`, so a surname
read its own way is still found.

The readings come from pypinyin's character table, read once per character (a directory of 20,000
names has a few thousand distinct characters), not from its phrase converter: names are not phrases.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from functools import cache, lru_cache
from itertools import combinations, islice, product
from pathlib import Path

MAX_VARIANTS = 8
MAX_LENGTH = 600  # recipient.search_name
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPLIT = re.compile(r"[\s·•.,，、()（）/_-]+")
# A bracketed tag inside a word (`[b]`, `[/b]`, `[/]`): not the name's letters, so not its initials.
_TAG = re.compile(r"\[[^\[\]\s]*\]")
_EDGES = re.compile(r"^[\W_]+|[\W_]+$")


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


def _is_han(ch: str) -> bool:
    # A range test, not the regex: it runs for every character of every name in an import.
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or "\uf900" <= ch <= "\ufaff"


@cache
def _table() -> dict[int, str]:
    """pypinyin's character table: code point -> "zhāng,zhǎng".

    Read from its data file directly: importing pypinyin loads its phrase dictionary too (most of a
    second), which names never need. Loaded when the first name is keyed, never at start-up.
    """
    spec = importlib.util.find_spec("pypinyin")  # finds the package without running it
    folder = Path(next(iter(spec.submodule_search_locations or []), "")) if spec else Path()
    data = folder / "pinyin_dict.json"
    if not data.is_file():  # a pypinyin that keeps its table elsewhere: the slower, public way
        from pypinyin.pinyin_dict import pinyin_dict

        return pinyin_dict  # type: ignore[no-any-return]
    return {int(k): v for k, v in json.loads(data.read_text(encoding="utf-8")).items()}


def _plain(syllable: str) -> str:
    """`lǚ` -> `lv`, `zhāng` -> `zhang`: no tone marks, ü as v (as people type it)."""
    decomposed = unicodedata.normalize("NFD", syllable.strip()).replace("u\u0308", "v")
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


@cache
def readings(char: str) -> tuple[str, ...]:
    """Every toneless reading of one character; the character itself (lower case) when it has none."""
    found = _table().get(ord(char))
    if not found:
        return (char.lower(),)
    return tuple(dict.fromkeys(_plain(r) for r in found.split(",") if r.strip()))


def pinyin_variants(name: str) -> list[tuple[str, str]]:
    """(full pinyin, initials) for each way of reading `name`, most likely first, at most MAX_VARIANTS.

    Most likely: the fewest characters read other than their first way, and those nearest the start
    (the surname: 单 read shan, 曾 read zeng) before the rest. Letters and digits stay as they are.
    """
    parts: list[tuple[str, ...]] = []
    han: list[bool] = []
    for ch in name:
        if _is_han(ch):
            parts.append(readings(ch))
            han.append(True)
        elif ch.isalnum():
            parts.append((ch.lower(),))
            han.append(False)
    if not parts:
        return []
    first = [p[0] for p in parts]
    # Other readings only for the first three characters (enough for surnames).
    variable = [i for i in range(min(3, len(parts))) if len(parts[i]) > 1]
    variants = []
    for changes in islice(_other_readings(parts, variable), MAX_VARIANTS):
        syllables = list(first)
        for position, other in changes:
            syllables[position] = parts[position][other]
        full = "".join(syllables)
        initials = "".join(s[0] for s, is_han in zip(syllables, han, strict=True) if is_han)
        variants.append((full, initials))
    return variants


def _other_readings(
    parts: list[tuple[str, ...]], variable: list[int]
) -> Iterator[tuple[tuple[int, int], ...]]:
    """(position, reading) changes from the first reading of each character: none, then one character
    read otherwise (nearest the start first), then two, ... Lazily: only the first few are taken."""
    yield ()
    for count in range(1, len(variable) + 1):
        for positions in combinations(variable, count):
            for others in product(*(range(1, len(parts[p])) for p in positions)):
                yield tuple(zip(positions, others, strict=True))


@lru_cache(maxsize=65536)  # an import keys every name; many names (and rooms) repeat
def _name_tokens(name: str) -> tuple[str, ...]:
    text = unicodedata.normalize("NFKC", name).strip().lower()
    if not text:
        return ()
    tokens = [text.replace(" ", "")]
    if has_han(text):
        for full, initials in pinyin_variants(text):
            tokens += [full, initials]
    else:
        # Tom Smith: `tom`, `smith`, `tomsmith`, `ts`; Zhang [b]San[/b]: `zhang`, `san`, `zhangsan`, `zs`
        words = [
            w for w in (_letters(w) for chunk in text.split() for w in _SPLIT.split(_untagged(chunk))) if w
        ]
        tokens += words
        if len(words) > 1:
            tokens += ["".join(words), "".join(w[0] for w in words)]
    return tuple(tokens)


def _untagged(chunk: str) -> str:
    """A space-free piece of a name without its tags (`[b]san[/b]` -> `san`), unless it is nothing but
    one (`[tom]` stays: it is the name)."""
    untagged = _TAG.sub("", chunk)
    return untagged if any(ch.isalnum() for ch in untagged) else chunk


def _letters(word: str) -> str:
    """A word as its letters start and end it (`[tom]` -> `tom`); inner marks stay (`o'brien`)."""
    return _EDGES.sub("", word)


@lru_cache(maxsize=65536)
def location_tokens(building: str | None, unit: str | None, room: str | None) -> tuple[str, ...]:
    """`A3`, `2`, `502` -> `a3-2-502`, `a3-502`, `2-502`, `502`, `a3`: how a clerk writes an address."""
    parts = [normalise(p) for p in (building, unit, room)]
    b, u, r = (p or "" for p in parts)
    tokens = []
    if r:
        tokens += ["-".join(p for p in (b, u, r) if p), "-".join(p for p in (b, r) if p)]
        if u:
            tokens.append(f"{u}-{r}")
        tokens.append(r)
    if b:
        tokens.append(b)
    return tuple(tokens)


def normalise(text: str | None) -> str:
    """How typed text and stored keys are compared: NFKC, lower case, no spaces, dashes as `-`."""
    if not text:
        return ""
    if text.isascii() and text.isalnum():
        return text.lower()
    folded = unicodedata.normalize("NFKC", text).strip().lower()
    folded = re.sub(r"[\u2010-\u2015\u2212\uff0d_/]+", "-", folded)
    return re.sub(r"\s+", "", folded)


def search_key(
    names: Iterable[str | None],
    *,
    building: str | None = None,
    unit: str | None = None,
    room: str | None = None,
    external_id: str | None = None,
) -> str:
    """The stored matching key: ` token token ...` (leading space, so ` zs` is a token prefix)."""
    tokens: list[str] = []
    for name in names:
        if name:
            tokens += _name_tokens(name)
    tokens += location_tokens(building, unit, room)
    if external_id:
        tokens.append(normalise(external_id))
    unique = list(dict.fromkeys(t for t in tokens if t))
    key = " " + " ".join(unique) if unique else ""
    while len(key) > MAX_LENGTH:  # the rarest variants are last: they go first
        unique.pop()
        key = " " + " ".join(unique)
    return key
