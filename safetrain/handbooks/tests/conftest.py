import datetime as dt

import pytest

from safetrain.catalog.models import JobType
from safetrain.people.tests.factories import make_employment, make_enterprise, make_user
from safetrain.questions.tests.factories import make_bank, make_question


@pytest.fixture
def world(db):
    """A coal mine (城区) with a 瓦斯检查工 and a 采煤工, a chemicals plant; coal questions (single,
    true/false), chemicals questions and a general (no sector) question; logins."""
    mine = make_enterprise(region="140502", sector="coal_mine")
    plant = make_enterprise(region="140502", sector="hazardous_chemicals")
    start = dt.date(2023, 1, 1)
    gas = make_employment(enterprise=mine, start=start, job="瓦斯检查工").person
    miner = make_employment(enterprise=mine, start=start, job="采煤工").person
    chem = make_employment(enterprise=plant, start=start, job="化工总控工").person
    coal_bank = make_bank(sector="coal_mine")
    coal = [make_question(bank=coal_bank, sector="coal_mine") for _ in range(6)]
    coal += [make_question(bank=coal_bank, sector="coal_mine", type="truefalse") for _ in range(4)]
    chem_bank = make_bank(sector="hazardous_chemicals")
    chem_q = [make_question(bank=chem_bank, sector="hazardous_chemicals") for _ in range(3)]
    general = make_question(bank=make_bank(sector=None), sector=None)
    return {
        "mine": mine,
        "plant": plant,
        "gas": gas,
        "miner": miner,
        "chem": chem,
        "gas_job": JobType.objects.get(name="瓦斯检查工"),
        "coal_q": coal,
        "chem_q": chem_q,
        "general_q": general,
        "city": make_user("city_admin"),
        "county": make_user("county_admin", region="140502"),
        "trainer": make_user("trainer"),
        "admin": make_user("enterprise_admin", enterprise=mine),
        "inspector": make_user("inspector", region="140502"),
        "w_gas": make_user("worker", person=gas),
        "w_miner": make_user("worker", person=miner),
        "w_chem": make_user("worker", person=chem),
    }
