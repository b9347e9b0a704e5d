"""A printer, scale or scanner setting the console cannot use is refused with its reason in the reader's
language: through the print service (`printer_for`, what the Printers screen and `station print` call),
the scale service (`read_scale`) and the scanner's own refusal as the scanner bridge and `station
scan-test` show it. What was typed is quoted as data, cleaned and cut."""

from __future__ import annotations

import re
from typing import Any

import pytest

from hardware.messages import ConfigError, reason_of
from hardware.scanners.factory import make_scanner
from station_console.errors import Refused, StationError
from station_console.i18n import LaterText, set_language, shown
from station_console.services.printing import printers as printing
from station_console.services.sendout.weighing import read_scale
from station_console.settings import CounterSettings

SIZES = "40x30, 50x30, 60x40, 70x50, 100x100, 100x150"

# Where a printer set up wrong is fixed, said after what is wrong (exact text: said once, not twice).
FIX_EN = "Fix it in Settings > Printers (F8)."
FIX_ZH = "请在“设置 > 打印机”（F8）中改正。"

PRINTERS: list[tuple[dict[str, Any], str, str]] = [
    (
        {"language": "pcl"},
        "Language (printers.lp.language) = pcl: unknown printer language; use one of tspl, zpl, escpos, png, pdf",
        "语言（printers.lp.language） = pcl：未知的打印机语言；请使用 tspl, zpl, escpos, png, pdf 之一",
    ),
    (
        {"jobs": ["label", "fax"]},
        "Jobs (printers.lp.jobs) = fax: unknown kinds of job; use label, receipt, manifest, test, waybill",
        "打印任务（printers.lp.jobs） = fax：未知的任务类型；可用 label, receipt, manifest, test, waybill",
    ),
    (
        {"dpi": 250},
        "Resolution (printers.lp.dpi) = 250: use 203 or 300",
        "分辨率（printers.lp.dpi） = 250：请使用 203 或 300",
    ),
    (
        {"dpi": "fine"},
        "Resolution (printers.lp.dpi) = fine: use 203 or 300",
        "分辨率（printers.lp.dpi） = fine：请使用 203 或 300",
    ),
    (
        {"size": "big"},
        "Size (printers.lp.size) = big: the sticker's width x height in mm, e.g. 40x30",
        "尺寸（printers.lp.size） = big：应为标签的宽x高（毫米），例如 40x30",
    ),
    (
        {"size": "300x300"},
        f"Size (printers.lp.size) = 300x300: larger than 120x200 mm is not a sticker; use one of {SIZES}",
        f"尺寸（printers.lp.size） = 300x300：大于 120x200 毫米就不是标签了；请使用 {SIZES} 之一",
    ),
    (
        {"size": "30x20"},
        f"Size (printers.lp.size) = 30x20: too small for readable text; the smallest is about 32x24 mm (sizes: {SIZES})",
        f"尺寸（printers.lp.size） = 30x20：太小，文字无法看清；最小约 32x24 毫米（常用尺寸：{SIZES}）",
    ),
    (
        {"gap_mm": "wide"},
        "Gap (mm), key printers.lp.gap_mm = wide: the gap between stickers, in mm from 0 (continuous paper) to 20",
        "间隙（毫米），键 printers.lp.gap_mm = wide：标签间隙，单位毫米，0（连续纸）到 20",
    ),
    (
        {"gap_mm": 25},
        "Gap (mm), key printers.lp.gap_mm = 25: the gap between stickers, in mm from 0 (continuous paper) to 20",
        "间隙（毫米），键 printers.lp.gap_mm = 25：标签间隙，单位毫米，0（连续纸）到 20",
    ),
    (
        {"language": "escpos", "paper_mm": 76},
        "Roll width (mm), key printers.lp.paper_mm = 76: the roll width, 58 or 80",
        "纸卷宽度（毫米），键 printers.lp.paper_mm = 76：纸卷宽度，58 或 80",
    ),
    (
        {"cjk": "guess"},
        "Chinese text (printers.lp.cjk) = guess: use one of resident, bitmap",
        "中文文字（printers.lp.cjk） = guess：请使用 resident, bitmap 之一",
    ),
    (
        {"transport": "pigeon"},
        "Transport (printers.lp.transport) = pigeon: use usb, tcp, device, cups, file or dummy",
        "连接方式（printers.lp.transport） = pigeon：请使用 usb、tcp、device、cups、file 或 dummy",
    ),
    (
        {"transport": "usb", "target": "zebra"},
        "Target (printers.lp.target) = zebra: a USB printer's vendor:product in hex, e.g. 0416:5011",
        "目标（printers.lp.target） = zebra：应为 USB 打印机的“厂商:产品”编号（十六进制），例如 0416:5011",
    ),
    (
        {"transport": "tcp", "target": "printer.lan:ninety"},
        "Target (printers.lp.target) = printer.lan:ninety: a network printer's host or host:port, e.g. 192.168.1.50:9100",
        "目标（printers.lp.target） = printer.lan:ninety：应为网络打印机的主机或“主机:端口”，例如 192.168.1.50:9100",
    ),
    (
        {"transport": "tcp", "target": "printer.lan:70000"},
        "Target (printers.lp.target) = printer.lan:70000: a network printer's host or host:port, e.g. 192.168.1.50:9100",
        "目标（printers.lp.target） = printer.lan:70000：应为网络打印机的主机或“主机:端口”，例如 192.168.1.50:9100",
    ),
    (
        {"transport": "tcp", "target": " "},
        "Target (printers.lp.target): a network printer needs its address, e.g. 192.168.1.50:9100",
        "目标（printers.lp.target）：网络打印机需要填写地址，例如 192.168.1.50:9100",
    ),
    (
        {"transport": "cups"},
        "Target (printers.lp.target): a CUPS printer needs the name of its queue (see lpstat -p)",
        "目标（printers.lp.target）：CUPS 打印机需要填写队列名称（见 lpstat -p）",
    ),
    (
        {"transport": "file"},
        "Target (printers.lp.target): a file printer needs a folder or a file to write to",
        "目标（printers.lp.target）：文件打印机需要填写要写入的文件夹或文件",
    ),
    (  # read against the folder the console happened to start in, labels would land anywhere
        {"transport": "file", "target": "labels/"},
        "Target (printers.lp.target) = labels/: a file printer's folder or file is given by its whole path, "
        "such as /srv/labels/, never one relative to the folder the console was started in",
        "目标（printers.lp.target） = labels/：文件打印机的文件夹或文件须写完整路径，例如 /srv/labels/，"
        "不能写相对于控制台启动时所在文件夹的路径",
    ),
    (  # a TOML "\u0000": every look at the path failed as a Python error, the print pass too
        {"transport": "file", "target": "/srv/la\x00bels/"},
        "Target (printers.lp.target) = /srv/la\\x00bels/: a file printer's folder or file name holds a NUL "
        "character, which no name on disk can",
        "目标（printers.lp.target） = /srv/la\\x00bels/：文件打印机的文件夹或文件名含有 NUL 字符，"
        "磁盘上的名称都不能含有它",
    ),
    (  # likewise for a device: its print pass stopped on a Python error (ValueError), the job unsaid
        {"transport": "device", "target": "/dev/usb/lp\x000"},
        "Target (printers.lp.target) = /dev/usb/lp\\x000: a device or CUPS queue name holds a NUL character, "
        "which none can",
        "目标（printers.lp.target） = /dev/usb/lp\\x000：设备名或 CUPS 队列名含有 NUL 字符，"
        "任何设备或队列名都不能含有它",
    ),
    (
        {"transport": "cups", "target": "labels\x00"},
        "Target (printers.lp.target) = labels\\x00: a device or CUPS queue name holds a NUL character, "
        "which none can",
        "目标（printers.lp.target） = labels\\x00：设备名或 CUPS 队列名含有 NUL 字符，任何设备或队列名都不能含有它",
    ),
    (
        {"transport": "tcp", "target": "10.0.0.9", "timeout": "soon"},
        "Timeout (s), key printers.lp.timeout = soon: a number from 0.1 to 120",
        "超时（秒），键 printers.lp.timeout = soon：应为 0.1 到 120 之间的数",
    ),
]


