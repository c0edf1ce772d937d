"""Table tests of the pure matching function at the day before, of and after every boundary.

No database: facts in, state and CERT_* codes out (DESIGN §3)."""

from __future__ import annotations

import datetime as dt

import pytest

from safetrain.certificates.matching import (
    SAFETY_MANAGEMENT,
    SPECIAL_OPERATION,
    CertFact,
    CertState,
    Requirement,
    ReviewFact,
    default_dates,
    evaluate_requirement,
    requirements_for,
)

D = dt.date
ONE = dt.timedelta(days=1)
ISSUED = D(2020, 3, 10)


def cert(
    *,
    id: int = 1,
    op: str | None = "5.4",
    issued: dt.date = ISSUED,
    valid: dt.date | None = None,
    due: dt.date | None | str = "default",
    revoked: bool = False,
    reviews: tuple[ReviewFact, ...] = (),
    cert_type: str = SPECIAL_OPERATION,
) -> CertFact:
    dv, dd = default_dates(cert_type, issued)
    return CertFact(
        id=id,
        cert_type=cert_type,
        operation=op if cert_type == SPECIAL_OPERATION else None,
        number=f"T{id}",
        issued_on=issued,
        valid_until=valid or dv,
        review_due=dd if due == "default" else due,  # type: ignore[arg-type]
        revoked=revoked,
        reviews=reviews,
    )


NEED_54 = Requirement(SPECIAL_OPERATION, "5.4")
NEED_SM = Requirement(SAFETY_MANAGEMENT)

# A reviewed 5.4 certificate: issued 2020-03-10, valid until 2026-03-09, review cleared.
REVIEWED = cert(due=None, reviews=(ReviewFact(D(2023, 2, 1), D(2023, 3, 10)),))
VU = D(2026, 3, 9)
# An unreviewed 5.4 certificate: review due 2023-03-10.
UNREVIEWED = cert()
DUE = D(2023, 3, 10)


def test_default_dates():
    assert default_dates(SPECIAL_OPERATION, D(2020, 3, 10)) == (D(2026, 3, 9), D(2023, 3, 10))
    assert default_dates(SAFETY_MANAGEMENT, D(2020, 3, 10)) == (D(2023, 3, 9), None)
    # 29 February: add years clamps to 28 February, then minus one day
    assert default_dates(SPECIAL_OPERATION, D(2024, 2, 29)) == (D(2030, 2, 27), D(2027, 2, 28))
    assert default_dates(SAFETY_MANAGEMENT, D(2024, 2, 29)) == (D(2027, 2, 27), None)
    # into a leap year the day survives
    assert default_dates(SAFETY_MANAGEMENT, D(2025, 2, 28)) == (D(2028, 2, 27), None)


