"""Structural checks on what people read, so the next feature cannot forget them: dates in Dutch words in one
format ("11 december 2026": ``date_format(d, "j F Y")`` in Python, ``|date:"j F Y"`` in templates), and the
formal "u" in every Dutch message."""

import datetime
import re
from pathlib import Path

import polib
from django.utils import translation
from django.utils.formats import date_format

import wijkkracht

SOURCE = Path(wijkkracht.__file__).parent
CATALOGUE = SOURCE / "locale" / "nl" / "LC_MESSAGES" / "django.po"

#: The formats of dates people read: a day, or a moment (a sign-in, an API key's last use); and the days of
#: a week view ("maandag 30 november": the weekday is what one looks for there, the week's title has the year).
READABLE_DATE_FORMATS = {"j F Y", "j F Y H:i", "l j F", "F Y"}  # "F Y": a month ("maart 2026"), the outcomes' periods
#: Formats for machines, never shown as text: the ``datetime`` attribute of ``<time>``, ``value`` of a date input.
MACHINE_DATE_FORMATS = {"Y-m-d", "c"}

#: Python files that may call strftime, and why. Keep it short.
STRFTIME_ALLOWED: dict[str, str] = {}

_TEMPLATE_DATE = re.compile(r"""\|\s*date(?:\s*:\s*(?P<quote>["'])(?P<format>.*?)(?P=quote))?""")
_PY_DATE_FORMAT = re.compile(
    r"""date_format\([^,()]+(?:\([^()]*\))?[^,()]*,\s*(?P<quote>["'])(?P<format>.*?)(?P=quote)"""
)


def _user_facing_files(suffixes: tuple[str, ...]) -> list[Path]:
    return sorted(
        path
        for path in SOURCE.rglob("*")
        if path.suffix in suffixes
        and "tests" not in path.parts
        and "migrations" not in path.parts
        and "__pycache__" not in path.parts
    )


def test_no_strftime_in_user_facing_code():
    """strftime formats in the server's locale and in numbers ("11-12-2026"): use date_format(d, "j F Y")."""
    found = [
        f"{path.relative_to(SOURCE)}:{number}: {line.strip()}"
        for path in _user_facing_files((".py", ".html", ".txt"))
        if str(path.relative_to(SOURCE)) not in STRFTIME_ALLOWED
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if "strftime(" in line
    ]
    assert found == []


def test_templates_show_dates_in_the_agreed_formats():
    found = []
    for path in _user_facing_files((".html", ".txt")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in _TEMPLATE_DATE.finditer(line):
                if match.group("format") not in READABLE_DATE_FORMATS | MACHINE_DATE_FORMATS:
                    found.append(f"{path.relative_to(SOURCE)}:{number}: {match.group(0)}")
    assert found == []


def test_python_formats_dates_in_the_agreed_formats():
    found = []
    for path in _user_facing_files((".py",)):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            for match in _PY_DATE_FORMAT.finditer(line):
                if match.group("format") not in READABLE_DATE_FORMATS | MACHINE_DATE_FORMATS:
                    found.append(f"{path.relative_to(SOURCE)}:{number}: {match.group(0)}")
    assert found == []


def test_the_checks_recognise_what_they_look_for():
    """The patterns themselves: a bare |date, a numeric format and a short month are caught; the agreed
    format is not."""
    template = '{{ a|date }} {{ b|date:"d-m-Y" }} {{ c|date:"j M Y" }} {{ d|date:"j F Y" }} {{ e|date:\'Y-m-d\' }}'
    formats = [match.group("format") for match in _TEMPLATE_DATE.finditer(template)]
    assert formats == [None, "d-m-Y", "j M Y", "j F Y", "Y-m-d"]
    python = 'x = date_format(plan.plan_date, "j F Y") + date_format(timezone.localdate(), "d-m-Y")'
    assert [match.group("format") for match in _PY_DATE_FORMAT.finditer(python)] == ["j F Y", "d-m-Y"]


def test_the_agreed_format_reads_as_dutch_words():
    with translation.override("nl"):
        assert date_format(datetime.date(2026, 12, 11), "j F Y") == "11 december 2026"


_INFORMAL = re.compile(r"\b(je|jij|jou|jouw|jullie|jezelf)\b", re.IGNORECASE)


def test_every_dutch_message_says_u():
    """Wijkkracht addresses people formally ("u", "uw"), never with "je", "jij", "jouw" or "jullie"."""
    catalogue = polib.pofile(str(CATALOGUE))
    informal = [
        entry.msgid
        for entry in catalogue
        if not entry.obsolete and any(_INFORMAL.search(text) for text in [entry.msgstr, *entry.msgstr_plural.values()])
    ]
    assert informal == []
