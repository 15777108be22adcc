"""Safe, namespace-agnostic XML helpers shared by the XML collectors (RSS, Atom, SRU).

Every XML body from outside is untrusted: it is parsed with defusedxml, which refuses
entity declarations (entity-expansion bombs) and external references. Anything that
does not parse becomes :class:`~bibobscan.errors.MalformedResponse` carrying the
source id, never an empty result.

Feeds and SRU servers differ in namespaces (prefixed, default namespace, or none), so
lookups go by *local* name: ``child(meta, "owmskern", "identifier")`` finds
``overheidwetgeving:owmskern/dcterms:identifier`` as well as ``owmskern/identifier``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator

from defusedxml import DefusedXmlException  # type: ignore[import-untyped, unused-ignore]
from defusedxml.ElementTree import fromstring as _defused_fromstring  # type: ignore[import-untyped, unused-ignore]

from ..errors import MalformedResponse

Element = ET.Element

_BOM = b"\xef\xbb\xbf"


def parse_xml(body: bytes | str, *, source: str, what: str = "XML") -> Element:
    """Parse an untrusted XML body; raise MalformedResponse on bad or dangerous XML."""
    data = _trim_bytes(body) if isinstance(body, bytes) else body.lstrip("\ufeff \t\r\n")
    if not data:
        raise MalformedResponse(f"{what}: empty body", source=source)
    try:
        root = _defused_fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise MalformedResponse(
            f"{what} refused: it declares entities or external references ({type(exc).__name__})",
            source=source,
        ) from exc
    except (ET.ParseError, ValueError) as exc:
        raise MalformedResponse(f"{what} is not well-formed XML: {exc}", source=source) from exc
    if not isinstance(root, ET.Element):
        raise MalformedResponse(f"{what}: no root element", source=source)
    return root


def xml_input(content: bytes, content_type: str = "") -> bytes | str:
    """The body to hand to :func:`parse_xml`.

    Bytes with an XML declaration (or none and no charset) go in as bytes, so the
    parser honours the declared encoding. Without a declaration, a non-UTF-8 charset
    from the Content-Type header is used to decode first.
    """
    head = _trim_bytes(content)
    if head.startswith(b"<?xml") or "charset=" not in content_type.lower():
        return content
    charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip('"')
    if charset in ("", "utf-8", "utf8"):
        return content
    try:
        return content.decode(charset, errors="replace")
    except LookupError:
        return content


def looks_like_html(content: bytes) -> bool:
    """True when a body is an HTML page (error page, captcha, login wall)."""
    start = _trim_bytes(content)[:1024].lower()
    return start.startswith((b"<!doctype html", b"<html")) or b"<html" in start[:300]


def local_name(tag: object) -> str:
    """``{namespace}name`` or ``prefix:name`` -> ``name``; "" for comments/PIs."""
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def children(element: Element, name: str) -> list[Element]:
    """Direct children with local name ``name``."""
    return [c for c in element if local_name(c.tag) == name]


def child(element: Element | None, *path: str) -> Element | None:
    """The first element down ``path`` (local names, direct children at each step)."""
    current = element
    for name in path:
        if current is None:
            return None
        current = next((c for c in current if local_name(c.tag) == name), None)
    return current


def descendants(element: Element, name: str) -> Iterator[Element]:
    """All descendants (not ``element`` itself) with local name ``name``, in order."""
    for node in element.iter():
        if node is not element and local_name(node.tag) == name:
            yield node


def first_descendant(element: Element | None, name: str) -> Element | None:
    if element is None:
        return None
    return next(descendants(element, name), None)


def text_of(element: Element | None) -> str:
    """All text inside ``element`` (including nested elements), stripped; "" if None."""
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


def child_text(element: Element | None, *path: str) -> str:
    return text_of(child(element, *path))


def attr(element: Element | None, name: str) -> str:
    """An attribute by local name (``url``, ``{ns}about``, ...); "" when absent."""
    if element is None:
        return ""
    for key, value in element.attrib.items():
        if local_name(key) == name:
            return value.strip()
    return ""


def _trim_bytes(body: bytes) -> bytes:
    """Drop a UTF-8 BOM and leading white space (some servers send a newline first)."""
    if body.startswith(_BOM):
        body = body[len(_BOM):]
    return body.lstrip(b" \t\r\n")
