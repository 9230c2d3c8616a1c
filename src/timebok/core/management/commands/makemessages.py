"""Django's makemessages, also extracting the pure packages' messages, which are marked with
``N_()`` (timebok.validation.i18n) because they cannot import Django."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=N_"]
    # No guessed ("fuzzy") translations for new strings: they are translated by a person.
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
