"""Must-know handbooks (应知应会手册, the notice §三(四)) for coal mines, linked to the demo
question bank: the sector's common handbook for every coal-mine post, and one for 瓦斯检查工.
Each item links the bank's coal-mine (or general) questions of its topic. Idempotent: a
handbook that exists is left as it is."""

from __future__ import annotations

from safetrain.catalog.models import JobType
from safetrain.demo.context import DemoContext
from safetrain.handbooks import services
from safetrain.handbooks.models import Handbook
from safetrain.questions.models import Question

# (title, body, topic of the linked questions, job type of the linked questions or "")
COMMON = [
    (
        "入井前必须做到",
        "入井前不喝酒、休息好；携带自救器、矿灯和人员定位卡；按规定穿戴劳动防护用品；"
        "严禁携带烟草和点火物品，严禁穿化纤衣服。",
        "自救互救",
        "",
    ),
    (
        "瓦斯浓度与停工撤人",
        "采掘工作面风流中甲烷浓度达到 1.0% 时必须停止用电钻打眼；达到 1.5% 时必须停止工作、"
        "切断电源、撤出人员。发现瓦斯超限立即向班组长和调度室报告。",
        "瓦斯防治",
        "",
    ),
    (
        "通风设施不得随意改动",
        "风门、风窗、密闭等通风设施不得随意打开或损坏；风门必须随手关闭，两道风门不得同时打开。"
        "局部通风机不得随意停开，无风、微风地点严禁作业。",
        "通风",
        "",
    ),
    (
        "电气设备的使用",
        "井下不得带电检修、搬迁电气设备；停电检修必须挂“有人工作，不准送电”牌。"
        "防爆电气设备失爆严禁使用。",
        "电气安全",
        "",
    ),
    (
        "发生事故时怎么办",
        "立即向调度室报告事故地点、性质和范围；佩戴自救器，沿避灾路线撤离；"
        "无法撤离时进入避难硐室或压风自救装置处等待救援，不得擅自行动。",
        "应急救援",
        "",
    ),
    (
        "三违与安全规程",
        "不违章指挥、不违章作业、不违反劳动纪律；严格执行作业规程和操作规程，"
        "发现隐患及时排除或报告。",
        "安全规程",
        "",
    ),
]
GAS = [
    (
        "瓦斯检查的地点和次数",
        "低瓦斯矿井采掘工作面每班至少检查 2 次，高瓦斯矿井每班至少检查 3 次；"
        "检查结果必须记入瓦斯检查班报手册和检查地点的记录牌，并通知现场工作人员。",
        "瓦斯检查",
        "瓦斯检查工",
    ),
    (
        "甲烷超限时的处置",
        "发现甲烷超限必须立即停止作业、切断电源、撤出人员，设置警戒，并向调度室报告。"
        "严禁空班、漏检、假检。",
        "瓦斯防治",
        "瓦斯检查工",
    ),
    (
        "光学瓦斯检定器的使用",
        "使用前检查药品、气路和光谱；在新鲜风流中对零；测定时在规定高度连续测定 3 次取最大值。",
        "瓦斯检查",
        "",
    ),
    (
        "通风与瓦斯积聚",
        "盲巷、局部通风机停风地点易积聚瓦斯，严禁人员进入；恢复通风前必须检查瓦斯，"
        "符合规定方可人工开启局部通风机。",
        "通风",
        "",
    ),
]


def _questions(topic: str, job: str, limit: int = 6) -> list[int]:
    qs = Question.objects.filter(
        retired=False, current__topic=topic, current__sector_id__in=["coal_mine"]
    )
    if job:
        qs = qs.filter(current__job_type__name=job)
    ids = list(qs.order_by("pk").values_list("pk", flat=True)[:limit])
    if not ids:  # a general question of the topic (no sector)
        ids = list(
            Question.objects.filter(
                retired=False, current__topic=topic, current__sector__isnull=True
            )
            .order_by("pk")
            .values_list("pk", flat=True)[:limit]
        )
    return ids


def _build(title: str, job: JobType | None, description: str, items: list) -> None:
    if Handbook.objects.filter(sector_id="coal_mine", job_type=job).exists():
        return
    handbook = services.handbook_create(
        actor=None,
        sector="coal_mine",
        job_type=job,
        title=title,
        description=description,
        source="seed",
    )
    for order, (item_title, body, topic, qjob) in enumerate(items, start=1):
        services.item_add(
            actor=None,
            handbook=handbook,
            title=item_title,
            body=body,
            order=order,
            question_ids=_questions(topic, qjob),
            source="seed",
        )


def handbooks(ctx: DemoContext) -> None:
    _build(
        "煤矿一线从业人员应知应会手册",
        None,
        "依据《煤矿安全规程》和山西省煤矿企业一线从业人员主要工种考试题库（晋应急发〔2024〕269号）。",
        COMMON,
    )
    _build(
        "瓦斯检查工应知应会手册",
        JobType.objects.get(sector_id="coal_mine", name="瓦斯检查工"),
        "瓦斯检查工岗位应知应会，每条对应题库中的考题，应知应会测试从中抽题。",
        GAS,
    )
    ctx.say(
        f"应知应会手册：{Handbook.objects.count()} 本（煤矿通用、瓦斯检查工），条目均关联题库考题"
    )
