"""Social security's benefit arithmetic, unit by unit, against hand-computed figures."""

from __future__ import annotations

from datetime import date

import pytest

from messages import Message
from sandbox import benefit_rules
from sandbox.dataset import InsuredEntry

DIED = date(2026, 11, 20)
# The day social security decides: the monthly amounts are stated as of it.
DECIDED = date(2026, 11, 27)


def insured(**overrides: object) -> InsuredEntry:
    values: dict[str, object] = {
        "social_insurance_number": "0100000001",
        "personal_id": "001090000001",
        "status": "contributing",
        "contribution_years": 10,
        "contribution_years_before_2014": 0,
        "average_monthly_salary_vnd": 10_000_000,
    }
    values.update(overrides)
    return InsuredEntry.model_validate(values)


def months(count: int) -> float:
    """A contribution time given in months, as the dataset writes it (in years)."""
    return count / 12


def relative(n: int, *, without_caretaker: bool = False) -> benefit_rules.Relative:
    """A child under 18 at the death (born in 2015): entitled."""
    return benefit_rules.Relative(
        f"00121500010{n}",
        "child",
        date(2015, 1, n + 1),
        without_caretaker=without_caretaker,
        full_name=f"Nguyễn Văn {n}",
    )


# --- the base salary ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "amount", "since"),
    [
        (date(2012, 5, 1), 1_050_000, date(2012, 5, 1)),
        (date(2013, 6, 30), 1_050_000, date(2012, 5, 1)),
        (date(2013, 7, 1), 1_150_000, date(2013, 7, 1)),
        (date(2016, 4, 30), 1_150_000, date(2013, 7, 1)),
        (date(2016, 5, 31), 1_210_000, date(2016, 5, 1)),
        (date(2017, 7, 1), 1_300_000, date(2017, 7, 1)),
        (date(2018, 7, 1), 1_390_000, date(2018, 7, 1)),
        (date(2019, 6, 30), 1_390_000, date(2018, 7, 1)),
        (date(2019, 7, 1), 1_490_000, date(2019, 7, 1)),
        (date(2023, 6, 30), 1_490_000, date(2019, 7, 1)),
        (date(2023, 7, 15), 1_800_000, date(2023, 7, 1)),
        (date(2024, 6, 30), 1_800_000, date(2023, 7, 1)),
        (date(2024, 7, 1), 2_340_000, date(2024, 7, 1)),
        (date(2026, 11, 20), 2_340_000, date(2024, 7, 1)),
    ],
)
def test_base_salary_in_force_in_the_month(day: date, amount: int, since: date) -> None:
    assert benefit_rules.base_salary_for_month_of(day) == (since, amount)


def test_funeral_allowance_on_an_older_base_salary() -> None:
    # 10 × 1,150,000 (from 1 July 2013) for a death in March 2015.
    outcome = benefit_rules.funeral_allowance(insured(), date(2015, 3, 10))
    assert outcome.covered and outcome.amount_vnd == 11_500_000


def test_no_base_salary_before_the_table() -> None:
    with pytest.raises(benefit_rules.NoReferenceLevel):
        benefit_rules.base_salary_for_month_of(date(2012, 4, 30))


def test_a_death_before_the_table_gets_a_plain_refusal() -> None:
    outcome = benefit_rules.funeral_allowance(insured(), date(2011, 12, 1))
    assert not outcome.covered
    assert outcome.refusal == "death_before_base_salary_table"
    english = outcome.explanation.text("en")
    assert "1 December 2011" in english and "1 May 2012" in english
    assert "no base salary on record" not in english
    vietnamese = outcome.explanation.text("vi")
    assert "trợ cấp mai táng" in vietnamese
    assert "01/12/2011" in vietnamese and "01/05/2012" in vietnamese
    monthly = benefit_rules.survivor_benefit(
        insured(status="pensioner"), date(2011, 12, 1), "monthly", [relative(1)], today=DECIDED
    )
    assert not monthly.covered and monthly.refusal == "death_before_base_salary_table"


# --- the lump sum: odd months ------------------------------------------------------------------


def lump_sum_months(total: int, before_2014: int, salary: int = 1_000_000) -> float:
    record = insured(
        contribution_years=months(total),
        contribution_years_before_2014=months(before_2014),
        average_monthly_salary_vnd=salary,
    )
    outcome = benefit_rules.lump_sum(record, DIED)
    assert outcome.amount_vnd == round(float(outcome.figures["months_of_salary"]) * salary)
    return float(outcome.figures["months_of_salary"])