@pytest.mark.parametrize(("config", "english", "chinese"), PRINTERS, ids=[str(c) for c, _e, _z in PRINTERS])
def test_a_printer_setting_is_refused_with_its_reason_in_either_language(
    config: dict[str, Any], english: str, chinese: str
) -> None:
    settings = CounterSettings(printers={"lp": config})
    with pytest.raises(Refused) as err:
        printing.printer_for(settings, "lp")
    assert err.value.code == "bad_printer"
    # What is wrong, then where to fix it: once, as the whole counter's pass says it.
    assert err.value.message("en") == f"Printer lp is misconfigured: {english}. {FIX_EN}"
    assert err.value.message("zh") == f"打印机 lp 配置有误：{chinese}。{FIX_ZH}"
    set_language("zh")  # shown in the console's language when it is not named
    assert str(err.value) == f"打印机 lp 配置有误：{chinese}。{FIX_ZH}"
    counter = printing.counter_printers(settings)  # the whole counter's: this one said, not raised
    assert counter.printers == [] and [f.reason() for f in counter.faults] == [
        f"打印机 lp 配置有误：{chinese}。"
    ]


SCALES: list[tuple[dict[str, Any], str, str]] = [
    (
        {"kind": "weird"},
        "Kind (scale.kind) = weird: unknown kind of scale; use one of hidpos, serial, dummy",
        "类型（scale.kind） = weird：未知的秤类型；请使用 hidpos, serial, dummy 之一",
    ),
    (
        {"kind": "serial"},
        "Port (scale.port): a serial scale needs its port, e.g. /dev/ttyUSB0",
        "端口（scale.port）：串口秤需要设置端口，例如 /dev/ttyUSB0",
    ),
    (
        {"kind": "serial", "port": "/dev/ttyUSB0", "baud": "fast"},
        "Baud rate (scale.baud) = fast: a whole number from 50 to 4000000",
        "波特率（scale.baud） = fast：应为 50 到 4000000 之间的整数",
    ),
    (
        {"kind": "serial", "port": "/dev/ttyUSB0", "protocol": "toledo"},
        "Protocol (scale.protocol) = toledo: unknown scale protocol; use one of mtsics, cas, regex",
        "协议（scale.protocol） = toledo：未知的秤协议；请使用 mtsics, cas, regex 之一",
    ),
    (
        {"kind": "serial", "port": "/dev/ttyUSB0", "protocol": "regex"},
        "Pattern (scale.pattern): a regex scale needs a pattern with a (?P<weight>...) group",
        "正则表达式（scale.pattern）：regex 秤需要一个含 (?P<weight>...) 分组的表达式",
    ),
    (
        {"kind": "serial", "port": "/dev/ttyUSB0", "protocol": "regex", "pattern": "[0-9.]+"},
        "Pattern (scale.pattern): a regex scale needs a pattern with a (?P<weight>...) group",
        "正则表达式（scale.pattern）：regex 秤需要一个含 (?P<weight>...) 分组的表达式",
    ),
    (
        {"kind": "serial", "port": "/dev/ttyUSB0", "protocol": "regex", "pattern": "ww(?P<weight>[0-9.]+"},
        "Pattern (scale.pattern): not a valid regular expression (at character 3)",
        "正则表达式（scale.pattern）：不是有效的正则表达式（第 3 个字符处）",
    ),
    (
        {
            "kind": "serial",
            "port": "p",
            "protocol": "regex",
            "pattern": "(?P<weight>[0-9.]+)",
            "unit": "stone",
        },
        "Weight unit (scale.unit) = stone: use one of mg, g, kg, ct, gr, dwt, ozt, oz, lb",
        "重量单位（scale.unit） = stone：请使用 mg, g, kg, ct, gr, dwt, ozt, oz, lb 之一",
    ),
    (
        {"kind": "serial", "port": "p", "protocol": "regex", "pattern": "(?P<weight>[0-9.]+)", "settle": 0},
        "Readings to settle (scale.settle) = 0: a whole number from 1 to 100",
        "稳定所需读数（scale.settle） = 0：应为 1 到 100 之间的整数",
    ),
    (
        {"kind": "hidpos", "vendor": "zz"},
        "Vendor id (scale.vendor) = zz: a USB id is 4 hex digits, e.g. 0c2e",
        "厂商编号（scale.vendor） = zz：USB 编号应为 4 位十六进制数，例如 0c2e",
    ),
]


