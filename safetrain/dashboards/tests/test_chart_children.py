"""The level-below chart of a county at city scale (about 300 enterprises) draws only the
enterprises with the most people; the table lists them all."""

from types import SimpleNamespace

from django.utils import translation

from safetrain.dashboards.views import chart_children


def _unit(code: str, population: int) -> SimpleNamespace:
    return SimpleNamespace(code=code, counts=SimpleNamespace(population=population))


def test_all_units_are_charted_up_to_the_limit():
    units = [_unit(f"e{i}", i) for i in range(20)]
    assert chart_children(units, limit=20) == units  # type: ignore[arg-type]


def test_past_the_limit_the_largest_are_charted_in_their_order():
    units = [_unit(f"e{i:03d}", (i * 37) % 101) for i in range(300)]
    shown = chart_children(units, limit=20)  # type: ignore[arg-type]
    assert len(shown) == 20
    smallest_shown = min(u.counts.population for u in shown)
    assert all(u.counts.population <= smallest_shown for u in units if u not in shown)
    assert [units.index(u) for u in shown] == sorted(units.index(u) for u in shown)


def test_the_note_under_the_chart_is_translated():
    from django.template import Context, Template

    t = Template(
        "{% load i18n %}{% blocktranslate with shown=20 total=300 %}The chart shows the "
        "{{ shown }} units with the most people; the table below lists all {{ total }}."
        "{% endblocktranslate %}"
    )
    with translation.override("zh-hans"):
        assert t.render(Context()) == "图中为人数最多的 20 个单位；下表列出全部 300 个。"
