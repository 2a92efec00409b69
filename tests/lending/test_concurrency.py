"""One holder at a time under real concurrency: 20 threads hand out the same key at once.

PostgreSQL: each thread has its own connection; ``select_for_update`` on the key row makes the
others wait, then they see the key out and are told who holds it.

SQLite: the project runs IMMEDIATE transactions, so the write lock is taken at BEGIN and the
hand-outs queue. pytest-django's SQLite test database is in memory (a shared-cache memory
database, where SQLite uses table locks that ignore the busy timeout, so it cannot show this),
so the test copies it to a file with SQLite's backup API and gives every thread its own
connection to that file, configured exactly like the project's (IMMEDIATE, WAL, timeout).
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading

import pytest
from archives.models import Key
from django.core.exceptions import ValidationError
from django.db import connection, connections
from lending import services
from lending.models import Loan

THREADS = 20


def _approved_loans(key, clerk, supervisor, n):
    loans = []
    for i in range(n):
        loan = services.loan_request(
            item=key, by=clerk, purpose="并发测试", borrower_name=f"借用人{i:02d}", borrower_mobile="13800138000"
        )
        loans.append(services.loan_approve(loan=loan, by=supervisor))
    return loans


def _hand_out_at_once(loans, by, *, own_connection=None) -> list:
    """Every thread hands out its own approved loan of the same key, released together."""
    # Warm the per-user caches (permissions, estates) before the threads share the user object.
    by.has_perm("lending.handle_key_loan")
    from estates.scoping import user_can_reach

    user_can_reach(by, loans[0])
    barrier = threading.Barrier(len(loans))
    results: list = []
    lock = threading.Lock()

    def worker(loan):
        wrapper = own_connection() if own_connection else None
        if wrapper is not None:
            connections["default"] = wrapper
        try:
            barrier.wait(timeout=30)
            services.loan_hand_out(loan=loan, by=by)
            outcome = ("ok", loan.pk)
        except ValidationError as exc:
            outcome = ("refused", " ".join(exc.messages))
        except Exception as exc:  # anything else is a failure of the test
            outcome = ("error", repr(exc))
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=worker, args=(loan,)) for loan in loans]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _assert_one_holder(results, key_pk):
    errors = [r for r in results if r[0] == "error"]
    assert not errors, errors
    winners = [r for r in results if r[0] == "ok"]
    refused = [r for r in results if r[0] == "refused"]
    assert len(winners) == 1, results
    assert len(refused) == THREADS - 1
    winner = Loan.objects.get(pk=winners[0][1])
    assert all(winner.borrower_name in message for _, message in refused)
    assert Loan.objects.filter(key_id=key_pk, status=Loan.Status.OUT).count() == 1
    assert Loan.objects.filter(key_id=key_pk, status=Loan.Status.APPROVED).count() == THREADS - 1
    assert Key.objects.get(pk=key_pk).status == Key.Status.LENT_OUT


@pytest.mark.postgres
def test_twenty_threads_one_holder_postgresql(transactional_db, key_a, clerk_a, supervisor_a, frontdesk_a):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    loans = _approved_loans(key_a, clerk_a, supervisor_a, THREADS)
    results = _hand_out_at_once(loans, frontdesk_a)
    _assert_one_holder(results, key_a.pk)


@contextlib.contextmanager
def _sqlite_file_copy(tmp_path):
    """A file copy of the (in-memory) test database, and a factory of connections to it."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    path = tmp_path / "lending-concurrency.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    settings_dict = {**connection.settings_dict, "NAME": str(path)}

    def factory():
        return DatabaseWrapper(settings_dict, "default")

    yield factory


def test_twenty_threads_one_holder_sqlite(transactional_db, key_a, clerk_a, supervisor_a, frontdesk_a, tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    assert connection.settings_dict["OPTIONS"].get("transaction_mode") == "IMMEDIATE"
    loans = _approved_loans(key_a, clerk_a, supervisor_a, THREADS)
    if not connection.is_in_memory_db():
        _assert_one_holder(_hand_out_at_once(loans, frontdesk_a), key_a.pk)
        return
    with _sqlite_file_copy(tmp_path) as factory:
        results = _hand_out_at_once(loans, frontdesk_a, own_connection=factory)
        # Read the outcome from the file the threads wrote to.
        main = connections["default"]
        connections["default"] = factory()
        try:
            _assert_one_holder(results, key_a.pk)
        finally:
            connections["default"].close()
            connections["default"] = main
