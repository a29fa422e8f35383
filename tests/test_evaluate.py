"""extract.evaluate: the gold README's scoring convention, exact counts on hand-made perturbations."""

from __future__ import annotations

import copy

import pytest

from extract.evaluate import Counts, evaluate, format_report, load_gold_dir, name_match_tier, norm
from extract.records import Event, ExtractionRecord, Organization, Person, Project, RoleFact


@pytest.fixture(scope="module")
def gold(gold_dir):
    return load_gold_dir(gold_dir)


def counts(report, category):
    c = report.micro[category]
    return (c.tp, c.fp, c.fn)


def test_gold_against_itself_is_perfect(gold):
    report = evaluate(gold, copy.deepcopy(gold))
    assert len(report.documents) == 5
    for document in report.documents:
        assert all(c.f1 == 1.0 and c.fp == c.fn == 0 for c in document.counts.values()), document.id
    assert all(c.f1 == 1.0 for c in report.micro.values())
    assert all(a.value == 1.0 for a in report.attributes.values())
    assert counts(report, "organizations")[0] == sum(len(r.organizations) for r in gold)


def test_perturbed_copy_gives_exact_counts(gold):
    predicted = copy.deepcopy(gold)
    first = next(r for r in predicted if r.id.startswith("000"))
    removed_org = first.organizations.pop(0)
    first.organizations.append(Organization(name="Acme Widgets Ltd", acronym="AWL"))
    cietc = next(o for o in first.organizations if o.acronym == "MIIT-CIETC")
    cietc.country = "XX"
    first.persons.pop()
    first.persons.append(Person(name="Mr. Yang Zijian", post="Vice Chairman"))  # duplicate name: counted once
    first.events[0].name = "Opening Ceremony"  # contained in the gold name: still a match
    first.events[0].roles[0].role = "partner"  # strict and lenient: one FP and one FN
    first.projects[0].name = "Something else entirely"
    report = evaluate(gold, predicted)
    n_orgs = sum(len(r.organizations) for r in gold)
    n_roles = sum(len(e.roles) for r in gold for e in r.events)
    n_persons = sum(len({p.name for p in r.persons}) for r in gold)
    n_projects = sum(len(r.projects) for r in gold)
    assert counts(report, "organizations") == (n_orgs - 1, 1, 1)
    assert counts(report, "persons") == (n_persons - 1, 0, 1)
    assert counts(report, "events") == (sum(len(r.events) for r in gold), 0, 0)
    assert counts(report, "roles") == (n_roles - 1, 1, 1)
    assert counts(report, "roles_lenient") == (n_roles - 1, 1, 1)
    assert counts(report, "projects") == (n_projects - 1, 1, 1)
    country = report.attributes["country"]
    gold_countries = sum(1 for r in gold for o in r.organizations if o.country is not None)
    assert removed_org.country is None
    assert (country.correct, country.total) == (gold_countries - 1, gold_countries)


def record(id_, **fields):
    return ExtractionRecord(id=id_, **fields)


ORGS = [Organization("Port of Hamburg", acronym="HPA"), Organization("City of Shanghai"), Organization("Ningbo Zhoushan Port")]


def test_attendee_adjustment_and_lenient_roles():
    gold = record("x", organizations=ORGS, events=[Event("Green Ports Forum", "forum", "2024-05-02", roles=[
        RoleFact("Port of Hamburg", "co-host"), RoleFact("City of Shanghai", "co-host")])])
    predicted = record("x", organizations=ORGS, events=[Event("the Green Ports Forum", "forum", None, roles=[
        RoleFact("HPA", "host"),  # strict: FP (and the gold co-host is FN); lenient: TP
        RoleFact("City of Shanghai", "attendee"),  # dropped: the pair has a more specific gold role
        RoleFact("City of Shanghai", "co-host"),
        RoleFact("Ningbo Zhoushan Port", "attendee"),  # no gold role at all: FP
    ])])
    report = evaluate([gold], [predicted])
    assert counts(report, "roles") == (1, 2, 1)
    assert counts(report, "roles_lenient") == (2, 1, 0)


def test_optional_mentions_are_neither_credited_nor_penalised():
    optional_doc = "000_5bd6062d5236fdc8"
    extra = Organization("Ministry of Industry and Information Technology", acronym="MIIT")
    gold = [record(optional_doc, organizations=ORGS[:1]), record("other", organizations=ORGS[:1])]
    predicted = [record(optional_doc, organizations=[ORGS[0], extra]), record("other", organizations=[ORGS[0], extra])]
    report = evaluate(gold, predicted)
    by_id = {d.id: d.counts["organizations"] for d in report.documents}
    assert (by_id[optional_doc].tp, by_id[optional_doc].fp) == (1, 0)
    assert (by_id["other"].tp, by_id["other"].fp) == (1, 1)


