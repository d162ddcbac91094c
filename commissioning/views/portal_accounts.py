"""Portal accounts: sign up, confirm email, reset password, create or join an organisation, and the
organisation admin's page for members."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from ..forms_portal import JoinSearchForm, OrganisationForm, PasswordResetForm, SetPasswordForm, SignUpForm
from ..govuk_forms import error_summary
from ..models import Membership, MembershipStatus, Organisation
from ..permissions import approved_organisation_ids, require
from ..roles import Action
from ..services import accounts


def sign_up(request):
    if request.user.is_authenticated:
        return redirect("portal:dashboard")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accounts.sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.info(request, f"We have sent a link to {user.email}. Open it to confirm your email address.")
            return redirect("portal:dashboard")
    return render(
        request,
        "portal/form_page.html",
        {
            "form": form,
            "errors": error_summary(form),
            "page_title": "Create an account",
            "button": "Create account",
            "intro": "Create an account to apply for funding from the Bexley Community Safety Partnership.",
        },
    )


def confirm_email(request, token):
    try:
        user = accounts.confirm_email(token=token)
    except ValidationError as exc:
        return render(
            request,
            "portal/message.html",
            {
                "page_title": "This link does not work",
                "body": exc.messages[0],
                "show_resend": request.user.is_authenticated,
            },
            status=400,
        )
    messages.success(request, "Your email address is confirmed.")
    if request.user.is_authenticated and request.user.pk == user.pk:
        return redirect("portal:dashboard")
    return redirect("portal:login")


@login_required
@require_POST
def resend_confirmation(request):
    if request.user.email_confirmed_at:
        messages.info(request, "Your email address is already confirmed.")
    else:
        accounts.send_confirmation_email(user=request.user)
        messages.info(request, f"We have sent a new link to {request.user.email}.")
    return redirect("portal:dashboard")


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "portal/form_page.html"
    form_class = PasswordResetForm
    email_template_name = "emails/password_reset.txt"
    subject_template_name = "emails/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")
    extra_context = {
        "page_title": "Reset your password",
        "button": "Send reset link",
        "intro": "Enter the email address of your account and we will email you a link to reset your password.",
    }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["errors"] = error_summary(context["form"])
        return context


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "portal/message.html"
    extra_context = {
        "page_title": "Check your email",
        "body": "If an account uses that email address, we have sent it a link to reset the password. "
        "The link works for 3 days.",
    }


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/form_page.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("portal:password_reset_complete")
    extra_context = {"page_title": "Choose a new password", "button": "Save password"}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("form") is not None:
            context["errors"] = error_summary(context["form"])
        else:
            context["intro"] = "This reset link has expired or has already been used. Ask for a new one."
        return context


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/message.html"
    extra_context = {
        "page_title": "Your password has been changed",
        "body": "You can now sign in with your new password.",
    }


class InvitationView(auth_views.PasswordResetConfirmView):
    """A member of staff opens their invitation link and chooses a password (the link is one-use, time-limited)."""

    template_name = "portal/form_page.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("wagtailadmin_login")
    extra_context = {"page_title": "Choose your password", "button": "Save password"}

    def form_valid(self, form):
        response = super().form_valid(form)
        accounts.password_set_from_invitation(user=form.user)
        messages.success(
            self.request, "Your password is saved. Sign in, then set up two-step sign-in with an authenticator app."
        )
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if context.get("form") is not None:
            context["errors"] = error_summary(context["form"])
            context["intro"] = "Choose a password for your BCSP grants staff account."
        else:
            context["intro"] = (
                "This invitation link has expired or has already been used. Ask an administrator to invite you again."
            )
        return context


def _confirmed_or_message(request):
    if request.user.email_confirmed_at:
        return None
    messages.error(request, "Confirm your email address first: use the link we emailed you.")
    return redirect("portal:dashboard")


@login_required
def organisation_create(request):
    if (response := _confirmed_or_message(request)) is not None:
        return response
    form = OrganisationForm(request.POST or None)
    join_offer = None
    if request.method == "POST":
        if form.is_valid():
            try:
                organisation = accounts.create_organisation(actor=request.user, organisation=form.save(commit=False))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, f"{organisation} is registered. You are its organisation admin.")
                return redirect("portal:dashboard")
        holder = _registration_holder(form)
        if holder is not None:
            # A registration number belongs to one organisation: claiming it again asks to join that one.
            return _ask_to_join(request, holder, because=_claim_message(form, holder))
        if form.has_error("name", code="name_taken"):
            join_offer = Organisation.objects.named_like(form.data.get("name", ""))
    return render(
        request,
        "portal/form_page.html",
        {
            "form": form,
            "errors": error_summary(form),
            "page_title": "Register your organisation",
            "button": "Register organisation",
            "join_offer": join_offer,
        },
    )


def _registration_holder(form):
    """The organisation already holding the registration number typed into ``form``, if that is why it was
    refused."""
    claimed = {
        field: getattr(form.instance, field)
        for field in ("charity_number", "company_number")
        if form.has_error(field, code="registration_claimed")
    }
    return Organisation.objects.holding_registration(**claimed) if claimed else None


def _claim_message(form, holder):
    if form.has_error("charity_number", code="registration_claimed"):
        return f"Charity number {holder.charity_number} is already registered to {holder}."
    return f"Company number {holder.company_number} is already registered to {holder}."


def _ask_to_join(request, organisation, *, because=""):
    try:
        accounts.request_to_join(actor=request.user, organisation=organisation)
    except ValidationError as exc:
        messages.error(request, " ".join(filter(None, [because, exc.messages[0]])))
    else:
        messages.success(
            request,
            " ".join(filter(None, [because, f"You have asked to join {organisation}. Its admin will decide."])),
        )
    return redirect("portal:dashboard")


@login_required
def organisation_join(request):
    if (response := _confirmed_or_message(request)) is not None:
        return response
    search = JoinSearchForm(request.GET or None)
    results = []
    if search.is_valid() and len(search.cleaned_data["q"].strip()) >= 3:
        results = list(
            Organisation.objects.filter(name__icontains=search.cleaned_data["q"].strip()).order_by("name")[:20]
        )
    if request.method == "POST":
        return _ask_to_join(request, get_object_or_404(Organisation, pk=request.POST.get("organisation")))
    return render(
        request,
        "portal/organisation_join.html",
        {
            "search": search,
            "results": results,
            "page_title": "Join an organisation",
            "searched": search.is_bound,
        },
    )


def _own_organisation(request, pk=None):
    ids = approved_organisation_ids(request.user)
    if pk is None:
        if not ids:
            raise PermissionDenied("You are not a member of an organisation yet.")
        pk = min(ids)
    organisation = get_object_or_404(Organisation, pk=pk)
    require(request.user, Action.VIEW_OWN_ORGANISATION, organisation)
    return organisation


@login_required
def organisation(request, pk=None):
    organisation = _own_organisation(request, pk)
    is_admin = organisation.pk in approved_organisation_ids(request.user, org_admin=True)
    memberships = list(organisation.memberships.select_related("user").order_by("status", "user__email"))
    return render(
        request,
        "portal/organisation.html",
        {
            "organisation": organisation,
            "is_admin": is_admin,
            "members": [m for m in memberships if m.status == MembershipStatus.APPROVED],
            "pending": [m for m in memberships if m.status == MembershipStatus.PENDING] if is_admin else [],
            "name_change": organisation.name_changes.pending().first(),
            "page_title": "Your organisation",
        },
    )


@login_required
def organisation_edit(request, pk):
    organisation = _own_organisation(request, pk)
    require(request.user, Action.MANAGE_ORGANISATION_MEMBERS, organisation)
    form = OrganisationForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        organisation, change = accounts.update_organisation(actor=request.user, organisation=form.save(commit=False))
        if change is None:
            messages.success(request, "Your organisation's details are saved.")
        else:
            messages.success(
                request,
                f"Your organisation's details are saved. Because {organisation} has a grant, its new name "
                f"“{change.new_name}” needs the partnership's approval: until then it keeps its current name.",
            )
        return redirect("portal:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "portal/form_page.html",
        {
            "form": form,
            "errors": error_summary(form),
            "page_title": f"Change {organisation}'s details",
            "button": "Save details",
            "back": reverse("portal:organisation_detail", kwargs={"pk": organisation.pk}),
        },
    )


@login_required
@require_POST
def membership_decide(request, pk):
    membership = get_object_or_404(Membership.objects.select_related("organisation", "user"), pk=pk)
    require(request.user, Action.MANAGE_ORGANISATION_MEMBERS, membership.organisation)
    approve = request.POST.get("decision") == "approve"
    try:
        accounts.decide_membership(actor=request.user, membership=membership, approve=approve)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    else:
        verb = "approved" if approve else "rejected"
        messages.success(request, f"You {verb} {membership.user}'s request to join.")
    return redirect("portal:organisation_detail", pk=membership.organisation_id)