@pytest.mark.parametrize(("config", "english", "chinese"), SCALES, ids=[str(c) for c, _e, _z in SCALES])
def test_a_scale_setting_is_refused_with_its_reason_in_either_language(
    config: dict[str, Any], english: str, chinese: str
) -> None:
    with pytest.raises(StationError) as err:
        read_scale(config, timeout_s=0.1)
    assert err.value.code == "no_scale"
    assert err.value.message("en") == f"The scale is misconfigured: {english}"
    assert err.value.message("zh") == f"秤配置有误：{chinese}"


SCANNERS: list[tuple[dict[str, Any], str, str]] = [
    (
        {"kind": "laser"},
        "kind = laser: unknown kind of scanner; use one of wedge, hid, hidpos, serial, dummy",
        "类型（kind） = laser：未知的扫码枪类型；请使用 wedge, hid, hidpos, serial, dummy 之一",
    ),
    (
        {"kind": "serial"},
        "port: a serial scanner needs its port, e.g. /dev/ttyACM0",
        "端口（port）：串口扫码枪需要设置端口，例如 /dev/ttyACM0",
    ),
    (
        {"kind": "serial", "port": "/dev/ttyACM0", "baud": 9600.5},
        "Baud rate (baud) = 9600.5: a whole number from 50 to 4000000",
        "波特率（baud） = 9600.5：应为 50 到 4000000 之间的整数",
    ),
    (
        {"kind": "serial", "port": "/dev/ttyACM0", "terminator": "semicolon"},
        "terminator = semicolon: use one of cr, lf, crlf, tab, any",
        "结束键（terminator） = semicolon：请使用 cr, lf, crlf, tab, any 之一",
    ),
    (
        {"kind": "hid", "mode": "magic"},
        "mode = magic: use one of auto, keyboard, pos",
        "模式（mode） = magic：请使用 auto, keyboard, pos 之一",
    ),
    (
        {"kind": "hid", "terminator": "space"},
        "terminator = space: use one of enter, tab",
        "结束键（terminator） = space：请使用 enter, tab 之一",
    ),
    (
        {"kind": "hid", "layout": "dvorak"},
        "Keyboard layout (layout) = dvorak: unknown keyboard layout; use one of us, de, fr",
        "键盘布局（layout） = dvorak：未知的键盘布局；请使用 us, de, fr 之一",
    ),
    (
        {"kind": "hid", "exclude": ["logitech"]},
        "Excluded devices (exclude) = logitech: USB ids as vendor:product in hex, e.g. 046d:c31c",
        "排除的设备（exclude） = logitech：应为“厂商:产品”形式的十六进制 USB 编号，例如 046d:c31c",
    ),
    (
        {"kind": "hidpos", "product": "0x1g"},
        "Product id (product) = 0x1g: a USB id is 4 hex digits, e.g. 0c2e",
        "产品编号（product） = 0x1g：USB 编号应为 4 位十六进制数，例如 0c2e",
    ),
    (
        {"kind": "dummy", "interval_s": "often"},
        "Interval (s), key interval_s = often: a number from 0 to 3600",
        "间隔（秒），键 interval_s = often：应为 0 到 3600 之间的数",
    ),
]


