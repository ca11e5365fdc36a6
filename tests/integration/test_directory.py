"""The directory file: validated whole, loaded idempotently; `coseller directory import` and
`coseller db upgrade`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session, sessionmaker

from bot.cli import main
from rules.vocabulary import Role, Tier
from storage.db import make_session_factory
from storage.directory import DirectoryError, import_directory
from storage.migrate import current_revision, head_revision
from storage.models import AuditEntry, GsRoute, PartnerOrg, Person, Region
from storage.unit_of_work import UnitOfWork

from .support import counts

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "directory.toml"
DIRECTORY = (Region, PartnerOrg, Person, GsRoute)
EXAMPLE_COUNTS = {"regions": 2, "partner_orgs": 2, "people": 6, "gs_routes": 2}

BAD = """\
team = "T0COSELL"

[[partners]]
name = "Sakura Digital KK"
tier = "bronze"
region = "XX"

[[people]]
user = "U0AIKO01"
name = "Aiko Tanaka"
role = "partner"
partner = "Nobody KK"
timezone = "Asia/Tokio"

[[people]]
user = "U0GSHIRO"
role = "gs"
favourite = "tea"

[[routing]]
region = "JP"
segment = "*"
gs = "U0AIKO01"
"""


def import_file(uow: Callable[..., UnitOfWork], path: Path) -> dict[str, dict[str, int]]:
    with uow(actor=f"import:{path.name}") as work:
        report = import_directory(work, path.read_text(encoding="utf-8"), source=str(path))
        work.commit()
    return {"created": report.created, "updated": report.updated}


def test_the_example_directory_loads(uow: Callable[..., UnitOfWork],
                                     factory: sessionmaker[Session]) -> None:
    report = import_file(uow, EXAMPLE)
    assert report == {"created": {"regions": 2, "partners": 2, "people": 6, "routing": 2},
                      "updated": {"regions": 0, "partners": 0, "people": 0, "routing": 0}}
    assert counts(factory, *DIRECTORY) == EXAMPLE_COUNTS
    with uow() as work:
        aiko = work.directory.person("T0COSELL", "U0AIKO01")
        sakura = work.directory.partner("Sakura Digital KK")
        assert aiko is not None and sakura is not None
        assert (aiko.role, aiko.partner_org_id, aiko.locale, aiko.timezone) == (
            Role.PARTNER, sakura.id, "ja", "Asia/Tokyo")
        assert (sakura.tier, sakura.accreditations, sakura.region_code) == (
            Tier.DIAMOND, ["crm_implementation"], "JP")
        pdm = work.directory.person_by_id(sakura.pdm_id or 0)
        assert (pdm.slack_user_id, pdm.role) == ("U0PDMKEN", Role.PDM)
        gs = work.directory.gs_for("JP", "smb")
        assert gs is not None and gs.slack_user_id == "U0GSHIRO"
        japan = work.directory.region("JP")
        assert japan is not None and "2025-12-29" in japan.closures
        assert [r.code for r in work.directory.regions()] == ["JP", "US"]
        assert work.session.scalars(select(AuditEntry.actor).distinct()).all() == [
            "import:directory.toml"]


def test_importing_twice_changes_nothing(uow: Callable[..., UnitOfWork],
                                         factory: sessionmaker[Session]) -> None:
    import_file(uow, EXAMPLE)
    before = counts(factory, *DIRECTORY, AuditEntry)
    report = import_file(uow, EXAMPLE)
    assert report["created"] == report["updated"] == {"regions": 0, "partners": 0, "people": 0,
                                                      "routing": 0}
    assert counts(factory, *DIRECTORY, AuditEntry) == before


def test_a_changed_file_updates_what_changed(uow: Callable[..., UnitOfWork], tmp_path: Path) -> None:
    import_file(uow, EXAMPLE)
    changed = tmp_path / "directory.toml"
    changed.write_text(EXAMPLE.read_text(encoding="utf-8").replace('tier = "gold"', 'tier = "platinum"'),
                       encoding="utf-8")
    report = import_file(uow, changed)
    assert report["created"] == {"regions": 0, "partners": 0, "people": 0, "routing": 0}
    assert report["updated"] == {"regions": 0, "partners": 1, "people": 0, "routing": 0}
    with uow() as work:
        northwind = work.directory.partner("Northwind Growth LLC")
        assert northwind is not None and northwind.tier is Tier.PLATINUM


def test_a_region_names_who_hears_of_a_gs_breach(uow: Callable[..., UnitOfWork],
                                                 tmp_path: Path) -> None:
    """`gs_escalation` (issue 11): a person of the file with a staff role; loaded as the
    region's contact, taken off again when the file no longer names one."""
    text = EXAMPLE.read_text(encoding="utf-8")
    named = tmp_path / "named.toml"
    named.write_text(text.replace('code = "JP"\n', 'code = "JP"\ngs_escalation = "U0GSMAYA"\n'),
                     encoding="utf-8")
    import_file(uow, named)
    with uow() as work:
        region, maya = work.directory.region("JP"), work.directory.person("T0COSELL", "U0GSMAYA")
        assert region is not None and maya is not None and region.gs_escalation_id == maya.id
    assert import_file(uow, named)["updated"]["regions"] == 0
    assert import_file(uow, EXAMPLE)["updated"]["regions"] == 1
    with uow() as work:
        region = work.directory.region("JP")
        assert region is not None and region.gs_escalation_id is None
    wrong = tmp_path / "wrong.toml"
    wrong.write_text(text.replace('code = "JP"\n', 'code = "JP"\ngs_escalation = "U0AIKO01"\n'),
                     encoding="utf-8")
    with pytest.raises(DirectoryError) as caught:
        import_file(uow, wrong)
    assert [p for p in caught.value.problems if "gs_escalation" in p] == [
        f"{wrong}:5: regions[1] (JP): gs_escalation: 'U0AIKO01' is not a person with role gs, "
        "pdm or admin in this file"]


