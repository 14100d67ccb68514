"""Forms for upvotes, saves and reading lists: every value a user can post is checked here."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.models import User

from papers.models import ReadingList, ReadingListItem


class ReadingListForm(forms.ModelForm):
    """Create or rename a list. Uniqueness per owner is checked here, so a clash is a form error.

    The database constraint compares lower-cased names; `name__iexact` asks the same question.
    """

    class Meta:
        model = ReadingList
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {"description": "Optional; shown on the list page and on its shared link."}
        error_messages = {
            "name": {
                "required": "Give the list a name.",
                "max_length": "Keep the name to %(limit_value)d characters or fewer (it has %(show_value)d).",
            },
        }

    def __init__(self, *args: Any, owner: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.fields["name"].widget.attrs.update(
            {"autocomplete": "off", "placeholder": "e.g. Thesis chapter 2"}
        )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"]
        others = ReadingList.objects.filter(owner=self.owner, name__iexact=name)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(self.name_taken_message(name), code="unique")
        return name

    @staticmethod
    def name_taken_message(name: str) -> str:
        return f"You already have a list called “{name}”. Pick another name."


class NewListForPaperForm(ReadingListForm):
    """The inline "new list" of a paper card's save control: a name, nothing else."""

    class Meta(ReadingListForm.Meta):
        fields = ["name"]


class UpvoteForm(forms.Form):
    """The state the user wants, not a toggle: a repeated or concurrent click cannot undo itself."""

    action = forms.ChoiceField(choices=[("upvote", "Upvote"), ("unvote", "Remove upvote")])


# The largest integer PostgreSQL's bigint (and SQLite's integer) holds: any id, offset or count a query
# is given must fit, or the database refuses the whole query ("bigint out of range").
MAX_DATABASE_INT = 2**63 - 1


def bounded_int(value: object, *, minimum: int, maximum: int) -> int | None:
    """`value` (a query or form parameter) as a whole number from `minimum` to `maximum`, else None.

    Every integer the site reads from a request is parsed here. Only ASCII digits, with a minus sign when
    `minimum` allows one: int() alone also takes "١٢" (Arabic-Indic digits), " 12", "+12" and "1_2", raises
    past 4,300 digits, and gives numbers no database column holds. (`str.isdigit` alone also takes "¹",
    which int() refuses.)
    """
    text = str(value)
    digits = text[1:] if text.startswith("-") and minimum < 0 else text
    if not (digits.isascii() and digits.isdigit()):
        return None
    # More digits than the bounds have is out of range, without asking int() to read them all.
    if len(digits.lstrip("0")) > len(str(max(abs(minimum), abs(maximum)))):
        return None
    number = int(text)
    return number if minimum <= number <= maximum else None


def database_id(value: object) -> int | None:
    """`value` as a row id: a positive integer that fits the database's bigint, else None."""
    return bounded_int(value, minimum=1, maximum=MAX_DATABASE_INT)


def _validate_list_key(value: str) -> None:
    # "default" is the Read later list, which may not exist yet; anything else must be an id.
    if value != "default" and database_id(value) is None:
        raise forms.ValidationError("Unknown list.")


class SaveForm(forms.Form):
    """Put the paper on a list (`add`) or take it off (`remove`): a list id, or "default"."""

    add = forms.CharField(required=False, validators=[_validate_list_key])
    remove = forms.CharField(required=False, validators=[_validate_list_key])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("add")) == bool(data.get("remove")):
            raise forms.ValidationError("Choose one list to add the paper to or remove it from.")
        return data

    @property
    def adding(self) -> bool:
        return bool(self.cleaned_data["add"])

    @property
    def list_key(self) -> str:
        return str(self.cleaned_data["add"] or self.cleaned_data["remove"])


class ItemStatusForm(forms.Form):
    status = forms.ChoiceField(
        choices=ReadingListItem.Status.choices,
        error_messages={"invalid_choice": "“%(value)s” is not a reading status."},
    )


class ItemNoteForm(forms.Form):
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": ReadingListItem.NOTE_MAX_LENGTH}),
    )

    def clean_note(self) -> str:
        # Browsers send a textarea's line breaks as CRLF while counting them as one character for
        # maxlength; count (and store) them as one too, or a note that fit in the box would be refused.
        note = str(self.cleaned_data["note"]).replace("\r\n", "\n")
        limit = ReadingListItem.NOTE_MAX_LENGTH
        if len(note) > limit:
            raise forms.ValidationError(
                f"Keep the note to {limit:,} characters or fewer (it has {len(note):,}).", code="max_length"
            )
        return note


class IdsField(forms.Field):
    """Several ids from checkboxes or hidden inputs (`?item=1&item=2`), as positive integers; any value
    that is not an id refuses them all (`error_messages["invalid"]` says what to do)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": "Unknown item."}

    def to_python(self, value: Any) -> list[int]:
        ids = [database_id(raw) for raw in value or []]
        if None in ids:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return [pk for pk in ids if pk is not None]


class RemoveItemsForm(forms.Form):
    item = IdsField(error_messages={"required": "Tick the papers to remove first."})


class ReorderForm(forms.Form):
    """Either a whole new order (`order`, ids first to last) or one move (`item` up or down)."""

    order = IdsField(required=False)
    item = forms.IntegerField(required=False, min_value=1, max_value=MAX_DATABASE_INT)
    direction = forms.ChoiceField(required=False, choices=[("up", "Up"), ("down", "Down")])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        moving = data.get("item") is not None and data.get("direction")
        if not data.get("order") and not moving:
            raise forms.ValidationError("Nothing to reorder.")
        return data
