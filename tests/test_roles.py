"""Role facts from trigger phrases, with organizations handed in (the org half is tested elsewhere)."""

from __future__ import annotations

import re

import spacy

from extract.attrs import ATTRS, OrgEntity, PersonEntity, ensure_extensions
from extract.components import dates, events, roles  # noqa: F401  (register the factories)
from extract.components.event_attrs import EVENTS


def run_roles(text: str, lang: str, orgs: list[str], persons: tuple[tuple[str, str], ...] = (), doc_date=None):
    """Events with roles for ``text``; ``orgs`` are names found verbatim, ``persons`` (name, organization)."""
    ensure_extensions()
    nlp = spacy.blank(lang)
    for name in ("sinoeu_dates", "sinoeu_events", "sinoeu_roles"):
        nlp.add_pipe(name)
    doc = nlp.make_doc(text)
    doc._.set(ATTRS.doc_date, doc_date)
    doc._.set(ATTRS.noise, [])
    doc._.set(ATTRS.orgs, [OrgEntity(key=n.lower(), name=n, mentions=_find(n, text)) for n in orgs])
    doc._.set(ATTRS.persons, [PersonEntity(n, None, o, _find(n, text)) for n, o in persons])
    for _, component in nlp.pipeline:
        doc = component(doc)
    return doc._.get(EVENTS)


def _find(form: str, text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(re.escape(form), text)]


def facts(events) -> set[tuple[str, str, str]]:
    return {(e.name, r.organization, r.role) for e in events for r in e.roles}


def test_jointly_hosted_gives_each_a_co_host_and_evidence_span():
    text = ("The Arctic Shipping Forum took place in Tromso on 2 May 2025. "
            "The forum was jointly hosted by Polar Port Authority, Nordic Sea Institute and Harbin Marine Group.")
    [event] = run_roles(text, "en", ["Polar Port Authority", "Nordic Sea Institute", "Harbin Marine Group"])
    assert {(r.organization, r.role) for r in event.roles} == {
        ("Polar Port Authority", "co-host"), ("Nordic Sea Institute", "co-host"), ("Harbin Marine Group", "co-host")}
    role = event.roles[0]
    assert text[role.start:role.end].startswith("The forum was jointly hosted by")


def test_organized_by_one_is_organizer_and_two_are_co_organizers():
    one = run_roles("The Baltic Wind Forum was organized by Gdynia Energy Cluster.", "en", ["Gdynia Energy Cluster"])
    two = run_roles("The Baltic Wind Forum was organized by Gdynia Energy Cluster and Qingdao Wind Council.", "en",
                    ["Gdynia Energy Cluster", "Qingdao Wind Council"])
    assert {r.role for r in one[0].roles} == {"organizer"}
    assert {r.role for r in two[0].roles} == {"co-organizer"}


def test_support_far_from_any_organization_names_nobody():
    text = ("The Baltic Wind Forum was held in Riga. It was a step taken with the support of public and private "
            "partners, helping the United Nations goals.")
    [event] = run_roles(text, "en", ["United Nations"])
    assert event.roles == []


def test_attendee_dropped_beside_a_more_specific_role():
    text = ("The Alpine Rail Dialogue was hosted by Tyrol Rail Agency. "
            "Tyrol Rail Agency and Sichuan Rail Institute attended the dialogue.")
    got = facts(run_roles(text, "en", ["Tyrol Rail Agency", "Sichuan Rail Institute"]))
    assert got == {("Alpine Rail Dialogue", "Tyrol Rail Agency", "host"),
                   ("Alpine Rail Dialogue", "Sichuan Rail Institute", "attendee")}


def test_speaker_role_passes_from_a_person_with_one_affiliation_only():
    text = ("The Rhine Battery Forum was held in Basel. Ms. Eva Roth, Director of Basel Energy Office, and "
            "Mr. Chen Bo, adviser to Wuxi Power Group and partner at Lake Capital, delivered speeches.")
    events = run_roles(text, "en", ["Basel Energy Office", "Wuxi Power Group", "Lake Capital"],
                       (("Eva Roth", "Basel Energy Office"), ("Chen Bo", "Wuxi Power Group"), ("Chen Bo", "Lake Capital")))
    assert facts(events) == {("Rhine Battery Forum", "Basel Energy Office", "speaker")}


