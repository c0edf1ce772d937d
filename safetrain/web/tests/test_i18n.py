"""Chinese by default, English by choice; the committed .mo files match their .po sources.

msgfmt (GNU gettext) is not on every machine, so the compiled .mo files are committed. This test
fails when someone edits a .po without recompiling (or the other way round).
"""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

# The project catalogue plus each app's own (safetrain/<app>/locale), which Django also reads.
LOCALE_DIRS = [Path(p) for p in settings.LOCALE_PATHS] + sorted(
    Path(settings.BASE_DIR, "safetrain").glob("*/locale")
)
PO_FILES = sorted(p for d in LOCALE_DIRS for p in d.glob("*/LC_MESSAGES/*.po"))


def parse_po(path: Path) -> dict[object, str]:
    """msgid (or (msgid, n) for plurals, ctxt\\x04msgid with a context) → msgstr, as gettext keys.

    Fuzzy and obsolete (#~) entries are left out, as msgfmt leaves them out.
    """
    catalog: dict[object, str] = {}
    entry: dict[str, object] = {}
    field = ""
    fuzzy = False

    def flush() -> None:
        nonlocal entry, fuzzy
        if "msgid" in entry and not fuzzy:
            ctxt = entry.get("msgctxt")
            msgid = str(entry["msgid"])
            key = f"{ctxt}\x04{msgid}" if ctxt is not None else msgid
            if "msgid_plural" in entry:
                for index, text in sorted(dict(entry.get("plurals", {})).items()):  # type: ignore[call-overload]
                    if text:
                        catalog[(key, index)] = text
            elif entry.get("msgstr"):
                catalog[key] = str(entry["msgstr"])
        entry, fuzzy = {}, False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line.startswith("#,") and "fuzzy" in line:
            flush() if "msgid" in entry and "msgstr" in entry else None
            fuzzy = True
            continue
        if not line or line.startswith("#"):
            if line.startswith("#~"):
                continue
            if not line and "msgid" in entry:
                flush()
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if field.startswith("msgstr["):
                plurals = entry.setdefault("plurals", {})
                plurals[int(field[7:-1])] += value  # type: ignore[index]
            else:
                entry[field] = str(entry[field]) + value
            continue
        keyword, _, rest = line.partition(" ")
        if (
            keyword in ("msgctxt", "msgid")
            and "msgstr" in entry
            or (keyword == "msgctxt" and "msgid" in entry)
        ):
            flush()
        value = ast.literal_eval(rest)
        field = keyword
        if keyword.startswith("msgstr["):
            entry.setdefault("plurals", {})[int(keyword[7:-1])] = value  # type: ignore[index, union-attr]
            entry["msgstr"] = entry.get("msgstr", "")
        else:
            entry[keyword] = value
    flush()
    return catalog


def test_there_is_a_chinese_catalogue():
    assert any(p.parts[-3] == "zh_Hans" for p in PO_FILES)


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_compiled_catalogue_matches_its_source(po: Path):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo} is missing: run `cd safetrain && safetrain compilemessages`"
    with mo.open("rb") as fh:
        compiled = dict(gettext.GNUTranslations(fh)._catalog)  # type: ignore[attr-defined]
    source = parse_po(po)
    compiled_msgs = {k: v for k, v in compiled.items() if k != ""}
    source_msgs = {k: v for k, v in source.items() if k != ""}
    missing = sorted(str(k) for k in source_msgs.keys() - compiled_msgs.keys())
    extra = sorted(str(k) for k in compiled_msgs.keys() - source_msgs.keys())
    changed = sorted(
        str(k)
        for k in source_msgs.keys() & compiled_msgs.keys()
        if source_msgs[k] != compiled_msgs[k]
    )
    assert not (missing or extra or changed), (
        f"{mo.name} is stale (run `cd safetrain && safetrain compilemessages`): "
        f"missing {missing[:5]}, extra {extra[:5]}, changed {changed[:5]}"
    )


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_every_message_is_translated(po: Path):
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    catalog = parse_po(po)
    blocks = [b for b in text.split("\n\n") if "\nmsgid " in "\n" + b]
    untranslated = [b for b in blocks[1:] if b.rstrip().endswith('msgstr ""')]
    assert not untranslated, untranslated[:3]
    assert len(catalog) >= len(blocks) - 1


def test_po_parser_handles_multiline_context_and_plural(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgid "a "\n"b"\nmsgstr "甲"\n"乙"\n\n'
        'msgctxt "menu"\nmsgid "File"\nmsgstr "文件"\n\n'
        '#, fuzzy\nmsgid "old"\nmsgstr "旧"\n\n'
        'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "多"\n',
        encoding="utf-8",
    )
    catalog = parse_po(po)
    assert catalog["a b"] == "甲乙"
    assert catalog["menu\x04File"] == "文件"
    assert "old" not in catalog
    assert catalog[("one", 0)] == "多"


# ----------------------------------------------------------------------------- the pages


@pytest.mark.django_db
def test_chinese_by_default_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "晋城市安全教育培训系统" in html and "登录" in html
    assert "Sign in" not in html


@pytest.mark.django_db
def test_home_renders_chinese_then_english_after_switching(login, users):
    c = login(users["city_admin"])
    html = c.get(reverse("home")).content.decode()
    assert "首页" in html and "在岗人数" in html and "煤矿" in html and "退出登录" in html
    response = c.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    html = c.get(reverse("home")).content.decode()
    assert '<html lang="en">' in html
    assert "Home" in html and "People in post" in html and "Coal" in html
    assert "Sign out" in html and "City administrator" in html
    assert "退出登录" not in html
    c.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")})
    assert "退出登录" in c.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_english_archive_uses_english_labels(login, users, world):
    c = login(users["county_admin"])
    c.post(reverse("set_language"), {"language": "en"})
    html = c.get(reverse("person_detail", args=[world["pa"].uid])).content.decode()
    assert "Front-line worker" in html and "Contract" in html and "In post" in html
    assert "Chengqu District" in html
