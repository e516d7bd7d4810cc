"""Benchmark the roster's eligibility checks and counts on a synthetic company.

    .venv/bin/python bench/roster_eligibility.py         # SQLite (a throw-away database)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/spoke \
        .venv/bin/python bench/roster_eligibility.py --sync

Builds 10,000 people in 40 units with 12 competencies (see bench/company.py: standings,
accepted practice, a published policy with acknowledgements, an advocacy roster) in a test
database that is dropped afterwards, then prints the time (best of three) and the number of
queries of ``eligibility()`` for everyone, for a list of people and for one person, of
``roster_counts_by_unit()``, of the set-based part of a new policy version, and with
``--sync`` of the nightly re-check (its first run invites everyone who qualifies, one
person at a time; the second finds nothing to do). Options: --people N --units N
--competencies N --sync.
"""

import sys
import time
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import bench_database, company_options, header, measure


def main() -> None:
    options = company_options(
        __doc__,
        (("--sync",), {"action": "store_true", "help": "also time the nightly re-check"}),
    )

    with bench_database("roster"):
        run(options)


def run(options) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from advocacy import services
    from advocacy.models import RosterMembership, Tier
    from advocacy.selectors import eligibility, eligibility_for, roster_counts_by_unit
    from bench.company import build_company
    from cms.models import PolicyVersion

    started = time.perf_counter()
    company = build_company(
        people=options.people, units=options.units, competencies=options.competencies
    )
    print(
        f"Company: {options.people} people, {options.units} units, "
        f"{options.competencies} competencies on {connection.vendor} "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    now = timezone.now()
    header()
    checks = measure("eligibility(), everyone", lambda: eligibility(now=now))
    some = [person.pk for person in company.people[:: max(1, len(company.people) // 200)]]
    measure(
        f"eligibility(user_ids=...), {len(some)} people",
        lambda: eligibility(user_ids=some, now=now),
    )
    one = company.people[len(company.people) // 2]
    measure("eligibility_for(), one person", lambda: eligibility_for(user=one, now=now))
    counts = measure("roster_counts_by_unit(), every unit", roster_counts_by_unit)
    unit_ids = [unit.pk for unit in company.units[:10]]
    measure(
        "roster_counts_by_unit(unit_ids=...), 10 units",
        lambda: roster_counts_by_unit(unit_ids=unit_ids),
    )

    for tier in Tier.values:
        eligible = sum(1 for by_tier in checks.values() if by_tier[tier].eligible)
        qualifies = sum(1 for by_tier in checks.values() if by_tier[tier].qualifies)
        print(f"  {tier}: {qualifies} meet the rules, {eligible} with the policy acknowledged")
    members = sum(sum(by_tier.values()) for by_tier in counts.values())
    print(f"  {members} active members in {len(counts)} units")

    # A new policy version while the generated roster is on it; rolled back afterwards so
    # the nightly re-check below starts from the same roster.
    version = PolicyVersion.objects.order_by("-number").first()
    held = RosterMembership.objects.filter(status__in=services.HELD).count()
    with (
        mock.patch("core.tasks.notification_send_task.delay_on_commit"),
        transaction.atomic(),
    ):
        newer = PolicyVersion.objects.create(
            page=version.page, number=version.number + 1, published_at=now
        )
        lapsed = measure(
            f"policy_version_started(), {held} on the roster",
            lambda: services.policy_version_started(version=newer, now=now),
            repeat=1,
        )
        transaction.set_rollback(True)
    print(f"  {lapsed} memberships lapsed (rolled back)")

    if options.sync:
        # Messages are sent per person by design; the bench times the roster's own work.
        with mock.patch("core.tasks.notification_send_task.delay_on_commit"):
            totals = measure(
                "nightly re-check, first run",
                lambda: services.membership_sync_all(now=now),
                repeat=1,
            )
            print(f"  {totals}")
            measure(
                "nightly re-check, nothing left to do",
                lambda: services.membership_sync_all(now=now),
            )


if __name__ == "__main__":
    main()