def test_coordinated_trigger_shares_the_subject():
    text = ("The Rhine Battery Forum was held in Basel. Ms. Eva Roth, Director of Basel Energy Office, "
            "attended the forum and delivered a keynote speech.")
    events = run_roles(text, "en", ["Basel Energy Office"], (("Eva Roth", "Basel Energy Office"),))
    assert facts(events) == {("Rhine Battery Forum", "Basel Energy Office", "speaker")}


def test_signing_without_a_named_ceremony_creates_a_signing_event():
    text = ("The Danube Logistics Summit took place in Budapest on 12 June 2025. At the end of the summit, "
            "Budapest Port Company signed a cooperation agreement with Chongqing Logistics Group.")
    events = run_roles(text, "en", ["Budapest Port Company", "Chongqing Logistics Group"])
    signing = next(e for e in events if e.type == "signing")
    assert signing.name == "cooperation agreement with Chongqing Logistics Group"
    assert signing.date == "2025-06-12"  # the summit's day: signed "at the end of the summit"
    assert {(r.organization, r.role) for r in signing.roles} == {
        ("Budapest Port Company", "signatory"), ("Chongqing Logistics Group", "signatory")}


def test_german_circumfix_trigger():
    text = ("Am 5. Mai fand die Hafenkonferenz Elbe in Hamburg statt. Die Konferenz wurde gemeinsam von der "
            "Hamburger Hafenbehörde und der Ningbo Port Group ausgerichtet.")
    events = run_roles(text, "de", ["Hamburger Hafenbehörde", "Ningbo Port Group"], doc_date="2025-05-06")
    assert {(r.organization, r.role) for e in events for r in e.roles} == {
        ("Hamburger Hafenbehörde", "co-host"), ("Ningbo Port Group", "co-host")}


def test_chinese_signing_with_several_partners():
    text = "签约仪式现场。青岛市人民政府与汉堡商会、不来梅港口集团等2家机构成功签约。"
    events = run_roles(text, "zh", ["青岛市人民政府", "汉堡商会", "不来梅港口集团"])
    [signing] = [e for e in events if e.type == "signing"]
    assert signing.name == "签约仪式"
    assert {r.organization for r in signing.roles} == {"青岛市人民政府", "汉堡商会", "不来梅港口集团"}


def test_chinese_host_organizer_supporter_in_one_sentence():
    text = "5月8日,中德氢能论坛在汉堡举行。论坛由北德氢能协会和汉堡商会共同主办,青岛能源研究院承办,德国联邦经济部指导。"
    events = run_roles(text, "zh", ["北德氢能协会", "汉堡商会", "青岛能源研究院", "德国联邦经济部"])
    assert {(r.organization, r.role) for e in events for r in e.roles} == {
        ("北德氢能协会", "co-host"), ("汉堡商会", "co-host"), ("青岛能源研究院", "organizer"), ("德国联邦经济部", "supporter")}


def test_active_voice_host_in_english_and_spanish():
    en = run_roles("Porto Energy Agency hosted the Atlantic Wind Forum in Porto.", "en", ["Porto Energy Agency"])
    es = run_roles("La Cámara de Vigo y Shanghai Ports Group organizaron el Foro Atlántico del Viento en Vigo.", "es",
                   ["Cámara de Vigo", "Shanghai Ports Group"])
    assert facts(en) == {("Atlantic Wind Forum", "Porto Energy Agency", "host")}
    assert {(r.organization, r.role) for e in es for r in e.roles} == {
        ("Cámara de Vigo", "co-organizer"), ("Shanghai Ports Group", "co-organizer")}


def test_trigger_table_is_a_registered_versioned_helper_that_config_can_swap():
    from spacy.util import registry

    @registry.misc("test.only_signed.v1")
    def only_signed():
        import re as _re
        return lambda lang: ((_re.compile(r"\bsigned\b"), {"role": "signatory", "scope": "both"}),)

    nlp = spacy.blank("en")
    assert nlp.add_pipe("sinoeu_roles").triggers("en")  # default: sinoeu.role_triggers.v1
    swapped = spacy.blank("en").add_pipe("sinoeu_roles", config={"triggers": {"@misc": "test.only_signed.v1"}})
    assert [spec["role"] for _, spec in swapped.triggers("de")] == ["signatory"]