CASES = [
    # (name, requirement, certificates, D, state, codes)
    # --- valid until and the 90-day expiry window (review already passed)
    ("expiry-91", NEED_54, [REVIEWED], VU - 91 * ONE, CertState.VALID, set()),
    (
        "expiry-90",
        NEED_54,
        [REVIEWED],
        VU - 90 * ONE,
        CertState.EXPIRING_SOON,
        {"CERT_EXPIRING_SOON"},
    ),
    (
        "expiry-89",
        NEED_54,
        [REVIEWED],
        VU - 89 * ONE,
        CertState.EXPIRING_SOON,
        {"CERT_EXPIRING_SOON"},
    ),
    (
        "valid-until-1",
        NEED_54,
        [REVIEWED],
        VU - ONE,
        CertState.EXPIRING_SOON,
        {"CERT_EXPIRING_SOON"},
    ),
    ("valid-until", NEED_54, [REVIEWED], VU, CertState.EXPIRING_SOON, {"CERT_EXPIRING_SOON"}),
    ("valid-until+1", NEED_54, [REVIEWED], VU + ONE, CertState.EXPIRED, {"CERT_EXPIRED"}),
    # --- review due and the 60-day review window
    ("review-61", NEED_54, [UNREVIEWED], DUE - 61 * ONE, CertState.VALID, set()),
    (
        "review-60",
        NEED_54,
        [UNREVIEWED],
        DUE - 60 * ONE,
        CertState.REVIEW_DUE_SOON,
        {"CERT_REVIEW_DUE_SOON"},
    ),
    (
        "review-59",
        NEED_54,
        [UNREVIEWED],
        DUE - 59 * ONE,
        CertState.REVIEW_DUE_SOON,
        {"CERT_REVIEW_DUE_SOON"},
    ),
    (
        "review-1",
        NEED_54,
        [UNREVIEWED],
        DUE - ONE,
        CertState.REVIEW_DUE_SOON,
        {"CERT_REVIEW_DUE_SOON"},
    ),
    ("review-day", NEED_54, [UNREVIEWED], DUE, CertState.REVIEW_DUE_SOON, {"CERT_REVIEW_DUE_SOON"}),
    (
        "review+1",
        NEED_54,
        [UNREVIEWED],
        DUE + ONE,
        CertState.REVIEW_OVERDUE,
        {"CERT_REVIEW_OVERDUE"},
    ),
    # never reviewed and past expiry: expired wins the state, both codes fire
    (
        "unreviewed-expired",
        NEED_54,
        [UNREVIEWED],
        VU + ONE,
        CertState.EXPIRED,
        {"CERT_EXPIRED", "CERT_REVIEW_OVERDUE"},
    ),
    # --- a review passed after D does not count yet
    (
        "passed-later-1",
        NEED_54,
        [REVIEWED],
        D(2023, 1, 31),
        CertState.REVIEW_DUE_SOON,
        {"CERT_REVIEW_DUE_SOON"},
    ),
    ("passed-on-day", NEED_54, [REVIEWED], D(2023, 2, 1), CertState.VALID, set()),
    (
        "late-review-before",
        NEED_54,
        [cert(due=None, reviews=(ReviewFact(D(2023, 4, 1), DUE),))],
        D(2023, 3, 31),
        CertState.REVIEW_OVERDUE,
        {"CERT_REVIEW_OVERDUE"},
    ),
    (
        "late-review-on",
        NEED_54,
        [cert(due=None, reviews=(ReviewFact(D(2023, 4, 1), DUE),))],
        D(2023, 4, 1),
        CertState.VALID,
        set(),
    ),
    # --- issue date: a certificate counts from its issue day
    ("issued-1", NEED_54, [UNREVIEWED], D(2020, 3, 9), CertState.MISSING, {"CERT_MISSING"}),
    ("issued-day", NEED_54, [UNREVIEWED], D(2020, 3, 10), CertState.VALID, set()),
    # --- revoked counts as revoked on every date
    (
        "revoked-issue-day",
        NEED_54,
        [cert(revoked=True)],
        D(2020, 3, 10),
        CertState.REVOKED,
        {"CERT_EXPIRED"},
    ),
    (
        "revoked-later",
        NEED_54,
        [cert(revoked=True)],
        D(2030, 1, 1),
        CertState.REVOKED,
        {"CERT_EXPIRED"},
    ),
    (
        "revoked-but-other-live",
        NEED_54,
        [cert(revoked=True), cert(id=2, issued=D(2021, 1, 1))],
        D(2021, 6, 1),
        CertState.VALID,
        set(),
    ),
    # --- mismatch and missing
    (
        "mismatch",
        NEED_54,
        [cert(op="1.2")],
        D(2021, 1, 1),
        CertState.MISMATCH,
        {"CERT_JOB_MISMATCH"},
    ),
    (
        "only-management",
        NEED_54,
        [cert(cert_type=SAFETY_MANAGEMENT)],
        D(2021, 1, 1),
        CertState.MISSING,
        {"CERT_MISSING"},
    ),
    ("none", NEED_54, [], D(2021, 1, 1), CertState.MISSING, {"CERT_MISSING"}),
    # --- renewal: the old certificate until the new one is issued, then the new one
    (
        "renew-before",
        NEED_54,
        [REVIEWED, cert(id=2, issued=D(2026, 1, 10))],
        D(2026, 1, 9),
        CertState.EXPIRING_SOON,
        {"CERT_EXPIRING_SOON"},
    ),
    (
        "renew-on",
        NEED_54,
        [REVIEWED, cert(id=2, issued=D(2026, 1, 10))],
        D(2026, 1, 10),
        CertState.VALID,
        set(),
    ),
    (
        "renew-after-old-expiry",
        NEED_54,
        [REVIEWED, cert(id=2, issued=D(2026, 1, 10))],
        VU + ONE,
        CertState.VALID,
        set(),
    ),
    # --- 29 February issue dates with the defaults
    (
        "feb29-expiry",
        NEED_SM,
        [cert(cert_type=SAFETY_MANAGEMENT, issued=D(2024, 2, 29))],
        D(2027, 2, 27),
        CertState.EXPIRING_SOON,
        {"CERT_EXPIRING_SOON"},
    ),
    (
        "feb29-expiry+1",
        NEED_SM,
        [cert(cert_type=SAFETY_MANAGEMENT, issued=D(2024, 2, 29))],
        D(2027, 2, 28),
        CertState.EXPIRED,
        {"CERT_EXPIRED"},
    ),
    (
        "feb29-review-day",
        NEED_54,
        [cert(issued=D(2024, 2, 29))],
        D(2027, 2, 28),
        CertState.REVIEW_DUE_SOON,
        {"CERT_REVIEW_DUE_SOON"},
    ),
    (
        "feb29-review+1",
        NEED_54,
        [cert(issued=D(2024, 2, 29))],
        D(2027, 3, 1),
        CertState.REVIEW_OVERDUE,
        {"CERT_REVIEW_OVERDUE"},
    ),
    (
        "feb29-valid-until",
        NEED_54,
        [cert(issued=D(2024, 2, 29), due=None)],
        D(2030, 2, 27),
        CertState.EXPIRING_SOON,
        {"CERT_EXPIRING_SOON"},
    ),
    (
        "feb29-valid-until+1",
        NEED_54,
        [cert(issued=D(2024, 2, 29), due=None)],
        D(2030, 2, 28),
        CertState.EXPIRED,
        {"CERT_EXPIRED"},
    ),
]


