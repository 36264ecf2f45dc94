"""Best-effort region and level of a department, from the administrative prefix of its name.

    >>> r = region_of("辽宁省抚顺市人力资源和社会保障局")
    >>> (r.province, r.city, r.county, r.region, r.level)
    ('辽宁省', '抚顺市', None, '辽宁省抚顺市', '市级')
    >>> region_of("上海市普陀区财政局").level
    '县级'
    >>> region_of("安阳市北关区人力资源和社会保障局").region
    '安阳市北关区'
    >>> region_of("人力资源和社会保障局").level is None
    True
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PROVINCES: tuple[str, ...] = (
    "北京市", "天津市", "上海市", "重庆市",
    "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省", "浙江省", "安徽省", "福建省",
    "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省", "四川省", "贵州省",
    "云南省", "陕西省", "甘肃省", "青海省", "台湾省",
    "内蒙古自治区", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区",
    "香港特别行政区", "澳门特别行政区", "新疆生产建设兵团",
)  # fmt: skip

# Characters that mark the department itself, never a place name.
_AGENCY = re.compile(r"[局厅委办院会部处所站队馆团社校司中心组]")
_ORG_PREFIX = re.compile(r"^(?:中国共产党|中共|共青团|中国国民党革命委员会|民革|民盟|民建|民进|农工党|致公党|九三学社|台盟)")
_CITY = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:自治州|地区|盟|市)")
_COUNTY = re.compile(r"^[\u4e00-\u9fff]{2,8}?(?:自治县|自治旗|林区|特区|新区|区|县|旗)")


@dataclass(frozen=True, slots=True)
class Region:
    province: str | None
    city: str | None
    county: str | None

    @property
    def region(self) -> str | None:
        parts = [p for p in (self.province, self.city, self.county) if p]
        return "".join(parts) or None

    @property
    def level(self) -> str | None:
        """省级 / 市级 / 县级 (县级 includes 市辖区), None when the name has no place prefix."""
        if self.county:
            return "县级"
        if self.city:
            return "市级"
        if self.province:
            return "省级"
        return None


def _take(pattern: re.Pattern[str], rest: str) -> tuple[str | None, str]:
    m = pattern.match(rest)
    if not m or _AGENCY.search(m.group(0)) or len(m.group(0)) >= len(rest):
        return None, rest
    return m.group(0), rest[m.end() :]


def region_of(name: str | None) -> Region:
    if not name:
        return Region(None, None, None)
    rest = re.sub(r"\s+", "", name)
    rest = _ORG_PREFIX.sub("", rest)  # 中共上海市普陀区委… → 上海市普陀区委…
    province = next((p for p in PROVINCES if rest.startswith(p)), None)
    if province:
        rest = rest[len(province) :]
    city = None
    if province not in ("北京市", "天津市", "上海市", "重庆市"):
        city, rest = _take(_CITY, rest)
    county, rest = _take(_COUNTY, rest)
    return Region(province, city, county)
