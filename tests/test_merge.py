"""Cross-document identity: rules, corroboration, vetoes and order independence."""

import random

import pytest

from extract.records import record_from_dict
from graph.merge import place_key, public_body_key, resolve_identity

BASE = "https://w3id.org/sinoeu-kg/"
CECCO_PL = "Biuro Współpracy Chińsko-Unijnej na Rzecz Neutralności Węglowej"


def rec(doc_id, lang="en", **fields):
    return record_from_dict({"id": doc_id, "lang": lang, **fields})


def org(name, acronym=None, **extra):
    return {"name": name, "acronym": acronym, **extra}


def clusters(identity, kind):
    out = {}
    for (k, doc, _), iri in identity.iris.items():
        if k == kind:
            out.setdefault(iri, set()).add(doc)
    return out


@pytest.fixture(scope="module")
def gold_identity(gold_records):
    return resolve_identity(gold_records, base_iri=BASE)


def _doc(records, prefix):
    return next(r.id for r in records if r.id.startswith(prefix))


def test_cecco_is_one_entity_across_en_de_pl(gold_identity, gold_records):
    ids = {gold_identity.iri("org", _doc(gold_records, d), "China-EU Carbon Neutrality Cooperation Office")
           for d in ("000", "001", "002")}
    ids.add(gold_identity.iri("org", _doc(gold_records, "003"), CECCO_PL))
    assert len(ids) == 1


@pytest.mark.parametrize("names", [
    ("Taicang Municipal Government", "Stadtverwaltung von Taicang", "Urząd Miasta Taicang"),
    ("Jiangsu Provincial Government", "Provinzregierung von Jiangsu", "rząd prowincji Jiangsu"),
    ("Suzhou Municipal Government", "Stadtverwaltung von Suzhou", "Urząd Miasta Suzhou"),
])
def test_government_bodies_merge_across_languages(gold_identity, gold_records, names):
    docs = [_doc(gold_records, d) for d in ("001", "002", "003")]
    assert len({gold_identity.iri("org", d, n) for d, n in zip(docs, names)}) == 1


def test_launch_meeting_is_one_event_with_three_sources(gold_identity):
    launch = [docs for iri, docs in clusters(gold_identity, "event").items() if "launch-meeting" in iri]
    assert len(launch) == 1 and {d[:3] for d in launch[0]} == {"001", "002", "003"}
    decision = [d for d in gold_identity.decisions if d.rule == "event-date-type-participant"]
    assert len(decision) == 1 and decision[0].key == "2023-08-08|launch" and len(decision[0].documents) == 3


def test_every_multi_document_entity_has_a_decision(gold_identity):
    decided = {d.entity for d in gold_identity.decisions}
    for kind in ("org", "event", "project", "place", "person"):
        for iri, docs in clusters(gold_identity, kind).items():
            if len(docs) > 1:
                assert iri in decided, iri
    for d in gold_identity.decisions:
        assert d.rule and d.key and len(d.documents) >= 2 and len(d.names) >= 1


def test_short_acronym_alone_never_merges():
    a = rec("a", organizations=[org("China Broadcasting Society", "CBS")])
    b = rec("b", organizations=[org("China Institute of Building Standard Design and Research", "CBS")])
    identity = resolve_identity([a, b], base_iri=BASE)
    assert identity.iri("org", "a", "China Broadcasting Society") != identity.iri(
        "org", "b", "China Institute of Building Standard Design and Research")
    assert not identity.decisions


def test_acronym_with_a_shared_co_participant_merges():
    event = lambda name, orgs: {"name": name, "type": "meeting", "roles": [{"organization": o, "role": "attendee"} for o in orgs]}  # noqa: E731
    a = rec("a", organizations=[org("Institut für Zusammenarbeit", "IFZ"), org("Roland Berger")],
            events=[event("Treffen", ["Institut für Zusammenarbeit", "Roland Berger"])])
    b = rec("b", organizations=[org("Institute for Cooperation", "IFZ"), org("Roland Berger")],
            events=[event("Meeting", ["Institute for Cooperation", "Roland Berger"])])
    identity = resolve_identity([a, b], base_iri=BASE)
    assert identity.iri("org", "a", "Institut für Zusammenarbeit") == identity.iri("org", "b", "Institute for Cooperation")
    assert {d.rule for d in identity.decisions} == {"same-name", "acronym-corroborated"}


