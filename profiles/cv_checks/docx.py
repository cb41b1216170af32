"""The deep check of a Word document (OOXML), and the normalised copy recruiters receive.

Run only inside the sandboxed child (see :mod:`.deep`). The package is read the
way Word reads it, never by searching bytes:

- every member is unpacked with a running count against the zip caps, and none
  may itself be an archive, an OLE container or a program (sniffed by content,
  whatever its name or declared type);
- ``[Content_Types].xml`` and every XML part are parsed by lxml with entity
  resolution, DTDs and network access off (a DOCTYPE is refused), so a content
  type spelled with character references is read as Word reads it;
- every part's content type, every relationship's type and every target are
  held against allow-lists: WordprocessingML, DrawingML images and fonts, and
  the document's own metadata. Targets stay inside the package, except links
  (hyperlink relationships to web or email addresses);
- fields (``w:instrText`` runs joined as Word joins them, and ``w:fldSimple``)
  may only be the ones that compute or cross-reference, never fetch or run;
  ``altChunk``, embedded and linked objects and sub-documents are refused.

The normalised copy keeps the document, its styles, numbering, fonts, theme,
headers, footers, notes, images and links, with tracked changes accepted and
without comments, custom XML, document properties (but the title), glossary,
templates or anything that was not reached from the document.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from .common import (
    DOCX,
    Caps,
    Refused,
    docx_macros,
    docx_refused,
    encrypted,
    gettext_noop,
    is_allowed_link,
    too_much_data,
    unreadable,
)
from .quick import OLE_MAGIC, is_plain_part_name

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_W = f"{{{W}}}"

_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_RELS = "application/vnd.openxmlformats-package.relationships+xml"
_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_WML_LOWER = _WML.lower()
_SVG = "image/svg+xml"
_IMAGE_TYPES = (
    _SVG,  # Word keeps a PNG beside it; the copy keeps only the PNG
    "image/png",
    "image/jpeg",
    "image/gif",
    "image/bmp",
    "image/tiff",
    "image/x-emf",
    "image/x-wmf",
)
# Part content types a CV's Word document may have (compared in lower case).
ALLOWED_CONTENT_TYPES = frozenset(
    content_type.lower()
    for content_type in (
        _DOCUMENT,
        _RELS,
        _CORE,
        "application/xml",
        *(
            _WML + name + "+xml"
            for name in ["styles", "settings", "webSettings", "fontTable", "numbering",
                         "footnotes", "endnotes", "header", "footer", "comments", "people",
                         "document.glossary"]
        ),
        "application/vnd.ms-word.stylesWithEffects+xml",
        "application/vnd.ms-word.commentsExtended+xml",
        "application/vnd.ms-word.commentsIds+xml",
        "application/vnd.ms-word.commentsExtensible+xml",
        "application/vnd.openxmlformats-officedocument.theme+xml",
        "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        "application/vnd.openxmlformats-officedocument.custom-properties+xml",
        "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
        "application/vnd.openxmlformats-officedocument.obfuscatedFont",
        "application/vnd.openxmlformats-officedocument.drawingml.diagramData+xml",
        "application/vnd.openxmlformats-officedocument.drawingml.diagramLayout+xml",
        "application/vnd.openxmlformats-officedocument.drawingml.diagramStyle+xml",
        "application/vnd.openxmlformats-officedocument.drawingml.diagramColors+xml",
        "application/vnd.ms-office.drawingml.diagramDrawing+xml",
        "application/vnd.openxmlformats-officedocument.drawingml.chart+xml",
        "application/vnd.ms-office.chartstyle+xml",
        "application/vnd.ms-office.chartcolorstyle+xml",
        *_IMAGE_TYPES,
    )
)  # fmt: skip
# Relationship types (the last part of the type URI, under a known publisher).
ALLOWED_RELATIONSHIPS = frozenset(
    [
        "officeDocument", "styles", "stylesWithEffects", "settings", "webSettings", "fontTable",
        "numbering", "footnotes", "endnotes", "header", "footer", "comments",
        "commentsExtended", "commentsIds", "commentsExtensible", "people", "theme", "image",
        "hyperlink", "font", "customXml", "customXmlProps", "core-properties",
        "extended-properties", "custom-properties", "thumbnail", "glossaryDocument",
        "diagramData", "diagramLayout", "diagramQuickStyle", "diagramColors", "diagramDrawing",
        "chart", "chartStyle", "chartColorStyle",
    ]
)  # fmt: skip
_RELATIONSHIP_PUBLISHERS = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/",
    "http://purl.oclc.org/ooxml/officeDocument/relationships/",
    "http://schemas.microsoft.com/office/2007/relationships/",
    "http://schemas.microsoft.com/office/2011/relationships/",
    "http://schemas.microsoft.com/office/2016/09/relationships/",
    "http://schemas.microsoft.com/office/2018/08/relationships/",
)
# Field codes that compute, format or cross-reference; nothing that fetches or runs.
ALLOWED_FIELDS = frozenset(
    [
        "PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "DATE", "TIME", "CREATEDATE", "SAVEDATE",
        "PRINTDATE", "EDITTIME", "HYPERLINK", "TOC", "TC", "TOA", "TA", "REF", "PAGEREF",
        "NOTEREF", "STYLEREF", "SEQ", "SYMBOL", "EQ", "=", "IF", "COMPARE", "AUTHOR", "TITLE",
        "SUBJECT", "KEYWORDS", "COMMENTS", "FILENAME", "FILESIZE", "NUMCHARS", "NUMWORDS",
        "LISTNUM", "AUTONUM", "AUTONUMLGL", "AUTONUMOUT", "BIBLIOGRAPHY", "CITATION", "ADVANCE",
        "INDEX", "XE", "RD", "BARCODE", "DISPLAYBARCODE", "FORMTEXT", "FORMCHECKBOX",
        "FORMDROPDOWN",
    ]
)  # fmt: skip
_EXPLAINED_FIELDS = {
    "DDE": "contains a DDE field that can run programs",
    "DDEAUTO": "contains a DDE field that can run programs",
    "INCLUDEPICTURE": "contains a field that loads a picture from elsewhere",
    "INCLUDETEXT": "contains a field that loads text from elsewhere",
    "IMPORT": "contains a field that loads content from elsewhere",
    "LINK": "contains a field that links to another file",
    "MACROBUTTON": "contains macros",
}
# Elements that embed or pull in other content.
_REFUSED_ELEMENTS = {
    _W + "altChunk": "contains an embedded web page or document (altChunk)",
    _W + "subDoc": "pulls in other documents",
    _W + "object": "contains embedded objects",
    _W + "control": "contains ActiveX controls",
    _W + "objectEmbed": "contains embedded objects",
    _W + "objectLink": "contains embedded objects",
    "{urn:schemas-microsoft-com:office:office}OLEObject": "contains embedded objects",
}
_IMAGE_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "image/bmp": (b"BM",),
    "image/tiff": (b"II*\x00", b"MM\x00*"),
    "image/x-emf": (b"\x01\x00\x00\x00",),
    "image/x-wmf": (b"\xd7\xcd\xc6\x9a", b"\x01\x00\x09\x00", b"\x02\x00\x09\x00"),
}
_FOREIGN_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08", OLE_MAGIC, b"MZ", b"\x7fELF")
_XML_TYPE = re.compile(r"(\+xml|/xml)$")

# What the normalised copy leaves out (by relationship type).
_DROPPED_RELATIONSHIPS = frozenset(
    [
        "comments", "commentsExtended", "commentsIds", "commentsExtensible", "people",
        "customXml", "customXmlProps", "extended-properties", "custom-properties", "thumbnail",
        "glossaryDocument", "webSettings",
    ]
)  # fmt: skip
_TRACKED_REMOVED = frozenset(
    _W + name
    for name in [
        "del", "moveFrom", "rPrChange", "pPrChange", "sectPrChange", "tblPrChange",
        "trPrChange", "tcPrChange", "tblGridChange", "numberingChange", "moveFromRangeStart",
        "moveFromRangeEnd", "moveToRangeStart", "moveToRangeEnd", "commentRangeStart",
        "commentRangeEnd", "commentReference", "customXmlPr", "dataBinding",
        "customXmlInsRangeStart", "customXmlInsRangeEnd", "customXmlDelRangeStart",
        "customXmlDelRangeEnd", "customXmlMoveFromRangeStart", "customXmlMoveFromRangeEnd",
        "customXmlMoveToRangeStart", "customXmlMoveToRangeEnd", "attachedTemplate", "mailMerge",
        "docVars",
    ]
)  # fmt: skip
_UNWRAPPED = frozenset({_W + "ins", _W + "moveTo", _W + "customXml", _W + "smartTag"})
_SVG_BLIP = "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip"
_DRAWING_EXT = "{http://schemas.openxmlformats.org/drawingml/2006/main}ext"


@dataclass
class _Relationship:
    source: str  # part name of the source ("" for the package)
    rel_id: str
    kind: str  # last segment of the type URI
    target: str  # part name, or the URL when external
    external: bool


@dataclass
class _Package:
    parts: dict[str, bytes]  # by part name as stored
    names: dict[str, str]  # case-folded name -> stored name
    content_types: dict[str, str] = field(default_factory=dict)  # stored name -> type
    relationships: list[_Relationship] = field(default_factory=list)
    main: str = ""


def check_docx(data: bytes, caps: Caps) -> tuple[bytes, str | None]:
    """Check a DOCX; return (normalised copy, text or None if unreadable). Raise Refused."""
    package = _unpack(data, caps)
    _read_content_types(package)
    _read_relationships(package)
    _check_parts(package)
    normalised = _normalise(package)
    return normalised, _read_text(normalised, caps)


# --- Reading the package -----------------------------------------------------------------


def _xml(data: bytes):
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )
    try:
        root = etree.fromstring(data, parser=parser)
    except (etree.XMLSyntaxError, ValueError):
        raise unreadable(DOCX) from None
    if root.getroottree().docinfo.doctype:
        raise docx_refused("contains XML declarations that Word does not write")
    return root


def _unpack(data: bytes, caps: Caps) -> _Package:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise unreadable(DOCX) from None
    parts: dict[str, bytes] = {}
    names: dict[str, str] = {}
    budget = caps.zip_max_uncompressed_bytes
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise encrypted(DOCX)
            if not is_plain_part_name(info.filename):
                raise unreadable(DOCX)
            chunks = []
            try:
                with archive.open(info) as member:
                    while chunk := member.read(64 * 1024):
                        budget -= len(chunk)
                        if budget < 0:
                            raise too_much_data(DOCX)
                        chunks.append(chunk)
            except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError):
                raise unreadable(DOCX) from None
            parts[info.filename] = b"".join(chunks)
            names[info.filename.casefold()] = info.filename
    return _Package(parts=parts, names=names)


def _read_content_types(package: _Package) -> None:
    stored = package.names.get("[content_types].xml")
    if stored is None:
        raise unreadable(DOCX)
    root = _xml(package.parts[stored])
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for element in root:
        if not isinstance(element.tag, str):
            continue
        content_type = (element.get("ContentType") or "").strip().lower()
        if element.tag == f"{{{CT}}}Default":
            defaults[(element.get("Extension") or "").lower()] = content_type
        elif element.tag == f"{{{CT}}}Override":
            overrides[(element.get("PartName") or "").lstrip("/").casefold()] = content_type
        else:
            raise unreadable(DOCX)
    for name in package.parts:
        if name == stored:
            continue
        folded = name.casefold()
        base = posixpath.basename(folded)
        extension = base.rsplit(".", 1)[1] if "." in base else ""
        content_type = overrides.get(folded) or defaults.get(extension)
        if not content_type:
            raise docx_refused("contains a part of unknown type")
        _check_content_type(content_type)
        # Sniffed by content, whatever its name or declared type says.
        if package.parts[name].startswith(_FOREIGN_MAGIC):
            raise docx_refused(
                "contains another file, archive or program inside it", code="embedded"
            )
        package.content_types[name] = content_type


def _check_content_type(content_type: str) -> None:
    if content_type in ALLOWED_CONTENT_TYPES:
        return
    if "macroenabled" in content_type or "vba" in content_type:
        raise docx_macros()
    if "activex" in content_type:
        raise docx_refused("contains ActiveX controls")
    if "oleobject" in content_type or "package" in content_type or "embedding" in content_type:
        raise docx_refused("contains embedded objects", code="embedded")
    raise docx_refused("contains parts a Word document does not need")


def _rels_source(rels_name: str) -> str | None:
    """``word/_rels/document.xml.rels`` -> ``word/document.xml``; ``_rels/.rels`` -> ``""``."""
    folder, base = posixpath.split(rels_name)
    if posixpath.basename(folder) != "_rels" or not base.endswith(".rels"):
        return None
    parent = posixpath.dirname(folder)
    source = base[: -len(".rels")]
    return posixpath.join(parent, source) if source else ""


def _read_relationships(package: _Package) -> None:
    for name, content_type in list(package.content_types.items()):
        if content_type != _RELS:
            continue
        source = _rels_source(name)
        if source is None or (source and source.casefold() not in package.names):
            raise docx_refused("contains relationships a Word document does not have")
        root = _xml(package.parts[name])
        for element in root:
            if not isinstance(element.tag, str):
                continue
            if element.tag != f"{{{REL}}}Relationship":
                raise unreadable(DOCX)
            package.relationships.append(_relationship(package, source, element))
    main = [r for r in package.relationships if r.source == "" and r.kind == "officeDocument"]
    if len(main) != 1 or package.content_types.get(main[0].target) != _DOCUMENT:
        raise Refused(
            gettext_noop(
                "This file is a ZIP archive but not a Word document. "
                "Please upload your CV as a PDF or Word (.docx) file."
            ),
            code="mismatch",
        )
    package.main = main[0].target


def _relationship(package: _Package, source: str, element) -> _Relationship:
    type_uri = (element.get("Type") or "").strip()
    kind = ""
    for publisher in _RELATIONSHIP_PUBLISHERS:
        if type_uri.startswith(publisher):
            kind = type_uri[len(publisher) :]
    target = (element.get("Target") or "").strip()
    external = (element.get("TargetMode") or "Internal").strip() == "External"
    if kind not in ALLOWED_RELATIONSHIPS:
        lowered = type_uri.lower()
        if "vba" in lowered or "keymapcustomizations" in lowered:
            raise docx_macros()
        if "activex" in lowered or lowered.endswith("/control"):
            raise docx_refused("contains ActiveX controls")
        if "attachedtemplate" in lowered:
            raise docx_refused("loads a template from elsewhere")
        if "afchunk" in lowered:
            raise docx_refused("contains an embedded web page or document (altChunk)")
        if "oleobject" in lowered or "package" in lowered:
            raise docx_refused("contains embedded objects", code="embedded")
        raise docx_refused("contains links to parts a Word document does not need")
    rel_id = element.get("Id") or ""
    if external and (kind != "hyperlink" or not is_allowed_link(target)):
        raise docx_refused("loads content from outside the document")
    if external or (kind == "hyperlink" and target.startswith("#")):
        return _Relationship(source, rel_id, kind, target, True)
    if "\\" in target or ":" in target.split("/")[0]:
        raise docx_refused("loads content from outside the document")
    if target.startswith("/"):
        resolved = posixpath.normpath(target.lstrip("/"))
    else:
        resolved = posixpath.normpath(posixpath.join(posixpath.dirname(source), target))
    if resolved.startswith("../") or resolved in {"..", "."} or resolved.startswith("/"):
        raise docx_refused("refers to files outside the document")
    stored = package.names.get(resolved.casefold(), resolved)
    return _Relationship(source, rel_id, kind, stored, False)


# --- Part contents ---------------------------------------------------------------------------


def _check_parts(package: _Package) -> None:
    for name, content_type in package.content_types.items():
        content = package.parts[name]
        if content_type in _IMAGE_MAGIC:
            if not content.startswith(_IMAGE_MAGIC[content_type]):
                raise docx_refused("contains a picture that is not what it claims to be")
        elif _XML_TYPE.search(content_type):
            root = _xml(content)
            if content_type.startswith(_WML_LOWER):
                _check_wordprocessing(root)


def _check_wordprocessing(root) -> None:
    for element in root.iter():
        tag = element.tag
        if not isinstance(tag, str):
            continue
        if tag in _REFUSED_ELEMENTS:
            raise docx_refused(_REFUSED_ELEMENTS[tag], code="embedded")
        if tag == _W + "fldSimple":
            _check_field(element.get(_W + "instr") or "")
    for instruction in _complex_fields(root):
        _check_field(instruction)


def _complex_fields(root) -> list[str]:
    """Field instructions as Word assembles them: every instrText run between begin and
    separate/end, in document order, nested fields each on their own."""
    stack: list[list[str]] = []
    found: list[str] = []
    for element in root.iter(_W + "fldChar", _W + "instrText"):
        if element.tag == _W + "instrText":
            if stack:
                stack[-1].append(element.text or "")
            else:
                found.append(element.text or "")  # text outside a field: check it anyway
            continue
        kind = element.get(_W + "fldCharType")
        if kind == "begin":
            stack.append([])
        elif kind in ("separate", "end") and stack:
            if kind == "separate" or stack[-1]:
                found.append("".join(stack[-1]))
                stack[-1] = []
            if kind == "end":
                stack.pop()
    found.extend("".join(parts) for parts in stack)
    return found


def _check_field(instruction: str) -> None:
    text = instruction.strip()
    if not text:
        return
    code = re.split(r"[\s\\\"]", text.lstrip("="), maxsplit=1)[0].upper() or "="
    if text.startswith("="):
        code = "="
    if code not in ALLOWED_FIELDS:
        raise docx_refused(_EXPLAINED_FIELDS.get(code, "contains fields a CV does not need"))
    if code == "HYPERLINK":
        match = re.search(r'HYPERLINK\s+"([^"]*)"|HYPERLINK\s+(\S+)', text, re.IGNORECASE)
        target = (match.group(1) or match.group(2)) if match else ""
        if target and not target.startswith("\\") and not is_allowed_link(target.strip()):
            raise docx_refused("contains a link that is not a web or email address")


# --- The normalised copy -----------------------------------------------------------------------


def _normalise(package: _Package) -> bytes:
    from lxml import etree

    kept_parts: set[str] = set()
    kept_rels: dict[str, list[_Relationship]] = {}
    by_source: dict[str, list[_Relationship]] = {}
    for rel in package.relationships:
        by_source.setdefault(rel.source, []).append(rel)
    queue = [""]
    while queue:
        source = queue.pop()
        for rel in by_source.get(source, []):
            if rel.kind in _DROPPED_RELATIONSHIPS:
                continue
            if rel.external:
                kept_rels.setdefault(source, []).append(rel)
                continue
            if rel.target not in package.parts:
                continue  # dangling: Word ignores it, so do we
            if package.content_types.get(rel.target) == _SVG:
                continue  # pictures stay as the PNG Word stores beside the SVG
            kept_rels.setdefault(source, []).append(rel)
            if rel.target not in kept_parts:
                kept_parts.add(rel.target)
                queue.append(rel.target)

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _content_types_xml(package, kept_parts))
        for source, rels in kept_rels.items():
            archive.writestr(_rels_name(source), _relationships_xml(rels))
        for name in sorted(kept_parts):
            content_type = package.content_types[name]
            content = package.parts[name]
            if content_type == _CORE:
                content = _core_properties(content)
            elif content_type.startswith(_WML_LOWER):
                root = _xml(content)
                _strip_wordprocessing(root)
                content = etree.tostring(
                    root, xml_declaration=True, encoding="UTF-8", standalone=True
                )
            archive.writestr(name, content)
    return out.getvalue()


def _rels_name(source: str) -> str:
    if not source:
        return "_rels/.rels"
    folder, base = posixpath.split(source)
    return posixpath.join(folder, "_rels", base + ".rels")


def _content_types_xml(package: _Package, parts: set[str]) -> bytes:
    from lxml import etree

    root = etree.Element(f"{{{CT}}}Types", nsmap={None: CT})
    etree.SubElement(root, f"{{{CT}}}Default", Extension="rels", ContentType=_RELS)
    for name in sorted(parts):
        etree.SubElement(
            root,
            f"{{{CT}}}Override",
            PartName="/" + name,
            ContentType=package.content_types[name],
        )
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _relationships_xml(rels: list[_Relationship]) -> bytes:
    from lxml import etree

    root = etree.Element(f"{{{REL}}}Relationships", nsmap={None: REL})
    for rel in rels:
        publisher = (
            _RELATIONSHIP_PUBLISHERS[1]
            if rel.kind in {"core-properties", "thumbnail"}
            else "http://schemas.microsoft.com/office/2007/relationships/"
            if rel.kind in {"stylesWithEffects", "diagramDrawing"}
            else _RELATIONSHIP_PUBLISHERS[0]
        )
        attributes = {"Id": rel.rel_id, "Type": publisher + rel.kind}
        if rel.external:
            attributes["Target"] = rel.target
            if not rel.target.startswith("#"):
                attributes["TargetMode"] = "External"
        else:
            source_folder = posixpath.dirname(rel.source)
            attributes["Target"] = (
                "/" + rel.target
                if not source_folder
                else posixpath.relpath(rel.target, source_folder)
            )
        etree.SubElement(root, f"{{{REL}}}Relationship", attrib=attributes)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _core_properties(content: bytes) -> bytes:
    """Only the title stays (no author, no "last modified by")."""
    from lxml import etree

    root = _xml(content)
    dc = "http://purl.org/dc/elements/1.1/"
    title = root.find(f"{{{dc}}}title")
    core = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    fresh = etree.Element(f"{{{core}}}coreProperties", nsmap={"cp": core, "dc": dc})
    if title is not None and title.text:
        etree.SubElement(fresh, f"{{{dc}}}title").text = title.text[:300]
    return etree.tostring(fresh, xml_declaration=True, encoding="UTF-8", standalone=True)


def _strip_wordprocessing(root) -> None:
    """Accept tracked changes; drop comments, custom XML and template/mail-merge links."""
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        if element.tag in _TRACKED_REMOVED:
            parent = element.getparent()
            if parent is not None:
                _remove_keeping_tail(element)
    for element in list(root.iter(*_UNWRAPPED)):
        parent = element.getparent()
        if parent is None:
            continue
        index = parent.index(element)
        for child in reversed(list(element)):
            parent.insert(index, child)
        _remove_keeping_tail(element)
    # SVG pictures: Word falls back to the PNG stored beside them.
    for element in list(root.iter(_SVG_BLIP)):
        holder = element.getparent()
        if holder is not None and holder.tag == _DRAWING_EXT:
            element = holder
        if element.getparent() is not None:
            _remove_keeping_tail(element)
    # Comment markers leave empty runs behind; the run itself is harmless.


def _remove_keeping_tail(element) -> None:
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _read_text(normalised: bytes, caps: Caps) -> str | None:
    try:
        import docx

        document = docx.Document(io.BytesIO(normalised))
        lines = [p.text for p in document.paragraphs]
        for table in document.tables:
            for row in table.rows:
                lines.append("\t".join(cell.text for cell in row.cells))
    except Exception:
        return None
    return "\n".join(lines)[: caps.text_max_chars]