def test_a_bad_file_reports_every_problem_and_writes_nothing(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD, encoding="utf-8")
    with pytest.raises(DirectoryError) as caught:
        import_file(uow, path)
    problems = caught.value.problems
    expected = [
        f"{path}:3: partners[1] (Sakura Digital KK): tier: unknown tier 'bronze'",
        f"{path}:3: partners[1] (Sakura Digital KK): region: unknown region 'XX'",
        f"{path}:8: people[1] (U0AIKO01): partner: unknown partner 'Nobody KK'",
        f"{path}:8: people[1] (U0AIKO01): timezone: unknown IANA time zone 'Asia/Tokio'",
        f"{path}:15: people[2] (U0GSHIRO): favourite: unknown field",
        f"{path}:15: people[2] (U0GSHIRO): name: is required",
        f"{path}:20: routing[1] (JP/*): gs: 'U0AIKO01' is not a person with role gs",
    ]
    for line in expected:
        assert any(p.startswith(line) for p in problems), (line, problems)
    assert len(problems) == len(expected)
    assert counts(factory, *DIRECTORY, AuditEntry) == dict.fromkeys(
        ["regions", "partner_orgs", "people", "gs_routes", "audit_log"], 0)


def test_a_bad_file_leaves_a_loaded_directory_as_it_was(
        uow: Callable[..., UnitOfWork], factory: sessionmaker[Session], tmp_path: Path) -> None:
    import_file(uow, EXAMPLE)
    before = counts(factory, *DIRECTORY, AuditEntry)
    path = tmp_path / "bad.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + '\n[[people]]\nuser = "U0NEW"\nrole = "ceo"\n',
                    encoding="utf-8")
    with pytest.raises(DirectoryError, match=r"people\[7\] \(U0NEW\): role: unknown role 'ceo'"):
        import_file(uow, path)
    assert counts(factory, *DIRECTORY, AuditEntry) == before


def test_a_file_that_is_not_toml_is_one_problem(uow: Callable[..., UnitOfWork], tmp_path: Path) -> None:
    path = tmp_path / "broken.toml"
    path.write_text('team = "T1"\n[[people]\n', encoding="utf-8")
    with pytest.raises(DirectoryError) as caught:
        import_file(uow, path)
    [problem] = caught.value.problems
    assert problem.startswith(f"{path}: not valid TOML:")


def test_cli_directory_import_exits_0_then_reports_nothing_changed(
        db_url: str, engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", db_url, "directory", "import", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "partners     2 created    0 updated" in out
    assert "people       6 created    0 updated" in out
    assert current_revision(engine) == head_revision(engine)  # a new database is migrated first
    assert main(["--database-url", db_url, "directory", "import", str(EXAMPLE)]) == 0
    assert "nothing changed (the directory was already loaded)" in capsys.readouterr().out


def test_cli_directory_import_of_a_bad_file_exits_2_and_imports_nothing(
        db_url: str, engine: Engine, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(BAD, encoding="utf-8")
    assert main(["--database-url", db_url, "directory", "import", str(path)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert lines[-1] == "7 problem(s); nothing was imported"
    assert all(line.startswith(f"{path}:") for line in lines[:-1])
    assert f"{path}:8: people[1] (U0AIKO01): partner: unknown partner 'Nobody KK'" in lines
    assert captured.out == ""
    assert counts(make_session_factory(engine), *DIRECTORY) == dict.fromkeys(
        ["regions", "partner_orgs", "people", "gs_routes"], 0)


def test_cli_directory_import_of_a_missing_file_exits_2(
        db_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.toml"
    assert main(["--database-url", db_url, "directory", "import", str(missing)]) == 2
    assert capsys.readouterr().err.startswith(f"{missing}: cannot be read")


def test_cli_db_upgrade(db_url: str, engine: Engine, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--database-url", db_url, "db", "upgrade"]) == 0
    assert capsys.readouterr().out.startswith(f"database at revision {head_revision(engine)} (")
    assert current_revision(engine) == head_revision(engine)
    assert "deals" in inspect(engine).get_table_names()
    assert main(["--database-url", db_url, "db", "upgrade"]) == 0  # already there: still fine
