"""The files the console fuzzer types the paths of (scripts/fuzz_console.py --rules): Settings > Send-out
rules imports a tariff, a checklist or waybill stock from a typed path, Settings > Pre-alerts a carrier's
pre-alert file, and a form that only ever refused a missing file would never get past it. Good ones (a
preview, then Yes stores them), bad ones (each refusal the services have), a folder, a missing file;
names in Chinese, item text that looks like Rich markup and Chinese long enough to wrap."""

from __future__ import annotations

import json
from pathlib import Path

RATES_CSV = (
    "zone,first_g,first_cents,step_g,step_cents\n"
    "same,1000,1100,1000,200\nnear,1000,1400,1000,400\nfar,1000,1900,1000,800\nremote,1000,2800,500,1500\n"
)
# Items whose text is data: '[/magenta]' shown as markup would raise, the Chinese wraps at 80x24.
ITEMS = [
    {"id": "explosives", "zh": "枪支弹药、爆炸物、烟花爆竹", "en": "Guns, ammunition, explosives"},
    {
        "id": "batteries",
        "zh": "锂电池、充电宝（额定能量超过一百瓦时的，或者没有标明额定能量的，一律不予收寄）",
        "en": "Lithium batteries [/magenta] over 100 Wh, or with no rating shown [@click=app.quit]q",
    },
    {
        "id": "liquids",
        "zh": "易燃易爆液体、气体（酒精、油漆、打火机、喷雾罐、香水、指甲油、发胶、杀虫剂等）",
        "en": "Flammable liquids or gases (alcohol, paint, lighters, aerosols, perfume, nail varnish)",
    },
]


# Pre-alerts: waybills the demo station never saw (a preview with rows to import), rows refused by line,
# a name that looks like Rich markup, GBK as a carrier's spreadsheet saves it, JSON, and files with no
# row to import (no waybill column, an unknown carrier, nothing but a header).
PREALERT_CSV = (
    "运单号,快递公司,手机,姓名\n"
    "YT7000000000001,YTO,13800001111,张三\n"
    "ZT7000000000002,ZTO,13800002222,[/magenta] 李四\n"
    "not-a-waybill,ZTO,1380000,王五\n"
    "YT7000000000001,YTO,13800001111,张三\n"
)
PREALERTS: dict[str, str | bytes] = {
    "预到货.csv": PREALERT_CSV,
    "prealert-gbk.csv": PREALERT_CSV.replace("YT7000000000001", "YT7000000000011").encode("gbk"),
    "prealert.json": json.dumps(
        [{"waybill": "ZT7000000000021", "carrier": "ZTO", "phone": "13800003333", "name": "[bold]赵六"}],
        ensure_ascii=False,
    ),
    "prealert-no-carrier.csv": "waybill,phone\nZT7000000000031,13800004444\n",  # the form's carrier
    "prealert-unknown.csv": "waybill,carrier\nXX7000000000041,NOSUCH\n",
    "prealert-columns.csv": "name,phone\n张三,13800001111\n",
    "prealert-header.csv": "运单号,快递公司\n",
}


def _checklist_toml(items: list[dict[str, str]]) -> str:
    return "".join(
        f"[[items]]\nid = {json.dumps(i['id'])}\nzh = {json.dumps(i['zh'], ensure_ascii=False)}\n"
        f"en = {json.dumps(i['en'])}\n\n"
        for i in items
    )


def rule_paths(folder: Path) -> list[str]:
    """The files written into `folder` (once; the same paths every run, so a printed sequence replays);
    their paths, the folder's and a missing file's."""
    from station_console.services.sendout import rule_files  # once the fuzzer has isolated its run

    builtin = Path(rule_files.__file__).resolve().parent.parent.parent / "data" / "tariffs.toml"
    files: dict[str, str | bytes] = {
        "sf.csv": RATES_CSV,
        "价目表.csv": RATES_CSV.replace("1100", "1150"),
        "tariffs.toml": builtin.read_text(encoding="utf-8").replace(
            "first_cents = 1200", "first_cents = 1250"
        ),
        "same-tariffs.toml": builtin.read_text(encoding="utf-8"),  # unchanged: refused as such
        "bad.csv": "zone,first_g,first_cents,step_g,step_cents\nsame,1kg,1100,1,2\n",
        "empty.csv": "",
        "rates.txt": RATES_CSV,  # neither .toml nor .csv
        "checklist.toml": _checklist_toml(ITEMS),
        "检查单.json": json.dumps({"items": ITEMS[:2]}, ensure_ascii=False),
        "twice.toml": _checklist_toml([ITEMS[0], ITEMS[0]]),
        "broken.toml": "[[items]\nid = ",
        "sf-stock.csv": "waybill\nSF1234567890130\nSF1234567890131\n",
        "sf-more.csv": "SF1234567890130\nSF1234567890131\nSF1234567890147\n",
        "bad-stock.csv": "SF1234567890150\nnot a number [/magenta]\n",
        "latin1.csv": "zone,first_g\ncaf\xe9,1\n".encode("latin-1"),  # not UTF-8
        "big.csv": b"0" * (rule_files.MAX_BYTES + 1),
        **PREALERTS,
    }
    folder.mkdir(parents=True, exist_ok=True)
    for name, body in files.items():
        path = folder / name
        if not path.exists():
            path.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
    long_missing = folder / ("很长的文件名-" * 12 + "missing.csv")
    return [
        *(str(folder / name) for name in files),
        str(folder),
        str(folder / "missing.toml"),
        str(long_missing),
        str(folder / ("预到货" * 30 + ".csv")),  # past the system's 255 bytes a name: no such file
    ]