def test_odd_months_before_2014_carry_over_and_count_as_a_full_year() -> None:
    # 21 months, 3 of them before 2014: no whole year before 2014; 3 + 18 = 21 months from
    # 2014 = 1 year 9 months, and 9 odd months count as a full year: 2 years × 2 = 4 months
    # (not 1.5 × 0.25 + 2 × 1.5 = 3.375).
    assert lump_sum_months(21, 3) == 4


def test_one_to_six_odd_months_count_as_half_a_year() -> None:
    # 8 years 5 months, all from 2014: 8.5 years × 2 = 17 months.
    assert lump_sum_months(101, 0) == 17


def test_seven_odd_months_count_as_a_full_year() -> None:
    # 2 years 7 months from 2014: 3 years × 2 = 6 months.
    assert lump_sum_months(31, 0) == 6


def test_both_periods_with_odd_months() -> None:
    # 10 years 7 months before 2014 and 5 years 8 months from 2014 (195 months in all):
    # 10 years × 1.5 = 15 months; 7 + 68 = 75 months = 6 years 3 months → 6.5 years × 2 = 13;
    # 15 + 13 = 28 months.
    assert lump_sum_months(195, 127) == 28


def test_half_years_before_2014_give_half_months() -> None:
    # 9 years before 2014 and 3 years from 2014: 9 × 1.5 + 3 × 2 = 13.5 + 6 = 19.5 months.
    assert lump_sum_months(144, 108) == 19.5


def test_whole_years_before_and_after_2014() -> None:
    # 1.5 × 8 + 2 × 12 = 36 months.
    assert lump_sum_months(240, 96) == 36


def test_lump_sum_never_below_three_months() -> None:
    # 9 months from 2014 count as a year: 2 months, raised to 3.
    assert lump_sum_months(9, 0) == 3


def test_odd_months_round_half_up_to_the_dong() -> None:
    record = insured(
        contribution_years=1.75,
        contribution_years_before_2014=0.25,
        average_monthly_salary_vnd=3_333_333,
    )
    # 21 months (3 before 2014) count as 2 years from 2014: 4 months × 3,333,333 = 13,333,332.
    assert benefit_rules.lump_sum(record, DIED).amount_vnd == 13_333_332


def test_the_explanation_shows_years_and_months_never_a_fraction() -> None:
    record = insured(contribution_years=months(101), average_monthly_salary_vnd=5_000_000)
    outcome = benefit_rules.lump_sum(record, DIED)
    assert isinstance(outcome.explanation, Message)
    vietnamese, english = outcome.explanation.text("vi"), outcome.explanation.text("en")
    assert "8 năm 5 tháng" in vietnamese
    assert "8 years 5 months" in english
    # 17 months × 5,000,000 = 85,000,000; 8.5 years shown as a half, not a decimal expansion,
    # each number as its language writes it.
    assert "17 × 5.000.000 đồng = 85.000.000 đồng" in vietnamese
    assert "17 × 5,000,000 VND = 85,000,000 VND" in english
    assert "8.5 years" in english and "8,5 năm" in vietnamese
    for text in (vietnamese, english):
        assert "8.41" not in text and "0.41" not in text


def test_the_explanation_survives_a_json_round_trip() -> None:
    outcome = benefit_rules.lump_sum(insured(contribution_years=months(101)), DIED)
    stored = Message.model_validate_json(outcome.explanation.model_dump_json())
    assert stored.text("en") == outcome.explanation.text("en")


# --- the lump sum: a pensioner ----------------------------------------------------------------


def pensioner(started: date, pension: int = 5_000_000) -> InsuredEntry:
    return insured(
        status="pensioner",
        contribution_years=30,
        monthly_pension_vnd=pension,
        pension_start_date=started,
    )


def test_pensioner_dying_in_the_first_two_months_gets_48_months() -> None:
    outcome = benefit_rules.lump_sum(pensioner(date(2026, 9, 10)), date(2026, 11, 9))
    # Month 2 of the pension: 48 × 5,000,000.
    assert outcome.amount_vnd == 240_000_000