def test_not_same_as_vetoes_a_merge():
    a = rec("a", organizations=[org("Helsinki Partners")])
    b = rec("b", organizations=[org("Helsinki Partners")])
    assert len(clusters(resolve_identity([a, b], base_iri=BASE), "org")) == 1
    vetoed = resolve_identity([a, b], base_iri=BASE, not_same_as=[("Helsinki Partners", "helsinki partners")])
    assert len(clusters(vetoed, "org")) == 1  # a name cannot be vetoed against itself
    c = rec("c", organizations=[org("Helsinki Partners Oy", aliases=["Helsinki Partners"])])
    split = resolve_identity([a, c], base_iri=BASE, not_same_as=[("Helsinki Partners Oy", "Helsinki Partners")])
    assert len(clusters(split, "org")) == 2


def test_persons_merge_on_name_and_organization_only():
    person = lambda name, o: {"name": name, "post": "Director", "organization": o}  # noqa: E731
    a = rec("a", organizations=[org("Helsinki Partners"), org("Deutsche Börse Group")],
            persons=[person("Dr. Anna Keller", "Helsinki Partners"), person("Jan Nowak", "Deutsche Börse Group")])
    b = rec("b", organizations=[org("Helsinki Partners"), org("Roland Berger")],
            persons=[person("Anna Keller", "Helsinki Partners"), person("Jan Nowak", "Roland Berger")])
    identity = resolve_identity([a, b], base_iri=BASE)
    assert identity.iri("person", "a", "Dr. Anna Keller") == identity.iri("person", "b", "Anna Keller")
    assert identity.iri("person", "a", "Jan Nowak") != identity.iri("person", "b", "Jan Nowak")


def test_identity_is_a_function_of_the_set(gold_records):
    reference = resolve_identity(gold_records, base_iri=BASE)
    rng = random.Random(7)
    for _ in range(5):
        shuffled = list(gold_records)
        rng.shuffle(shuffled)
        other = resolve_identity(shuffled, base_iri=BASE)
        assert other.iris == reference.iris and other.decisions == reference.decisions


@pytest.mark.parametrize("name,key", [
    ("Comune di Taicang", "city-government:taicang"), ("Municipalité de Taicang", "city-government:taicang"),
    ("Ayuntamiento de Taicang", "city-government:taicang"), ("太仓市政府", "city-government:taicang"),
    ("Urzędu Miasta Taicang", "city-government:taicang"), ("江苏省人民政府", "provincial-government:jiangsu"),
    ("governo provinciale del Jiangsu", "provincial-government:jiangsu"),
    ("gobierno provincial de Jiangsu", "provincial-government:jiangsu"),
    ("Helsinki Partners", None), ("Government of China", None),
])
def test_public_body_patterns(name, key):
    assert public_body_key(name) == key


def test_place_keys_fold_exonyms_and_generic_words():
    assert place_key("Peking, China") == place_key("Pekin") == place_key("北京") == "beijing"
    assert place_key("Stadt Taicang, Provinz Jiangsu") == place_key("Taicang, prowincja Jiangsu") == "taicang"
    assert place_key("Hamburg") != place_key("Qingdao")


def test_sub_units_of_one_merged_parent_at_one_event_merge(gold_identity, gold_records):
    english = "Center for International Economic and Technological Cooperation of the Ministry of Industry and Information Technology"
    polish = ("Centrum Międzynarodowej Współpracy Gospodarczo-Technologicznej przy Ministerstwie Przemysłu "
              "i Technologii Informacyjnej")
    assert gold_identity.iri("org", _doc(gold_records, "001"), english) == gold_identity.iri(
        "org", _doc(gold_records, "003"), polish)
    decision = next(d for d in gold_identity.decisions if d.rule == "sub-unit-of-merged-parent")
    assert decision.key.startswith("ministryofindustryandinformationtechnology @ launchmeeting")


def test_two_sub_units_of_one_parent_in_one_document_stay_apart():
    ministry = "Ministry of Industry and Information Technology"
    units_a = [f"Center A of the {ministry}", f"Center B of the {ministry}"]
    event = lambda orgs: {"name": "Launch", "type": "launch", "date": "2023-08-08",  # noqa: E731
                          "roles": [{"organization": o, "role": "co-host"} for o in orgs]}
    a = rec("a", organizations=[org(ministry, "MIIT")] + [org(u) for u in units_a], events=[event([ministry, *units_a])])
    b = rec("b", organizations=[org(ministry, "MIIT"), org(f"Zentrum des {ministry}")],
            events=[event([ministry, f"Zentrum des {ministry}"])])
    identity = resolve_identity([a, b], base_iri=BASE)
    assert identity.iri("org", "b", f"Zentrum des {ministry}") not in {identity.iri("org", "a", u) for u in units_a}
    assert identity.iri("org", "a", ministry) == identity.iri("org", "b", ministry)
