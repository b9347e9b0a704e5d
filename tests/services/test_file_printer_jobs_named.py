"""A label printed to a file printer's folder is named with the counter that printed it and the
parcel's waybill, never the phone: a clerk at the folder tells the jobs apart (`job-00001.tspl`,
`job-00002.tspl` said nothing)."""

from __future__ import annotations

from pathlib import Path

from notify_helpers import checkin, zto

from hardware.printers import make_printer
from station_console.services.core.station import Station
from station_console.services.printing import sending
from station_console.services.printing.queue_view import queue_test_print
from station_console.settings import CounterSettings


def test_a_label_s_job_file_names_the_counter_and_the_waybill_not_the_phone(
    station: Station, tmp_path: Path
) -> None:
    (tmp_path / "labels").mkdir()
    checkin(station, 1, phone="13812345678")
    printer = make_printer(
        {"language": "tspl", "transport": "file", "target": f"{tmp_path}/labels/"}, name="p"
    )
    assert len(sending.process_queue(station, printer, lang="en").printed) == 1
    (job,) = (tmp_path / "labels").iterdir()
    assert job.name == f"job-00001-test-counter-{zto(1)}.tspl"
    assert "5678" not in job.name


def test_a_test_print_s_job_file_says_it_is_a_test(station: Station, tmp_path: Path) -> None:
    (tmp_path / "labels").mkdir()
    config = {"language": "tspl", "transport": "file", "target": f"{tmp_path}/labels/"}
    counter = CounterSettings(counter="test-counter", printers={"p": config}, printer={"name": "p", **config})
    queue_test_print(station, counter, printer="p")
    printer = make_printer(config, name="p")
    assert len(sending.process_queue(station, printer, lang="en").printed) == 1
    assert [p.name for p in (tmp_path / "labels").iterdir()] == ["job-00001-test-counter-test.tspl"]


def test_a_waybill_shaped_as_a_mobile_is_masked_in_its_job_file_s_name(
    station: Station, tmp_path: Path
) -> None:
    """A DHL waybill of a mobile's shape (taken on the clerk's word: it may well be the customer's
    number) is masked in its refusal and in the log: its job file's name, which any program or person
    at the folder reads, named it whole."""
    from station_console.services.checkin.transaction import check_in

    (tmp_path / "labels").mkdir()
    check_in(station, "13987654321", batch="ZTO", carrier="DHL", phone="13812345678")
    printer = make_printer(
        {"language": "tspl", "transport": "file", "target": f"{tmp_path}/labels/"}, name="p"
    )
    assert len(sending.process_queue(station, printer, lang="en").printed) == 1
    (job,) = (tmp_path / "labels").iterdir()
    assert job.name == "job-00001-test-counter-139_4321.tspl"
    assert "13987654321" not in job.name