def test_pensioner_in_the_third_month_loses_half_a_month() -> None:
    outcome = benefit_rules.lump_sum(pensioner(date(2026, 9, 10)), date(2026, 11, 10))
    # Month 3: 48 - 0.5 = 47.5 × 5,000,000 = 237,500,000.
    assert outcome.figures["month_of_pension"] == 3
    assert outcome.amount_vnd == 237_500_000
    assert "47,5 tháng" not in outcome.explanation.text("vi")  # the total is shown as a factor
    assert "47,5 ×" in outcome.explanation.text("vi")
    assert "47.5 ×" in outcome.explanation.text("en")


def test_pensioner_lump_sum_never_below_three_months() -> None:
    outcome = benefit_rules.lump_sum(pensioner(date(2000, 1, 1)), DIED)
    assert outcome.amount_vnd == 3 * 5_000_000


# --- the monthly benefit: its four grounds ----------------------------------------------------


def grounds(record: InsuredEntry, cause: str = "illness") -> str:
    outcome = benefit_rules.survivor_benefit(
        record, DIED, "monthly", [relative(1)], today=DECIDED, cause_category=cause
    )
    if outcome.rule != "survivor_benefit.monthly":
        return ""
    return str(outcome.figures["monthly_grounds"])


def test_fifteen_years_of_contributions_is_a_ground() -> None:
    assert grounds(insured(contribution_years=15)) == "contributions"
    assert grounds(insured(contribution_years=months(179))) == ""


def test_a_pensioner_is_a_ground() -> None:
    assert grounds(pensioner(date(2020, 1, 1))) == "contributions,pensioner"
    assert grounds(insured(status="pensioner", contribution_years=12)) == "pensioner"


def test_an_occupational_death_on_record_is_a_ground() -> None:
    record = insured(
        contribution_years=3,
        occupational_incident_kind="occupational_accident",
        occupational_incident_on=date(2026, 11, 18),
    )
    assert grounds(record, "occupational_accident") == "occupational_accident"
    # A different cause, or none declared, is not borne out by this record.
    assert grounds(record, "occupational_disease") == ""
    assert grounds(record) == ""
    disease = insured(contribution_years=3, occupational_incident_kind="occupational_disease")
    assert grounds(disease, "occupational_disease") == "occupational_disease"


def test_an_accident_after_the_death_is_no_ground() -> None:
    record = insured(
        contribution_years=3,
        occupational_incident_kind="occupational_accident",
        occupational_incident_on=date(2026, 12, 1),
    )
    assert grounds(record, "occupational_accident") == ""


def test_a_declared_occupational_death_without_a_record_pays_the_lump_sum() -> None:
    outcome = benefit_rules.survivor_benefit(
        insured(contribution_years=3),
        DIED,
        "monthly",
        [relative(1)],
        today=DECIDED,
        cause_category="occupational_accident",
    )
    # 3 years from 2014 × 2 = 6 months × 10,000,000.
    assert outcome.rule == "survivor_benefit.lump_sum.contributions"
    assert outcome.amount_vnd == 60_000_000
    assert "do not show an occupational accident" in outcome.explanation.text("en")


def test_a_monthly_occupational_benefit_at_61_percent_is_a_ground() -> None:
    assert grounds(insured(contribution_years=2, occupational_incapacity_percent=61)) == (
        "incapacity"
    )
    assert grounds(insured(contribution_years=2, occupational_incapacity_percent=60)) == ""


def test_an_occupational_death_pays_monthly_for_the_relatives() -> None:
    record = insured(contribution_years=2, occupational_incident_kind="occupational_disease")
    outcome = benefit_rules.survivor_benefit(
        record,
        DIED,
        "monthly",
        [relative(1), relative(2, without_caretaker=True)],
        today=DECIDED,
        cause_category="occupational_disease",
    )
    # 50% + 70% of 2,340,000 = 1,170,000 + 1,638,000 = 2,808,000 a month.
    assert isinstance(outcome, benefit_rules.SurvivorOutcome)
    assert outcome.monthly_amount_vnd == 2_808_000
    assert "occupational disease" in outcome.explanation.text("en")
    assert "bệnh nghề nghiệp" in outcome.explanation.text("vi")


def test_not_eligible_for_monthly_explains_why() -> None:
    outcome = benefit_rules.survivor_benefit(
        insured(), DIED, "monthly", [relative(1)], today=DECIDED
    )
    # 10 years < 15: lump sum of 2 × 10 = 20 months × 10,000,000.
    assert outcome.amount_vnd == 200_000_000
    assert "at least 15 years" in outcome.explanation.text("en")
    assert "10 years" in outcome.explanation.text("en")


