"""Where a thing of a case is shown: the overview and each section of the case have their own
address, and a row is found on the page of its section that holds it."""

from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse

# The sections shown by the anchors pages, mails and to-dos point at.
ANCHOR_SECTIONS = {
    "modules-title": "modules",
    "accesses": "accounts",
    "materials": "materials",
    "meeting": "meeting",
    "demonstrations": "meeting",
    "trial": "trial",
    "sign": "signatures",
    "confirmation": "signatures",
    "timeline": "timeline",
}
ROW_SECTIONS = {"access": "accounts", "material": "materials"}
# Pages of their own that to-dos point at.
PAGES = {
    "announcement": "handover:case_announcement",
    "aftercare": "handover:case_aftercare",
    "feedback": "handover:case_feedback",
}


# Ids no address holds otherwise, reversed in their place to find where the ids go.
_MARKS = (7_391_000_001, 7_391_000_002)


@lru_cache(maxsize=64)
def _pattern(prefix: str, urlconf: object, name: str, arity: int) -> str:
    """The address of ``name`` with ``{0}``, ``{1}`` where its ids go (for this script prefix and
    URLconf): My work and the digest point at a few hundred places, reversed once each kind."""
    url = reverse(name, args=_MARKS[:arity])
    for position, mark in enumerate(_MARKS[:arity]):
        url = url.replace(str(mark), f"{{{position}}}")
    return url


def address(name: str, *ids: int) -> str:
    """``reverse(name, args=ids)``, each kind of address reversed once."""
    return _pattern(get_script_prefix(), get_urlconf(), name, len(ids)).format(*(int(i) for i in ids))


def section_url(departure_id: int, section: str) -> str:
    name = "case_detail" if section == "overview" else f"case_{section}"
    return address(f"handover:{name}", departure_id)


def module_url(departure_id: int, module_id: int, item_id: int | None = None) -> str:
    """A module's page; with ``item_id``, the page of its items that holds that item."""
    url = address("handover:case_module", departure_id, module_id)
    return f"{url}?item={item_id}#item-{item_id}" if item_id is not None else url


def case_url(departure_id: int, anchor: str = "") -> str:
    """The page of a case that shows ``anchor``: "actions" (the overview), "meeting", "sign",
    "module-12" (that module's page), "manual-12" (its operation manual), "access-7" or "material-3"
    (the page of rows holding it), "announcement" (its own page)."""
    if anchor in PAGES:
        return address(PAGES[anchor], departure_id)
    kind, _, ident = anchor.partition("-")
    if ident.isdigit() and kind == "module":
        return module_url(departure_id, int(ident))
    if ident.isdigit() and kind == "manual":
        return address("handover:module_manual", departure_id, int(ident))
    if ident.isdigit() and kind in ROW_SECTIONS:
        return f"{section_url(departure_id, ROW_SECTIONS[kind])}?row={ident}#{anchor}"
    url = section_url(departure_id, ANCHOR_SECTIONS.get(anchor, "overview"))
    return f"{url}#{anchor}" if anchor else url
