"""Writes the demo batch files under samples/: `python samples/generate.py`. Deterministic, so the
files only change when this does. Everything agrees: each person's unit exists, card numbers embed
the holder's ss_code, phones are Vietnamese mobiles, and contributions follow the real shares of the
declared salary (employer 21.5% + employee 10.5%: social 25.5%, health 4.5%, unemployment 2%)."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOW_MONTH = "2026-10"  # the last month of history: the demo runs from late November 2026
MONTHS = [f"{y}-{m:02d}" for y in (2024, 2025, 2026) for m in range(1, 13)]
MONTHS = MONTHS[MONTHS.index("2024-11") : MONTHS.index(NOW_MONTH) + 1]  # two years

EMPLOYERS = [
    # unit_code, name, rep_phone, province_code
    ("TZH490L", "Công ty TNHH Dệt may Hoàng Mai", "0912345678", "40"),
    ("YN0123A", "Công ty Cổ phần Thủy sản Cửa Lò", "0983 456 789", "40"),
    ("HN7788B", "Trường Mầm non Hoa Sen", "+84 904 111 222", "01"),
    ("SG5521C", "Công ty TNHH Phần mềm Sao Mai", "0779001122", "79"),
    ("NA3301D", "Hợp tác xã Nông nghiệp Diễn Châu", "0356 778 890", "40"),
    ("HN2045E", "Công ty TNHH Xây dựng Thăng Long", "", "01"),  # no representative's phone on file
]
PROVINCE_OF = {code: prov for code, _, _, prov in EMPLOYERS}
CCCD_PROVINCE = {"01": "001", "40": "040", "79": "079"}

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô"]
MIDDLE_F = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Hải"]
MIDDLE_M = ["Văn", "Đức", "Minh", "Quốc", "Hữu", "Công"]
GIVEN_F = ["Hương", "Lan", "Mai", "Hà", "Trang", "Thảo", "Linh", "Yến", "Nhung", "Phương", "Ngân", "Oanh"]
GIVEN_M = ["Hùng", "Dũng", "Tuấn", "Nam", "Long", "Quang", "Khải", "Thắng", "Sơn", "Phúc", "Đạt", "Cường"]
PREFIXES = ["091", "094", "088", "083", "096", "097", "098", "086", "032", "035", "039", "090", "093", "077", "070"]
FACILITIES = {
    "40": ["Bệnh viện Đa khoa tỉnh Nghệ An", "Trạm Y tế phường Hưng Bình", "Bệnh viện Đa khoa Cửa Lò"],
    "01": ["Bệnh viện Bạch Mai", "Bệnh viện Đa khoa Đống Đa, Hà Nội"],
    "79": ["Bệnh viện Chợ Rẫy", "Bệnh viện Nhân dân 115"],
}


@dataclass
class Person:
    ss_code: str
    full_name: str
    date_of_birth: str
    id_number: str
    phone: str
    unit_code: str
    province_code: str
    salary: int
    voluntary: bool = False


def _phone(rng: random.Random) -> str:
    while (phone := rng.choice(PREFIXES) + f"{rng.randrange(10**7):07d}").endswith("99"):
        pass  # moto reports numbers ending in 99 as opted out: the demo would lose their SMS
    return phone


def _people(rng: random.Random) -> list[Person]:
    units = ["TZH490L"] * 12 + ["YN0123A"] * 10 + ["HN7788B"] * 7 + ["SG5521C"] * 7 + ["NA3301D"] * 5
    units += ["HN2045E"] * 4 + [""] * 5  # the last five pay voluntary social insurance
    seen: set[str] = set()
    out = []
    for i, unit in enumerate(units):
        female = i % 2 == 0
        name = " ".join(
            (
                rng.choice(FAMILY),
                rng.choice(MIDDLE_F if female else MIDDLE_M),
                rng.choice(GIVEN_F if female else GIVEN_M),
            )
        )
        province = PROVINCE_OF.get(unit, "40")
        while (ss := province + f"{rng.randrange(10**8):08d}") in seen:
            pass
        seen.add(ss)
        year = rng.randrange(1965, 2004)
        dob = f"{year}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        century = (0 if year < 2000 else 2) + (1 if female else 0)  # CCCD: sex and century digit
        id_number = CCCD_PROVINCE[province] + str(century) + str(year)[2:] + f"{rng.randrange(10**6):06d}"
        phone = "" if i % 7 == 3 else _phone(rng)  # some have no phone registered on TK1-TS
        salary = rng.randrange(53, 300) * 100_000  # from the region I minimum wage upwards
        out.append(Person(ss, name, dob, id_number, phone, unit, province, salary, voluntary=not unit))
    return out


def _shares(salary: int) -> tuple[int, int, int]:
    return salary * 255 // 1000, salary * 45 // 1000, salary * 2 // 100


def _write(kind: str, name: str, header: list[str], rows: list[list[object]]) -> None:
    path = HERE / kind / name
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    rng = random.Random(2026)
    people = _people(rng)
    employees = [p for p in people if not p.voluntary]

    _write(
        "employers", "employers.csv", ["unit_code", "name", "rep_phone", "province_code"], [list(e) for e in EMPLOYERS]
    )
    _write(
        "people",
        "people.csv",
        ["ss_code", "full_name", "date_of_birth", "id_number", "phone", "unit_code", "province_code"],
        [[p.ss_code, p.full_name, p.date_of_birth, p.id_number, p.phone, p.unit_code, p.province_code] for p in people],
    )

    history = []
    unit_totals: dict[tuple[str, str], int] = {}
    for p in employees:
        for month in MONTHS:
            salary = p.salary if month >= "2026-01" else p.salary * 92 // 100 // 100_000 * 100_000  # a raise in 2026
            si, hi, ui = _shares(salary)
            owed = (p.unit_code == "YN0123A" and month == NOW_MONTH) or (
                p.unit_code == "HN2045E" and month >= "2026-09"
            )
            history.append([p.ss_code, p.unit_code, month, salary, si, hi, ui, "owed" if owed else "paid"])
            key = (p.unit_code, month)
            unit_totals[key] = unit_totals.get(key, 0) + si + hi + ui
    _write(
        "history",
        "history-2024-11-to-2026-10.csv",
        ["ss_code", "unit_code", "period", "salary_vnd", "si_vnd", "hi_vnd", "ui_vnd", "status"],
        history,
    )

    payments = []
    for n, unit in enumerate(["TZH490L", "HN7788B", "SG5521C", "NA3301D"], start=1):
        day = f"0{4 + n}/11/2026" if n % 2 else f"2026-11-0{4 + n}"  # agencies mix both date forms
        payments.append([f"PT-2026-11-{n:04d}", unit, day, unit_totals[(unit, NOW_MONTH)], NOW_MONTH])
    payments.append(["PT-2026-11-0005", "YN0123A", "2026-11-20", unit_totals[("YN0123A", "2026-09")], "2026-09"])
    _write("payments", "2026-11.csv", ["payment_id", "unit_code", "paid_on", "amount_vnd", "period"], payments)

    by_unit: dict[str, list[Person]] = {}
    for p in employees:
        by_unit.setdefault(p.unit_code, []).append(p)
    plans = [  # (plan, unit, index in unit, salary change)
        ("TM", "TZH490L", 0, None),
        ("GH", "TZH490L", 1, None),
        ("KL", "TZH490L", 2, None),
        ("TS", "YN0123A", 0, None),
        ("OF", "YN0123A", 1, None),
        ("DC", "HN7788B", 0, -1_000_000),
        ("DC", "HN7788B", 1, +1_500_000),
        ("SB", "SG5521C", 0, -500_000),
        ("GD", "SG5521C", 1, None),
        ("GC", "NA3301D", 0, None),
        ("AD", "NA3301D", 1, +300_000),
        ("ON", "YN0123A", 2, None),
        ("CD", "HN2045E", 0, None),
    ]
    declarations = []
    for n, (plan, unit, idx, change) in enumerate(plans, start=1):
        p = by_unit[unit][idx]
        salary = p.salary + change if change is not None else p.salary
        previous = p.salary if change is not None else ""
        declarations.append([f"D02-{unit}-2611-{n:03d}", unit, p.ss_code, plan, "2026-12", salary, previous])
    _write(
        "declarations",
        "d02-2026-11.csv",
        ["declaration_id", "unit_code", "ss_code", "plan", "effective_period", "salary_vnd", "previous_salary_vnd"],
        declarations,
    )

    with_phone = [p for p in people if p.phone]
    first = [
        ["03706/2026/07906", "Cấp lại sổ BHXH do mất", with_phone[0].phone, "received", "2026-11-20", "2026-12-04", ""],
        ["03707/2026/07906", "Hưởng chế độ thai sản", with_phone[1].phone, "received", "20/11/2026", "", ""],
        ["03708/2026/07906", "Điều chỉnh thông tin cá nhân", with_phone[2].phone, "processing", "2026-11-18", "", ""],
        ["04486.G/2020/08708", "Hưởng trợ cấp một lần", with_phone[3].phone, "processing", "2026-11-02", "", ""],
        ["03709/2026/07906", "Cấp thẻ BHYT hộ gia đình", with_phone[4].phone, "received", "2026-11-21", "", ""],
    ]
    dossier_header = [
        "dossier_no",
        "procedure",
        "submitter_phone",
        "status",
        "received_on",
        "appointment_on",
        "completed_on",
        "ss_code",
        "unit_code",
        "note",
    ]
    owners = [with_phone[i] for i in range(5)]
    _write(
        "dossiers",
        "2026-11-21.csv",
        dossier_header,
        [[*row, owner.ss_code, owner.unit_code, ""] for row, owner in zip(first, owners, strict=True)],
    )
    later = [
        [*first[2][:3], "completed", first[2][4], "", "2026-11-24", owners[2].ss_code, owners[2].unit_code, ""],
        [
            *first[3][:3],
            "returned",
            first[3][4],
            "",
            "",
            owners[3].ss_code,
            owners[3].unit_code,
            "Thiếu bản sao giấy chứng tử, đề nghị bổ sung, nộp lại tại bộ phận một cửa",
        ],
    ]
    _write("dossiers", "2026-11-24.csv", dossier_header, later)

    cards = []
    for i, p in enumerate(people):
        if p.voluntary or i % 9 == 4:  # bought by the household: reminded before expiry
            group, household = "GD", "Y"
            valid_to = ["2026-12-31", "2027-01-15", "2026-12-20"][i % 3]
            valid_from = "2026-01-01" if valid_to.startswith("2026") else "2026-01-16"
        else:
            group, household, valid_from, valid_to = "DN", "N", "2026-01-01", "2026-12-31"
        facility = rng.choice(FACILITIES[p.province_code])
        cards.append([f"{group}4{p.province_code}{p.ss_code}", p.ss_code, valid_from, valid_to, household, facility])
    _write("hi_cards", "cards.csv", ["card_no", "ss_code", "valid_from", "valid_to", "household", "facility"], cards)

    plans_v = [(1, "2026-12", 5_000_000), (3, "2027-01", 4_500_000), (6, "2026-12", 7_000_000)]
    plans_v += [(12, "2027-01", 3_000_000), (24, "2028-06", 10_000_000)]
    voluntary = [[p.ss_code, m, paid_to, income] for p, (m, paid_to, income) in zip(people[-5:], plans_v, strict=True)]
    _write("voluntary", "plans.csv", ["ss_code", "months_per_payment", "paid_to", "income_vnd"], voluntary)

    arrears = [
        ["YN0123A", NOW_MONTH, unit_totals[("YN0123A", NOW_MONTH)], 1, 0],
        ["HN2045E", NOW_MONTH, unit_totals[("HN2045E", "2026-09")] + unit_totals[("HN2045E", NOW_MONTH)], 2, 41_000],
    ]
    _write("arrears", "2026-10.csv", ["unit_code", "period", "owed_vnd", "months_late", "interest_vnd"], arrears)

    _money_out(rng, people, by_unit, cards)


def _money_out(rng: random.Random, people: list[Person], by_unit: dict[str, list[Person]], cards: list) -> None:
    """Benefits paid in November 2026 and visits the health-insurance fund settled: after every other
    file, so that drawing them leaves the other samples as they were."""
    benefits = [  # (benefit, person, amount): the people the declarations paused or stopped, and others
        ("maternity", by_unit["YN0123A"][0], 6 * by_unit["YN0123A"][0].salary),
        ("sickness", by_unit["YN0123A"][1], by_unit["YN0123A"][1].salary * 75 // 100 // 1000 * 1000),
        ("unemployment", by_unit["TZH490L"][1], by_unit["TZH490L"][1].salary * 60 // 100 // 1000 * 1000),
        ("pension", people[-1], 5_432_000),
        ("pension", people[-2], 4_180_500),
        ("one_off", people[3], 86_750_000),
        ("survivor", people[-3], 1_755_000),
        ("accident", by_unit["NA3301D"][2], 23_400_000),
    ]
    rows = []
    for n, (benefit, p, amount) in enumerate(benefits, start=1):
        day = f"2026-11-{10 + n:02d}" if n % 2 else f"{10 + n}/11/2026"
        rows.append([f"CT-2611-{n:05d}", p.ss_code, benefit, amount, day, "2026-11" if benefit == "pension" else ""])
    _write("benefits", "2026-11.csv", ["benefit_id", "ss_code", "benefit", "amount_vnd", "paid_on", "period"], rows)

    claims = []
    for n, i in enumerate(range(0, len(people), 6), start=1):
        card_no, province = cards[i][0], people[i].province_code
        facility = rng.choice(FACILITIES[province]) if n != 3 else LONG_FACILITY
        total = rng.randrange(2, 400) * 10_000
        share = (100, 95, 80)[n % 3]  # the fund pays 100%, 95% or 80% by the card's benefit level
        visit = f"2026-11-{rng.randrange(1, 20):02d}"
        claims.append([f"GDYT-2611-{n:06d}", card_no, facility, visit, total, total * share // 100])
    header = ["claim_id", "card_no", "facility", "visit_on", "total_vnd", "fund_paid_vnd"]
    _write("hi_claims", "2026-11.csv", header, claims)


LONG_FACILITY = "Trung tâm Y tế huyện Diễn Châu, cơ sở khám chữa bệnh bảo hiểm y tế ban đầu, phòng khám đa khoa khu vực"


if __name__ == "__main__":
    main()