# --- the monthly benefit: at most four relatives ---------------------------------------------


def monthly(
    record: InsuredEntry, relatives: list[benefit_rules.Relative]
) -> benefit_rules.SurvivorOutcome:
    choice = benefit_rules.choose_relatives(relatives, DIED)
    return benefit_rules.monthly(record, DIED, choice, today=DECIDED)


def test_four_relatives_are_paid_at_70_and_50_percent() -> None:
    relatives = [relative(0, without_caretaker=True), *(relative(i) for i in range(1, 4))]
    outcome = monthly(pensioner(date(2015, 1, 1)), relatives)
    # 70% + 3 × 50% of 2,340,000 = 1,638,000 + 3 × 1,170,000 = 5,148,000.
    assert [s.percent for s in outcome.shares] == [70, 50, 50, 50]
    assert outcome.monthly_amount_vnd == 5_148_000
    assert outcome.not_paid == ()


def test_more_than_four_the_highest_rates_are_paid_and_the_rest_told_why() -> None:
    relatives = [
        relative(1),
        relative(2),
        relative(3),
        relative(4),
        relative(5, without_caretaker=True),
        relative(6, without_caretaker=True),
    ]
    outcome = monthly(pensioner(date(2015, 1, 1)), relatives)
    # The two at 70% first, then the first two at 50% in the declaration's order:
    # 2 × 1,638,000 + 2 × 1,170,000 = 5,616,000 a month.
    assert [s.personal_id for s in outcome.shares] == [
        "001215000105",
        "001215000106",
        "001215000101",
        "001215000102",
    ]
    assert outcome.monthly_amount_vnd == 5_616_000
    assert [u.personal_id for u in outcome.not_paid] == ["001215000103", "001215000104"]
    assert [u.full_name for u in outcome.not_paid] == ["Nguyễn Văn 3", "Nguyễn Văn 4"]
    assert {u.reason_code for u in outcome.not_paid} == {"more_than_four_entitled"}
    assert [u.percent for u in outcome.not_paid] == [50, 50]
    reason = outcome.not_paid[0].reason.text("en")
    assert "at most 4" in reason and "50%" in reason
    assert "tối đa 4" in outcome.not_paid[0].reason.text("vi")
    assert outcome.figures["relatives_listed"] == 6
    assert outcome.figures["relatives_counted"] == 4
    assert outcome.figures["relatives_not_paid"] == 2
    assert "2 of the 6 relatives listed are not paid" in outcome.explanation.text("en")


# --- the funeral allowance --------------------------------------------------------------------


def test_contributing_member_is_covered_for_funeral_whatever_the_months() -> None:
    outcome = benefit_rules.funeral_allowance(insured(contribution_years=0.5), DIED)
    assert outcome.covered and outcome.amount_vnd == 23_400_000


def test_suspended_under_twelve_months_gets_no_funeral_allowance() -> None:
    outcome = benefit_rules.funeral_allowance(
        insured(status="suspended", contribution_years=0.75), DIED
    )
    assert not outcome.covered and outcome.refusal == "suspended_under_12_months"
    assert "9 months paid" in outcome.explanation.text("en")
    assert "9 tháng" in outcome.explanation.text("vi")


def test_no_record_is_refused_plainly() -> None:
    outcome = benefit_rules.survivor_benefit(None, DIED, "lump_sum", [], today=DECIDED)
    assert not outcome.covered and outcome.refusal == "no_social_insurance_record"
    assert outcome.explanation.text("en") == (
        "Social security holds no record for the deceased, so no survivor benefit is due."
    )


def test_monthly_occupational_benefit_is_covered_for_funeral_whatever_the_months() -> None:
    # Contributions suspended after 9 months, but VSS pays a monthly occupational benefit at
    # 45%: 10 × 2,340,000 = 23,400,000.
    record = insured(
        status="suspended", contribution_years=0.75, occupational_incapacity_percent=45
    )
    outcome = benefit_rules.funeral_allowance(record, DIED)
    assert outcome.covered and outcome.amount_vnd == 23_400_000
    assert outcome.refusal is None
    assert outcome.figures["occupational_incapacity_percent"] == 45
    vietnamese = outcome.explanation.text("vi")
    assert "trợ cấp tai nạn lao động, bệnh nghề nghiệp hằng tháng" in vietnamese
    assert "9 tháng" in vietnamese and "23.400.000 đồng" in vietnamese
    assert "whatever the contribution time (9 months)" in outcome.explanation.text("en")


