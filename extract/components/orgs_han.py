"""Organization names in Han script, where no spaces mark where a name starts.

A name ends in an organization suffix (协会, 研究院, 有限公司 ... from
``resources/zh/orgs.json``) and starts right after punctuation, a post title
(副区长), a verb or particle (了, 在, 代表, 主持 ...), or a coordinating
与/和/及 whose left side is itself a name. Chained suffixes make one name
(对外经济贸易大学国家对外开放研究院); a trailing department or office
(北京办公室, 对外经济研究部) folds into the organization before it and is kept
as an alias. Districts come from a known city prefix (北京市大兴区); bare
"大兴区" only links to such a district. A venue ("在 ... 中心召开") is a place.
"""

from __future__ import annotations

import re
from functools import lru_cache

from extract.attrs import load_resource
from extract.components.noise import overlaps_noise

HAN = "\u3400-\u9fff"
PUNCT = "，。、；：！？“”‘’「」『』《》（）()【】,.;:!?\"'\n\t ·•…—-"


@lru_cache(maxsize=None)
def _lexicon() -> tuple:
    res = load_resource("zh", "orgs")
    posts = load_resource("zh", "persons").get("posts", [])
    suffixes = list(res["suffixes"]) + [s for s in res["subunit_suffixes"] if len(s) > 1]
    alternatives = sorted(
        [(p, "P") for p in posts] + [(s, "S") for s in suffixes] + [(b, "B") for b in res["hard_boundaries"]]
        + [(s, "SOFT") for s in res["soft_boundaries"]] + [(c, "X") for c in PUNCT],
        key=lambda item: -len(item[0]),
    )
    kinds: dict[str, str] = {}
    for word, kind in alternatives:
        kinds.setdefault(word, kind)
    pattern = re.compile("|".join(re.escape(w) for w, _ in alternatives if w))
    places = load_resource("zh", "places")
    cities = sorted(places.get("chinese_places", []), key=len, reverse=True)
    admin = re.compile(
        rf"(?:(?P<city>{'|'.join(map(re.escape, cities))})(?P<level>市|省)?(?P<long>[{HAN}]{{2,4}}?)(?P<lsuffix>新区|区|县)"
        rf"|(?P<name>[{HAN}]{{2}})(?P<suffix>区|县))"
    )
    return res, kinds, pattern, admin


def _atoms(text: str) -> list[tuple[str, int, int]]:
    """Post titles (P), suffixes (S), boundaries (B), soft boundaries and punctuation (X), left to right, longest first."""
    res, kinds, pattern, _ = _lexicon()
    bad_before = res.get("bad_before_suffix", {})
    exceptions = res.get("boundary_exceptions", {})
    not_after = res.get("boundary_not_after", {})
    atoms = []
    inner_parens = _place_parens(text)
    for m in pattern.finditer(text):
        word, kind = m.group(), kinds[m.group()]
        if m.start() in inner_parens:
            continue
        if kind == "S" and any(text[:m.start()].endswith(b) for b in bad_before.get(word, [])):
            continue
        if kind == "S" and word == "部" and text[m.end():m.end() + 1] in ("分", "署", "门", "队", "件", "位"):
            continue
        if kind == "B" and text[m.end():m.end() + 1] in exceptions.get(word, []):
            continue
        if kind == "B" and text[m.start() - 1:m.start()] in not_after.get(word, []):
            continue
        atoms.append((kind, m.start(), m.end()))
    return atoms


@lru_cache(maxsize=None)
def _place_paren_re() -> re.Pattern:
    places = load_resource("zh", "places")
    names = sorted(set(places.get("countries", {})) | set(places.get("chinese_places", [])), key=len, reverse=True)
    return re.compile(rf"(?<=[{HAN}A-Za-z])([(（])(?:{'|'.join(map(re.escape, names))})([)）])(?=[{HAN}])")


def _place_parens(text: str) -> set[int]:
    """Positions of the brackets of a country or city inside a name ("西门子(中国)有限公司"), which do not end it."""
    return {pos for m in _place_paren_re().finditer(text) for pos in (m.start(1), m.start(2))}


