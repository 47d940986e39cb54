"""``[remind]`` in config.toml: read, checked like every other setting, written back."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from glutecoach.store.remind_settings import RemindSettings
from glutecoach.store.settings import SettingsError, SettingsStore, to_toml


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_without_a_remind_table(tmp_path: Path) -> None:
    store = SettingsStore(write(tmp_path, 'theme = "glutecoach-dark"\n'))
    assert store.value.remind == RemindSettings()
    assert store.notices == []
    rules = store.value.remind.rules()
    assert (rules.interval, rules.snooze) == (45 * 60, 10 * 60)
    assert rules.hours.days == frozenset(range(7))


def test_a_full_remind_table_becomes_the_rules(tmp_path: Path) -> None:
    store = SettingsStore(
        write(
            tmp_path,
            "[remind]\n"
            'interval = "1h30m"\n'
            'snooze = "90s"\n'
            'hours = "22:00-06:00"\n'
            'days = ["Monday", "tue"]\n'
            'routine = "desk-reset"\n'
            "speak = false\n",
        )
    )
    assert store.notices == []
    remind = store.value.remind
    assert remind.routine == "desk-reset"
    assert remind.speak is False
    assert remind.days == ["mon", "tue"]
    rules = remind.rules()
    assert (rules.interval, rules.snooze) == (5400, 90)
    assert (rules.hours.start, rules.hours.end) == (22 * 60, 6 * 60)
    assert rules.hours.days == frozenset({0, 1})


def test_each_bad_key_names_file_line_and_fix_and_only_it_falls_back(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        'voice = "captions"\n'
        "\n"
        "[remind]\n"
        'interval = "45 minutes"\n'
        'snoze = "5m"\n'
        'hours = "9-17"\n'
        'days = ["mon", "fry"]\n'
        'routine = "desk-reset"\n',
    )
    store = SettingsStore(path)
    notices = "\n".join(store.notices)
    # The shape every file's problems have: file:line: key: message (did you mean).
    assert f'{path}:4: remind.interval: must be a time like "45m"' in notices
    assert f"{path}:5: remind.snoze: unknown key (did you mean `snooze`?)" in notices
    assert f'{path}:6: remind.hours: must be "HH:MM-HH:MM"' in notices
    assert f"{path}:7: remind.days: has 'fry', which is not a day (did you mean `fri`?)" in notices
    assert len(store.notices) == 4
    assert store.value.voice == "captions"
    assert store.value.remind.routine == "desk-reset"  # the good key stands
    assert store.value.remind.interval == "45m"  # the bad one is the default


def test_remind_that_is_not_a_table_says_how_to_write_it(tmp_path: Path) -> None:
    path = write(tmp_path, 'remind = "45m"\n')
    store = SettingsStore(path)
    assert store.notices == [
        f"{path}:1: remind: must be a table, written [remind] on its own line; "
        f"using the default ({RemindSettings()!r})"
    ]


def test_a_misspelt_table_name_suggests_remind(tmp_path: Path) -> None:
    path = write(tmp_path, '[remnd]\ninterval = "45m"\n')
    store = SettingsStore(path)
    assert any("remnd: unknown key (did you mean `remind`?)" in n for n in store.notices)


def test_update_checks_the_whole_table_and_saves_it(tmp_path: Path) -> None:
    path = write(tmp_path, 'voice = "off"\n')
    store = SettingsStore(path)
    new = RemindSettings(interval="20m", hours="08:00-12:00", days=["sat"])
    assert store.update(remind=new)
    data = tomllib.loads(path.read_text())
    assert data["remind"]["interval"] == "20m"
    assert data["remind"]["days"] == ["sat"]
    assert SettingsStore(path).value.remind == new
    with pytest.raises(SettingsError, match="remind: interval: must be a time"):
        store.update(remind=RemindSettings(interval="soon"))
    assert SettingsStore(path).value.remind == new  # the rejected change was not written


def test_the_written_file_reads_back_the_same() -> None:
    from glutecoach.store.settings import Settings, validate

    settings = Settings(remind=RemindSettings(snooze="5m", speak=False))
    data = tomllib.loads(to_toml(settings))
    again, problems = validate(data, Path("config.toml"))
    assert problems == []
    assert again == settings


@pytest.mark.parametrize(
    ("hours", "ok"),
    [
        ("09:00-17:30", True),
        ("00:00-24:00", True),
        ("all day", True),
        ("25:00-26:00", False),
        ("9:00", False),
        ("09:60-10:00", False),
    ],
)
def test_hours_forms(hours: str, ok: bool) -> None:
    from glutecoach.store.remind_settings import CHECKS

    assert (CHECKS["hours"](hours)[1] is None) is ok


def test_day_names_are_the_schedules() -> None:
    from glutecoach.remind.schedule import DAY_NAMES as SCHEDULE_DAYS
    from glutecoach.store.remind_settings import DAY_NAMES

    assert DAY_NAMES == SCHEDULE_DAYS