# --- the monthly benefit: from the month after the death, at each month's base salary ----------


def adult(
    n: int, relationship: str, born: date, *, without_caretaker: bool = False
) -> benefit_rules.Relative:
    """A relative born in the 1900s; `n` even is a man, odd a woman (the ID's fourth digit)."""
    return benefit_rules.Relative(
        f"001{n % 2}{born.year % 100:02d}00020{n}",
        relationship,
        born,
        without_caretaker=without_caretaker,
        full_name=f"Lê Văn {n}",
    )


def test_a_death_on_30_june_2024_is_paid_from_july_at_the_july_base_salary() -> None:
    # A spouse of 70 with no direct caretaker (70%) and a child of 9 (50%). The first month is
    # July 2024, when the base salary is 2,340,000 (not June's 1,800,000):
    # 70% × 2,340,000 + 50% × 2,340,000 = 1,638,000 + 1,170,000 = 2,808,000 a month.
    relatives = [
        adult(1, "spouse", date(1954, 3, 1), without_caretaker=True),
        relative(1),
    ]
    outcome = benefit_rules.survivor_benefit(
        pensioner(date(2015, 1, 1)), date(2024, 6, 30), "monthly", relatives, today=DECIDED
    )
    assert isinstance(outcome, benefit_rules.SurvivorOutcome)
    assert outcome.first_month == "2024-07"
    assert outcome.monthly_amount_vnd == 2_808_000
    assert [s.amount_vnd for s in outcome.shares] == [1_638_000, 1_170_000]
    # Decided in November 2026: July 2024 to October 2026 are due, all at 2,340,000:
    # 6 + 12 + 10 = 28 months × 2,808,000 = 78,624,000.
    assert outcome.arrears == (
        benefit_rules.ArrearsPeriod("2024-07", "2026-10", monthly_amount_vnd=2_808_000, months=28),
    )
    assert outcome.arrears[0].amount_vnd == 78_624_000
    assert outcome.figures["arrears_vnd"] == 78_624_000
    vietnamese = outcome.explanation.text("vi")
    assert "hưởng từ tháng 07/2024" in vietnamese
    assert "2.808.000 đồng mỗi tháng" in vietnamese
    assert "truy lĩnh 78.624.000 đồng" in vietnamese
    english = outcome.explanation.text("en")
    assert "paid from July 2024" in english and "78,624,000 VND" in english


def test_arrears_are_split_by_the_base_salary_of_each_month() -> None:
    # Death on 10 December 2023: paid from January 2024. Decided on 15 September 2024:
    # January to June 2024 at 50% of 1,800,000 = 900,000 × 6 = 5,400,000;
    # July and August 2024 at 50% of 2,340,000 = 1,170,000 × 2 = 2,340,000;
    # from September, 1,170,000 a month.
    outcome = benefit_rules.survivor_benefit(
        pensioner(date(2015, 1, 1)),
        date(2023, 12, 10),
        "monthly",
        [relative(1)],
        today=date(2024, 9, 15),
    )
    assert isinstance(outcome, benefit_rules.SurvivorOutcome)
    assert outcome.first_month == "2024-01"
    assert outcome.monthly_amount_vnd == 1_170_000
    assert outcome.arrears == (
        benefit_rules.ArrearsPeriod("2024-01", "2024-06", monthly_amount_vnd=900_000, months=6),
        benefit_rules.ArrearsPeriod("2024-07", "2024-08", monthly_amount_vnd=1_170_000, months=2),
    )
    assert [p.amount_vnd for p in outcome.arrears] == [5_400_000, 2_340_000]
    assert outcome.figures["arrears_months"] == 8
    assert outcome.figures["arrears_vnd"] == 7_740_000


def test_a_first_month_still_to_come_is_stated_at_its_own_base_salary() -> None:
    # Death on 28 June 2024, decided on 30 June 2024: the first month, July, is still to come,
    # and is paid at 50% of July's 2,340,000 = 1,170,000; nothing is due yet.
    outcome = benefit_rules.survivor_benefit(
        pensioner(date(2015, 1, 1)),
        date(2024, 6, 28),
        "monthly",
        [relative(1)],
        today=date(2024, 6, 30),
    )
    assert isinstance(outcome, benefit_rules.SurvivorOutcome)
    assert outcome.first_month == "2024-07"
    assert outcome.monthly_amount_vnd == 1_170_000
    assert outcome.arrears == ()
    assert "truy lĩnh" not in outcome.explanation.text("vi")