@pytest.mark.parametrize(
    ("requirement", "certs", "on", "state", "codes"),
    [c[1:] for c in CASES],
    ids=[c[0] for c in CASES],
)
def test_evaluate_requirement(requirement, certs, on, state, codes):
    check = evaluate_requirement(requirement, certs, on)
    assert check.state == state
    assert set(check.codes) == codes
    assert len(check.codes) == len(set(check.codes))  # each fires once


def test_best_is_the_latest_valid_until_and_renewed_certificate_is_reported():
    check = evaluate_requirement(
        NEED_54, [REVIEWED, cert(id=2, issued=D(2026, 1, 10))], D(2026, 2, 1)
    )
    assert check.best is not None and check.best.id == 2
    assert check.detail["number"] == "T2"


def test_grace_for_principal_and_deputy():
    start = D(2024, 1, 31)
    (req,) = requirements_for(
        role_category="principal", sector_high_risk=True, operation=None, employment_start=start
    )
    assert req.grace_until == D(2024, 7, 31)
    before = evaluate_requirement(req, [], D(2024, 7, 30))
    assert before.state == CertState.PENDING and before.codes == ["CERT_PENDING"]
    assert not before.certified
    assert evaluate_requirement(req, [], D(2024, 7, 31)).codes == ["CERT_MISSING"]
    assert evaluate_requirement(req, [], D(2024, 8, 1)).codes == ["CERT_MISSING"]
    # holding one during the grace period is evaluated normally
    held = cert(cert_type=SAFETY_MANAGEMENT, issued=D(2024, 3, 1))
    assert evaluate_requirement(req, [held], D(2024, 3, 1)).state == CertState.VALID


def test_safety_manager_has_no_grace_and_low_risk_needs_nothing():
    (req,) = requirements_for(
        role_category="safety_manager",
        sector_high_risk=True,
        operation=None,
        employment_start=D(2024, 1, 1),
    )
    assert req.grace_until is None
    assert evaluate_requirement(req, [], D(2024, 1, 1)).state == CertState.MISSING
    assert (
        requirements_for(
            role_category="principal",
            sector_high_risk=False,
            operation=None,
            employment_start=D(2024, 1, 1),
        )
        == []
    )
    reqs = requirements_for(
        role_category="deputy",
        sector_high_risk=True,
        operation="5.1",
        employment_start=D(2024, 1, 1),
    )
    assert [(r.cert_type, r.operation) for r in reqs] == [
        (SPECIAL_OPERATION, "5.1"),
        (SAFETY_MANAGEMENT, None),
    ]
