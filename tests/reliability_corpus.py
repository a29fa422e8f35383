"""Mutated documents for the reliability tests, made from the project's own corpus.

The sources are ``demo/*.txt`` and the test corpus ``tests/data/<lang>/*.txt``
(both written by the project). Each :class:`Mutant` is one file written into a
directory, with the outcome the reliability tests accept for it:

- ``ok``: a readable press release (truncated, shuffled, zero-width/RTL noise,
  hostile markup): it must be ingested;
- ``reject``: not a document (binary, empty, oversized, wrong type): it must be
  reported with a reason, never crash the batch;
- ``either``: damaged but possibly recoverable (odd encodings, nested HTML): it
  is ingested or reported with a reason, and nothing else.

The hostile document is written here (no third-party text): markup, ``javascript:``
links, SPARQL-looking strings, IRIs and names with spaces and quotes, RTL overrides,
in a file whose name itself has spaces and quotes.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
BIG_FILE_BYTES = 50 * 1024 * 1024
HOSTILE_STEM = 'hostile "quoted" release\'s <b>name<b> &amp; #frag?x=1'
ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
BIDI = ("\u202e", "\u202d", "\u200f", "\u200e", "\u2067", "\u2069")

HOSTILE_TEXT = """date 2024-05-02 Brussels <script>alert("title")</script> hydrogen agreement

BRUSSELS, May 2, 2024 -- The Acme <script>alert(document.cookie)</script> Energy Agency and the Wuhan Municipal Government signed a cooperation agreement on hydrogen buses on May 2, 2024 in Brussels. The ceremony was co-hosted by the European "Quoted" Institute of Technology (EQIT) and the Hubei Provincial Development Commission.

The partners published details at <a href="javascript:alert('x')">javascript:alert(1)</a> and <img src=x onerror=alert(2)> as well as <iframe src="https://evil.example/"></iframe>.

A data annex lists the query SELECT * WHERE { ?s ?p ?o } ; DROP ALL ; INSERT DATA { <http://evil.example/a b> <http://evil.example/p> "x\\" } . } and the IRI <https://example.org/some path/"quoted"> next to ]]> --> <!-- and '; DROP TABLE organizations; --.

The Director of the Acme <script>alert(document.cookie)</script> Energy Agency, Mr. Jan "Johnny" O'Neil, said the \u202eTNEMEERGA\u202c will help 2 million people in Wuhan reach carbon neutrality by 2035. The \u0627\u0644\u0648\u0643\u0627\u0644\u0629 Hydrogen Office in Brussels and the \u05de\u05e9\u05e8\u05d3 Foundation also joined the project.
"""


@dataclass(frozen=True)
class Mutant:
    """One mutated file and the outcome accepted for it (``ok`` | ``reject`` | ``either``)."""

    path: Path
    kind: str
    expect: str

    @property
    def doc_id(self) -> str:
        return self.path.stem


def corpus_sources() -> list[Path]:
    """The project's own plain-text documents the mutations start from."""
    return sorted(PROJECT_DIR.glob("demo/*.txt")) + sorted(PROJECT_DIR.glob("tests/data/*/*.txt"))


def _paragraphs(text: str) -> list[str]:
    return [p for p in text.split("\n\n") if p.strip()]


def _sprinkle(text: str, chars: tuple[str, ...], rng: random.Random, every: int) -> str:
    out = []
    for i, char in enumerate(text):
        out.append(char)
        if i % every == every - 1 and char != "\n":
            out.append(rng.choice(chars))
    return "".join(out)


def _nested_html(depth: int, text: str) -> str:
    return ("<html><body>" + "<div>" * depth + f"<p>{text}</p>" + "</div>" * depth + "</body></html>")


def write_mutants(out_dir: Path, *, seed: int = 20240502, big: bool = True) -> list[Mutant]:
    """Write the mutated corpus into ``out_dir`` (one file per mutant) and describe it."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    sources = corpus_sources()
    texts = {path.stem: path.read_text(encoding="utf-8") for path in sources}
    latin = [s for s in texts if s.startswith(("de_", "fr_", "es_", "it_"))]
    han = [s for s in texts if s.startswith("zh_")]
    mutants: list[Mutant] = []

    def emit(name: str, data: bytes | str, kind: str, expect: str) -> None:
        path = out_dir / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        mutants.append(Mutant(path, kind, expect))

    for stem in rng.sample(sorted(texts), 3):
        text = texts[stem]
        emit(f"trunc_{stem}.txt", text[: max(200, int(len(text) * rng.uniform(0.3, 0.8)))], "truncated", "ok")
    for stem in rng.sample(sorted(texts), 2):
        paragraphs = _paragraphs(texts[stem])
        rng.shuffle(paragraphs)
        emit(f"shuffled_{stem}.txt", "\n\n".join(paragraphs), "shuffled paragraphs", "ok")
    stem = rng.choice(han)
    emit(f"cutbytes_{stem}.txt", texts[stem].encode("utf-8")[:1501], "truncated mid-character", "either")
    stem = rng.choice(latin)
    emit(f"cp1252_{stem}.txt", texts[stem].encode("cp1252", errors="replace"), "cp1252 encoding", "either")
    emit(f"utf16_{stem}.txt", texts[stem].encode("utf-16"), "utf-16 with BOM", "either")
    halves = _paragraphs(texts[stem])
    mixed = "\n\n".join(halves[: len(halves) // 2]).encode("utf-8") + b"\n\n" + \
        "\n\n".join(halves[len(halves) // 2:]).encode("latin-1", errors="replace")
    emit(f"mixedenc_{stem}.txt", mixed, "mixed utf-8 and latin-1", "either")
    stem = rng.choice(han)
    emit(f"gb18030_{stem}.txt", texts[stem].encode("gb18030"), "gb18030 encoding", "either")
    stem = rng.choice(sorted(texts))
    emit(f"zerowidth_{stem}.txt", _sprinkle(texts[stem], ZERO_WIDTH, rng, 9), "zero-width characters", "ok")
    stem = rng.choice(sorted(texts))
    emit(f"rtl_{stem}.txt", _sprinkle(texts[stem], BIDI, rng, 23), "RTL/bidi controls", "ok")
    emit(f"{HOSTILE_STEM}.txt", HOSTILE_TEXT, "hostile text", "ok")
    body = _paragraphs(texts[rng.choice(sorted(texts))])[1]
    emit("nested_deep.html", _nested_html(5000, body), "deeply nested HTML", "either")
    emit("nested_moderate.html", _nested_html(60, body), "nested HTML", "either")
    emit("binary_random.txt", bytes(rng.getrandbits(8) for _ in range(4096)), "binary", "reject")
    emit("binary_png.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "binary", "reject")
    emit("controls.txt", "".join(chr(rng.randrange(1, 31)) for _ in range(2000)), "control characters", "reject")
    emit("empty.txt", b"", "empty", "reject")
    emit("blank.md", " \n\t\n   \n", "whitespace only", "reject")
    emit("document.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "unsupported type", "reject")
    if big:
        path = out_dir / "huge_50mb.txt"
        chunk = (texts[sorted(texts)[0]] + "\n\n").encode("utf-8")
        with path.open("wb") as handle:
            written = 0
            while written < BIG_FILE_BYTES:
                handle.write(chunk)
                written += len(chunk)
        mutants.append(Mutant(path, "50 MB file", "reject"))
    return mutants
