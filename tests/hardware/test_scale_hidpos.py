"""USB HID POS scales through the real pyusb code on a fake bus: found by usage page 0x8D, weights
accepted only when stable, moving / negative / overload readings, tare, and an unplug mid-read."""

from __future__ import annotations

import pytest
import usb.core

from hardware.scales.base import ScaleError, ScaleStatus
from hardware.scales.fakeusb import FakeHidScale, FakeUsbBackend, weight_report
from hardware.scales.hidpos import HidPosScale, parse_report
from hardware.scanners.fakeusb import FakeHidDevice
from station_console.i18n import translate


def scale_on(*devices: object) -> HidPosScale:
    return HidPosScale(backend=FakeUsbBackend(*devices), read_timeout_ms=20)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("report", "grams", "status"),
    [
        (weight_report("stable", 1200, "g"), 1200, ScaleStatus.STABLE),
        (weight_report("stable", 125, "kg", exponent=-2), 1250, ScaleStatus.STABLE),  # 1.25 kg
        (weight_report("stable", 42, "oz", exponent=-1), 119, ScaleStatus.STABLE),  # 4.2 oz = 119.07 g
        (weight_report("moving", 300, "lb", exponent=-2), 1361, ScaleStatus.MOVING),  # 3.00 lb
        (weight_report("zero", 0, "g"), 0, ScaleStatus.ZERO),
        (weight_report("under", 15, "g"), -15, ScaleStatus.UNDER_ZERO),
        (weight_report("over", 0, "g"), 0, ScaleStatus.OVER),
        (bytes([3, 4, 2, 0, 0xFF, 0xFF]), 65535, ScaleStatus.STABLE),  # the largest raw value
        (bytes([3, 4, 99, 0, 1, 0]), 0, ScaleStatus.FAULT),  # a unit nobody knows
    ],
)
def test_parse_weight_reports(report: bytes, grams: int, status: ScaleStatus) -> None:
    reading = parse_report(report)
    assert reading is not None and (reading.grams, reading.status) == (grams, status)


def test_other_reports_are_not_weights() -> None:
    assert parse_report(bytes([4, 1, 0, 0, 0, 0])) is None  # report 4 (a control report)
    assert parse_report(bytes([3, 4, 2])) is None  # cut short


def test_a_stable_weight_after_it_settles() -> None:
    dev = FakeHidScale()
    dev.weigh("zero", 0)
    dev.weigh("moving", 800)
    dev.weigh("moving", 1240)
    dev.weigh("stable", 1235, times=3)
    scale = scale_on(dev)
    reading = scale.read_stable(2.0)
    assert (reading.grams, reading.status, reading.source) == (
        1235,
        ScaleStatus.STABLE,
        "hidpos:0922:8003:1:5",
    )
    assert scale.name == "Dymo M10"
    assert dev.detach_calls == [0] and dev.claimed == {0}
    scale.close()
    assert dev.attach_calls == [0]  # the kernel gets the scale back


@pytest.mark.parametrize(
    ("status", "value", "reason"),
    [
        ("moving", 900, "did not settle"),
        ("under", 20, "below zero"),
        ("over", 0, "capacity"),
        ("zero", 0, "Nothing on the scale"),
    ],
)
def test_never_stable_is_refused_with_the_scales_reason(status: str, value: int, reason: str) -> None:
    dev = FakeHidScale()
    dev.weigh(status, value, times=30)
    scale = scale_on(dev)
    with pytest.raises(ScaleError) as exc:
        scale.read_stable(0.3)
    assert reason in str(exc.value)
    # Sentences, as the console's other messages are: en and zh both end with their full stop.
    assert str(exc.value).endswith(".") and translate(exc.value.message.msgid, "zh").endswith("。")
    scale.close()


def test_silence_is_refused_too() -> None:
    scale = scale_on(FakeHidScale())
    with pytest.raises(ScaleError) as exc:
        scale.read_stable(0.2)
    assert exc.value.code == "scale_silent"
    scale.close()


def test_unplugged_mid_read_is_a_clean_refusal() -> None:
    dev = FakeHidScale()
    dev.weigh("moving", 700, times=2)
    dev.queue_drop()  # the cable comes out while the parcel is still settling
    dev.weigh("stable", 700)
    scale = scale_on(dev)
    with pytest.raises(ScaleError) as exc:
        scale.read_stable(2.0)
    assert exc.value.code == "scale_unplugged" and "unplugged" in str(exc.value)
    dev.replug()
    dev.weigh("stable", 650)
    again = scale_on(dev).read_stable(2.0)
    assert again.grams == 650  # plugged back in: the next weighing works


def test_found_by_usage_page_not_by_id() -> None:
    # A Dymo label printer shares the scale's vendor id; a scanner is HID too; neither is a scale.
    printer = FakeHidDevice(vendor=0x0922, product=0x0021, interface_class=7, address=2)
    scanner = FakeHidDevice(vendor=0x0C2E, product=0x0B61, pos=True, address=3)
    unbranded = FakeHidScale(vendor=0x1A86, product=0xE001, address=9)  # an id nobody listed
    unbranded.weigh("stable", 500)
    scale = scale_on(printer, scanner, unbranded)
    reading = scale.read_stable(2.0)
    assert reading.source == "hidpos:1a86:e001:1:9" and scale.name == ""
    assert scanner.detach_calls == [0] and scanner.attach_calls == [0]  # looked at, then given back
    scale.close()
    with pytest.raises(ScaleError) as exc:
        scale_on(printer, scanner).read_stable(0.2)
    assert exc.value.code == "no_scale" and "0x8D" in str(exc.value)


def test_no_permission_names_the_udev_rule() -> None:
    dev = FakeHidScale(permission=False)
    with pytest.raises(ScaleError) as exc:
        scale_on(dev).read_stable(0.3)
    assert exc.value.code == "no_permission" and 'ATTRS{idVendor}=="0922"' in str(exc.value)


def test_tare_takes_the_box_off() -> None:
    dev = FakeHidScale()
    dev.weigh("stable", 150, times=2)  # the empty box
    scale = scale_on(dev)
    assert scale.tare(1.0) == 150
    dev.weigh("stable", 1350)
    assert scale.read_stable(1.0).grams == 1200
    dev.weigh("stable", 0, times=10)  # the box comes off: below zero net
    with pytest.raises(ScaleError) as exc:
        scale.read_stable(0.3)
    assert "below zero" in str(exc.value)
    scale.close()


def test_the_real_pyusb_path_sees_the_fake_scale() -> None:
    dev = FakeHidScale()
    found = usb.core.find(backend=FakeUsbBackend(dev), idVendor=0x0922)
    assert found is not None and found.idProduct == 0x8003