def test_persons_ignore_honorifics_and_duplicates():
    gold = record("p", organizations=ORGS, persons=[Person("Anna Weber", "Director", "Port of Hamburg"),
                                                     Person("Anna Weber", "Chair", "City of Shanghai"), Person("王明")])
    predicted = record("p", organizations=ORGS, persons=[Person("Dr. Anna Weber", "Chair", "HPA"), Person("王明先生"),
                                                          Person("Anna  Weber")])
    report = evaluate([gold], [predicted])
    assert counts(report, "persons") == (2, 0, 0)
    assert (report.attributes["person_post"].correct, report.attributes["person_post"].total) == (1, 2)
    assert (report.attributes["person_organization"].correct, report.attributes["person_organization"].total) == (1, 2)


def test_event_name_ties_go_to_the_gold_name_closest_in_length():
    gold = record("e", organizations=ORGS, events=[
        Event("Green Ports Conference", "conference"),
        Event("Green Ports Conference Series Workshop on Hydrogen", "workshop", roles=[RoleFact("Port of Hamburg", "host")]),
    ])
    predicted = record("e", organizations=ORGS, events=[
        Event("Green Ports Conference Series Workshop", "workshop", roles=[RoleFact("Port of Hamburg", "host")])])
    report = evaluate([gold], [predicted])
    assert counts(report, "events") == (1, 0, 1)
    assert counts(report, "roles") == (1, 0, 0)


def test_events_match_by_date_and_type_when_names_differ():
    gold = record("d", events=[Event("Signing of the harbour memorandum", "signing", "2024-05-02")])
    same = record("d", events=[Event("Ceremony in Hamburg", "signing", "2024-05-02")])
    other_date = record("d", events=[Event("Ceremony in Hamburg", "signing", "2024-05-03")])
    assert counts(evaluate([gold], [same]), "events") == (1, 0, 0)
    assert counts(evaluate([gold], [other_date]), "events") == (0, 1, 1)


def test_projects_match_by_name_rules_only():
    gold = record("j", projects=[Project("Hamburg-Shanghai Green Corridor Pilot")])
    assert counts(evaluate([gold], [record("j", projects=[Project("Green Corridor Pilot")])]), "projects") == (1, 0, 0)
    assert counts(evaluate([gold], [record("j", projects=[Project("Solar roofs")])]), "projects") == (0, 1, 1)


def test_missing_documents_are_all_false_negatives_and_extra_ids_are_listed():
    gold = record("g", organizations=ORGS)
    report = evaluate([gold], [record("unknown", organizations=ORGS)])
    assert counts(report, "organizations") == (0, 0, 3)
    assert report.unscored == ["unknown"]


@pytest.mark.parametrize("a, b, tier", [
    ("China-EU Office", "China EU Office", 3),
    ("Launch Meeting", "The Launch Meeting of the Pilot", 2),
    ("Forum on green hydrogen ports in northern Europe", "Forum on green hydrogen ports in Europe 2024", 1),
    ("中欧碳中和合作研讨会", "中欧碳中和合作研讨会议", 2),
    ("Green Ports Forum", "Solar Roof Day", 0),
])
def test_name_match_tiers(a, b, tier):
    assert name_match_tier(a, b) == tier


def test_norm():
    assert norm("The “Finnish House Owners’ Association”") == norm("Finnish House Owners' Association")
    assert norm("恩斯特·沃勒尔") == "恩斯特沃勒尔"
    assert norm("Centerfor International") == norm("Center for International")


def test_counts_edge_cases():
    assert (Counts().precision, Counts().recall, Counts().f1) == (1.0, 1.0, 1.0)
    assert (Counts(0, 2, 0).precision, Counts(0, 2, 0).f1) == (0.0, 0.0)
    assert Counts(3, 1, 1).f1 == pytest.approx(0.75)


def test_format_report(gold):
    text = format_report(evaluate(gold, copy.deepcopy(gold)))
    assert "== micro average over 5 documents" in text
    n_orgs = sum(len(r.organizations) for r in gold)
    assert f"organizations   {n_orgs:>4}    0    0  1.000  1.000  1.000" in text
    assert "country" in text and "kind" in text


def test_doctests_of_the_module():
    import doctest

    import extract.evaluate

    result = doctest.testmod(extract.evaluate)
    assert result.failed == 0 and result.attempted > 0
