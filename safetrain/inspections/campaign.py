"""The campaign of notice 晋市应急教发〔2024〕226号 and its phases (notice §四).

The notice (印发 2024-10-10) runs the campaign "自即日起至2024年12月31日" in three phases:
(一) 动员部署 until 15 October — each county bureau reports its implementation plan to the city
bureau's 教育训练科 by 2024-10-15; (二) 教育培训 from 15 October through November; (三) 督导检查
until the end of December. Kept as data in code: the notice fixes them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Phase:
    key: str
    name: str
    starts_on: dt.date
    ends_on: dt.date
    what: str

    def state_on(self, on: dt.date) -> str:
        if on < self.starts_on:
            return "upcoming"
        return "done" if on > self.ends_on else "current"


@dataclass(frozen=True)
class Campaign:
    code: str
    title: str
    document: str
    starts_on: dt.date
    ends_on: dt.date
    plan_deadline: dt.date
    phases: tuple[Phase, ...]

    def phase_on(self, on: dt.date) -> Phase | None:
        for phase in self.phases:
            if phase.starts_on <= on <= phase.ends_on:
                return phase
        return None


CAMPAIGN = Campaign(
    code="2024-226",
    title="矿山危化冶金工贸行业从业人员安全素质提升专项行动",
    document="晋市应急教发〔2024〕226号",
    starts_on=dt.date(2024, 10, 10),
    ends_on=dt.date(2024, 12, 31),
    plan_deadline=dt.date(2024, 10, 15),
    phases=(
        Phase(
            "deployment",
            "动员部署阶段",
            dt.date(2024, 10, 10),
            dt.date(2024, 10, 15),
            "制定本行业本领域实施方案，专题部署；各县（市、区）应急管理局实施方案于"
            "2024年10月15日前报送市局教育训练科",
        ),
        Phase(
            "training",
            "教育培训阶段",
            dt.date(2024, 10, 15),
            dt.date(2024, 11, 30),
            "专题培训、部门培训、全员培训；公司（厂矿）级、车间（部门）级、岗位（班组）级"
            "“三级”培训，所有从业人员轮训一遍，重点岗位人员集中培训一次",
        ),
        Phase(
            "inspection",
            "督导检查阶段",
            dt.date(2024, 12, 1),
            dt.date(2024, 12, 31),
            "市、县应急管理局指导检查企业培训工作，督促落实各项措施，定期通报",
        ),
    ),
)

CAMPAIGNS = {CAMPAIGN.code: CAMPAIGN}
