"""Build the spaCy pipeline of a language, and turn cleaned text into an annotated ``Doc``.

``build_nlp(lang)`` is ``spacy.blank(lang)`` (or ``spacy.blank("xx")`` for
languages spaCy cannot tokenise without extra packages, e.g. Japanese), a
sentencizer and our registered components in a fixed order:

    sinoeu_noise, sinoeu_acronyms, sinoeu_orgs, sinoeu_places, sinoeu_persons,
    sinoeu_dates, sinoeu_events, sinoeu_roles, sinoeu_projects, sinoeu_sectors

The last five live in ``extract/components/{dates,events,roles,projects,sectors}.py``;
a component whose module or factory is missing is left out and named in the
log, so one half of the extractor runs without the other. Chinese uses
spaCy's default character segmenter: nothing is downloaded.

Optional: with ``use_statistical_ner=True`` and a spaCy pipeline such as
``en_core_web_sm`` installed, that pipeline is the base instead of the blank
one (its tokenizer and NER run first, filling ``doc.ents``). Our components
do not read ``doc.ents`` yet, and the CLI does not expose the option: using
its ORG entities as extra candidates is future work. Nothing requires it.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from extract.attrs import ATTRS, ensure_extensions
from extract.components.noise import normalise_noise

log = logging.getLogger(__name__)

OWN_COMPONENTS = ("sinoeu_noise", "sinoeu_acronyms", "sinoeu_orgs", "sinoeu_places", "sinoeu_persons")
LATER_COMPONENTS = ("sinoeu_dates", "sinoeu_events", "sinoeu_roles", "sinoeu_projects", "sinoeu_sectors")
# spacy.blank() of these needs tokenizer packages we do not ship (SudachiPy, mecab-ko, pythainlp, pyvi).
NEEDS_EXTERNAL_TOKENIZER = frozenset({"ja", "ko", "th", "vi"})
STATISTICAL_PIPELINES = ("{lang}_core_web_sm", "{lang}_core_news_sm", "{lang}_core_web_md", "{lang}_core_news_md")


def spacy_language(lang: str | None) -> str:
    """The spaCy language code to build: ``lang`` when spaCy has it, else ``"xx"`` (multi-language).

    >>> spacy_language("de"), spacy_language("und"), spacy_language("ja"), spacy_language(None)
    ('de', 'xx', 'xx', 'xx')
    """
    if not lang or lang in NEEDS_EXTERNAL_TOKENIZER or not lang.isalpha():
        return "xx"
    return lang if importlib.util.find_spec(f"spacy.lang.{lang}") is not None else "xx"


def _register_components() -> None:
    """Import every component module so its factory is registered (missing modules are skipped)."""
    for module in ("noise", "acronyms", "orgs", "places", "persons", "dates", "events", "roles", "projects", "sectors"):
        name = f"extract.components.{module}"
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name)


def _statistical_base(lang: str) -> Language | None:
    for template in STATISTICAL_PIPELINES:
        package = template.format(lang=lang)
        if importlib.util.find_spec(package) is not None:
            log.info("using installed statistical pipeline %s for NER candidates", package)
            return spacy.load(package, exclude=["lemmatizer", "attribute_ruler", "senter"])
    return None


@lru_cache(maxsize=None)
def build_nlp(lang: str, use_statistical_ner: bool = False) -> Language:
    """The (cached) pipeline for ``lang``; see the module docstring for the components and their order."""
    ensure_extensions()
    _register_components()
    code = spacy_language(lang)
    nlp = (_statistical_base(code) if use_statistical_ner else None) or spacy.blank(code)
    if "sentencizer" not in nlp.pipe_names and "parser" not in nlp.pipe_names:
        nlp.add_pipe("sentencizer")
    missing = []
    for factory in OWN_COMPONENTS + LATER_COMPONENTS:
        if Language.has_factory(factory):
            nlp.add_pipe(factory)
        else:
            missing.append(factory)
    if missing:
        log.warning("pipeline %s built without unregistered components: %s", code, ", ".join(missing))
    return nlp


def make_doc(clean_text, source, lang: str, *, use_statistical_ner: bool = False) -> Doc:
    """Run the pipeline over ``clean_text.text`` with the source, its date and the noise spans set first.

    ``clean_text`` is an ``extract.clean.CleanText``; ``source`` an
    ``extract.sources.SourceDocument`` (or None).
    """
    nlp = build_nlp(lang, use_statistical_ner)
    doc = nlp.make_doc(clean_text.text)
    doc._.set(ATTRS.source, source)
    doc._.set(ATTRS.doc_date, getattr(source, "date", None))
    doc._.set(ATTRS.noise, normalise_noise(clean_text.noise))
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc
