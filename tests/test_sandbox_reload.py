"""A sandbox agency serves the population of the dataset it is given: its database records the
dataset it was loaded from (path and content hash), and another dataset replaces what it holds,
the cases about the old population included; its counters carry on, so no number is issued
twice. The same content at another path is the same population, and is kept."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlmodel import Session, func, select

from sandbox.casebook.credentials import AgencyCredentials
from sandbox.casebook.database import open_agency_database
from sandbox.casebook.tables import Case, Counter, DatasetSource
from sandbox.dataset import dataset_fingerprint, load_dataset
from sandbox.police.agency import POLICE
from sandbox.police.tables import RegistryPerson
from sandbox.settings import DEFAULT_DATASET_DIR, SandboxSettings

pytestmark = pytest.mark.store_free

DATASET_FILES = ("admin_units.json", "population.json", "insured.json")
CASE_SERIES = "case:PR"


def copy_dataset(to: Path) -> Path:
    to.mkdir(parents=True)
    for name in DATASET_FILES:
        shutil.copy(DEFAULT_DATASET_DIR / name, to / name)
    return to


def population(dataset: Path) -> list[dict[str, object]]:
    people: list[dict[str, object]] = json.loads((dataset / "population.json").read_text("utf-8"))
    return people


def another_population(dataset: Path) -> tuple[str, str]:
    """The dataset regenerated differently: its first person renamed (the same personal ID),
    its second gone. Their IDs."""
    people = population(dataset)
    renamed, gone = people[0], people.pop(1)
    renamed["full_name"] = "Đặng Thị Khác"
    (dataset / "population.json").write_text(json.dumps(people, ensure_ascii=False), "utf-8")
    return str(renamed["personal_id"]), str(gone["personal_id"])


def start_police(state_dir: Path, dataset: Path) -> TestClient:
    settings = SandboxSettings()
    credentials = AgencyCredentials(
        service_key=settings.service_key("police"),
        officer_key=settings.officer_key("police"),
        signing_seed=settings.signing_keys["police"].get_secret_value(),
        signing_key_id=settings.signing_key_ids["police"],
    )
    app = POLICE.create_app(state_dir, dataset, credentials)
    return TestClient(app, headers={"Authorization": f"Bearer {settings.service_key('police')}"})


def registered_name(police: TestClient, personal_id: str) -> str | None:
    found = police.get(f"/v1/registry/people/{personal_id}")
    return str(found.json()["full_name"]) if found.status_code == 200 else None


def record_case(state_dir: Path, number: int) -> None:
    """A case the agency opened, numbered by its counter, as its desk does."""
    engine = open_agency_database("police", state_dir, POLICE.tables)
    with Session(engine) as session:
        session.add(
            Case(
                case_number=f"PR-{number:08d}",
                procedure="residence_registration",
                declaration_id=f"LT-20261207-{number:010d}",
                idempotency_key=f"LT-20261207-{number:010d}:residence_registration:1",
                request_fingerprint="0" * 64,
                request_json="{}",
                status="pending",
                created_at=datetime.now(UTC),
            )
        )
        session.merge(Counter(series=CASE_SERIES, value=number))
        session.commit()
    engine.dispose()


def held(state_dir: Path) -> tuple[int, int | None, DatasetSource | None]:
    """The cases the agency holds, its case counter, and the dataset it records."""
    engine = open_agency_database("police", state_dir, POLICE.tables)
    with Session(engine) as session:
        cases = session.exec(select(func.count()).select_from(Case)).one()
        counter = session.get(Counter, CASE_SERIES)
        source = session.exec(select(DatasetSource)).first()
        found = (cases, counter.value if counter else None, source)
    engine.dispose()
    return found


def test_another_dataset_replaces_the_population_and_its_cases(tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = copy_dataset(tmp_path / "first")
    renamed, gone = (str(p["personal_id"]) for p in population(first)[:2])
    old_name = str(population(first)[0]["full_name"])
    police = start_police(state, first)
    assert registered_name(police, renamed) == old_name
    record_case(state, 7)

    second = copy_dataset(tmp_path / "second")
    assert another_population(second) == (renamed, gone)
    police = start_police(state, second)
    assert registered_name(police, renamed) == "Đặng Thị Khác"
    assert registered_name(police, gone) is None
    cases, counter, source = held(state)
    # The old population's case is gone; the next case is numbered after it all the same.
    assert (cases, counter) == (0, 7)
    assert source is not None
    assert (source.path, source.fingerprint) == (str(second.resolve()), dataset_fingerprint(second))


def test_the_same_dataset_is_kept_wherever_it_is_read_from(tmp_path: Path) -> None:
    state = tmp_path / "state"
    first = copy_dataset(tmp_path / "first")
    start_police(state, first)
    record_case(state, 3)
    # Restarted on the same dataset: what the agency recorded since stays.
    start_police(state, first)
    assert held(state)[:2] == (1, 3)
    # The same files elsewhere: the same population, now recorded at its new path.
    moved = copy_dataset(tmp_path / "moved")
    police = start_police(state, moved)
    cases, counter, source = held(state)
    assert (cases, counter) == (1, 3)
    assert source is not None and source.path == str(moved.resolve())
    person = population(moved)[0]
    assert registered_name(police, str(person["personal_id"])) == person["full_name"]


def test_a_database_an_older_sandbox_loaded_is_kept_only_if_it_holds_this_dataset(
    tmp_path: Path,
) -> None:
    """An older sandbox recorded the hash of each dataset it loaded, one on top of the other."""
    dataset = copy_dataset(tmp_path / "dataset")
    for state, marks, kept in (
        (tmp_path / "one", [dataset_fingerprint(dataset)], 1),
        (tmp_path / "several", ["f" * 64, dataset_fingerprint(dataset)], 0),
    ):
        engine = open_agency_database("police", state, POLICE.tables)
        with Session(engine) as session:
            POLICE.load(session, load_dataset(dataset))
            session.commit()
        record_case(state, 5)
        with engine.begin() as connection:
            connection.execute(
                text("CREATE TABLE dataset_mark (fingerprint VARCHAR(64) PRIMARY KEY, loaded_at)")
            )
            for mark in marks:
                connection.execute(
                    text("INSERT INTO dataset_mark VALUES (:mark, '2026-11-01')"), {"mark": mark}
                )
        engine.dispose()
        start_police(state, dataset)
        cases, counter, source = held(state)
        assert (cases, counter) == (kept, 5), state.name
        assert source is not None and source.fingerprint == dataset_fingerprint(dataset)
        engine = open_agency_database("police", state, POLICE.tables)
        with Session(engine) as session:
            people = session.exec(select(func.count()).select_from(RegistryPerson)).one()
            legacy = session.connection().execute(
                text("SELECT count(*) FROM sqlite_master WHERE name = 'dataset_mark'")
            )
            assert legacy.scalar_one() == 0
        engine.dispose()
        assert people == len(population(dataset))
