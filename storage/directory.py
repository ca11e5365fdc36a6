"""The directory file: people, roles, partner organisations, regions and GS routing, in TOML.

`coseller directory import FILE` validates the whole file first (every error, each with its line,
the entry and the field), writes nothing if anything is wrong, and otherwise loads it
idempotently: importing the same file twice changes nothing the second time.

    team = "T0123"                      # default Slack team for the entries below

    [[regions]]                         # optional: the default table already has ~30 regions
    code = "JP"
    closures = ["2025-12-29", "2025-12-30", "2025-12-31"]
    gs_escalation = "U0PDM01"           # who hears when a GS's reply breaches (optional;
                                        # default: the partner's PDM)

    [[partners]]
    name = "Acme Partners KK"
    kind = "solutions_partner"          # or "provider"
    tier = "diamond"
    accreditations = ["crm_implementation"]
    region = "JP"
    pdm = "U0PDM01"                     # the PDM's Slack user id
    channel = "C0ACMEDEALS"             # its Slack Connect channel for deal threads (optional)

    [[people]]
    user = "U0AIKO1"
    name = "Aiko Tanaka"
    role = "partner"                    # gs, pdm, partner or admin
    partner = "Acme Partners KK"        # partners only
    locale = "ja"
    timezone = "Asia/Tokyo"

    [[routing]]
    region = "JP"
    segment = "smb"                     # or "*" for every segment
    gs = "U0GS001"
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import available_timezones

from rules.calendars import CalendarError, RegionCalendar
from rules.regions import DEFAULT_REGIONS, region_from_config
from rules.vocabulary import PartnerKind, Role, Tier
from storage.models import GsRoute, PartnerOrg, Person, Region
from storage.unit_of_work import AbstractUnitOfWork

__all__ = ["DirectoryError", "ImportReport", "import_directory", "parse_directory"]

_SECTIONS = ("regions", "partners", "people", "routing")
_LOCALES = ("en", "ja")


class DirectoryError(ValueError):
    """A directory file with problems; `problems` holds one line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class ImportReport:
    """What an import did, per section: created and updated entries."""

    created: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_SECTIONS, 0))
    updated: dict[str, int] = field(default_factory=lambda: dict.fromkeys(_SECTIONS, 0))

    @property
    def changed(self) -> bool:
        """Whether the import wrote anything."""
        return any(self.created.values()) or any(self.updated.values())


@dataclass
class _Parsed:
    team: str | None
    regions: list[dict[str, Any]]
    partners: list[dict[str, Any]]
    people: list[dict[str, Any]]
    routing: list[dict[str, Any]]


def _header_lines(text: str, section: str) -> list[int]:
    pattern = re.compile(rf"^[ \t]*\[\[[ \t]*{section}[ \t]*\]\]", re.MULTILINE)  # not \s: no newlines
    return [text.count("\n", 0, m.start()) + 1 for m in pattern.finditer(text)]


class _Checker:
    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.text = text
        self.problems: list[str] = []
        self._lines = {s: _header_lines(text, s) for s in _SECTIONS}

    def where(self, section: str, index: int, label: str) -> str:
        lines = self._lines[section]
        line = f":{lines[index]}" if index < len(lines) else ""
        return f"{self.source}{line}: {section}[{index + 1}]{f' ({label})' if label else ''}"

    def fail(self, section: str, index: int, label: str, key: str, message: str) -> None:
        self.problems.append(f"{self.where(section, index, label)}: {key}: {message}")

    def text_field(self, entry: Mapping[str, Any], section: str, index: int, label: str, key: str,
                   *, required: bool = True) -> str | None:
        value = entry.get(key)
        if value is None:
            if required:
                self.fail(section, index, label, key, "is required")
            return None
        if not isinstance(value, str) or not value.strip():
            self.fail(section, index, label, key, "expected a non-empty string")
            return None
        return value.strip()

    def choice(self, entry: Mapping[str, Any], section: str, index: int, label: str, key: str, *,
               allowed: tuple[str, ...], default: str | None = None) -> str | None:
        value = entry.get(key, default)
        if value is None:
            self.fail(section, index, label, key, "is required")
            return None
        if value not in allowed:
            self.fail(section, index, label, key,
                      f"unknown {key} {value!r} (expected one of: {', '.join(allowed)})")
            return None
        return str(value)

    def unknown_keys(self, entry: Mapping[str, Any], section: str, index: int, label: str,
                     known: set[str]) -> None:
        for key in entry:
            if key not in known:
                self.fail(section, index, label, key,
                          f"unknown field (expected: {', '.join(sorted(known))})")