def _regions(text: str) -> list[tuple[int, int, list[tuple[str, int, int]], str | None, str | None]]:
    """Stretches between delimiters, with the S/SOFT atoms inside and the delimiters on each side."""
    from extract.components.persons import _han_name_at  # noqa: PLC0415 (persons does not import this module)

    stops = load_resource("zh", "persons").get("name_stops", [])
    honorifics = load_resource("zh", "persons").get("honorifics_after", [])
    regions = []
    start, inner, before = 0, [], None
    for kind, s, e in _atoms(text) + [("X", len(text), len(text))]:
        if s < start:  # inside a person's name skipped after a post title
            continue
        if kind in ("S", "SOFT"):
            inner.append((kind, s, e))
            continue
        if start < s:
            regions.append((start, s, inner, before, text[s:e]))
        start, inner, before = e, [], text[s:e]
        if kind == "P":
            name = _han_name_at(text, e, stops)
            if name:
                start = name[1]
                start += next((len(h) for h in honorifics if text.startswith(h, start)), 0)
    return regions


def admin_candidates(text: str, noise) -> list:
    """Districts and counties: "北京市大兴区" creates one, bare "大兴区" may only join it."""
    from extract.components.orgs import Candidate  # noqa: PLC0415

    res, _, _, admin = _lexicon()
    non_names = set(res.get("admin_non_names", []))
    out = []
    for m in admin.finditer(text):
        name = m.group("long") or m.group("name")
        suffix = m.group("lsuffix") or m.group("suffix")
        if name in non_names or name[-2:] in non_names or overlaps_noise(noise, m.start(), m.end()):
            continue
        tail = name + suffix
        out.append(Candidate(text[m.start():m.end()], m.start(), m.end(), country="CN", kind="government",
                             aliases=[tail], mention_only=not m.group("city")))
    return out


def han_candidates(text: str, noise) -> list:
    """Han-script organization candidates (see the module docstring)."""
    from extract.components.orgs import Candidate  # noqa: PLC0415

    res = _lexicon()[0]
    subunits = set(res["subunit_suffixes"])
    generic = res.get("generic_words", [])
    out = admin_candidates(text, noise)
    admin_tails = {c.aliases[0] for c in out}
    countries = [c for c in load_resource("zh", "places").get("countries", {}) if len(c) >= 2]
    for start, end, inner, before, after in _regions(text):
        suffixes = [a for a in inner if a[0] == "S"]
        if not suffixes:
            continue
        begin = start
        segments = []
        for kind, s, e in inner:
            if kind != "SOFT" or s >= suffixes[-1][2]:
                continue
            left = text[begin:s]
            if s == begin:
                begin = e
            elif any(se == s for k, _, se in suffixes) or left in admin_tails or re.search(f"[{HAN}]{{2}}[区县]$", left) \
                    or (len(left) >= 4 and any(left.endswith(c) for c in countries)):  # "赛诺菲中国和深圳大学"
                if any(se == s for k, _, se in suffixes) or (len(left) >= 4 and any(left.endswith(c) for c in countries)):
                    segments.append((begin, s))
                begin = e
        ends = [a for a in suffixes if a[1] >= begin]
        if ends:
            segments.append((begin, ends[-1][2]))
        for seg_start, seg_end in segments:
            cand = _segment_candidate(text, seg_start, seg_end, suffixes, subunits, generic, before, after, end, noise)
            if cand is not None:
                out.append(cand)
    return out


def _segment_candidate(text, start, end, suffixes, subunits, generic, before, after, region_end, noise):
    from extract.components.orgs import Candidate  # noqa: PLC0415

    name = text[start:end]
    res = _lexicon()[0]
    if len(name) < 3 or any(g in name for g in generic) or overlaps_noise(noise, start, end):
        return None
    if any(name.startswith(p) for p in res.get("generic_prefixes", [])):
        return None
    venue_after = res.get("venue_after", [])
    if before in res.get("venue_before", []) and (after in venue_after or any(text.startswith(v, end) for v in venue_after)):
        return None
    inside = [a for a in suffixes if start <= a[1] and a[2] <= end]
    if not inside:  # a company's country branch before 和/与 ("赛诺菲中国")
        return Candidate(name, start, end, kind="company")
    last = inside[-1]
    if last[1] - start < 2:
        return None
    cand = Candidate(name, start, end)
    keeps_office = text[inside[-2][1]:inside[-2][2]] in res.get("subunit_keeping_parents", []) if len(inside) > 1 else False
    if text[last[1]:last[2]] in subunits and len(inside) > 1 and inside[-2][2] - start >= 3 and not keeps_office:
        cand.name = text[start:inside[-2][2]]
        cand.aliases.append(name)
    soft = [m.end() for m in re.finditer("[与和及]", cand.name)]
    if soft:
        cand.han_tail = cand.name[soft[-1] - 0:]
    return cand
