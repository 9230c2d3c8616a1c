"""The read path's one query: everything the scheduling engine needs for one type, as integers.

The database computes every value the engine reads, so no datetime, date or time object is
built per row: instants as microseconds since the Unix epoch, wall times as microseconds
after local midnight, dates as proleptic Gregorian ordinals (Python's ``date.toordinal()``).

One ``UNION ALL`` of four parts gives rows of six integers, ``(kind, practitioner, a, b, c, d)``:

=======  ===========  ===========  ==========  ==========================================
kind     a            b            c           d
=======  ===========  ===========  ==========  ==========================================
BLOCK    template id  weekday      start wall  end wall
PERIOD   template id  parity code  first day   last day (NULL: open-ended)
CLOSURE  first day    last day     start wall  end wall (walls NULL: from/until midnight)
BUSY     start        end          NULL        NULL
=======  ===========  ===========  ==========  ==========================================

Only blocks that allow the type are read; a closure's practitioner is NULL for the whole
clinic. The practitioners are either the given ids, or for "Første ledige behandler" every
online practitioner of the clinic: then the blocks decide who offers the type (the engine
takes every practitioner with a template), and the other practitioners' periods and
appointments are read but unused. That costs at most the clinic's own appointments in the
window, and keeps the query simple to plan (planning is a large share of its time).

How each database stores the values:

- PostgreSQL: ``timestamptz``, ``time`` and ``date`` columns. An instant is computed as its
  distance from the window's start ``lo`` (a ``float8`` of seconds, exact to far below a
  microsecond for any distance under a century, then rounded) plus ``lo`` in microseconds:
  about half the cost of the exact ``numeric`` ``EXTRACT(EPOCH ...)``, which is used for the
  few wall times. Booked appointments are found through the GiST index of the exclusion
  constraint ``appointment_no_overlap`` (``tstzrange(start, end) &&``), so the query does
  not read a practitioner's whole history.
- SQLite: Django stores a datetime as naive UTC text ``YYYY-MM-DD HH:MM:SS[.ffffff]`` and a
  time as ``HH:MM:SS[.ffffff]`` (``isoformat``: six digits of fraction, or none when it is
  zero). ``unixepoch()`` (SQLite 3.38+, else ``strftime('%s')``) gives the whole seconds and
  the fraction is read from the text.
"""

# The SQL text is built only from model metadata and constants of this module; every
# value goes in as a query parameter.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

from django.db import connections, router
from django.db.backends.base.base import BaseDatabaseWrapper

from timebok.appointments.models import Appointment
from timebok.clinics.models import Closure, Practitioner, TemplateBlock, TemplatePeriod, WeekTemplate

BLOCK, PERIOD, CLOSURE, BUSY = 0, 1, 2, 3
PARITY_CODES = {0: "all", 1: "odd", 2: "even"}

Row = tuple[int, int, int, int, int | None, int | None]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)

_POSTGRESQL = {
    "instant": "((date_part('epoch', {0} - %(lo)s) * 1000000)::bigint + %(lo_us)s)",
    "wall": "(EXTRACT(EPOCH FROM {0}) * 1000000)::bigint",
    "day": "({0} - DATE '0001-01-01' + 1)",
    "overlaps": "tstzrange({start}, {end}, '[)') && tstzrange(%(lo)s, %(hi)s, '[)')",
}
# SQLite: the fraction is the text from position 21 (datetime) or 10 (time), six digits or
# none ('' casts to 0).
_SQLITE = {
    "instant": "(unixepoch({0}) * 1000000 + CAST(substr({0}, 21) AS INTEGER))",
    "wall": "(unixepoch('1970-01-01 ' || {0}) * 1000000 + CAST(substr({0}, 10) AS INTEGER))",
    "day": "CAST(julianday({0}) - 1721424.5 AS INTEGER)",
    "overlaps": "{end} > %(lo)s AND {start} < %(hi)s",
}
_SQLITE_BEFORE_3_38 = {  # "%%" because Django's SQLite cursor turns it into "%"
    **_SQLITE,
    "instant": "(CAST(strftime('%%s', {0}) AS INTEGER) * 1000000 + CAST(substr({0}, 21) AS INTEGER))",
    "wall": "(CAST(strftime('%%s', '1970-01-01 ' || {0}) AS INTEGER) * 1000000"
            " + CAST(substr({0}, 10) AS INTEGER))",
}

# Query text per (vendor, new SQLite, id count, one template only): built once per process.
_SQL_CACHE: dict[tuple[str, bool, int | None, bool], str] = {}


def _connection() -> BaseDatabaseWrapper:
    return connections[router.db_for_read(Appointment)]


def _expressions(connection: BaseDatabaseWrapper) -> dict[str, str]:
    if connection.vendor == "postgresql":
        return _POSTGRESQL
    if connection.vendor == "sqlite":
        return _SQLITE if _new_sqlite(connection) else _SQLITE_BEFORE_3_38
    raise NotImplementedError(f"Timebok's read path supports SQLite and PostgreSQL, not {connection.vendor}")


