"""The read path's one query: everything the scheduling engine needs for one type, as integers.

The database computes every value the engine reads (no datetime, date or time object is
built per row): instants as microseconds since the Unix epoch, wall times as microseconds
after local midnight, dates as proleptic Gregorian ordinals (Python's ``date.toordinal()``).

One ``UNION ALL`` of four parts gives rows of six integers, ``(kind, practitioner, a, b, c, d)``:

=======  ===========  ===========  =========  ==========  ==================
kind     a            b            c          d
=======  ===========  ===========  =========  ==========  ==================
BLOCK    template id  weekday      start wall end wall
PERIOD   template id  parity code  first day  last day (NULL: open-ended)
CLOSURE  first day    last day     start wall end wall    (NULL: from/until midnight)
BUSY     start        end          NULL       NULL
=======  ===========  ===========  =========  ==========  ==================

Only blocks that allow the type are read; a closure's practitioner is NULL for the whole
clinic. The practitioners are either given ids, or "every online practitioner of the
clinic whose templates offer the type" (what the booking page calls "Første ledige
behandler"), decided in the same query.

How each database stores the values:

- PostgreSQL: ``timestamptz``, ``time`` and ``date`` columns; ``EXTRACT(EPOCH ...)`` is an
  exact ``numeric`` (PostgreSQL 14+), a date difference is an integer. Booked appointments
  are found through the GiST index of the exclusion constraint ``appointment_no_overlap``
  (``tstzrange(start, end) &&``), which does not read the practitioner's whole history.
- SQLite: Django stores a datetime as naive UTC text ``YYYY-MM-DD HH:MM:SS[.ffffff]`` and a
  time as ``HH:MM:SS[.ffffff]`` (``isoformat``: six digits of fraction, or none when it is
  zero). ``unixepoch()`` gives the whole seconds and the fraction is read from the text.
"""

# The SQL text is built only from model metadata and constants of this module; every
# value goes in as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from django.db import router
from django.db.backends.base.base import BaseDatabaseWrapper

from timebok.appointments.models import Appointment
from timebok.clinics.models import Closure, Practitioner, TemplateBlock, TemplatePeriod, WeekTemplate

BLOCK, PERIOD, CLOSURE, BUSY = 0, 1, 2, 3
PARITY_CODES = {0: "all", 1: "odd", 2: "even"}

Row = tuple[int, int, int, int, int | None, int | None]

_POSTGRESQL = {
    "instant": "(EXTRACT(EPOCH FROM {0}) * 1000000)::bigint",
    "wall": "(EXTRACT(EPOCH FROM {0}) * 1000000)::bigint",
    "day": "({0} - DATE '0001-01-01' + 1)",
    "overlaps": "tstzrange({start}, {end}, '[)') && tstzrange(%s, %s, '[)')",
}
# SQLite: the fraction is the text from position 21 (datetime) or 10 (time), six digits or
# none ('' casts to 0). unixepoch() (SQLite 3.38+) returns an integer; strftime('%s') a text.
_SQLITE = {
    "instant": "(unixepoch({0}) * 1000000 + CAST(substr({0}, 21) AS INTEGER))",
    "wall": "(unixepoch('1970-01-01 ' || {0}) * 1000000 + CAST(substr({0}, 10) AS INTEGER))",
    "day": "CAST(julianday({0}) - 1721424.5 AS INTEGER)",
    "overlaps": "{end} > %s AND {start} < %s",
}
# %% because Django's SQLite cursor turns "%s" into "?" and "%%" into "%".
_SQLITE_BEFORE_3_38 = {
    **_SQLITE,
    "instant": "(CAST(strftime('%%s', {0}) AS INTEGER) * 1000000 + CAST(substr({0}, 21) AS INTEGER))",
    "wall": "(CAST(strftime('%%s', '1970-01-01 ' || {0}) AS INTEGER) * 1000000"
            " + CAST(substr({0}, 10) AS INTEGER))",
}


def _expressions(connection: BaseDatabaseWrapper) -> dict[str, str]:
    if connection.vendor == "postgresql":
        return _POSTGRESQL
    if connection.vendor == "sqlite":
        new = connection.Database.sqlite_version_info >= (3, 38)
        return _SQLITE if new else _SQLITE_BEFORE_3_38
    raise NotImplementedError(f"Timebok's read path supports SQLite and PostgreSQL, not {connection.vendor}")


_SQL_CACHE: dict[tuple[str, int | None], str] = {}  # the query text per vendor and id count


def _connection() -> BaseDatabaseWrapper:
    from django.db import connections

    return connections[router.db_for_read(Appointment)]


