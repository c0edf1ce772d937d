"""Word lists for synthetic Jincheng data: people's names, enterprise names, org structures.

Everything here is plain data (no database), shared by the demo and the synthetic city of
issue 5. Enterprise names are made up from generic place syllables and the auspicious words
Shanxi companies like to use; they are not meant to name a real enterprise.
"""

from __future__ import annotations

# Surnames common in south-east Shanxi, roughly by frequency (weight, surname).
SURNAMES: list[tuple[int, str]] = [
    (60, "王"),
    (55, "李"),
    (50, "张"),
    (40, "刘"),
    (30, "赵"),
    (28, "郭"),
    (25, "杨"),
    (22, "陈"),
    (16, "武"),
    (14, "牛"),
    (13, "侯"),
    (12, "申"),
    (12, "原"),
    (11, "常"),
    (11, "秦"),
    (10, "段"),
    (10, "贾"),
    (10, "马"),
    (10, "吴"),
    (10, "孙"),
    (9, "任"),
    (9, "冯"),
    (9, "董"),
    (8, "崔"),
    (8, "霍"),
    (8, "卫"),
    (8, "裴"),
    (7, "焦"),
    (7, "史"),
    (7, "程"),
    (7, "田"),
    (7, "靳"),
    (6, "宋"),
    (6, "韩"),
    (6, "薛"),
    (6, "梁"),
    (5, "范"),
    (5, "许"),
    (5, "曹"),
    (5, "苗"),
    (4, "闫"),
    (4, "司"),
    (4, "毕"),
    (4, "吉"),
    (3, "栗"),
    (3, "延"),
    (3, "茹"),
    (3, "上官"),
]

GIVEN_MALE = (
    "建国军伟强斌鹏涛磊勇俊杰亮刚平明华林龙波峰飞东海文晋鑫宇浩超志保忠兵锋旭辉凯虎晨阳"
    "永红卫春利民生福贵成江山德胜玉宝金喜庆兴旺全学军红光海源晓云"
)
GIVEN_FEMALE = "丽芳娟敏静燕霞艳红玲婷慧琴英萍洁雪梅晶瑶丹璐佳琳秀兰芬凤珍月"

# Mobile prefixes of the three operators.
PHONE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "199",
]

# Place-like names for mines: a first syllable and a landform.
PLACE_FIRST = "龙凤松柏桃杏石金银青白红黄东西南北大小高新永安兴福泰瑞宏古马"
PLACE_SECOND = "峪沟岭庄河坪湾山泉源川峰村窑洼垴寨岩城"

# Auspicious two-character words for company names (brand).
BRAND_CHARS = "鑫宏恒瑞泰盛源达丰昌兴隆华润嘉祥通信德利晋安宝汇"

# Short place names used in enterprise names, by region code.
REGION_PREFIX = {
    "140502": "晋城市",
    "140521": "沁水县",
    "140522": "阳城县",
    "140524": "陵川县",
    "140525": "泽州县",
    "140581": "高平市",
}

# Name templates by sector, with weights. {place} is a place-like name, {brand} a brand word,
# {region} the county prefix above.
ENTERPRISE_NAMES: dict[str, list[tuple[int, str]]] = {
    "coal_mine": [
        (4, "山西晋城无烟煤矿业集团{place}煤矿"),
        (3, "{region}{place}煤业有限公司"),
        (2, "山西{place}煤业有限公司"),
        (1, "晋城{brand}矿业有限公司"),
    ],
    "metal_nonmetal_mine": [
        (3, "{region}{place}铁矿有限公司"),
        (2, "{region}{place}石灰岩矿"),
        (1, "{region}{place}铝土矿有限公司"),
        (1, "{region}{brand}建筑石料用灰岩矿"),
    ],
    "hazardous_chemicals": [
        (3, "{region}{brand}化工有限公司"),
        (2, "{region}{brand}化肥有限责任公司"),
        (1, "山西{brand}煤化工有限公司"),
        (1, "晋城{brand}液化天然气有限公司"),
    ],
    "metal_smelting": [
        (4, "{region}{brand}铸造有限公司"),
        (2, "{region}{brand}铸业有限公司"),
        (1, "山西{brand}钢铁有限公司"),
        (1, "{region}{brand}冶炼有限公司"),
    ],
    "industry_trade": [
        (3, "{region}{brand}机械制造有限公司"),
        (2, "{region}{brand}建材有限公司"),
        (1, "{region}{brand}陶瓷有限公司"),
        (1, "晋城{brand}食品有限公司"),
        (1, "{region}{brand}耐火材料有限公司"),
    ],
}

# Area types (DESIGN §2) each sector's enterprises have.
AREA_TYPES: dict[str, list[str]] = {
    "coal_mine": ["underground", "production", "office", "living"],
    "metal_nonmetal_mine": ["underground", "production", "office", "living"],
    "hazardous_chemicals": ["production", "office", "living"],
    "metal_smelting": ["production", "office", "living"],
    "industry_trade": ["production", "office"],
}

TEAMS = ("一班", "二班", "三班")