def _new_sqlite(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "sqlite" and connection.Database.sqlite_version_info >= (3, 38)


def _sql(connection: BaseDatabaseWrapper, n_ids: int | None, one_template: bool = False) -> str:
    key = (connection.vendor, _new_sqlite(connection), n_ids, one_template)
    sql = _SQL_CACHE.get(key)
    if sql is not None:
        return sql
    ex = _expressions(connection)
    q = connection.ops.quote_name
    block, template, period = (q(m._meta.db_table) for m in (TemplateBlock, WeekTemplate, TemplatePeriod))
    block_types = q(TemplateBlock.appointment_types.through._meta.db_table)
    closure, practitioner, appointment = (q(m._meta.db_table) for m in (Closure, Practitioner, Appointment))
    instant, wall, day = ex["instant"].format, ex["wall"].format, ex["day"].format
    start, end = f"a.{q('start')}", f"a.{q('end')}"
    if n_ids is None:  # "Første ledige behandler": every online practitioner of the clinic
        chosen = f"(SELECT p.id FROM {practitioner} p WHERE p.clinic_id = %(clinic)s AND p.online = %(online)s)"
        block_owner = (f" JOIN {practitioner} p ON p.id = t.practitioner_id"
                       " WHERE p.clinic_id = %(clinic)s AND p.online = %(online)s AND")
    else:
        chosen = f"({', '.join(f'%(p{i})s' for i in range(n_ids))})"
        block_owner = f" WHERE t.practitioner_id IN {chosen} AND"
    sql = f"""
        SELECT {BLOCK}, t.practitioner_id, b.template_id, b.weekday,
               {wall("b.start_time")}, {wall("b.end_time")}
          FROM {block} b
          JOIN {template} t ON t.id = b.template_id
          JOIN {block_types} bt ON bt.templateblock_id = b.id
        {block_owner} bt.appointmenttype_id = %(type)s{" AND b.template_id = %(template)s" if one_template else ""}
        UNION ALL
        SELECT {PERIOD}, t.practitioner_id, tp.template_id,
               CASE tp.parity WHEN 'odd' THEN 1 WHEN 'even' THEN 2 ELSE 0 END,
               {day("tp.start_date")}, {day("tp.end_date")}
          FROM {period} tp
          JOIN {template} t ON t.id = tp.template_id
         WHERE t.practitioner_id IN {chosen}{" AND tp.template_id = %(template)s" if one_template else ""}
           AND tp.start_date <= %(last)s AND (tp.end_date IS NULL OR tp.end_date >= %(first)s)
        UNION ALL
        SELECT {CLOSURE}, c.practitioner_id, {day("c.start_date")}, {day("c.end_date")},
               {wall("c.start_time")}, {wall("c.end_time")}
          FROM {closure} c
         WHERE c.clinic_id = %(clinic)s AND c.start_date <= %(last)s AND c.end_date >= %(first)s
           AND (c.practitioner_id IS NULL OR c.practitioner_id IN {chosen})
        UNION ALL
        SELECT {BUSY}, a.practitioner_id, {instant(start)}, {instant(end)}, NULL, NULL
          FROM {appointment} a
         WHERE a.practitioner_id IN {chosen}
           AND a.status = '{Appointment.Status.BOOKED.value}' AND {ex["overlaps"].format(start=start, end=end)}
    """
    _SQL_CACHE[key] = sql
    return sql


def _window_params(connection: BaseDatabaseWrapper, lo: datetime, hi: datetime) -> dict[str, object]:
    ops = connection.ops
    return {
        "lo": ops.adapt_datetimefield_value(lo),
        "hi": ops.adapt_datetimefield_value(hi),
        "lo_us": (lo - _EPOCH) // _MICROSECOND,
    }


def schedule_rows(
    clinic_id: int,
    type_id: int,
    practitioner_ids: Sequence[int] | None,
    first: date,
    last: date,
    lo: datetime,
    hi: datetime,
    template_id: int | None = None,
) -> list[Row]:
    """The rows (see the module's docstring) for the local dates ``first..last`` and the
    booked appointments overlapping ``[lo, hi)``. ``practitioner_ids=None``: every online
    practitioner of the clinic. ``template_id``: only that week template's blocks and
    arbeidsplan (a ukemal link). One query; none for an empty list of ids."""
    if practitioner_ids is not None and not practitioner_ids:
        return []
    connection = _connection()
    ops = connection.ops
    params: dict[str, object] = {
        "clinic": clinic_id, "type": type_id, "online": True,
        "first": ops.adapt_datefield_value(first), "last": ops.adapt_datefield_value(last),
        **_window_params(connection, lo, hi),
    }
    if practitioner_ids is not None:
        params.update((f"p{i}", pid) for i, pid in enumerate(practitioner_ids))
    if template_id is not None:
        params["template"] = template_id
    sql = _sql(connection, None if practitioner_ids is None else len(practitioner_ids), template_id is not None)
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
    start, end = f"a.{q('start')}", f"a.{q('end')}"
    ids = ", ".join(f"%(p{i})s" for i in range(len(practitioner_ids)))
    sql = (
        f"SELECT a.practitioner_id, {ex['instant'].format(start)}, {ex['instant'].format(end)}"
        f" FROM {q(Appointment._meta.db_table)} a"
        f" WHERE a.practitioner_id IN ({ids}) AND a.status = '{Appointment.Status.BOOKED.value}'"
        f" AND {ex['overlaps'].format(start=start, end=end)}"
    )
    params = {**_window_params(connection, lo, hi), **{f"p{i}": pid for i, pid in enumerate(practitioner_ids)}}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