def _sql(connection: BaseDatabaseWrapper, n_ids: int | None) -> str:
    key = (connection.vendor, n_ids)
    sql = _SQL_CACHE.get(key)
    if sql is not None:
        return sql
    ex = _expressions(connection)
    q = connection.ops.quote_name
    block, template, period = (q(m._meta.db_table) for m in (TemplateBlock, WeekTemplate, TemplatePeriod))
    block_types = q(TemplateBlock.appointment_types.through._meta.db_table)
    closure, practitioner, appointment = (q(m._meta.db_table) for m in (Closure, Practitioner, Appointment))
    instant, wall, day = ex["instant"].format, ex["wall"].format, ex["day"].format
    start, end = q("start"), q("end")
    if n_ids is None:  # every online practitioner whose templates offer the type
        chosen = (
            f"SELECT DISTINCT t.practitioner_id FROM {template} t"
            f" JOIN {practitioner} p ON p.id = t.practitioner_id"
            f" JOIN {block} b ON b.template_id = t.id"
            f" JOIN {block_types} bt ON bt.templateblock_id = b.id"
            " WHERE p.clinic_id = %s AND p.online = %s AND bt.appointmenttype_id = %s"
        )
    else:
        chosen = f"SELECT p.id FROM {practitioner} p WHERE p.id IN ({', '.join(['%s'] * n_ids)})"
    overlaps = ex["overlaps"].format(start=f"a.{start}", end=f"a.{end}")
    sql = f"""
        WITH chosen(pid) AS ({chosen})
        SELECT {BLOCK}, t.practitioner_id, b.template_id, b.weekday,
               {wall("b.start_time")}, {wall("b.end_time")}
          FROM {block} b
          JOIN {template} t ON t.id = b.template_id
          JOIN {block_types} bt ON bt.templateblock_id = b.id
         WHERE bt.appointmenttype_id = %s AND t.practitioner_id IN (SELECT pid FROM chosen)
        UNION ALL
        SELECT {PERIOD}, t.practitioner_id, tp.template_id,
               CASE tp.parity WHEN 'odd' THEN 1 WHEN 'even' THEN 2 ELSE 0 END,
               {day("tp.start_date")}, {day("tp.end_date")}
          FROM {period} tp
          JOIN {template} t ON t.id = tp.template_id
         WHERE t.practitioner_id IN (SELECT pid FROM chosen)
           AND tp.start_date <= %s AND (tp.end_date IS NULL OR tp.end_date >= %s)
        UNION ALL
        SELECT {CLOSURE}, c.practitioner_id, {day("c.start_date")}, {day("c.end_date")},
               {wall("c.start_time")}, {wall("c.end_time")}
          FROM {closure} c
         WHERE c.clinic_id = %s AND c.start_date <= %s AND c.end_date >= %s
           AND (c.practitioner_id IS NULL OR c.practitioner_id IN (SELECT pid FROM chosen))
        UNION ALL
        SELECT {BUSY}, a.practitioner_id, {instant(f"a.{start}")}, {instant(f"a.{end}")}, NULL, NULL
          FROM {appointment} a
         WHERE a.practitioner_id IN (SELECT pid FROM chosen)
           AND a.status = '{Appointment.Status.BOOKED.value}' AND {overlaps}
    """
    _SQL_CACHE[key] = sql
    return sql


def schedule_rows(
    clinic_id: int,
    type_id: int,
    practitioner_ids: Sequence[int] | None,
    first: date,
    last: date,
    lo: datetime,
    hi: datetime,
) -> list[Row]:
    """The rows (see the module's docstring) for dates ``first..last`` and booked
    appointments overlapping ``[lo, hi)``. ``practitioner_ids=None``: every online
    practitioner of the clinic whose templates offer the type. One query."""
    if practitioner_ids is not None and not practitioner_ids:
        return []
    connection = _connection()
    ops = connection.ops
    chosen: list[object] = (
        [clinic_id, True, type_id] if practitioner_ids is None else list(practitioner_ids)
    )
    first_p, last_p = ops.adapt_datefield_value(first), ops.adapt_datefield_value(last)
    params = [
        *chosen,
        type_id,
        last_p, first_p,
        clinic_id, last_p, first_p,
        ops.adapt_datetimefield_value(lo), ops.adapt_datetimefield_value(hi),
    ]
    sql = _sql(connection, None if practitioner_ids is None else len(practitioner_ids))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def busy_rows(practitioner_ids: Sequence[int], lo: datetime, hi: datetime) -> list[tuple[int, int, int]]:
    """``(practitioner, start, end)`` of the booked appointments of these practitioners
    overlapping ``[lo, hi)``, instants in microseconds since the epoch."""
    if not practitioner_ids:
        return []
    connection = _connection()
    ex = _expressions(connection)
    q = connection.ops.quote_name
    start, end = q("start"), q("end")
    sql = (
        f"SELECT a.practitioner_id, {ex['instant'].format(f'a.{start}')}, {ex['instant'].format(f'a.{end}')}"
        f" FROM {q(Appointment._meta.db_table)} a"
        f" WHERE a.practitioner_id IN ({', '.join(['%s'] * len(practitioner_ids))})"
        f" AND a.status = '{Appointment.Status.BOOKED.value}'"
        f" AND {ex['overlaps'].format(start=f'a.{start}', end=f'a.{end}')}"
    )
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(sql, [*practitioner_ids, ops.adapt_datetimefield_value(lo), ops.adapt_datetimefield_value(hi)])
        return cursor.fetchall()
