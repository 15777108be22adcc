"""OpenSanctions / yente ``POST /match/{dataset}``.

Works against the hosted API (https://api.opensanctions.org, needs an API key sent as
``Authorization: ApiKey <key>``) or a self-hosted yente (same API, usually no key).
The query is the subject as an FtM entity example: names, birth date (persons),
jurisdiction ``nl`` + KvK number (companies). Nationality is never sent.

Each scored result becomes one ``sanctions.entry`` evidence item with the provider's
own score in ``source_score``; whether it is the subject is decided by the resolver.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from ..errors import ErrorInBody, MalformedResponse, UpstreamError
from ..http import Fetched
from ..model import (
    MAX_EXCERPT,
    MAX_FIELD_TEXT,
    MAX_TITLE,
    Evidence,
    Reliability,
    Subject,
    SubjectKind,
    clip,
)
from ._base import CollectContext, Collected, Collector, public_url
from ._json import json_body

HOSTED_HOST = "api.opensanctions.org"
ENTITY_PAGE = "https://www.opensanctions.org/entities/{id}/"
MATCH_PARAMS: dict[str, str] = {"algorithm": "best", "threshold": "0.7", "cutoff": "0.5", "limit": "10"}
QUERY_KEY = "q1"
MAX_ALIASES = 25
_ERROR_STATUSES = (400, 401, 403, 404, 422)  # answered with a FastAPI {"detail": ...} body


class OpenSanctionsCollector(Collector):
    id: ClassVar[str] = "opensanctions"
    reliability: ClassVar[Reliability] = Reliability.COMPILATION
    title: ClassVar[str] = "OpenSanctions (sancties, PEP's, opsporing)"
    covers: ClassVar[str] = (
        "Wereldwijde sanctielijsten, politiek prominente personen en opsporingslijsten, "
        "samengevoegd door OpenSanctions; bevraagd via de match-API (gehost of yente)."
    )
    licence: ClassVar[str] = (
        "OpenSanctions-data CC BY-NC 4.0; gehoste API vereist een sleutel; zelf hosten (yente) mogelijk"
    )
    applies_to: ClassVar[frozenset[SubjectKind]] = frozenset({SubjectKind.PERSON, SubjectKind.COMPANY})
    provides: ClassVar[frozenset[str]] = frozenset({"sanctions.match", "sanctions.possible"})
    env: ClassVar[Mapping[str, str]] = {
        "url": "OPENSANCTIONS_URL",
        "api_key": "OPENSANCTIONS_API_KEY",
        "dataset": "OPENSANCTIONS_DATASET",
    }
    required: ClassVar[tuple[str, ...]] = ("url",)
    options: ClassVar[tuple[str, ...]] = ("url", "api_key", "dataset")

    def not_configured_reason(self, config: Mapping[str, Any]) -> str | None:
        reason = super().not_configured_reason(config)
        if reason:
            return reason
        if urlsplit(str(config["url"])).hostname == HOSTED_HOST and not config.get("api_key"):
            return (
                f"{HOSTED_HOST} requires an API key: api_key (env {self.env['api_key']}); "
                "a self-hosted yente needs none"
            )
        return None

    # --- request ----------------------------------------------------------------

    @staticmethod
    def _dataset(config: Mapping[str, Any]) -> str:
        return str(config.get("dataset") or "default")

    def describe_endpoint(self, config: Mapping[str, Any]) -> str:
        return public_url(self.endpoint(config)) if config.get("url") else ""

    def endpoint(self, config: Mapping[str, Any]) -> str:
        return f"{str(config['url']).rstrip('/')}/match/{quote(self._dataset(config), safe='')}"

    @staticmethod
    def example(subject: Subject) -> dict[str, Any]:
        """The FtM entity example sent as query ``q1`` (never a nationality)."""
        properties: dict[str, list[str]] = {"name": list(dict.fromkeys(subject.names))}
        if subject.kind is SubjectKind.PERSON:
            schema = "Person"
            if subject.born:
                properties["birthDate"] = [subject.born.isoformat()]
        else:
            schema = "Company"
            if subject.kvk:
                properties["jurisdiction"] = ["nl"]
                properties["registrationNumber"] = [subject.kvk]
        return {"schema": schema, "properties": properties}

    def describe_query(self, subject: Subject, config: Mapping[str, Any]) -> str:
        example = self.example(subject)
        props = "; ".join(f"{k}={', '.join(v)}" for k, v in example["properties"].items())
        return f"POST /match/{self._dataset(config)} {example['schema']}: {props}"

    async def collect(self, subject: Subject, ctx: CollectContext) -> Collected:
        self.require_configured(ctx.config)
        query = self.describe_query(subject, ctx.config)
        if subject.kind not in self.applies_to:
            return Collected([], query=query)
        headers = {"Accept": "application/json"}
        if ctx.config.get("api_key"):
            headers["Authorization"] = f"ApiKey {ctx.config['api_key']}"
        fetched = await ctx.http.post(
            self.endpoint(ctx.config),
            source=self.id,
            params=MATCH_PARAMS,
            json={"queries": {QUERY_KEY: self.example(subject)}},
            headers=headers,
            accept_status=(200, *_ERROR_STATUSES),
        )
        if fetched.status_code != 200:
            try:
                detail = _detail(json.loads(fetched.content))
            except ValueError:
                detail = clip(fetched.content[:300].decode("utf-8", "replace"), 300) or "(empty body)"
            raise UpstreamError(
                f"HTTP {fetched.status_code} from {urlsplit(fetched.url).hostname}: {detail}",
                source=self.id,
                status_code=fetched.status_code,
            )
        results = self._results(json_body(fetched, source=self.id))
        evidence = [self._evidence(r, fetched, query) for r in results]
        return Collected(evidence, query=query)

    # --- response ---------------------------------------------------------------

    def _results(self, body: Any) -> list[dict[str, Any]]:
        responses = body.get("responses") if isinstance(body, dict) else None
        answer = responses.get(QUERY_KEY) if isinstance(responses, dict) else None
        if not isinstance(answer, dict):
            raise MalformedResponse(f"match response has no responses.{QUERY_KEY} object", source=self.id)
        status = answer.get("status", 200)
        if status != 200:
            raise ErrorInBody(
                f"query {QUERY_KEY} answered with status {status}: {_detail(answer)}", source=self.id
            )
        results = answer.get("results")
        if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
            raise MalformedResponse(f"responses.{QUERY_KEY}.results is not a list of entities", source=self.id)
        for r in results:
            if not isinstance(r.get("id"), str) or not r["id"]:
                raise MalformedResponse("a match result has no entity id", source=self.id)
        return results

    def _evidence(self, result: dict[str, Any], fetched: Fetched, query: str) -> Evidence:
        raw_props = result.get("properties")
        props: Mapping[str, Any] = raw_props if isinstance(raw_props, dict) else {}
        entity_id = str(result["id"])
        caption = clip(str(result.get("caption") or next(iter(_strings(props.get("name"))), entity_id)), MAX_FIELD_TEXT)
        datasets = _strings(result.get("datasets"))
        names = _strings(props.get("name")) + _strings(props.get("alias"))
        aliases = [clip(n, MAX_FIELD_TEXT) for n in dict.fromkeys(names) if n != caption][:MAX_ALIASES]
        topics = _strings(props.get("topics"))
        programs = _programs(props) or topics
        score = result.get("score")
        source_score = float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None
        first_seen = str(result.get("first_seen") or "")[:10] or None
        fields: dict[str, Any] = {
            "list": ", ".join(datasets),
            "entity_id": entity_id,
            "schema": str(result.get("schema") or ""),
            "name": caption,
            "aliases": aliases,
            "birth_dates": _strings(props.get("birthDate")),
            "source_score": source_score,
            "programs": programs,
            "listed_on": first_seen,  # first_seen by OpenSanctions, not the listing authority's date
            # beyond docs/evidence.md, for the resolver and the report:
            "topics": topics,  # "sanction", "role.pep", "crime", ...: a PEP is not a sanctioned party
            "provider_match": bool(result.get("match")),
            "datasets": datasets,
        }
        explained = _explanations(result)
        score_text = f"{source_score:.2f}" if source_score is not None else "onbekend"
        excerpt = f"OpenSanctions-score {score_text} (datasets: {', '.join(datasets) or 'onbekend'})"
        if topics:
            excerpt += f"; onderwerpen: {', '.join(topics)}"
        if explained:
            excerpt += f"; uitleg: {'; '.join(explained)}"
        return Evidence(
            id=Evidence.make_id(self.id, entity_id, fetched.sha256),
            source=self.id,
            kind="sanctions.entry",
            url=ENTITY_PAGE.format(id=quote(entity_id, safe="")),
            query=query,
            retrieved_at=fetched.retrieved_at,
            sha256=fetched.sha256,
            title=clip(f"{caption} (OpenSanctions, {', '.join(datasets) or 'onbekende dataset'})", MAX_TITLE),
            excerpt=clip(excerpt + ".", MAX_EXCERPT),
            published_at=first_seen,
            fields=fields,
        )


def _strings(value: Any) -> list[str]:
    """The plain strings in an FtM property value (nested entities are skipped)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        return []
    return [" ".join(v.split()) for v in value if isinstance(v, str) and v.strip()]