def test_a_timely_decision_has_no_arrears() -> None:
    # Death on 20 November 2026, decided on 27 November: paid from December 2026.
    outcome = monthly(pensioner(date(2015, 1, 1)), [relative(1)])
    assert outcome.first_month == "2026-12"
    assert outcome.arrears == ()
    assert outcome.monthly_amount_vnd == 1_170_000


# --- the monthly benefit: only entitled relatives count ----------------------------------------


def test_four_adult_children_able_to_work_leave_the_minor_paid() -> None:
    adults = [adult(n, "child", date(1990 + n, 5, 5)) for n in range(4)]
    minor = relative(9)
    outcome = benefit_rules.survivor_benefit(
        pensioner(date(2015, 1, 1)), DIED, "monthly", [*adults, minor], today=DECIDED
    )
    assert isinstance(outcome, benefit_rules.SurvivorOutcome)
    # Only the minor is entitled: 50% × 2,340,000 = 1,170,000 a month.
    assert [s.personal_id for s in outcome.shares] == [minor.personal_id]
    assert outcome.monthly_amount_vnd == 1_170_000
    assert [u.personal_id for u in outcome.not_paid] == [a.personal_id for a in adults]
    assert {u.reason_code for u in outcome.not_paid} == {"adult_child_able_to_work"}
    assert all(u.percent is None for u in outcome.not_paid)
    reason = outcome.not_paid[0].reason
    assert "con từ đủ 18 tuổi" in reason.text("vi") and "05/05/1990" in reason.text("vi")
    assert "born on 5 May 1990" in reason.text("en")
    assert outcome.figures["relatives_listed"] == 5
    assert outcome.figures["relatives_counted"] == 1


def test_no_relative_entitled_pays_the_lump_sum_and_names_each_relative() -> None:
    # A spouse of 40 able to work: the monthly benefit is due on the pension, but nobody is
    # entitled to it. The lump sum: death in month 143 of a pension started on 1 January 2015,
    # 48 - 0.5 × 141 < 3, so 3 × 5,000,000 = 15,000,000.
    spouse = adult(1, "spouse", date(1986, 1, 1))
    outcome = benefit_rules.survivor_benefit(
        pensioner(date(2015, 1, 1)), DIED, "monthly", [spouse], today=DECIDED
    )
    assert isinstance(outcome, benefit_rules.SurvivorOutcome)
    assert outcome.form == "lump_sum"
    assert outcome.rule == "survivor_benefit.lump_sum.pensioner"
    assert outcome.amount_vnd == 15_000_000
    assert [(u.personal_id, u.reason_code) for u in outcome.not_paid] == [
        (spouse.personal_id, "under_retirement_age_able_to_work")
    ]
    assert "none of the relatives listed is entitled" in outcome.explanation.text("en")


# --- a pensioner's record without its figures ------------------------------------------------


def test_a_pensioner_without_a_pension_start_date_is_refused_with_a_reason() -> None:
    record = insured(status="pensioner", contribution_years=30, monthly_pension_vnd=5_000_000)
    outcome = benefit_rules.survivor_benefit(record, DIED, "lump_sum", [], today=DECIDED)
    # Never the contributor's 2 × 30 = 60 months × 10,000,000 in its place.
    assert not outcome.covered and outcome.amount_vnd == 0
    assert outcome.refusal == "pension_record_incomplete"
    assert outcome.rule == "not_covered.pension_record_incomplete"
    assert outcome.figures["pension_record_missing"] == "pension_start_date"
    assert "ngày bắt đầu hưởng lương hưu" in outcome.explanation.text("vi")
    assert "lacks the date the pension started" in outcome.explanation.text("en")
    # Both figures missing are both named.
    bare = insured(status="pensioner", contribution_years=30)
    said = benefit_rules.lump_sum(bare, DIED).explanation.text("en")
    assert "the date the pension started and the monthly pension" in said


def test_a_pensioner_without_a_start_date_still_gets_the_monthly_benefit() -> None:
    # The monthly benefit needs no pension figure: one child, 50% × 2,340,000.
    record = insured(status="pensioner", contribution_years=30)
    outcome = benefit_rules.survivor_benefit(record, DIED, "monthly", [relative(1)], today=DECIDED)
    assert outcome.covered and outcome.amount_vnd == 1_170_000
