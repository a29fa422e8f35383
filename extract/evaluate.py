"""Score extraction records against gold records, by the convention of ``../shared/seeds-gold/README.md``.

Summary of that convention (the README is the authority):

* ``norm(s)``: NFKC, casefold, drop a leading English "the ", delete every
  whitespace, punctuation and symbol character (Unicode Z*, P*, S*).
* Matching is one-to-one and greedy, strongest evidence first.
* Organizations match when their key sets {name, acronym, aliases} (normed)
  intersect. Persons match on normed names without honorifics; gold persons
  (and, symmetrically, predicted persons) are deduplicated by name.
* Events match by name (equal, containment, overlap coefficient >= 0.8 on
  word tokens, or character bigrams for Chinese), preferring the gold name
  closest in length; then by equal date (null = null) and type.
* Role facts are (event, organization, role) triples through those matches;
  a predicted ``attendee`` triple is dropped when the gold pair (event,
  organization) already has another role; a lenient score maps co-host to
  host and co-organizer to organizer on both sides.
* Projects match by name like events. Country and kind accuracy is counted
  over matched organizations whose gold value is not null.
* Optional mentions are neither credited nor penalised: predictions matching
  them are removed before counting.

Documents are those of the gold set; predictions for other ids are listed in
``EvaluationReport.unscored`` and not counted.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from extract.records import ExtractionRecord, load_records
from extract.words import norm

CATEGORIES = ("organizations", "persons", "events", "roles", "roles_lenient", "projects")
ATTRIBUTES = ("country", "kind", "person_post", "person_organization")
NAME_OVERLAP = 0.8
HONORIFICS = re.compile(r"^(?:(?:mr|mrs|ms|dr|prof|sir|madam)\.?\s+)+|(?:先生|女士|博士|教授)$", re.I)
LENIENT_ROLES = {"co-host": "host", "co-organizer": "organizer"}

# Part of the published scoring convention (../shared/seeds-gold/README.md, "Optional mentions"),
# not of the extractor: organizations named only inside another organization's name.
OPTIONAL_MENTIONS: dict[str, tuple[str, ...]] = {
    "000_5bd6062d5236fdc8": ("Ministry of Industry and Information Technology",),
    "004_daf4b2981aeec1ca": ("对外经济贸易大学", "商务部", "国务院"),
}


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float(self.fn == 0)

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float(self.fp == 0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: "Counts") -> None:
        self.tp, self.fp, self.fn = self.tp + other.tp, self.fp + other.fp, self.fn + other.fn


@dataclass
class Accuracy:
    correct: int = 0
    total: int = 0

    @property
    def value(self) -> float | None:
        return self.correct / self.total if self.total else None


@dataclass
class DocumentScore:
    id: str
    counts: dict[str, Counts] = field(default_factory=lambda: {c: Counts() for c in CATEGORIES})
    attributes: dict[str, Accuracy] = field(default_factory=lambda: {a: Accuracy() for a in ATTRIBUTES})


@dataclass
class EvaluationReport:
    documents: list[DocumentScore]
    micro: dict[str, Counts]
    attributes: dict[str, Accuracy]
    unscored: list[str] = field(default_factory=list)  # predicted ids without gold


def _greedy(pairs: list[tuple[tuple, int, int]]) -> dict[int, int]:
    """One-to-one assignment: pairs (strength, pred, gold) taken strongest first. Returns pred -> gold."""
    taken_pred: dict[int, int] = {}
    taken_gold: set[int] = set()
    for _, p, g in sorted(pairs, key=lambda t: t[0], reverse=True):
        if p not in taken_pred and g not in taken_gold:
            taken_pred[p] = g
            taken_gold.add(g)
    return taken_pred


def _org_keys(org) -> set[str]:
    return {k for k in (norm(org.name), norm(org.acronym), *map(norm, org.aliases)) if k}


def _name_tokens(name: str) -> set[str]:
    if re.search(r"[\u3400-\u9fff]", name):
        n = norm(name)
        return {n[i:i + 2] for i in range(len(n) - 1)} or {n}
    return set(re.findall(r"\w+", unicodedata.normalize("NFKC", name).casefold()))


def name_match_tier(predicted: str, gold: str) -> int:
    """3 equal, 2 containment, 1 overlap >= 0.8, 0 no match (event and project names).

    >>> name_match_tier("Launch Meeting", "the Launch Meeting of the Pilot Project")
    2
    """
    p, g = norm(predicted), norm(gold)
    if not p or not g:
        return 0
    if p == g:
        return 3
    if p in g or g in p:
        return 2
    a, b = _name_tokens(predicted), _name_tokens(gold)
    if a and b and len(a & b) / min(len(a), len(b)) >= NAME_OVERLAP:
        return 1
    return 0


def _counts(matched: int, predicted: int, gold: int) -> Counts:
    return Counts(matched, predicted - matched, gold - matched)


def _person_name(name: str) -> str:
    return norm(HONORIFICS.sub("", name.strip()))


def score_document(gold: ExtractionRecord, pred: ExtractionRecord) -> DocumentScore:
    """Counts and attribute accuracies of one predicted record against its gold record."""
    score = DocumentScore(gold.id)
    gold_keys = [_org_keys(o) for o in gold.organizations]
    optional = {norm(name) for name in OPTIONAL_MENTIONS.get(gold.id, ())}
    orgs = [o for o in pred.organizations
            if not (_org_keys(o) & optional and not any(_org_keys(o) & keys for keys in gold_keys))]
    pairs = []
    for p, org in enumerate(orgs):
        for g, keys in enumerate(gold_keys):
            common = _org_keys(org) & keys
            if common:
                pairs.append(((norm(org.name) == norm(gold.organizations[g].name), len(common)), p, g))
    org_match = _greedy(pairs)
    score.counts["organizations"] = _counts(len(org_match), len(orgs), len(gold.organizations))
    for p, g in org_match.items():
        for attribute in ("country", "kind"):
            expected = getattr(gold.organizations[g], attribute)
            if expected is not None:
                score.attributes[attribute].total += 1
                score.attributes[attribute].correct += getattr(orgs[p], attribute) == expected

    def gold_org_of(name: str) -> int | None:
        """Gold organization index a predicted organization name stands for (through the org matching)."""
        for p, org in enumerate(orgs):
            if norm(org.name) == norm(name) and p in org_match:
                return org_match[p]
        hits = [g for g, keys in enumerate(gold_keys) if norm(name) in keys]
        return hits[0] if len(hits) == 1 else None

    _score_persons(gold, pred, score, gold_org_of)
    event_match = _match_named(pred.events, gold.events, with_date_type=True)
    score.counts["events"] = _counts(len(event_match), len(pred.events), len(gold.events))
    project_match = _match_named(pred.projects, gold.projects, with_date_type=False)
    score.counts["projects"] = _counts(len(project_match), len(pred.projects), len(gold.projects))
    gold_org_index = {norm(o.name): g for g, o in enumerate(gold.organizations)}
    for category, mapping in (("roles", {}), ("roles_lenient", LENIENT_ROLES)):
        gold_triples = {(e, gold_org_index.get(norm(r.organization), "?" + norm(r.organization)), mapping.get(r.role, r.role))
                        for e, event in enumerate(gold.events) for r in event.roles}
        gold_pairs = {(e, o) for e, o, _ in gold_triples}
        predicted = set()
        for p, event in enumerate(pred.events):
            for role in event.roles:
                if norm(role.organization) in optional and gold_org_of(role.organization) is None:
                    continue
                g_org = gold_org_of(role.organization)
                key = (event_match.get(p, -1 - p), g_org if g_org is not None else "?" + norm(role.organization),
                       mapping.get(role.role, role.role))
                if key[2] == "attendee" and (key[0], key[1]) in gold_pairs and key not in gold_triples:
                    continue  # the README's attendee adjustment: (E, O) already has a more specific gold role
                predicted.add(key)
        score.counts[category] = _counts(len(predicted & gold_triples), len(predicted), len(gold_triples))
    return score


def _score_persons(gold, pred, score: DocumentScore, gold_org_of) -> None:
    gold_people: dict[str, list] = {}
    for person in gold.persons:
        gold_people.setdefault(_person_name(person.name), []).append(person)
    predicted: dict[str, list] = {}
    for person in pred.persons:
        predicted.setdefault(_person_name(person.name), []).append(person)
    matched = [name for name in predicted if name and name in gold_people]
    score.counts["persons"] = _counts(len(matched), len(predicted), len(gold_people))
    for name in matched:
        entries = gold_people[name]
        guess = predicted[name][0]
        post = score.attributes["person_post"]
        post.total += 1
        post.correct += any(norm(guess.post) == norm(e.post) for e in entries if e.post)
        organization = score.attributes["person_organization"]
        organization.total += 1
        target = gold_org_of(guess.organization) if guess.organization else None
        organization.correct += target is not None and any(
            norm(e.organization) == norm(gold.organizations[target].name) for e in entries if e.organization)


def _match_named(predicted: list, gold: list, *, with_date_type: bool) -> dict[int, int]:
    pairs = []
    for p, item in enumerate(predicted):
        for g, expected in enumerate(gold):
            tier = name_match_tier(item.name, expected.name)
            if tier:
                # the README: among name matches, the gold name closest in length to the prediction wins
                pairs.append(((1, -abs(len(norm(item.name)) - len(norm(expected.name))), tier), p, g))
    match = _greedy(pairs)
    if with_date_type:
        pairs = [((0, 0, 0), p, g) for p, item in enumerate(predicted) for g, expected in enumerate(gold)
                 if p not in match and g not in match.values()
                 and item.type is not None and item.type == expected.type and item.date == expected.date]
        match.update(_greedy(pairs))
    return match


def evaluate(gold_records: list[ExtractionRecord], predicted_records: list[ExtractionRecord]) -> EvaluationReport:
    """Per-document and micro-averaged scores of ``predicted_records`` against ``gold_records`` (matched by id)."""
    by_id = {record.id: record for record in predicted_records}
    documents = [score_document(gold, by_id.get(gold.id) or ExtractionRecord(id=gold.id))
                 for gold in sorted(gold_records, key=lambda r: r.id)]
    micro = {category: Counts() for category in CATEGORIES}
    attributes = {attribute: Accuracy() for attribute in ATTRIBUTES}
    for document in documents:
        for category, counts in document.counts.items():
            micro[category].add(counts)
        for attribute, accuracy in document.attributes.items():
            attributes[attribute].correct += accuracy.correct
            attributes[attribute].total += accuracy.total
    gold_ids = {record.id for record in gold_records}
    return EvaluationReport(documents, micro, attributes, sorted(set(by_id) - gold_ids))


def load_gold_dir(path: str | Path) -> list[ExtractionRecord]:
    """Every record in the ``*.json`` / ``*.jsonl`` files of a gold directory (or one file)."""
    path = Path(path)
    files = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.suffix in (".json", ".jsonl"))
    return [record for file in files for record in load_records(file)]


def format_report(report: EvaluationReport) -> str:
    """A plain-text table: one block per document, then the micro average and attribute accuracies."""
    header = f"{'category':<15} {'TP':>4} {'FP':>4} {'FN':>4} {'P':>6} {'R':>6} {'F1':>6}"

    def rows(counts: dict[str, Counts]) -> list[str]:
        return [f"{c:<15} {n.tp:>4} {n.fp:>4} {n.fn:>4} {n.precision:>6.3f} {n.recall:>6.3f} {n.f1:>6.3f}"
                for c, n in counts.items()]

    lines = []
    for document in report.documents:
        lines += [f"== {document.id}", header, *rows(document.counts), ""]
    lines += [f"== micro average over {len(report.documents)} documents", header, *rows(report.micro), ""]
    lines.append("attribute accuracy on matched items (gold value not null):")
    for attribute, accuracy in report.attributes.items():
        value = "n/a" if accuracy.value is None else f"{accuracy.value:.3f}"
        lines.append(f"  {attribute:<20} {accuracy.correct}/{accuracy.total} = {value}")
    if report.unscored:
        lines.append(f"not scored (no gold record): {', '.join(report.unscored)}")
    return "\n".join(lines)
