"""Template filters over timebok.core.display: ``{% load display %}``."""

from __future__ import annotations

from datetime import date

from django import template

from timebok.core import display

register = template.Library()


@register.filter
def phone(value: str) -> str:
    """{{ clinic.phone|phone }} -> "22 00 00 00"."""
    return display.phone_text(value or "")


@register.filter
def tel(value: str) -> str:
    """href="tel:{{ clinic.phone|tel }}" -> "+4722000000"."""
    return display.phone_uri(value or "")


@register.filter
def price(value: int | None) -> str:
    """{{ appointment.price|price }} -> "kr 650"."""
    return display.price_text(value)


@register.filter
def date_long(value: date | None) -> str:
    """{{ day|date_long }} -> "onsdag 2. desember 2026"."""
    return display.date_text(value) if value else ""


@register.filter
def day_long(value: date | None) -> str:
    """{{ day|day_long }} -> "onsdag 2. desember"."""
    return display.day_text(value) if value else ""


@register.filter
def day_short(value: date | None) -> str:
    """{{ day|day_short }} -> "ons 2. des"."""
    return display.day_short_text(value) if value else ""


@register.filter
def day_month_short(value: date | None) -> str:
    """{{ day|day_month_short }} -> "2. des"."""
    return display.day_month_short_text(value) if value else ""
