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
    # The same shape as a routine file's problems: file:line: key: message (did you mean).
    assert notice == f"{path}:3: volum: unknown key (did you mean `volume`?)"


def test_wrong_type_or_range_falls_back_for_that_key_only(home: Path) -> None:
    write_config(home, 'rate = "fast"\nvolume = 300\nbell = true\nvoice = "shout"\n')
    store = SettingsStore()
    assert store.value.rate == 170
    assert store.value.volume == 1.0
    assert store.value.voice == "auto"
    assert store.value.bell is True
    text = "\n".join(store.notices)
    assert len(store.notices) == 3
    assert ":1: rate:" in text and "80 to 400" in text
    assert ":2: volume:" in text and "0 (silent) to 100" in text
    assert ":4: voice:" in text and "captions" in text


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
    assert f"{path}:2: is not valid TOML" in notice and broken[0].name in notice


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
    with pytest.raises(SettingsError, match="volume: must be"):
        store.update(volume=2, rate=150)
    with pytest.raises(SettingsError, match="did you mean `rate`"):
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
    assert data == {**data, "rate": 150, "volume": 50, "my_own_key": "kept"}  # a percentage


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


def test_problems_give_file_line_and_key_like_routine_files(home: Path) -> None:
    path = write_config(home, 'bell = true\nrate = "fast"\n\n[keys]\npause = "p"\n')
    store = SettingsStore()
    [notice] = store.notices
    assert notice.startswith(f"{path}:2: rate: must be a whole number")
    assert notice.endswith("using the default (170)")


def test_two_windows_saving_keep_each_others_changes(home: Path) -> None:
    write_config(home, 'theme = "glutecoach-light"\n')
    first, second = SettingsStore(), SettingsStore()
    assert first.update(rate=200)
    assert second.update(volume=0.5)  # loaded before the first save
    on_disk = SettingsStore().value
    assert on_disk.rate == 200 and on_disk.volume == 0.5
    assert on_disk.theme == "glutecoach-light"
    assert first.update(bell=True)
    on_disk = SettingsStore().value
    assert (on_disk.rate, on_disk.volume, on_disk.bell) == (200, 0.5, True)


def test_a_save_keeps_a_value_it_did_not_change_even_if_it_is_invalid(home: Path) -> None:
    path = write_config(home, 'rate = "fast"\n')
    store = SettingsStore()
    store.update(bell=True)
    data = tomllib.loads(path.read_text())
    assert data == {**data, "rate": "fast", "bell": True}  # the user's text is not lost


@pytest.mark.parametrize("bad", ["not a key at all", "", ",,,", "ctrl+", "p,,q", "shift+nope"])
def test_keys_that_are_not_keys_are_refused_with_file_and_line(home: Path, bad: str) -> None:
    path = write_config(home, f'rate = 150\n\n[keys]\nnext = "n"\npause = "{bad}"\n')
    store = SettingsStore()
    assert store.value.keys == {"next": "n"}  # pause keeps its default
    [notice] = store.notices
    assert notice.startswith(f"{path}:5: keys.pause: ")
    assert "not a key" in notice


@pytest.mark.parametrize(
    "good", ["p", "space", "ctrl+p", "f5", "question_mark", "shift+tab", "P", "a,b", "escape"]
)
def test_real_keys_are_accepted(home: Path, good: str) -> None:
    write_config(home, f'[keys]\npause = "{good}"\n')
    store = SettingsStore()
    assert store.notices == []
    assert store.value.keys == {"pause": good}


def test_keys_through_update_are_checked_too(home: Path) -> None:
    store = SettingsStore()
    with pytest.raises(SettingsError, match=r"keys\.pause"):
        store.update(keys={"pause": "not a key at all"})


def test_key_binding_ids_are_checked_with_a_line(home: Path) -> None:
    path = write_config(home, '[keys]\npause = "p"\npuase = "x"\n')
    store = SettingsStore()
    [problem] = store.unknown_binding_ids({"pause", "next"})
    assert str(problem) == (
        f"{path}:3: keys.puase: no key binding has this id (did you mean `pause`?)"
    )


@pytest.mark.parametrize(
    "setup",
    ["fifo", "dev-zero", "deep", "bom", "escape"],
)
def test_hostile_config_files_load_defaults_with_a_notice(home: Path, setup: str) -> None:
    import os

    home.mkdir(parents=True, exist_ok=True)
    path = home / "config.toml"
    if setup == "fifo":
        os.mkfifo(path)
    elif setup == "dev-zero":
        path.symlink_to("/dev/zero")
    elif setup == "deep":
        write_config(home, "rate = 150\nx = " + "[" * 500 + "]" * 500 + "\n")
    elif setup == "bom":
        path.write_bytes(b"\xef\xbb\xbfrate = 150\n")
    else:
        write_config(
            home, 'rate = 150\n"them\\u001b[2J" = "x"\nvoice_id = "a\\u001b]0;x\\u0007b"\n'
        )
    store = SettingsStore()
    text = "\n".join(store.notices)
    assert "\x1b" not in text and "\x07" not in text
    if setup == "bom":
        assert store.notices == [] and store.value.rate == 150
    elif setup == "escape":
        assert store.value.voice_id == "ab" and store.value.rate == 150
        assert "them: unknown key (did you mean `theme`?)" in text
    else:
        assert str(path) in text
        assert store.value.rate == 170
    if setup in ("fifo", "dev-zero"):
        assert store.update(rate=120) is False  # never replaced by a regular file
        assert not path.is_file() and "not saved" in store.notices[-1]