@pytest.mark.parametrize(("config", "english", "chinese"), SCANNERS, ids=[str(c) for c, _e, _z in SCANNERS])
def test_a_scanner_setting_is_refused_with_its_reason_in_either_language(
    config: dict[str, Any], english: str, chinese: str
) -> None:
    with pytest.raises(ValueError) as err:  # callers that catch ValueError still do
        make_scanner(config)
    assert isinstance(err.value, ConfigError)
    # Logs and older callers: the English, the key as counter.toml spells it, without its label.
    key = re.compile(r"^[^=:]+?(?: \((\w+)\)|, key (\w+))(?= =|:)")
    assert str(err.value) == key.sub(lambda m: m[1] or m[2], english)
    assert shown(reason_of(err.value)) == english
    set_language("zh")
    assert shown(reason_of(err.value)) == chinese


def test_what_was_typed_is_quoted_as_data_one_line_and_cut() -> None:
    with pytest.raises(Refused) as err:
        printing.printer_for(
            CounterSettings(printers={"lp": {"size": "\x1b[2J{dpi}\u202e" + "9" * 80}}), "lp"
        )
    reason = err.value.message("zh")
    assert "\x1b" not in reason and "\u202e" not in reason
    # The escape and the override written out, as a screen shows stored text: the clerk sees the garbage.
    shown = "\\x1b[2J{dpi}\\u202e" + "9" * 22  # cut at 40 as shown; braces not filled
    assert "尺寸（printers.lp.size） = " + shown + "：" in reason


def test_each_device_s_refusal_names_its_key_in_its_section_of_counter_toml() -> None:
    """A scanner and a scale both have a `port`, two printers a `dpi`: the refusal says whose."""
    with pytest.raises(StationError) as scale:
        read_scale({"kind": "serial"}, timeout_s=0.1)
    assert scale.value.message("en").startswith("The scale is misconfigured: Port (scale.port): ")
    assert scale.value.message("zh").startswith("秤配置有误：端口（scale.port）：")
    two = CounterSettings(
        printer={"name": "back", "language": "tspl", "transport": "dummy"},
        printers={"前台": {"language": "tspl", "transport": "dummy", "dpi": 250}},
    )
    with pytest.raises(Refused) as named:
        printing.printer_for(two, "前台")
    # A name TOML takes only in quotes is quoted, as the file has to write it.
    assert (
        named.value.message("en")
        == f'Printer 前台 is misconfigured: Resolution (printers."前台".dpi) = 250: use 203 or 300. {FIX_EN}'
    )
    bad_default = CounterSettings(printer={"language": "tspl", "transport": "dummy", "gap_mm": 25})
    with pytest.raises(Refused) as default:
        printing.printer_for(bad_default)
    assert "间隙（毫米），键 printer.gap_mm = 25：" in default.value.message("zh")


def test_a_reason_that_is_not_a_message_is_kept_as_it_is() -> None:
    """A library's own ValueError (a programming error) stays its English in either language."""
    later = LaterText(reason_of(ValueError("cannot encode 'é' in Code128 subset B/C")))
    assert later.message("zh") == later.message("en") == "cannot encode 'é' in Code128 subset B/C"