def _programs(props: Mapping[str, Any]) -> list[str]:
    found = _strings(props.get("program"))
    sanctions = props.get("sanctions")
    for nested in sanctions if isinstance(sanctions, list) else []:
        if isinstance(nested, dict) and isinstance(nested.get("properties"), dict):
            found += _strings(nested["properties"].get("program"))
    return [clip(p, MAX_FIELD_TEXT) for p in dict.fromkeys(found)]


def _explanations(result: Mapping[str, Any]) -> list[str]:
    """Readable reasons: ``explanations`` (yente >= Aug 2025) or older ``features``."""
    out: list[str] = []
    explanations = result.get("explanations")
    if isinstance(explanations, dict):
        for name, item in explanations.items():
            if isinstance(item, dict) and isinstance(item.get("detail"), str) and item["detail"].strip():
                out.append(f"{name}: {item['detail'].strip()}")
            elif isinstance(item, dict) and isinstance(item.get("score"), (int, float)):
                out.append(f"{name} {float(item['score']):.2f}")
    features = result.get("features")
    if not out and isinstance(features, dict):
        out = [f"{k} {float(v):.2f}" for k, v in features.items() if isinstance(v, (int, float))]
    return out


def _detail(body: Any) -> str:
    """The message of a FastAPI error body ({"detail": str | [{"msg": ...}]})."""
    detail: Any = body.get("detail") if isinstance(body, dict) else None
    if isinstance(body, dict) and detail is None:
        detail = body.get("error") or body.get("message")
    if isinstance(detail, list):
        detail = "; ".join(_msg(d) for d in detail)
    return clip(str(detail), 300) if detail else "(no detail in body)"


def _msg(item: Any) -> str:
    if isinstance(item, dict):
        where = ".".join(str(p) for p in item.get("loc") or [])
        return f"{where}: {item.get('msg', '')}".strip(": ")
    return str(item)

