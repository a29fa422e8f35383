"""Partner finder and applicant matcher pages, each with a JSON API twin.

``/partners`` (GET form and results) and ``/api/partners`` take the CLI's
filters as query parameters: ``sector``, ``country`` (``DE,FR``), ``kind``,
``near``, ``since``, ``limit``. ``/match`` (form; POST shows results) and
``POST /api/match`` (form fields or a JSON body) take ``text`` + ``lang``
(``auto`` detects it) + optional ``country``, or ``org`` (an organization IRI).

The web side never imports spaCy or ``extract``: free text takes the
extraction-free path - :func:`graph.matcher.match_applicant` finds sector
words through the SKOS labels in the store, in every language of the scheme,
and compares texts with TF-IDF. Organizations and places named in the text
are therefore not recognised here (the CLI's ``match`` runs the extractor
for that); ``country`` can be given explicitly.

The user's input errors (unknown sector, kind, organization or language,
empty text, empty graph) are answered here, on the form page or as
``{"ok": false, "error", "status"}``, because they are this page's business.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify, render_template, request, url_for

from graph.matcher import EmptyGraphError, MatchError, match_applicant
from graph.partners import PartnerQueryError, find_partners
from web import get_store

bp = Blueprint("match", __name__)

MAX_TEXT_CHARS = 20_000
MAX_LIMIT = 100


class InputError(Exception):
    """A form value that cannot be used as given."""


def _int(name: str, default: int | None, *, low: int, high: int) -> int | None:
    raw = (request.values.get(name) or "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InputError(f"{name} must be a whole number between {low} and {high}, got {raw!r}")
    return int(raw)


def _partners_context() -> tuple[dict, int]:
    """The partner query from the request's parameters -> (context, status)."""
    form = {name: (request.args.get(name) or "").strip()
            for name in ("sector", "country", "kind", "near", "since", "limit")}
    context = {"form": form, "results": None, "error": None,
               "json_href": url_for("match.partners_api", **{k: v for k, v in form.items() if v})}
    if not form["sector"]:
        return context, 200
    try:
        countries = [c.strip().upper() for c in form["country"].split(",") if c.strip()] or None
        results = find_partners(
            get_store(), sector=form["sector"], countries=countries, kind=form["kind"] or None,
            near=form["near"] or None, since=_int("since", None, low=1900, high=2100),
            limit=_int("limit", 20, low=1, high=MAX_LIMIT))
    except (InputError, PartnerQueryError) as error:
        context["error"] = str(error)
        return context, 422
    context["results"] = [r.to_dict() for r in results]
    return context, 200


@bp.get("/partners")
def partners_page():
    """The partner finder form and, when a sector is given, its ranked results."""
    if request.args.get("format") == "json":
        return partners_api()
    context, status = _partners_context()
    return render_template("partners.html", **context), status


@bp.get("/api/partners")
def partners_api():
    """JSON twin of /partners: ``{"ok": true, "results": [...]}``."""
    context, status = _partners_context()
    if not context["form"]["sector"]:
        context["error"], status = "the 'sector' parameter is required (e.g. ?sector=energy)", 422
    if context["error"]:
        return jsonify({"ok": False, "error": context["error"], "status": status}), status
    return jsonify({"ok": True, "query": context["form"], "results": context["results"]})


def _match_input() -> dict:
    data = request.get_json(silent=True) if request.is_json else None
    source = data if isinstance(data, dict) else request.form
    return {name: str(source.get(name) or "").strip() for name in ("text", "lang", "country", "org", "limit")}


def _match_context(form: dict) -> tuple[dict, int]:
    languages = tuple(current_app.config.get("LANGUAGES") or ())
    context = {"form": form, "report": None, "error": None, "languages": languages}
    try:
        if len(form["text"]) > MAX_TEXT_CHARS:
            raise InputError(f"the description is too long ({len(form['text'])} characters; "
                             f"at most {MAX_TEXT_CHARS})")
        if bool(form["text"]) == bool(form["org"]):
            raise InputError("give the applicant's description ('text') or an organization IRI ('org'), one of the two")
        lang = None if form["lang"] in ("", "auto") else form["lang"]
        record = {"text": form["text"], "lang": lang, "country": form["country"].upper() or None} if form["text"] else None
        limit = int(form["limit"]) if form["limit"].isdigit() else 10
        report = match_applicant(get_store(), text=record, org_iri=form["org"] or None, lang=lang,
                                 limit=max(1, min(limit, MAX_LIMIT)), languages=languages)
    except EmptyGraphError as error:
        context["error"] = str(error)
        return context, 404
    except (InputError, MatchError, PartnerQueryError) as error:
        context["error"] = str(error)
        return context, 422
    context["report"] = report.to_dict()
    return context, 200


@bp.route("/match", methods=["GET", "POST"])
def match_page():
    """The applicant form; a POST shows the ranked projects with their explanations."""
    if request.method == "GET":
        languages = tuple(current_app.config.get("LANGUAGES") or ())
        form = {"text": "", "lang": "auto", "country": "", "org": "", "limit": ""}
        return render_template("match.html", form=form, report=None, error=None, languages=languages)
    context, status = _match_context(_match_input())
    return render_template("match.html", **context), status


@bp.post("/api/match")
def match_api():
    """JSON twin of POST /match: the match report, or ``{"ok": false, ...}``."""
    context, status = _match_context(_match_input())
    if context["error"]:
        return jsonify({"ok": False, "error": context["error"], "status": status}), status
    return jsonify({"ok": True, **context["report"]})
