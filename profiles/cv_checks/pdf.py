"""The deep check of a PDF, and the normalised copy recruiters receive.

Run only inside the sandboxed child (see :mod:`.deep`). In order:

1. nothing after the last ``%%EOF``;
2. a decompression budget: every stream stored in the file (object streams
   included, before qpdf unpacks them) is decoded with a running count that
   stops at ``max_decompressed_bytes`` and never keeps more than it needs; images
   are counted by their declared size, so a bomb in an image codec counts too;
3. every object qpdf finds (from object streams too, names and strings decoded
   by its parser) is held against allow-lists: the actions a CV needs (web and
   email links, jumps inside the document), ``Link`` annotations only, the
   stream filters and stream types a CV uses, the catalogue entries and name
   trees a CV uses; anything else is refused;
4. the text is read (pypdf, under its own decompression limits) for matching;
5. a normalised copy is written: pages, fonts, images and links only, no other
   action, no attachment, no metadata but the title; it is checked again.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Callable, Iterator

from .common import (
    PDF,
    Caps,
    Refused,
    encrypted,
    gettext_noop,
    is_allowed_link,
    pdf_refused,
    too_much_data,
    unreadable,
)
from .quick import check_pdf_ending

# --- Allow-lists -----------------------------------------------------------------------

# Actions: open a link, or jump inside this document.
ALLOWED_ACTIONS = frozenset({"/URI", "/GoTo"})
ALLOWED_ANNOTATIONS = frozenset({"/Link"})
# Every annotation type ISO 32000-2 defines: a dictionary whose /Subtype is one
# of these is an annotation, wherever it sits, and must be an allowed one.
_ANNOTATION_SUBTYPES = frozenset(
    "/" + name
    for name in [
        "Text", "Link", "FreeText", "Line", "Square", "Circle", "Polygon", "PolyLine",
        "Highlight", "Underline", "Squiggly", "StrikeOut", "Caret", "Stamp", "Ink", "Popup",
        "FileAttachment", "Sound", "Movie", "Screen", "Widget", "PrinterMark", "TrapNet",
        "Watermark", "3D", "Redact", "Projection", "RichMedia",
    ]
)  # fmt: skip
# Every action type: a dictionary whose /S is one of these is an action.
_ACTION_TYPES = frozenset(
    "/" + name
    for name in [
        "GoTo", "GoToR", "GoToE", "GoToDp", "Launch", "Thread", "URI", "Sound", "Movie", "Hide",
        "Named", "SubmitForm", "ResetForm", "ImportData", "JavaScript", "SetOCGState",
        "Rendition", "Trans", "GoTo3DView", "RichMediaExecute",
    ]
)  # fmt: skip
# Stream types (/Subtype of a stream) that a CV's pages, fonts and images use.
_STREAM_SUBTYPES = frozenset({"/Image", "/Form", "/Type1C", "/CIDFontType0C", "/OpenType", "/XML"})
# Filters that only unpack bytes (decoded and counted here) ...
_UNPACKING_FILTERS = {
    "/FlateDecode": "flate", "/Fl": "flate", "/LZWDecode": "lzw", "/LZW": "lzw",
    "/ASCIIHexDecode": "hex", "/AHx": "hex", "/ASCII85Decode": "a85", "/A85": "a85",
    "/RunLengthDecode": "rl", "/RL": "rl",
}  # fmt: skip
# ... and image codecs (counted by the image's declared size, decoded by viewers).
_IMAGE_FILTERS = frozenset(
    {"/DCTDecode", "/DCT", "/JPXDecode", "/CCITTFaxDecode", "/CCF", "/JBIG2Decode"}
)
_CATALOG_KEYS = frozenset(
    "/" + name
    for name in [
        "Type", "Version", "Extensions", "Pages", "PageLabels", "Names", "Dests",
        "ViewerPreferences", "PageLayout", "PageMode", "Outlines", "OpenAction", "URI",
        "Metadata", "StructTreeRoot", "MarkInfo", "Lang", "OutputIntents", "PieceInfo",
        "OCProperties", "AcroForm", "Perms", "Legal", "DSS", "Threads", "SpiderInfo",
    ]
)  # fmt: skip
_NAME_TREES = frozenset({"/Dests"})
# Keys that only exist to run, play or carry something: named for a clear message.
_EXPLAINED_KEYS = {
    "/JS": "contains JavaScript",
    "/JavaScript": "contains JavaScript",
    "/AA": "runs actions automatically",
    "/EmbeddedFiles": "contains embedded files",
    "/EmbeddedFile": "contains embedded files",
    "/EF": "contains embedded files",
    "/AF": "contains embedded files",
    "/XFA": "contains an XFA form",
    "/RichMediaContent": "contains embedded media",
    "/RichMediaSettings": "contains embedded media",
}
_EXPLAINED_TYPES = {
    "/EmbeddedFile": "contains embedded files",
    "/Sound": "plays sounds",
    "/Movie": "plays embedded media",
    "/3D": "contains 3D content that can run scripts",
}
_EXPLAINED_ACTIONS = {
    "/JavaScript": "contains JavaScript",
    "/Launch": "tries to launch a program",
    "/SubmitForm": "sends form data somewhere",
    "/ImportData": "imports outside data",
    "/GoToE": "opens an embedded file",
    "/GoToR": "opens another file",
    "/Thread": "opens another file",
    "/Sound": "plays sounds",
    "/Movie": "plays embedded media",
    "/Rendition": "plays embedded media",
    "/RichMediaExecute": "contains embedded media",
    "/Named": "runs viewer commands (such as printing)",
}
_EXPLAINED_ANNOTATIONS = {
    "/Widget": "contains form fields",
    "/FileAttachment": "contains embedded files",
    "/Sound": "plays sounds",
    "/Movie": "plays embedded media",
    "/Screen": "plays embedded media",
    "/RichMedia": "contains embedded media",
    "/3D": "contains 3D content that can run scripts",
}
_MAX_OBJECTS = 200_000
_MAX_DEPTH = 64
_CHUNK = 64 * 1024


def check_pdf(data: bytes, caps: Caps) -> tuple[bytes, str | None]:
    """Check a PDF; return (normalised copy, text or None if unreadable). Raise Refused."""
    import pikepdf

    check_pdf_ending(data)
    _check_budget(data, caps.max_decompressed_bytes)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            if pdf.is_encrypted or "/Encrypt" in pdf.trailer:
                raise encrypted(PDF)
            _check_objects(pdf)
            _check_inline_images(pdf, caps.max_decompressed_bytes)
            if len(pdf.pages) < 1:
                raise Refused(gettext_noop("This PDF has no pages."), code="empty")
            normalised = normalise_pdf(pdf)
        # What recruiters receive passes the same rules (a bug in normalising must not leak).
        with pikepdf.open(io.BytesIO(normalised)) as copy:
            _check_objects(copy)
            if not set(copy.Root.keys()) <= _NORMALISED_CATALOG_KEYS or len(copy.pages) < 1:
                raise unreadable(PDF)
    except pikepdf.PasswordError:
        raise encrypted(PDF) from None
    except (pikepdf.PdfError, RecursionError, KeyError, ValueError, TypeError, AttributeError):
        # A file the parser cannot make sense of is the file's problem, not ours.
        raise unreadable(PDF) from None
    return normalised, read_pdf_text(data, caps)


# --- Decompression budget ----------------------------------------------------------------


class _Budget:
    def __init__(self, limit: int) -> None:
        self.left = limit

    def spend(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise too_much_data(PDF)


def _check_budget(data: bytes, limit: int) -> None:
    """Count what every stream stored at top level unpacks to, before any parser unpacks it.

    pypdf reads lazily: opening the file and reading a top-level object decodes
    nothing (but the cross-reference stream, under pypdf's own limits), so every
    object stream is measured here before anything parses what is inside it.
    A file pypdf cannot read is measured through qpdf instead (:func:`_check_budget_qpdf`).
    """
    from pypdf import PdfReader
    from pypdf.errors import LimitReachedError
    from pypdf.generic import IndirectObject, StreamObject

    budget = _Budget(limit)
    with _pypdf_limits(limit):
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted:
                raise encrypted(PDF)
            if sum(len(entries) for entries in reader.xref.values()) > _MAX_OBJECTS:
                raise pdf_refused("is far too complex for a CV")
            streams = []
            for generation, entries in reader.xref.items():
                for number in entries:
                    obj = reader.get_object(IndirectObject(number, generation, reader))
                    if isinstance(obj, StreamObject):
                        streams.append(obj)
        except Refused:
            raise
        except LimitReachedError:
            raise too_much_data(PDF) from None
        except Exception:
            _check_budget_qpdf(data, limit)
            return
        for stream in streams:
            _count_stream(
                filters=_filter_names(stream.get("/Filter")),
                raw=stream._data,  # pypdf keeps the stored (encoded) bytes here
                entries=stream,
                budget=budget,
            )


def _check_budget_qpdf(data: bytes, limit: int) -> None:
    """The same count through qpdf, for files only qpdf can repair (under the rlimits)."""
    import pikepdf

    budget = _Budget(limit)
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            table = pdf.get_xref_table()
            if len(table) > _MAX_OBJECTS:
                raise pdf_refused("is far too complex for a CV")
            for (number, generation), entry in table.items():
                if entry.type != 1:
                    continue  # inside an object stream: that stream is counted itself
                obj = pdf.get_object(number, generation)
                if isinstance(obj, pikepdf.Stream):
                    _count_stream(
                        filters=_filter_names(obj.stream_dict.get("/Filter")),
                        raw=obj.read_raw_bytes(),
                        entries=obj.stream_dict,
                        budget=budget,
                    )
    except pikepdf.PasswordError:
        raise encrypted(PDF) from None
    except pikepdf.PdfError:
        raise unreadable(PDF) from None


def _pypdf_limits(limit: int):
    from pypdf import apply_configuration

    return apply_configuration(
        zlib_maximum_output_length=limit,
        lzw_maximum_output_length=limit,
        run_length_maximum_output_length=limit,
        stream_decoding_work_maximum_length=limit,
        jbig2dec_binary=None,  # never run an outside program on the file
    )


def _filter_names(filters) -> list[str]:
    """/Filter as a list of names, from pypdf or pikepdf objects alike."""
    if filters is None:
        return []
    items = list(filters) if isinstance(filters, list) or hasattr(filters, "append") else [filters]
    names = [str(item) for item in items]
    if len(names) > 4 or not all(name.startswith("/") for name in names):
        raise unreadable(PDF)
    return names


def _count_stream(*, filters: list[str], raw: bytes, entries, budget: _Budget) -> None:
    if "/F" in entries:  # the stream's data lives in another file
        raise pdf_refused("refers to other files")
    for name in filters:
        if name not in _UNPACKING_FILTERS and name not in _IMAGE_FILTERS:
            if name == "/Crypt":
                raise encrypted(PDF)
            raise pdf_refused("uses a kind of compression a CV does not need")
    data = raw
    for position, name in enumerate(filters):
        if name in _IMAGE_FILTERS:
            if position != len(filters) - 1:
                raise unreadable(PDF)
            budget.spend(_declared_image_size(entries))
            return
        last = position == len(filters) - 1
        data = _unpack(_UNPACKING_FILTERS[name], data, budget, keep=not last)
    if not filters:
        budget.spend(len(data))


def _unpack(method: str, data: bytes, budget: _Budget, *, keep: bool) -> bytes:
    """Decode one filter, charging its output to the budget; keep it only if needed."""
    if method == "flate":
        return _inflate(data, budget, keep=keep)
    from pypdf import apply_configuration
    from pypdf.errors import LimitReachedError, PdfReadError
    from pypdf.filters import ASCII85Decode, ASCIIHexDecode, LZWDecode, RunLengthDecode

    decode: Callable[[bytes], bytes] = {
        "lzw": LZWDecode.decode,
        "hex": ASCIIHexDecode.decode,
        "a85": ASCII85Decode.decode,
        "rl": RunLengthDecode.decode,
    }[method]
    limit = max(budget.left, 0) + 1
    try:
        with apply_configuration(
            lzw_maximum_output_length=limit, run_length_maximum_output_length=limit
        ):
            out = decode(data)
    except LimitReachedError:
        raise too_much_data(PDF) from None
    except (PdfReadError, ValueError):
        raise unreadable(PDF) from None
    if isinstance(out, str):
        out = out.encode("latin-1")
    budget.spend(len(out))
    return out if keep else b""


def _inflate(data: bytes, budget: _Budget, *, keep: bool) -> bytes:
    """zlib inflate in bounded steps: memory stays at one step unless ``keep``."""
    inflater = zlib.decompressobj()
    kept: list[bytes] = []
    try:
        for start in range(0, len(data), _CHUNK):
            pending = data[start : start + _CHUNK]
            while pending:
                out = inflater.decompress(pending, _CHUNK)
                budget.spend(len(out))
                if keep:
                    kept.append(out)
                pending = inflater.unconsumed_tail
            if inflater.eof:
                break
        while out := inflater.decompress(b"", _CHUNK):  # what zlib still holds
            budget.spend(len(out))
            if keep:
                kept.append(out)
    except zlib.error:
        pass  # a damaged stream: viewers stop where it breaks, and so do we
    return b"".join(kept)


def _check_inline_images(pdf, limit: int) -> None:
    """Pictures drawn inline in content streams count by their declared size too."""
    import pikepdf

    budget = _Budget(limit)
    owners = list(pdf.pages) + [
        obj
        for obj in pdf.objects
        if isinstance(obj, pikepdf.Stream) and obj.stream_dict.get("/Subtype") == "/Form"
    ]
    for owner in owners:
        for instruction in pikepdf.parse_content_stream(owner, "BI ID EI"):
            if isinstance(instruction, pikepdf.ContentStreamInlineImage):
                image = instruction.iimage
                bits = max(int(image.bits_per_component or 8), 1)
                budget.spend(int(image.width) * int(image.height) * 4 * ((bits + 7) // 8))


def _declared_image_size(entries) -> int:
    def number(key: str, default: int) -> int:
        value = entries.get(key, default)
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            raise unreadable(PDF) from None

    bits = max(number("/BitsPerComponent", 8), 1)
    # Four components (CMYK) is the most a CV image has: an upper bound.
    return number("/Width", 0) * number("/Height", 0) * 4 * ((bits + 7) // 8)


# --- Allow-lists over every object ---------------------------------------------------------


def _check_objects(pdf) -> None:
    import pikepdf

    for key in pdf.Root:
        if key not in _CATALOG_KEYS:
            raise pdf_refused(_EXPLAINED_KEYS.get(key, "contains features a CV does not need"))
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary):
        for key in names:
            if key not in _NAME_TREES:
                raise pdf_refused(
                    _EXPLAINED_KEYS.get(str(key), "contains features a CV does not need")
                )
    if "/OpenAction" in pdf.Root:
        _check_open_action(pdf.Root.OpenAction)

    objects = pdf.objects
    if len(objects) > _MAX_OBJECTS:
        raise pdf_refused("is far too complex for a CV")
    for obj in objects:
        for node in _walk(obj):
            _check_node(node)


def _walk(obj) -> Iterator:
    """The object and every direct object inside it (indirect ones are visited on their own)."""
    import pikepdf

    stack = [(obj, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > _MAX_DEPTH:
            raise pdf_refused("is far too complex for a CV")
        if isinstance(node, pikepdf.Stream):
            yield node
            children = node.stream_dict.values()
        elif isinstance(node, pikepdf.Dictionary):
            yield node
            children = node.values()
        elif isinstance(node, pikepdf.Array):
            children = list(node)
        else:
            continue
        for child in children:
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream) and (
                not child.is_indirect
            ):
                stack.append((child, depth + 1))


def _check_node(node) -> None:
    import pikepdf

    entries = node.stream_dict if isinstance(node, pikepdf.Stream) else node
    for key in entries:
        if key in _EXPLAINED_KEYS:
            raise pdf_refused(_EXPLAINED_KEYS[str(key)])
    kind = _name(entries.get("/Type"))
    subtype = _name(entries.get("/Subtype"))
    if kind == "/Filespec" or (isinstance(node, pikepdf.Stream) and "/F" in entries):
        raise pdf_refused("refers to other files")
    if kind in _EXPLAINED_TYPES:
        raise pdf_refused(_EXPLAINED_TYPES[kind])
    if isinstance(node, pikepdf.Stream) and subtype is not None and subtype not in _STREAM_SUBTYPES:
        raise pdf_refused("contains embedded content a CV does not need")
    is_annotation = subtype in _ANNOTATION_SUBTYPES or kind == "/Annot"
    if subtype is not None and is_annotation and subtype not in ALLOWED_ANNOTATIONS:
        raise pdf_refused(
            _EXPLAINED_ANNOTATIONS.get(subtype, "contains comments or other annotations")
        )
    if kind == "/Action" or _name(entries.get("/S")) in _ACTION_TYPES:
        _check_action(entries)
    if "/A" in entries:
        _check_action(entries.A)
    if "/Next" in entries:
        following = entries.Next
        for action in following if isinstance(following, pikepdf.Array) else [following]:
            _check_action(action)


def _name(value) -> str | None:
    import pikepdf

    return str(value) if isinstance(value, pikepdf.Name) else None


def _check_open_action(value) -> None:
    """Word and LibreOffice open at page 1: a destination or a GoTo, nothing else."""
    import pikepdf

    if isinstance(value, pikepdf.Array):
        return
    if isinstance(value, pikepdf.Dictionary) and value.get("/S") == "/GoTo":
        # Nothing may follow it: no link opened, no program run, no printing.
        _check_action(value, allowed=frozenset({"/GoTo"}))
        return
    raise pdf_refused("runs an action when it is opened")


def _check_action(action, *, allowed: frozenset[str] = ALLOWED_ACTIONS, depth: int = 0) -> None:
    import pikepdf

    if not isinstance(action, pikepdf.Dictionary) or depth > _MAX_DEPTH:
        raise pdf_refused("contains actions a CV does not need")
    kind = _name(action.get("/S"))
    if kind in ALLOWED_ACTIONS and kind not in allowed:
        raise pdf_refused("runs an action when it is opened")
    if kind not in allowed:
        raise pdf_refused(_EXPLAINED_ACTIONS.get(kind or "", "contains actions a CV does not need"))
    if kind == "/URI" and not _is_allowed_link(action.get("/URI")):
        raise pdf_refused("contains a link that is not a web or email address")
    if kind == "/GoTo":
        target = action.get("/D")
        if not isinstance(target, pikepdf.Array | pikepdf.Name | pikepdf.String):
            raise pdf_refused("contains actions a CV does not need")
    if "/Next" in action:
        following = action.Next
        for item in following if isinstance(following, pikepdf.Array) else [following]:
            _check_action(item, allowed=allowed, depth=depth + 1)


def _is_allowed_link(value) -> bool:
    import pikepdf

    if not isinstance(value, pikepdf.String):
        return False
    try:
        return is_allowed_link(bytes(value).decode("ascii"))
    except UnicodeDecodeError:
        return False


# --- Text ----------------------------------------------------------------------------------


def read_pdf_text(data: bytes, caps: Caps) -> str | None:
    """The text for matching, or None when it cannot be read (the CV stays usable)."""
    from pypdf import PdfReader

    try:
        with _pypdf_limits(caps.max_decompressed_bytes):
            reader = PdfReader(io.BytesIO(data), strict=False)
            parts: list[str] = []
            length = 0
            for page in reader.pages:
                text = page.extract_text() or ""
                parts.append(text)
                length += len(text)
                if length >= caps.text_max_chars:
                    break
    except Exception:
        return None
    return "\n".join(parts)[: caps.text_max_chars]


# --- The normalised copy ---------------------------------------------------------------------

_NORMALISED_CATALOG_KEYS = frozenset({"/Type", "/Pages", "/Lang", "/OpenAction"})
_PAGE_KEYS = frozenset(
    {
        "/Type", "/Parent", "/Kids", "/Count", "/Resources", "/MediaBox", "/CropBox",
        "/BleedBox", "/TrimBox", "/ArtBox", "/Contents", "/Rotate", "/UserUnit", "/Group",
        "/Annots",
    }
)  # fmt: skip
_RESOURCE_KEYS = frozenset(
    {"/Font", "/XObject", "/ExtGState", "/ColorSpace", "/Pattern", "/Shading", "/ProcSet"}
)
_XOBJECT_KEYS = frozenset(
    {
        "/Type", "/Subtype", "/Length", "/Filter", "/DecodeParms", "/Width", "/Height",
        "/ColorSpace", "/BitsPerComponent", "/Decode", "/Interpolate", "/ImageMask", "/Mask",
        "/SMask", "/SMaskInData", "/Intent", "/BBox", "/Matrix", "/Resources", "/Group",
        "/FormType",
    }
)  # fmt: skip
_LINK_KEYS = ("/Rect", "/Border", "/BS", "/C", "/QuadPoints", "/H", "/F")


def normalise_pdf(pdf) -> bytes:
    """Rewrite the checked PDF with only pages, fonts, images and links; return its bytes."""
    import pikepdf

    page_objects = {page.obj.objgen for page in pdf.pages}
    named = _named_destinations(pdf)

    root = pdf.Root
    title = _title(pdf)
    open_at = root.get("/OpenAction")
    for key in list(root.keys()):
        if key not in _NORMALISED_CATALOG_KEYS:
            del root[key]
    if open_at is not None:
        destination = _explicit_destination(open_at, named, page_objects)
        if destination is None:
            del root["/OpenAction"]
        else:
            root.OpenAction = destination

    seen_resources: set[tuple[int, int]] = set()
    node = root.Pages
    _scrub_page_tree(node, seen_resources, named, page_objects)

    info = pikepdf.Dictionary()
    if title:
        info.Title = pikepdf.String(title)
    pdf.trailer.Info = pdf.make_indirect(info)
    out = io.BytesIO()
    pdf.save(
        out,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
        fix_metadata_version=False,
        preserve_pdfa=False,
        deterministic_id=True,
    )
    return out.getvalue()


def _title(pdf) -> str:
    import pikepdf

    info = pdf.trailer.get("/Info")
    if isinstance(info, pikepdf.Dictionary) and isinstance(info.get("/Title"), pikepdf.String):
        return str(info.Title)[:300]
    return ""


def _named_destinations(pdf) -> dict[str, object]:
    """Named destinations (old /Dests dictionary and the /Names /Dests tree), by name."""
    import pikepdf

    found: dict[str, object] = {}
    old = pdf.Root.get("/Dests")
    if isinstance(old, pikepdf.Dictionary):
        for key, value in old.items():
            found[key.lstrip("/")] = value
    names = pdf.Root.get("/Names")
    if isinstance(names, pikepdf.Dictionary) and "/Dests" in names:
        try:
            tree = pikepdf.NameTree(names.Dests)
            for name in tree:
                found[str(name)] = tree[name]
                if len(found) > 10_000:
                    break
        except (pikepdf.PdfError, ValueError, TypeError):
            pass
    return found


def _explicit_destination(value, named, page_objects):
    """A destination as ``[page /Fit...]`` on one of this document's pages, or None."""
    import pikepdf

    if isinstance(value, pikepdf.Dictionary):
        if value.get("/S") == "/GoTo" or "/D" in value:
            value = value.get("/D")
        else:
            return None
    if isinstance(value, pikepdf.Name | pikepdf.String):
        key = str(value).lstrip("/") if isinstance(value, pikepdf.Name) else str(value)
        value = named.get(key)
        if isinstance(value, pikepdf.Dictionary):
            value = value.get("/D")
    if not isinstance(value, pikepdf.Array) or len(value) < 1:
        return None
    page = value[0]
    if not isinstance(page, pikepdf.Dictionary) or page.objgen not in page_objects:
        return None
    return pikepdf.Array(list(value)[:6])


def _scrub_page_tree(node, seen_resources, named, page_objects) -> None:
    import pikepdf

    stack = [node]
    visited: set[tuple[int, int]] = set()
    while stack:
        current = stack.pop()
        if current.objgen in visited:
            continue
        visited.add(current.objgen)
        for key in list(current.keys()):
            if key not in _PAGE_KEYS:
                del current[key]
        if "/Resources" in current:
            _scrub_resources(current.Resources, seen_resources)
        if current.get("/Type") == "/Pages":
            kids = current.get("/Kids", [])
            stack.extend(kid for kid in kids if isinstance(kid, pikepdf.Dictionary))
            if "/Annots" in current:
                del current["/Annots"]
        elif "/Annots" in current:
            links = [
                link
                for annotation in current.Annots
                if (link := _clean_link(annotation, named, page_objects)) is not None
            ]
            if links:
                current.Annots = pikepdf.Array(links)
            else:
                del current["/Annots"]


def _scrub_resources(resources, seen) -> None:
    import pikepdf

    if not isinstance(resources, pikepdf.Dictionary):
        return
    if resources.is_indirect:
        if resources.objgen in seen:
            return
        seen.add(resources.objgen)
    for key in list(resources.keys()):
        if key not in _RESOURCE_KEYS:
            del resources[key]
    xobjects = resources.get("/XObject")
    if isinstance(xobjects, pikepdf.Dictionary):
        for name in list(xobjects.keys()):
            xobject = xobjects[name]
            if not isinstance(xobject, pikepdf.Stream):
                del xobjects[name]
                continue
            if xobject.is_indirect:
                if xobject.objgen in seen:
                    continue
                seen.add(xobject.objgen)
            for key in list(xobject.stream_dict.keys()):
                if key not in _XOBJECT_KEYS:
                    del xobject.stream_dict[key]
            if "/Resources" in xobject.stream_dict:
                _scrub_resources(xobject.stream_dict.Resources, seen)


def _clean_link(annotation, named, page_objects):
    """A fresh Link annotation with only its box, look and an allowed target."""
    import pikepdf

    if not isinstance(annotation, pikepdf.Dictionary) or annotation.get("/Subtype") != "/Link":
        return None
    fresh = pikepdf.Dictionary(Type=pikepdf.Name.Annot, Subtype=pikepdf.Name.Link)
    for key in _LINK_KEYS:
        if key in annotation:
            fresh[key] = annotation[key]
    if "/Rect" not in fresh:
        return None
    action = annotation.get("/A")
    if isinstance(action, pikepdf.Dictionary) and action.get("/S") == "/URI":
        if not _is_allowed_link(action.get("/URI")):
            return None
        fresh.A = pikepdf.Dictionary(S=pikepdf.Name.URI, URI=action.URI)
    else:
        target = action if action is not None else annotation.get("/Dest")
        destination = _explicit_destination(target, named, page_objects) if target else None
        if destination is None:
            return None
        fresh.Dest = destination
    return fresh
