"""The ``partners`` and ``match`` subcommands, registered on G2's click group.

``graph/cli.py`` calls :func:`register` at its end. The store is opened the
same way the other subcommands open it (``graph.cli``'s helper when present),
read-only, and closed after the command. Extraction of an applicant's text is
imported lazily here - the composition root - so ``graph/matcher.py`` never
loads spaCy.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from graph.errors import SinoeuError


def _split_countries(value: str | None) -> list[str] | None:
    """``"de, fr"`` -> ``["DE", "FR"]``; None stays None."""
    if not value:
        return None
    return [part.strip().upper() for part in value.split(",") if part.strip()]


def _open_store(ctx: click.Context):
    """Open the store read-only exactly as the other subcommands do (graph.cli's helper)."""
    from graph.cli import open_store_from_context

    return open_store_from_context(ctx, read_only=True)


def _settings(ctx: click.Context) -> dict:
    return ctx.find_root().obj["settings"]


def _fail(error: SinoeuError) -> None:
    raise click.ClickException(str(error))


def _print_partners(results) -> None:
    if not results:
        click.echo("No organization has evidence of activity in this sector with these filters.")
        return
    for rank, result in enumerate(results, 1):
        where = ", ".join(filter(None, [result.country, result.kind]))
        click.echo(f"{rank:>2}. {result.name} ({where or 'country/kind unknown'})  score {result.score:.3f}")
        click.echo(f"    {result.iri}")
        click.echo("    why: " + ", ".join(f"{k} {v:.3f}" for k, v in result.breakdown.items() if v))
        for fact in result.facts[:5]:
            click.echo(f"    - {fact.describe()}")
            for evidence in fact.evidence[:1]:
                if evidence.sentence:
                    click.echo(f"      \u201c{evidence.sentence[:200]}\u201d [{evidence.document}]")
                else:
                    click.echo(f"      [document {evidence.document}]")


def _print_match(report) -> None:
    for note in report.notes:
        click.echo(f"note: {note}")
    click.echo(f"applicant sectors: {', '.join(report.applicant_sectors) or '(none found)'}")
    for rank, match in enumerate(report.matches, 1):
        click.echo(f"{rank:>2}. {match.name}  score {match.score:.3f}")
        click.echo(f"    {match.iri}")
        click.echo("    why: " + ", ".join(f"{k} {v:.3f}" for k, v in match.breakdown.items()))
        if match.shared_sectors:
            click.echo(f"    shared sectors: {', '.join(match.shared_sectors)}")
        if match.common_organizations:
            click.echo(f"    organizations in common: {', '.join(match.common_organizations)}")
        for pair in match.passages[:2]:
            click.echo(f"    applicant: {pair.applicant[:160]}")
            click.echo(f"    project:   {pair.project[:160]}  [{pair.document}]  sim {pair.similarity:.2f}")


def register(group: click.Group) -> None:
    """Add ``partners`` and ``match`` to ``group`` (G2's ``main``)."""

    @group.command("partners")
    @click.option("--sector", required=True, help="Sector in any language: energy, Energie, energetyka, 能源 ...")
    @click.option("--country", default=None, help="Comma-separated ISO country codes, e.g. DE,FR.")
    @click.option("--kind", default=None, help="Organization kind: company, government, research, ...")
    @click.option("--near", default=None, help="IRI or name of an organization; closer ones rank higher.")
    @click.option("--since", type=int, default=None, help="Only count activities from this year on.")
    @click.option("--limit", type=int, default=20, show_default=True)
    @click.option("--json", "as_json", is_flag=True, help="Print the results as JSON.")
    @click.pass_context
    def partners(ctx, sector, country, kind, near, since, limit, as_json):
        """Find partner organizations active in a sector, with the evidence why."""
        from graph.partners import find_partners

        with _open_store(ctx) as store:
            try:
                results = find_partners(store, sector=sector, countries=_split_countries(country), kind=kind,
                                        near=near, since=since, limit=limit)
            except SinoeuError as error:
                _fail(error)
        if as_json:
            click.echo(json.dumps([r.to_dict() for r in results], ensure_ascii=False, indent=2))
        else:
            _print_partners(results)

    @group.command("match")
    @click.option("--text", default=None, help="The applicant's self-description, any supported language.")
    @click.option("--file", "file_", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
                  help="A file holding the applicant's self-description.")
    @click.option("--org", "org_iri", default=None, help="IRI of an organization already in the graph.")
    @click.option("--lang", default=None, help="Language of the text (detected when omitted).")
    @click.option("--limit", type=int, default=10, show_default=True)
    @click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
    @click.pass_context
    def match(ctx, text, file_, org_iri, lang, limit, as_json):
        """Match an applicant to existing pilots and projects, explaining each match."""
        from graph.matcher import match_applicant

        given = [x for x in (text, file_, org_iri) if x]
        if len(given) != 1:
            raise click.UsageError("give exactly one of --text, --file or --org")
        if file_ is not None:
            text = file_.read_text(encoding="utf-8")
        record = _extract_applicant(text, lang, _settings(ctx)) if text is not None else None
        with _open_store(ctx) as store:
            try:
                report = match_applicant(store, text=record, org_iri=org_iri, lang=lang, limit=limit,
                                         languages=tuple(_settings(ctx)["languages"]))
            except SinoeuError as error:
                _fail(error)
        if as_json:
            click.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        else:
            _print_match(report)


def _extract_applicant(text: str, lang: str | None, settings: dict) -> dict:
    """Run the applicant's text through the extractor (lazily imported: spaCy loads only here).

    The record's sectors, organizations (with their countries) and language go
    to the matcher with the raw text; it adds sector words found through the
    SKOS labels in the store.
    """
    if not text.strip():
        raise click.UsageError("the applicant's text is empty")
    from extract.api import extract_document
    from extract.sources import SourceDocument

    doc = SourceDocument(id="applicant", text=text, source=None, date=None, lang=lang, title=None)
    record = extract_document(doc, languages=tuple(settings["languages"]))
    data = record.to_dict()
    data["text"] = text
    data["lang"] = lang or record.lang
    return data
