"""A member's inbox: their notifications, newest first, marked read by them, and the
daily email they may ask for. Thin views over notifications.notify."""

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from comments.exceptions import ActionRefused
from comments.views import login_first, page_of, refuse, safe_next_url
from notifications.forms import DigestForm, MarkAllReadForm
from notifications.models import DigestSubscription, Notification
from notifications.notify import mark_all_read, mark_read, set_digest

NOTIFICATIONS_PER_PAGE = 25


def _inbox_url() -> str:
    return reverse("notifications:inbox")


@require_safe
def inbox(request):
    """The member's notifications, 25 a page, the unread ones marked, in four queries."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    notifications = Notification.objects.in_inbox_of(request.user)
    page = page_of(
        notifications,
        NOTIFICATIONS_PER_PAGE,
        request.GET.get("page", 1),
        "No such page of notifications.",
    )
    shown = list(page.object_list)
    subscribed = DigestSubscription.objects.filter(member=request.user).exists()
    context = {
        "notifications": page,
        "any_unread": any(notification.is_unread for notification in shown),
        "read_all_form": MarkAllReadForm(initial={"up_to": shown[0].pk if shown else 1}),
        "digest_form": DigestForm(initial={"email_digest": subscribed}),
    }
    return render(request, "notifications/inbox.html", context)


@require_POST
def read_one(request, notification_id):
    """Mark one notification as read and go back to the inbox page it was on."""
    back = safe_next_url(request, fallback=_inbox_url())
    if not request.user.is_authenticated:
        return login_first(request, back)
    try:
        mark_read(user=request.user, notification_id=notification_id)
    except ActionRefused as refusal:
        return refuse(request, refusal, back)
    return HttpResponseRedirect(f"{back}#notification-{notification_id}")


@require_POST
def read_all(request):
    """Mark every notification the page showed as read; newer ones stay unread."""
    back = safe_next_url(request, fallback=_inbox_url())
    if not request.user.is_authenticated:
        return login_first(request, back)
    form = MarkAllReadForm(request.POST)
    if not form.is_valid():
        return refuse(request, ActionRefused("No notifications were named.", status=400), back)
    marked = mark_all_read(user=request.user, up_to=form.cleaned_data["up_to"])
    messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked as read.")
    return redirect(back)


@require_POST
def digest(request):
    """Start or stop the member's daily email of unread notifications."""
    if not request.user.is_authenticated:
        return login_first(request, _inbox_url())
    form = DigestForm(request.POST)
    form.is_valid()  # A box left unticked is a valid "no".
    wanted = form.cleaned_data.get("email_digest", False)
    set_digest(user=request.user, wanted=wanted)
    if wanted:
        messages.success(request, "We will email you a daily digest of unread notifications.")
    else:
        messages.success(request, "No more digests: your notifications stay here.")
    return redirect(_inbox_url())
