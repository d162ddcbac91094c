"""Import and export screens (Wagtail admin) for organisations, historic awards, payments and indicators.

Upload -> dry run -> preview (new / updated / unchanged / invalid rows, with row-level errors) -> confirm.
The uploaded file is kept in the session between preview and confirm; confirming runs the import again
in one transaction, and nothing is written unless every row is valid.
"""

import base64
import hashlib

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone

from commissioning import audit
from commissioning.permissions import can
from commissioning.roles import Action
from outcomes.resources import RESOURCES

from .tabular import IMPORT_MAX_BYTES, read_dataset, to_csv, to_xlsx
from .views import forbidden

SESSION_KEY = "reporting_import"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


class UploadForm(forms.Form):
    file = forms.FileField(label="Spreadsheet (.xlsx or .csv)", help_text="The first row holds the column names.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > IMPORT_MAX_BYTES:
            raise ValidationError(f"The file must be smaller than {IMPORT_MAX_BYTES // (1024 * 1024)} MB.")
        return upload


def _resource_or_404(kind):
    if kind not in RESOURCES:
        raise Http404("No such data set")
    return RESOURCES[kind]


def data_index(request):
    if not can(request.user, Action.IMPORT_DATA):
        return forbidden(request, "You do not have permission to import or export data.")
    kinds = [(kind, label) for kind, (label, _, _) in RESOURCES.items()]
    return TemplateResponse(request, "outcomes/reporting/data_index.html", {"kinds": kinds})


def export_rows(kind):
    label, resource_class, queryset = RESOURCES[kind]
    dataset = resource_class().export(queryset=queryset())
    return list(dataset.headers), [list(row) for row in dataset]


def export_data(request, kind, fmt):
    if not can(request.user, Action.IMPORT_DATA):
        return forbidden(request, "You do not have permission to import or export data.")
    _resource_or_404(kind)
    if fmt not in CONTENT_TYPES:
        raise Http404("No such format")
    headers, rows = export_rows(kind)
    content = to_csv(headers, rows) if fmt == "csv" else to_xlsx(headers, rows, title=kind)
    audit.record(
        actor=request.user,
        action="reporting.data_exported",
        comment=f"{kind} as {fmt.upper()}",
        data={"rows": len(rows)},
    )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="bcsp-{kind}-{timezone.localdate().isoformat()}.{fmt}"'
    return response


def column_problems(resource_class, headers) -> list[str]:
    """Columns the import would silently ignore, or needs and cannot find: refused before the dry run, so a
    misspelt column is never skipped without a word."""
    resource = resource_class()
    known = [field.column_name for field in resource.fields.values()]
    headers = [str(header or "").strip() for header in headers or []]
    problems = []
    unknown = [header for header in headers if header not in known]
    if unknown:
        problems.append(
            f"This import does not recognise the column{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(f'“{header[:60]}”' for header in unknown[:20])}. Rename or remove "
            f"{'them' if len(unknown) > 1 else 'it'} and upload the file again. The columns it reads are: "
            f"{', '.join(known)}."
        )
    id_columns = [resource.fields[name].column_name for name in resource._meta.import_id_fields]
    missing = [column for column in id_columns if column not in headers]
    if missing:
        problems.append(
            f"The file has no {' or '.join(f'“{column}”' for column in missing)} column, which this import needs to "
            "match each row to a record. The first row must hold the column names."
        )
    return problems


def summarise(result):
    """Rows for the preview: (row number, kind, description, errors)."""
    rows = []
    for number, row in enumerate(result.rows, start=1):
        errors = []
        if row.validation_error is not None:
            for field, messages_ in row.validation_error.message_dict.items():
                for message in messages_:
                    errors.append(f"{field}: {message}" if field != "__all__" else message)
        for error in row.errors:
            errors.append(str(error.error))
        rows.append({"number": number + 1, "type": row.import_type, "object": row.object_repr or "", "errors": errors})
    # Errors that belong to no row (the file as a whole) are listed too, so "with errors" always says which.
    for error in result.base_errors:
        rows.append({"number": "–", "type": "error", "object": "", "errors": [str(error.error)]})
    counts = {kind: sum(1 for r in rows if r["type"] == kind) for kind in ("new", "update", "skip", "invalid", "error")}
    return rows, counts


def dry_run(resource_class, dataset):
    result = resource_class().import_data(dataset, dry_run=True, raise_errors=False, use_transactions=True)
    return result, not (result.has_errors() or result.has_validation_errors())


def import_data(request, kind):
    if not can(request.user, Action.IMPORT_DATA):
        return forbidden(request, "You do not have permission to import or export data.")
    label, resource_class, _ = _resource_or_404(kind)
    context = {"kind": kind, "label": label}
    if request.method == "POST" and request.POST.get("confirm"):
        stored = request.session.get(SESSION_KEY) or {}
        if stored.get("kind") != kind or stored.get("digest") != request.POST.get("digest"):
            messages.error(request, "The preview has expired. Upload the file again.")
            return redirect("reporting:import", kind=kind)
        data = base64.b64decode(stored["data"])
        dataset = read_dataset(stored["name"], data)
        with transaction.atomic():
            result = resource_class().import_data(dataset, dry_run=False, raise_errors=False, use_transactions=True)
            if result.has_errors() or result.has_validation_errors():
                transaction.set_rollback(True)
                messages.error(
                    request, "Nothing was imported: the data changed since the preview. Upload the file again."
                )
                return redirect("reporting:import", kind=kind)
            _, counts = summarise(result)
            audit.record(
                actor=request.user,
                action="reporting.data_imported",
                comment=f"{label}: {counts['new']} new, {counts['update']} updated from {stored['name']}",
                data={"kind": kind, "counts": counts, "file": stored["name"]},
            )
        del request.session[SESSION_KEY]
        messages.success(
            request,
            f"Imported {label.lower()}: {counts['new']} new, {counts['update']} updated, {counts['skip']} unchanged.",
        )
        return redirect("reporting:data")

    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read()
        try:
            dataset = read_dataset(upload.name, data)
            problems = column_problems(resource_class, dataset.headers)
            if problems:
                raise ValidationError(problems, code="columns")
        except ValidationError as exc:
            form.add_error("file", exc)
        else:
            result, valid = dry_run(resource_class, dataset)
            rows, counts = summarise(result)
            context.update(rows=rows, counts=counts, valid=valid, file_name=upload.name)
            if valid:
                digest = hashlib.sha256(data).hexdigest()
                request.session[SESSION_KEY] = {
                    "kind": kind,
                    "name": upload.name,
                    "digest": digest,
                    "data": base64.b64encode(data).decode("ascii"),
                }
                context["digest"] = digest
    context["form"] = form
    return TemplateResponse(request, "outcomes/reporting/data_import.html", context, status=200)
