"""The sandbox datasets: the default one the project generates and the shared one it was not tuned
to both hold official communes only, and the agencies load either whole."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import pytest
from pydantic import ValidationError
from sqlmodel import Session, func, select

from reference_data.admin_units import official_admin_units
from sandbox.__main__ import AGENCIES
from sandbox.casebook.credentials import AgencyCredentials
from sandbox.casebook.database import open_agency_database
from sandbox.dataset import Dataset, load_dataset
from sandbox.dataset_generator import write_dataset
from sandbox.justice.tables import KnownPersonalId
from sandbox.police.tables import RegistryPerson
from sandbox.settings import DEFAULT_DATASET_DIR, SandboxSettings
from sandbox.social_security.tables import InsuredRecord
from settings.party import PROJECT_ROOT

UNITS = official_admin_units()
DATASET_FILES = ("admin_units.json", "population.json", "insured.json")


def _shared_dataset() -> Path:
    """`shared/sandbox/`, beside the repository or one of the folders it sits in."""
    for folder in PROJECT_ROOT.parents:
        candidate = folder / "shared" / "sandbox"
        if (candidate / "admin_units.json").is_file():
            return candidate
    pytest.skip("no shared/sandbox/ dataset beside the repository")


def _places_are_official_and_held(dataset: Dataset) -> None:
    communes = dataset.admin_units.communes
    assert len({c.code for c in communes}) == len(communes)
    for commune in communes:
        assert UNITS.province_of(commune.code) == commune.province_code
    assert {p.code for p in dataset.admin_units.provinces} == set(UNITS.provinces)
    # Every address in the population names a commune of the dataset.
    held = dataset.commune_province
    assert all(p.residence.commune_code in held for p in dataset.people)


def test_the_default_dataset_places_its_people_in_official_communes() -> None:
    dataset = load_dataset(DEFAULT_DATASET_DIR)
    _places_are_official_and_held(dataset)
    assert len(dataset.admin_units.communes) == 112
    # A few communes in each province, more in Hà Nội and Hồ Chí Minh.
    per_province = Counter(c.province_code for c in dataset.admin_units.communes)
    assert set(per_province) == set(UNITS.provinces)
    assert per_province["01"] == per_province["79"] == 8
    assert {n for code, n in per_province.items() if code not in ("01", "79")} == {3}
    # Its names are the official ones.
    assert all(UNITS.commune(c.code).name == c.name for c in dataset.admin_units.communes)


def test_the_default_dataset_is_regenerated_byte_for_byte(tmp_path: Path) -> None:
    write_dataset(tmp_path, seed=2026, households=900)
    for name in DATASET_FILES:
        assert (tmp_path / name).read_bytes() == (DEFAULT_DATASET_DIR / name).read_bytes(), name


def test_the_shared_dataset_holds_official_communes_only() -> None:
    dataset = load_dataset(_shared_dataset())
    assert len(dataset.admin_units.communes) == 120
    _places_are_official_and_held(dataset)


def test_the_agencies_load_the_whole_shared_dataset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shared = _shared_dataset()
    monkeypatch.setenv("SANDBOX_DATA_DIR", str(shared))
    monkeypatch.setenv("SANDBOX_STATE_DIR", str(tmp_path))
    settings = SandboxSettings()
    assert settings.data_dir == shared
    for name, agency in AGENCIES.items():
        credentials = AgencyCredentials(
            service_key=settings.service_key(name),
            officer_key=settings.officer_key(name),
            signing_seed=settings.signing_keys[name].get_secret_value(),
            signing_key_id=settings.signing_key_ids[name],
        )
        agency.create_app(settings.state_dir, settings.data_dir, credentials)
    people = json.loads((shared / "population.json").read_text(encoding="utf-8"))
    insured = json.loads((shared / "insured.json").read_text(encoding="utf-8"))
    counted = {
        "justice": (KnownPersonalId, len(people)),
        "police": (RegistryPerson, len(people)),
        "social_security": (InsuredRecord, len(insured)),
    }
    for name, (table, expected) in counted.items():
        engine = open_agency_database(name, tmp_path, AGENCIES[name].tables)
        with Session(engine) as session:
            assert session.exec(select(func.count()).select_from(table)).one() == expected, name


def test_a_dataset_with_a_made_up_commune_is_refused(tmp_path: Path) -> None:
    for name in DATASET_FILES:
        shutil.copy(DEFAULT_DATASET_DIR / name, tmp_path / name)
    admin = json.loads((tmp_path / "admin_units.json").read_text(encoding="utf-8"))
    # 00005 names no commune: Phường Ba Đình is 00004, the next one in Hà Nội 00008.
    admin["communes"].append({"code": "00005", "name": "Xã Tân Tiến", "province_code": "01"})
    (tmp_path / "admin_units.json").write_text(json.dumps(admin, ensure_ascii=False))
    with pytest.raises(ValidationError, match="00005 is not an official commune"):
        load_dataset(tmp_path)
    # Nor is an official commune placed in another province.
    admin["communes"][-1] = {"code": "00004", "name": "Phường Ba Đình", "province_code": "79"}
    (tmp_path / "admin_units.json").write_text(json.dumps(admin, ensure_ascii=False))
    with pytest.raises(ValidationError, match="00004 is in province 01, not 79"):
        load_dataset(tmp_path)


def test_a_child_born_in_any_province_gets_a_personal_id_prefix() -> None:
    """The justice office numbers a child by the province of its birth commune: each of the 34
    provinces kept a code that opens personal IDs."""
    assert {f"0{code}" for code in UNITS.provinces} <= UNITS.birth_province_codes
