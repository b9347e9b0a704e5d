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

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from itertools import product

MAX_VARIANTS = 8
MAX_LENGTH = 600  # recipient.search_name
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SPLIT = re.compile(r"[\s·•.,，、()（）/_-]+")


def has_han(text: str) -> bool:
    return _HAN.search(text) is not None


@cache
def _table() -> dict[int, str]:
    # Imported when the first name is keyed: pypinyin loads its tables in about half a second, which
    # only the import, an edit or a new person pays, never the console's start-up or a check-in.
    from pypinyin.pinyin_dict import pinyin_dict

    return pinyin_dict  # type: ignore[no-any-return]


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
        if _HAN.match(ch):
            parts.append(readings(ch))
            han.append(True)
        elif ch.isalnum():
            parts.append((ch.lower(),))
            han.append(False)
    if not parts:
        return []
    # Other readings only for the first few characters: enough for surnames, and a bounded search.
    choices = [range(len(p)) if i < 3 else range(1) for i, p in enumerate(parts)]
    order = sorted(product(*choices), key=lambda idx: (sum(i > 0 for i in idx), [i == 0 for i in idx]))
    variants = []
    for idx in order[:MAX_VARIANTS]:
        syllables = [part[i] for part, i in zip(parts, idx, strict=True)]
        full = "".join(syllables)
        initials = "".join(s[0] for s, is_han in zip(syllables, han, strict=True) if is_han)
        variants.append((full, initials))
    return variants


def _name_tokens(name: str) -> list[str]:
    text = unicodedata.normalize("NFKC", name).strip().lower()
    if not text:
        return []
    tokens = [text.replace(" ", "")]
    words = [w for w in _SPLIT.split(text) if w]
    if has_han(text):
        for full, initials in pinyin_variants(text):
            tokens += [full, initials]
    else:
        # Tom Smith: `tom`, `smith`, `tomsmith`, `ts`
        tokens += words
        if len(words) > 1:
            tokens.append("".join(w[0] for w in words))
    return tokens


def location_tokens(building: str | None, unit: str | None, room: str | None) -> list[str]:
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
    return tokens


def normalise(text: str | None) -> str:
    """How typed text and stored keys are compared: NFKC, lower case, no spaces, dashes as `-`."""
    if not text:
        return ""
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
    key = ""
    for token in dict.fromkeys(t for t in tokens if t):
        if len(key) + len(token) + 1 > MAX_LENGTH:
            break  # the rarest variants go first: they are last
        key += " " + token
    return key