def parse_directory(text: str, *, source: str = "directory") -> _Parsed:
    """Validate a directory file; raises `DirectoryError` listing every problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DirectoryError([f"{source}: not valid TOML: {error}"]) from None
    check = _Checker(source, text)
    for key in data:
        if key not in (*_SECTIONS, "team"):
            check.problems.append(f"{source}: {key}: unknown section (expected: team, "
                                  f"{', '.join(_SECTIONS)})")
    team = data.get("team")
    if team is not None and not isinstance(team, str):
        check.problems.append(f"{source}: team: expected a Slack team id string")
    sections: dict[str, list[dict[str, Any]]] = {}
    for name in _SECTIONS:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            check.problems.append(f"{source}: {name}: expected [[{name}]] tables")
            value = []
        sections[name] = value
    region_codes = _check_regions(check, sections["regions"])
    partner_names = _check_partners(check, sections["partners"], region_codes)
    users = _check_people(check, sections["people"], team, partner_names)
    _check_links(check, sections, region_codes, users)
    if check.problems:
        raise DirectoryError(check.problems)
    return _Parsed(team if isinstance(team, str) else None, sections["regions"],
                   sections["partners"], sections["people"], sections["routing"])


def _check_regions(check: _Checker, entries: list[dict[str, Any]]) -> set[str]:
    region_codes = set(DEFAULT_REGIONS)
    for index, entry in enumerate(entries):
        code = check.text_field(entry, "regions", index, "", "code") or "?"
        check.unknown_keys(entry, "regions", index, code,
                           {"code", "country", "subdiv", "timezone", "workweek", "closures",
                            "gs_escalation"})
        settings = {k: v for k, v in entry.items() if k not in ("code", "gs_escalation")}
        try:
            spec = region_from_config(code, settings, DEFAULT_REGIONS.get(code))
            RegionCalendar(spec)
        except CalendarError as error:
            field_name = error.field.rsplit(".", 1)[-1]
            check.fail("regions", index, code, field_name, error.message)
        region_codes.add(code)
    return region_codes


def _check_partners(check: _Checker, entries: list[dict[str, Any]], region_codes: set[str]
                    ) -> set[str]:
    partner_names: set[str] = set()
    for index, entry in enumerate(entries):
        name = check.text_field(entry, "partners", index, "", "name") or "?"
        if name in partner_names:
            check.fail("partners", index, name, "name", "appears twice")
        partner_names.add(name)
        check.unknown_keys(entry, "partners", index, name,
                           {"name", "kind", "tier", "accreditations", "region", "pdm", "channel",
                            "local_language_exception"})
        channel = entry.get("channel")
        if channel is not None and (not isinstance(channel, str)
                                    or not re.fullmatch(r"[CG][A-Z0-9]{2,31}", channel)):
            check.fail("partners", index, name, "channel",
                       f"expected a Slack channel id such as C0123ABCD, got {channel!r}")
        check.choice(entry, "partners", index, name, "kind",
                     allowed=tuple(k.value for k in PartnerKind),
                     default=PartnerKind.SOLUTIONS_PARTNER.value)
        check.choice(entry, "partners", index, name, "tier", allowed=tuple(t.value for t in Tier),
                     default=Tier.PARTNER.value)
        accreditations = entry.get("accreditations", [])
        if not isinstance(accreditations, list) or not all(isinstance(a, str)
                                                           for a in accreditations):
            check.fail("partners", index, name, "accreditations", "expected a list of strings")
        region = entry.get("region")
        if region is not None and region not in region_codes:
            check.fail("partners", index, name, "region", f"unknown region {region!r}")
    return partner_names


def _check_people(check: _Checker, entries: list[dict[str, Any]], team: object,
                  partner_names: set[str]) -> dict[str, str]:
    users: dict[str, str] = {}
    zones = available_timezones()
    for index, entry in enumerate(entries):
        user = check.text_field(entry, "people", index, "", "user") or "?"
        person_team = entry.get("team", team)
        if not isinstance(person_team, str):
            check.fail("people", index, user, "team", "is required (or set team at the top)")
        check.unknown_keys(entry, "people", index, user,
                           {"user", "team", "name", "role", "partner", "locale", "timezone"})
        check.text_field(entry, "people", index, user, "name")
        role = check.choice(entry, "people", index, user, "role",
                            allowed=tuple(r.value for r in Role))
        users[user] = role or "?"
        partner = entry.get("partner")
        if role == Role.PARTNER.value and partner is None:
            check.fail("people", index, user, "partner", "is required for a partner user")
        if partner is not None and partner not in partner_names:
            check.fail("people", index, user, "partner", f"unknown partner {partner!r}")
        if role not in (None, Role.PARTNER.value) and partner is not None:
            check.fail("people", index, user, "partner", "only partner users belong to a partner")
        check.choice(entry, "people", index, user, "locale", allowed=_LOCALES, default="en")
        zone = entry.get("timezone", "UTC")
        if zone not in zones:
            check.fail("people", index, user, "timezone", f"unknown IANA time zone {zone!r}")
    return users


_STAFF = (Role.GS.value, Role.PDM.value, Role.ADMIN.value)


def _check_links(check: _Checker, sections: dict[str, list[dict[str, Any]]],
                 region_codes: set[str], users: dict[str, str]) -> None:
    for index, entry in enumerate(sections["regions"]):
        contact = entry.get("gs_escalation")
        if contact is not None and users.get(contact) not in _STAFF:
            check.fail("regions", index, str(entry.get("code")), "gs_escalation",
                       f"{contact!r} is not a person with role gs, pdm or admin in this file")
    for index, entry in enumerate(sections["partners"]):
        pdm = entry.get("pdm")
        if pdm is not None and users.get(pdm) not in (Role.PDM.value, Role.ADMIN.value):
            check.fail("partners", index, str(entry.get("name")), "pdm",
                       f"{pdm!r} is not a person with role pdm in this file")
    for index, entry in enumerate(sections["routing"]):
        label = f"{entry.get('region')}/{entry.get('segment')}"
        check.unknown_keys(entry, "routing", index, label, {"region", "segment", "gs"})
        region = check.text_field(entry, "routing", index, label, "region")
        if region is not None and region not in region_codes:
            check.fail("routing", index, label, "region", f"unknown region {region!r}")
        check.text_field(entry, "routing", index, label, "segment")
        gs = check.text_field(entry, "routing", index, label, "gs")
        if gs is not None and users.get(gs) not in (Role.GS.value, Role.ADMIN.value):
            check.fail("routing", index, label, "gs", f"{gs!r} is not a person with role gs in "
                                                      "this file")


def _assign(obj: Any, values: Mapping[str, Any]) -> bool:
    changed = False
    for key, value in values.items():
        if getattr(obj, key) != value:
            setattr(obj, key, value)
            changed = True
    return changed


def _ensure_region(uow: AbstractUnitOfWork, code: str, report: ImportReport) -> None:
    if uow.directory.region(code) is None and code in DEFAULT_REGIONS:
        spec = DEFAULT_REGIONS[code]
        uow.directory.add(Region(code=code, country=spec.country, subdiv=spec.subdiv,
                                 timezone=spec.timezone, workweek=sorted(spec.workweek),
                                 closures={}))
        report.created["regions"] += 1


def import_directory(uow: AbstractUnitOfWork, text: str, *, source: str = "directory") -> ImportReport:
    """Validate and load a directory file in the unit of work (the caller commits)."""
    parsed = parse_directory(text, source=source)
    report = ImportReport()
    _load_regions(uow, parsed, report)
    orgs, new_orgs = _load_partners(uow, parsed, report)
    people = _load_people(uow, parsed, orgs, report)
    _load_links(uow, parsed, orgs=orgs, new_orgs=new_orgs, people=people, report=report)
    return report


def _load_regions(uow: AbstractUnitOfWork, parsed: _Parsed, report: ImportReport) -> None:
    for entry in parsed.regions:
        spec = region_from_config(entry["code"], {k: v for k, v in entry.items()
                                                  if k not in ("code", "gs_escalation")},
                                  DEFAULT_REGIONS.get(entry["code"]))
        values: dict[str, Any] = {
            "country": spec.country, "subdiv": spec.subdiv, "timezone": spec.timezone,
            "workweek": sorted(spec.workweek),
            "closures": {d.isoformat(): n for d, n in sorted(spec.closures.items())}}
        region = uow.directory.region(spec.code)
        if region is None:
            uow.directory.add(Region(code=spec.code, **values))
            report.created["regions"] += 1
        elif _assign(region, values):
            report.updated["regions"] += 1
    for entry in parsed.partners:
        if entry.get("region"):
            _ensure_region(uow, entry["region"], report)
    for entry in parsed.routing:
        _ensure_region(uow, entry["region"], report)


def _load_partners(uow: AbstractUnitOfWork, parsed: _Parsed, report: ImportReport
                   ) -> tuple[dict[str, PartnerOrg], set[str]]:
    orgs: dict[str, PartnerOrg] = {}
    new_orgs: set[str] = set()
    for entry in parsed.partners:
        values: dict[str, Any] = {
            "kind": PartnerKind(entry.get("kind", "solutions_partner")),
            "tier": Tier(entry.get("tier", "partner")),
            "accreditations": sorted(entry.get("accreditations", [])),
            "region_code": entry.get("region"),
            "channel_id": entry.get("channel"),
            "local_language_exception": bool(entry.get("local_language_exception", False))}
        org = uow.directory.partner(entry["name"])
        if org is None:
            org = uow.directory.add(PartnerOrg(name=entry["name"], **values))
            report.created["partners"] += 1
            new_orgs.add(entry["name"])
        elif _assign(org, values):
            report.updated["partners"] += 1
        orgs[entry["name"]] = org
    return orgs, new_orgs


def _load_people(uow: AbstractUnitOfWork, parsed: _Parsed, orgs: dict[str, PartnerOrg],
                 report: ImportReport) -> dict[str, Person]:
    people: dict[str, Person] = {}
    for entry in parsed.people:
        team: str = entry.get("team") or parsed.team or ""
        values: dict[str, Any] = {
            "name": entry["name"].strip(), "role": Role(entry["role"]),
            "partner_org_id": orgs[entry["partner"]].id if entry.get("partner") else None,
            "locale": entry.get("locale", "en"), "timezone": entry.get("timezone", "UTC")}
        person = uow.directory.person(team, entry["user"])
        if person is None:
            person = uow.directory.add(Person(slack_team_id=team, slack_user_id=entry["user"],
                                              **values))
            report.created["people"] += 1
        elif _assign(person, values):
            report.updated["people"] += 1
        people[entry["user"]] = person
    return people


def _load_links(uow: AbstractUnitOfWork, parsed: _Parsed, *, orgs: dict[str, PartnerOrg],
                new_orgs: set[str], people: dict[str, Person], report: ImportReport) -> None:
    for entry in parsed.partners:
        pdm = people[entry["pdm"]].id if entry.get("pdm") else None
        if _assign(orgs[entry["name"]], {"pdm_id": pdm}) and entry["name"] not in new_orgs:
            report.updated["partners"] += 1
    for entry in parsed.regions:
        region = uow.directory.region(entry["code"])
        contact = people[entry["gs_escalation"]].id if entry.get("gs_escalation") else None
        if region is not None and _assign(region, {"gs_escalation_id": contact}):
            report.updated["regions"] += 1
    for entry in parsed.routing:
        gs_id = people[entry["gs"]].id
        route = uow.directory.route(entry["region"], entry["segment"])
        if route is None:
            uow.directory.add(GsRoute(region_code=entry["region"], segment=entry["segment"],
                                      gs_id=gs_id))
            report.created["routing"] += 1
        elif _assign(route, {"gs_id": gs_id}):
            report.updated["routing"] += 1
