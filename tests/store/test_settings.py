"""config.toml: validated key by key, written atomically, never lost."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from store_helpers import run_python

from glutecoach.store import Settings, SettingsError, open_store
from glutecoach.store.settings import SettingsStore, atomic_write


def write_config(home: Path, text: str) -> Path:
    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_gives_defaults_and_no_notice(home: Path) -> None:
    store = SettingsStore()
    assert store.value == Settings()
    assert store.notices == []
    assert not (home / "config.toml").exists()


def test_valid_file_is_read(home: Path) -> None:
    write_config(
        home,
        'voice = "captions"\nrate = 150\nvolume = 0.4\nbell = true\nnotify = true\n'
        'lead_in = 5\ndefault_tempo = 2.5\ntheme = "glutecoach-light"\nequipment = []\n'
        '[keys]\npause = "p"\n',
    )
    store = SettingsStore()
    assert store.notices == []
    assert store.value == Settings(
        voice="captions",
        rate=150,
        volume=0.4,
        bell=True,
        notify=True,
        lead_in=5,
        default_tempo=2.5,
        theme="glutecoach-light",
        equipment=[],
        keys={"pause": "p"},
    )


def test_unknown_key_warns_with_nearest_key_and_line(home: Path) -> None:
    path = write_config(home, "rate = 150\n\nvolum = 0.5\n")
    store = SettingsStore()
    assert store.value.rate == 150
    assert store.value.volume == 1.0
    [notice] = store.notices
    assert f"{path}, line 3" in notice
    assert "'volum'" in notice and "did you mean 'volume'" in notice


def test_wrong_type_or_range_falls_back_for_that_key_only(home: Path) -> None:
    write_config(home, 'rate = "fast"\nvolume = 3\nbell = true\nvoice = "shout"\n')
    store = SettingsStore()
    assert store.value.rate == 170
    assert store.value.volume == 1.0
    assert store.value.voice == "auto"
    assert store.value.bell is True
    text = "\n".join(store.notices)
    assert len(store.notices) == 3
    assert "'rate'" in text and "line 1" in text and "80 to 400" in text
    assert "'volume'" in text and "0.0" in text
    assert "'voice'" in text and "captions" in text


def test_invalid_toml_is_copied_aside_defaults_used_one_notice(home: Path) -> None:
    original = "rate = 150\nvolume = = oops\n"
    path = write_config(home, original)
    store = open_store(history=False)
    assert store.settings.value == Settings()
    broken = list(home.glob("config.toml.broken-*"))
    assert len(broken) == 1
    assert broken[0].read_text() == original
    assert path.read_text() == original  # not touched until the user saves
    [notice] = [n for n in store.notices if "config.toml" in n]
    assert "not valid TOML" in notice and "line 2" in notice and broken[0].name in notice


def test_update_saves_atomically_and_applies(home: Path) -> None:
    store = SettingsStore()
    assert store.update(rate=200, equipment=["weight"], lead_in=3) is True
    assert store.value.rate == 200
    data = tomllib.loads((home / "config.toml").read_text())
    assert data["rate"] == 200 and data["equipment"] == ["weight"] and data["lead_in"] == 3
    assert "default_tempo" not in data  # None stays out: TOML has no null
    assert SettingsStore().value == store.value
    assert not [p for p in home.iterdir() if p.name.endswith(".tmp")]


def test_update_rejects_bad_value_and_changes_nothing(home: Path) -> None:
    store = SettingsStore()
    with pytest.raises(SettingsError, match="'volume'"):
        store.update(volume=2, rate=150)
    with pytest.raises(SettingsError, match="did you mean 'rate'"):
        store.update(rat=150)
    assert store.value == Settings()
    assert not (home / "config.toml").exists()


def test_first_rewrite_keeps_a_backup_and_unknown_keys(home: Path) -> None:
    original = '# my comment\nrate = 150\nmy_own_key = "kept"\n'
    write_config(home, original)
    store = SettingsStore()
    store.update(volume=0.5)
    assert (home / "config.toml.bak").read_text() == original
    data = tomllib.loads((home / "config.toml").read_text())
    assert data == {**data, "rate": 150, "volume": 0.5, "my_own_key": "kept"}


def test_rewrite_after_broken_file_keeps_the_broken_copy(home: Path) -> None:
    write_config(home, "not [ toml")
    store = SettingsStore()
    store.update(rate=120)
    assert len(list(home.glob("config.toml.broken-*"))) == 1
    assert tomllib.loads((home / "config.toml").read_text())["rate"] == 120


def test_atomic_write_leaves_old_file_when_write_fails(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("rate = 150\n")

    with pytest.raises(TypeError):
        atomic_write(path, 12345)  # type: ignore[arg-type]
    assert path.read_text() == "rate = 150\n"
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]


def test_unwritable_config_dir_applies_for_the_run_with_notice(read_only_home: Path) -> None:
    code = (
        "from glutecoach.store.settings import SettingsStore\n"
        "s = SettingsStore()\n"
        "print(s.update(rate=120), s.value.rate)\n"
        "print(s.notices[-1])\n"
    )
    result = run_python(code, read_only_home, unprivileged=True)
    assert result.returncode == 0, result.stderr
    first, notice = result.stdout.splitlines()
    assert first == "False 120"
    assert "could not be saved" in notice and "config.toml" in notice
    assert list(read_only_home.iterdir()) == []