# How common a job type is among an enterprise's workers, relative to the others (default 1).
JOB_WEIGHT = {
    "采煤工": 5,
    "掘进工": 5,
    "综采支架工": 3,
    "井下电钳工": 3,
    "皮带输送机司机": 2,
    "通风工": 2,
    "瓦斯检查工": 2,
    "绞车司机": 2,
    "凿岩工": 3,
    "选矿工": 2,
    "化工总控工": 3,
    "炉前工": 3,
    "机加工操作工": 4,
}

# Org structure by sector: workshop (车间/工区/部门) → the catalogue job types that work there.
# Production workshops have three teams (班组); an empty job list marks a department without
# teams, where the management sits. The first department hosts principal and deputies, the
# second the safety managers.
WORKSHOPS: dict[str, list[tuple[str, list[str]]]] = {
    "coal_mine": [
        ("矿部", []),
        ("安全科", []),
        ("综采工区", ["采煤机司机", "综采支架工", "采煤工", "井下电钳工"]),
        ("掘进工区", ["掘进机司机", "掘进工", "爆破工", "井下电钳工"]),
        ("机电工区", ["井下电工", "井下安装工", "主提升机操作工", "地面低压电工", "电焊工"]),
        ("通风工区", ["瓦斯检查工", "通风工", "瓦斯抽采工", "防突工", "安全监测监控工"]),
        ("运输工区", ["皮带输送机司机", "绞车司机"]),
        ("地测防治水科", ["探放水工"]),
        ("安全检查队", ["安全检查工"]),
        ("地面机修厂", ["矿井维修电工（地面）", "电焊工"]),
    ],
    "metal_nonmetal_mine": [
        ("矿部", []),
        ("安全科", []),
        ("采矿车间", ["凿岩工", "铲运机司机", "支柱工", "非煤矿山爆破工"]),
        ("提升运输车间", ["非煤矿山提升机操作工", "铲运机司机"]),
        ("通风排水车间", ["矿井通风工", "排水工"]),
        ("机电车间", ["非煤矿山井下电气工"]),
        ("选矿车间", ["选矿工", "尾矿工"]),
        ("安全检查组", ["非煤矿山安全检查工"]),
    ],
    "hazardous_chemicals": [
        ("总经理办公室", []),
        ("安全环保部", []),
        ("合成氨车间", ["合成氨操作工", "化工总控工"]),
        ("氯碱车间", ["氯碱电解操作工", "氯化反应操作工"]),
        ("加氢车间", ["加氢反应操作工", "化工总控工"]),
        ("聚合车间", ["聚合反应操作工", "氧化反应操作工"]),
        ("仪表电气车间", ["化工仪表工", "化工维修电工"]),
        ("储运车间", ["危险化学品装卸工"]),
    ],
    "metal_smelting": [
        ("总经理办公室", []),
        ("安全环保部", []),
        ("熔炼车间", ["炉前工", "高炉工", "转炉工"]),
        ("铸造车间", ["天车工", "炉前工"]),
        ("煤气防护站", ["煤气工"]),
        ("设备维修车间", ["冶炼厂高压电工", "冶炼厂焊工"]),
    ],
    "industry_trade": [
        ("总经理办公室", []),
        ("安全环保部", []),
        ("生产车间", ["机加工操作工", "叉车司机"]),
        ("设备动力部", ["低压电工", "高压电工", "防爆电气工", "制冷设备操作工"]),
        ("维修车间", ["焊工", "压力焊工", "登高架设工", "高处安装维护工"]),
        ("仓储部", ["仓库保管员", "叉车司机"]),
    ],
}

# Process workshops of which an enterprise runs only some (a chemical plant runs a few
# processes, not all of them): sector → (workshop names, how many one enterprise has).
PROCESS_WORKSHOPS: dict[str, tuple[tuple[str, ...], int]] = {
    "hazardous_chemicals": (("合成氨车间", "氯碱车间", "加氢车间", "聚合车间"), 2),
}

# Posts that enterprises name themselves and that are not in the job-type catalogue.
FREE_POSTS: dict[str, list[str]] = {
    "coal_mine": ["井下辅助工", "矿灯房管理员"],
    "metal_nonmetal_mine": ["井下辅助工"],
    "hazardous_chemicals": ["巡检工", "化验员"],
    "metal_smelting": ["辅助工", "质检员"],
    "industry_trade": ["包装工", "质检员"],
}

# Post titles of the management by sector group.
MANAGEMENT_TITLES: dict[str, dict[str, list[str]]] = {
    "mine": {
        "principal": ["矿长"],
        "deputy": ["安全副矿长", "生产副矿长", "总工程师", "机电副矿长"],
        "safety_manager": ["安全科科长", "安全科副科长", "专职安全员", "专职安全员", "通风科科长"],
    },
    "other": {
        "principal": ["总经理", "厂长"],
        "deputy": ["分管安全副总经理", "生产副总经理", "总工程师"],
        "safety_manager": ["安全环保部部长", "专职安全员", "专职安全员", "注册安全工程师"],
    },
}


def management_titles(sector: str) -> dict[str, list[str]]:
    return MANAGEMENT_TITLES["mine" if sector.endswith("mine") else "other"]
