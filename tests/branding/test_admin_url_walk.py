"""Every admin URL, opened by Glow's manager with Riverside's ids (issue 18 #4).

The walk reads the URL resolver, so a view added later is walked too: each argument is
filled with the id of one of Riverside's rows of the matching model, and a URL with an
argument nothing here can fill fails the walk, named. Each such URL, asked with GET and
with POST, must refuse (400, 403, 404, 405, or a redirect elsewhere) and show nothing of
Riverside's. The URLs without arguments (lists, reports, search, choosers) may answer,
but show nothing of Riverside's either, searched for it or not. Nothing of Riverside's
changes."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from wagtail.admin.models import EditingSession
from wagtail.contrib.redirects.models import Redirect
from wagtail.documents.models import Document
from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.log_actions import log
from wagtail.models import (
    Collection,
    Page,
    Site,
    Task,
    TaskState,
    UploadedFile,
    Workflow,
    WorkflowState,
    WorkflowTask,
)

from automations.models import Automation, InboundSms, PetHealthDue
from booking_api.models import Booking, BookingStatus, Service, ServiceCategory, StaffMember
from branding.models import Location
from branding.services import clinic_collection, features_update
from commerce.giftcards.services import gift_card_staff_issue
from commerce.models import (
    DeskCheckout,
    DeskLine,
    DeskTender,
    GiftCard,
    GiftCardEntry,
    Membership,
    MembershipEntry,
    MembershipPlan,
    Order,
    OrderLine,
    Package,
    PackageEntry,
    PackagePlan,
    Product,
    Purchase,
    PurchaseRefund,
)
from commerce.orders.services import order_place, order_step
from loyalty.models import Game, LedgerEntry, Reward, RewardRequest, Tier
from loyalty.rewards.services import reward_request_create
from loyalty.services import points_award, programme_upsert
from loyalty.wallet.membership import member_number
from payments.models import PaymentLink
from people.models import ClientAccount, ClientNote, Pet, Photo
from people.photo_services import photo_upload
from people.services import note_create
from portal_pages.models import ContentPage
from privacy.models import ErasureRequest
from privacy.services import erasure_request
from records.feedback.services import feedback_submit
from records.files.services import client_file_upload
from records.message_services import thread_start
from records.models import (
    ClientFile,
    Feedback,
    FormTemplate,
    Message,
    MessageThread,
    SignedForm,
    TreatmentRecord,
)
from records.treatment_services import treatment_record_add
from sync.models import BookingLink, PetMerge
from tests.factories.booking import (
    ServiceCategoryFactory,
    ServiceFactory,
    StaffFactory,
    main_location,
)
from tests.factories.clients import ClientAccountFactory, UserFactory
from tests.factories.commerce import MembershipPlanFactory, PackagePlanFactory
from tests.factories.forms import FormTemplateFactory
from tests.factories.games import make_game
from tests.factories.loyalty import RewardFactory, TierFactory
from tests.factories.records import PetFactory, upload
from tests.fixtures.booking import add_booking
from tests.fixtures.clinics import admin_client_for
from tests.fixtures.forms import sign
from tests.fixtures.honesty import nothing_changes

pytestmark = pytest.mark.django_db

User = get_user_model()

# What Glow's manager must never see of Riverside's: full names, so that a search box
# echoing the query "Riverside" is not taken for a leak. (Not tag names: taggit's tags
# are the platform's, and the image filters offer the ten most used of them.)
SECRETS = (
    "Riverside Vets",
    "riverside.localhost",
    "Rita Riverside",
    "rita@riverside.test",
    "Riverside category",
    "Riverside checkup",
    "Riverside vet",
    "Riverside consent",
    "Riverside treat",
    "Riverside gold",
    "Riverside wheel",
    "Riverside welcome",
    "Riverside was slow",
    "Riverside private note",
    "Riverside Rex",
    "Riverside pic",
    "Riverside scan",
    "Riverside news",
    "Riverside logo",
    "Riverside price list",
    "Riverside prices",
    "Riverside review",
    "Riverside approval",
    "riverside-old",
    "Ross Riverside",
)

# Arguments that mean the same model in every URL that has them.
BY_ARGUMENT = {
    "page_id": Page,
    "parent_page_id": Page,
    "page_to_move_id": Page,
    "destination_id": Page,
    "page_pk": Page,
    "revision_id": "revision",
    "revision_id_a": "revision",
    "revision_id_b": "revision",
    "workflow_state_id": WorkflowState,
    "task_state_id": TaskState,
    "task_id": Task,
    "workflow_pk": Workflow,
    "collection_id": Collection,
    "document_id": Document,
    "doc_id": Document,
    "image_id": Image,
    "uploaded_file_id": UploadedFile,
    "session_id": EditingSession,
    "redirect_id": Redirect,
    "client_pk": ClientAccount,
    "note_pk": ClientNote,
    "pet_id": Pet,
    "photo_id": Photo,
    "file_id": ClientFile,
    "thread_id": MessageThread,
    "signed_id": SignedForm,
    "request_id": ErasureRequest,
    "message_id": Message,
    "link_id": PaymentLink,
    "booking_pk": Booking,
    "membership_id": Membership,
    "line_id": DeskLine,
}

# The ``pk`` of URLs whose view does not say its model (or says another), by URL name
# or its prefix.
PK_BY_NAME = {
    "wagtailadmin_api:pages:": Page,
    "wagtailadmin_api:documents:": Document,
    "wagtailadmin_api:images:": Image,
    "wagtailadmin_workflows:edit_task": Task,
    "wagtailadmin_workflows:enable_task": Task,
    "wagtailadmin_workflows:disable_task": Task,
    "wagtailadmin_workflows:": Workflow,
    "wagtaildocs_chooser:": Document,
    "wagtailimages_chooser:": Image,
    "wagtailsettings:": Site,
    "clinic_workspace:": ClientAccount,
    "booking_calendar:": "upcoming",
    "payments_admin:": Booking,
    "clinic_feedback:": Feedback,
    "clinic_sync:undo_merge": PetMerge,
    "clinic_sync:reinstate": Pet,
    "clinic_sync:resolve": BookingLink,
    "loyalty_request_decide": RewardRequest,
    "loyalty_client_action": ClientAccount,
    "commerce_client_action": ClientAccount,
    "commerce_gift_card_action": GiftCard,
    "commerce_order_step": Order,
    "commerce_purchase_receipt": Purchase,
    "commerce_membership_cancel": ClientAccount,
    "commerce_membership_adjust": ClientAccount,
    "commerce_desk_checkout": Booking,
    "commerce_desk_action": Booking,
    "commerce_desk_line_action": Booking,
    "clinic_inbox:": MessageThread,
    "clinic_treatments:": TreatmentRecord,
}

# Words in URLs, by (URL name, argument): each is tried.
WORDS = {
    ("wagtailadmin_api:pages:action", "action_name"): ["copy", "move", "delete", "publish"],
    ("booking_calendar:action", "action"): [
        "confirm",
        "check_in",
        "start",
        "complete",
        "no_show",
        "cancel",
    ],
    ("payments_admin:action", "action"): ["charge-balance", "refund", "cancel-refund"],
    ("loyalty_request_decide", "decision"): ["approve", "decline"],
    ("loyalty_client_action", "action"): ["add", "adjust", "reverse", "grant"],
    ("commerce_client_action", "action"): ["sell", "adjust", "refund"],
    ("commerce_gift_card_action", "action"): ["void", "adjust"],
    ("commerce_gift_card_new", "action"): ["issue"],
    ("commerce_order_step", "action"): ["approve", "ready", "fulfil", "decline"],
    ("commerce_desk_action", "action"): [
        "price",
        "product",
        "tip",
        "tender",
        "voucher",
        "cover",
        "pay-link",
        "complete",
    ],
    ("commerce_desk_line_action", "action"): ["remove"],
    ("wagtailimages:preview", "filter_spec"): ["fill-10x10"],
    ("wagtailadmin_pages:workflow_action", "action_name"): ["approve", "reject"],
    ("wagtailadmin_pages:collect_workflow_action_data", "action_name"): ["approve", "reject"],
    ("reports_section", "key"): ["revenue", "loyalty"],
    ("reports_csv", "key"): ["revenue"],
    ("reports_csv", "table"): ["by_location"],
}

SETTINGS_MODELS = ("brandingsettings", "featuresettings", "bookingpolicysettings")
CONTENT_PAGE = {"content_type_app_name": "portal_pages", "content_type_model_name": "contentpage"}


def model_arguments(rows):
    """URLs that name a model rather than (only) an object: the arguments to try, each
    with the query string (Riverside's ids) where the view reads them."""
    page, image, document = rows[Page].pk, rows[Image].pk, rows[Document].pk
    bulk = [
        ("wagtailcore", "page", ("delete", "move", "publish", "unpublish"), page),
        ("wagtailimages", "image", ("delete", "add_tags", "add_to_collection"), image),
        ("wagtaildocs", "document", ("delete", "add_tags", "add_to_collection"), document),
        ("clients", "user", ("delete", "set_active_state", "assign_role"), rows[User].pk),
    ]
    return {
        "wagtailadmin_pages:add": [(CONTENT_PAGE, "")],
        "wagtailadmin_pages:preview_on_add": [(CONTENT_PAGE, "")],
        "wagtailadmin_pages:type_use": [
            ({**CONTENT_PAGE, "content_type_model_name": "portalhomepage"}, "")
        ],
        "wagtailadmin_pages:type_use_results": [
            ({**CONTENT_PAGE, "content_type_model_name": "portalhomepage"}, "")
        ],
        "wagtailadmin_pages:choose_parent": [
            ({"app_label": "portal_pages", "model_name": "contentpage"}, "")
        ],
        "wagtail_bulk_action": [
            ({"app_label": app, "model_name": model, "action": action}, f"id={pk}")
            for app, model, actions, pk in bulk
            for action in actions
        ],
        "wagtailadmin_tag_model_autocomplete": [
            ({"app_name": "wagtailimages", "model_name": "image"}, "term=river"),
            ({"app_name": "wagtaildocs", "model_name": "document"}, "term=river"),
        ],
        "wagtailadmin_workflows:add_task": [
            ({"app_label": "wagtailcore", "model_name": "groupapprovaltask"}, "")
        ],
        "wagtailsettings:edit": [
            ({"app_name": "branding", "model_name": name, "pk": rows[Site].pk}, "")
            for name in SETTINGS_MODELS
        ]
        + [({"app_name": "branding", "model_name": name}, "") for name in SETTINGS_MODELS],
        "wagtailsettings:preview_on_edit": [
            ({"app_name": "branding", "model_name": name, "pk": rows[Site].pk}, "")
            for name in SETTINGS_MODELS
        ],
        "wagtailadmin_editing_sessions:ping": [
            (
                {
                    "app_label": row._meta.app_label,
                    "model_name": row._meta.model_name,
                    "object_id": row.pk,
                    "session_id": rows[EditingSession].pk,
                },
                "",
            )
            for row in (rows[Page], rows[Tier], rows[Service])
        ],
        # The wallet pass's QR code: Riverside's member number, opened at another clinic.
        "loyalty_wallet_check_in": [({"number": member_number(rows[ClientAccount])}, "")],
        "wagtailadmin_pages:revisions_compare": [
            (
                {"pk": page, "revision_id_a": "earliest", "revision_id_b": "latest"},
                "",
            )
        ],
    }


# Choosers and listings that take Riverside's ids in the query string.
QUERIES = {
    "wagtailadmin_choose_page_chosen_multiple": "id={Page}",
    "wagtaildocs_chooser:chosen_multiple": "id={Document}",
    "wagtailimages_chooser:chosen_multiple": "id={Image}",
    "wagtailadmin_api:pages:listing": "child_of={Page}",
    "wagtailadmin_choose_page": "parent_page_id={Page}",
}

# Views that touch only the person's own rows whatever id they are given: deleting
# one's own editing session.
OWN_ROWS_ONLY = {"wagtailadmin_editing_sessions:release"}

# Not a clinic's object: the link carries a signed token; signing out; Wagtail's test of
# its error page.
SKIPPED = {"wagtailadmin_password_reset_confirm", "wagtailadmin_logout", "wagtailadmin_error_test"}


def admin_patterns():
    """(name, arguments, view) of every URL pattern under /admin/."""

    def arguments(pattern):
        if isinstance(pattern, RoutePattern):
            return list(pattern.converters)
        return list(pattern.regex.groupindex)

    def walk(patterns, route, namespace, args):
        for item in patterns:
            here = route + str(item.pattern)
            here_args = args + arguments(item.pattern)
            if isinstance(item, URLResolver):
                ns = [*namespace, item.namespace] if item.namespace else namespace
                yield from walk(item.url_patterns, here, ns, here_args)
            elif isinstance(item, URLPattern):
                name = ":".join([*namespace, item.name]) if item.name else None
                yield here, name, here_args, item.callback

    for route, name, args, view in walk(get_resolver().url_patterns, "", [], []):
        if route.startswith("admin/") and name and name not in SKIPPED:
            yield name, args, view


def view_model(view):
    model = getattr(view, "view_initkwargs", {}).get("model")
    return model or getattr(getattr(view, "view_class", None), "model", None)


def pk_model(name, view):
    for prefix, model in PK_BY_NAME.items():
        if name == prefix or (prefix.endswith(":") and name.startswith(prefix)):
            return model
    return view_model(view)


def cases(name, args, view, rows, model_args):
    """Every (kwargs, query) to try for one URL pattern; raises KeyError naming what it
    cannot fill."""
    if name in model_args:
        return [(kwargs, query) for kwargs, query in model_args[name] if set(kwargs) == set(args)]
    kwargs, choices = {}, {}
    for arg in args:
        if (name, arg) in WORDS:
            choices[arg] = WORDS[(name, arg)]
            continue
        key = pk_model(name, view) if arg == "pk" else BY_ARGUMENT.get(arg)
        if key is None or key not in rows:
            raise KeyError(f"{name}: nothing of Riverside's fills <{arg}> ({key})")
        kwargs[arg] = rows[key].pk
    found = [(kwargs, "")]
    for arg, words in choices.items():
        found = [({**k, arg: word}, q) for k, q in found for word in words]
    return found


def leaks(response):
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    text = content.decode("utf-8", "replace")
    return [secret for secret in SECRETS if secret in text]


def refused(response):
    if response.status_code in (400, 403, 404, 405):
        return True
    if response.status_code == 302:
        return response["Location"] != response.request["PATH_INFO"]
    return False


@pytest.fixture
def riverside(clinic, other_clinic, other_manager):
    """One of Riverside's rows of every kind an admin URL names, each showing
    "Riverside" in its name, with a history entry for each of the clinic's own."""
    features_update(clinic=clinic, pets=True, selfies=True)
    programme_upsert(clinic=clinic, unit_name="points", per_currency_unit=1, per_visit=10)
    rv = other_clinic
    other_manager.first_name, other_manager.last_name = "Ross", "Riverside"
    other_manager.save()
    features_update(clinic=rv, pets=True, selfies=True)
    programme_upsert(clinic=rv, unit_name="points", per_currency_unit=1, per_visit=10)
    who = UserFactory(first_name="Rita", last_name="Riverside", email="rita@riverside.test")
    client = ClientAccountFactory(clinic=rv, user=who)
    category = ServiceCategoryFactory(clinic=rv, name="Riverside category")
    service = ServiceFactory(clinic=rv, category=category, name="Riverside checkup")
    staff = StaffFactory(clinic=rv, display_name="Riverside vet", services=[service])
    location = Location.objects.get(clinic=rv, is_main=True)
    start = timezone.now().replace(microsecond=0) - datetime.timedelta(days=3)
    booking = add_booking(rv, client, service, staff, start, status=BookingStatus.COMPLETED)
    upcoming = add_booking(rv, client, service, staff, start + datetime.timedelta(days=9))
    form = FormTemplateFactory(clinic=rv, title="Riverside consent")
    signed = sign(form, client)
    reward = RewardFactory(clinic=rv, name="Riverside treat", cost=10)
    plan = PackagePlanFactory(clinic=rv, name="Riverside course")
    features_update(clinic=rv, gift_cards=True)
    gift = gift_card_staff_issue(
        clinic=rv,
        actor=other_manager,
        amount=1000,
        recipient_name="R",
        recipient_email="r@example.com",
        reason="walk",
    )
    features_update(clinic=rv, orders=True, orders_payment="pickup")
    product = Product.objects.create(clinic=rv, name="Riverside kibble", price=1200, stock=9)
    order = order_place(clinic=rv, client=client, items=[{"product": product.pk}])
    picked_up = order_place(clinic=rv, client=client, items=[{"product": product.pk}])
    for step in ("ready", "fulfil"):
        order_step(clinic=rv, order_id=picked_up.pk, action=step, actor=other_manager)
    picked_up.refresh_from_db()
    tier = TierFactory(clinic=rv, name="Riverside gold")
    game = make_game(rv, name="Riverside wheel")
    points_award(clinic=rv, client=client, amount=50, reason="Riverside welcome")
    request = reward_request_create(clinic=rv, client=client, reward_id=reward.pk)
    erasure = erasure_request(clinic=rv, client=client, source="portal")
    feedback = feedback_submit(
        clinic=rv, booking_id=booking.pk, rating=2, comment="Riverside was slow"
    )
    note = note_create(
        clinic=rv, account=client, author=other_manager, body="Riverside private note"
    )
    pet = PetFactory(owner=client, name="Riverside Rex")
    merge = PetMerge.objects.create(
        clinic=rv, kept=pet, merged=PetFactory(owner=client, name="Riverside Rex 2")
    )
    sync_link = BookingLink.objects.create(
        clinic=rv, booking=upcoming, state="attention", message="Riverside refused"
    )
    photo = photo_upload(clinic=rv, client=client, image=upload(), caption="Riverside pic")
    client_file = client_file_upload(
        clinic=rv,
        client=client,
        actor=other_manager,
        upload=upload(),
        kind="photo",
        title="Riverside scan",
        consent_on_paper=True,
    )
    thread = thread_start(
        clinic=rv, client=client, author=other_manager, subject="Riverside news", body="Hi"
    )
    automation = Automation.objects.create(
        clinic=rv,
        kind="rebook",
        name="Riverside nudge",
        title_template="Riverside",
        body_template="Riverside {link}",
    )
    pet_due = PetHealthDue.objects.create(
        clinic=rv, pet=pet, name="Riverside booster", due_on=start.date()
    )
    text = InboundSms.objects.create(
        clinic=rv,
        provider_id="SMriverside",
        from_number="+15550001111",
        body="Riverside text",
        status="held",
    )
    for row in (location, category, service, staff, form, reward, tier, game):
        log(instance=row, action="wagtail.edit", user=other_manager)

    collection = clinic_collection(rv)
    image = Image.objects.create(
        title="Riverside logo", file=get_test_image_file(), collection=collection
    )
    document = Document.objects.create(
        title="Riverside price list",
        file=ContentFile(b"Riverside prices", name="riverside-prices.txt"),
        collection=collection,
    )
    home = rv.site.root_page.specific
    home.save_revision(user=other_manager, log_action=True)
    workflow = Workflow.objects.create(name="Riverside review")
    task = Task.objects.create(name="Riverside approval")
    WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    workflow_state = workflow.start(home, other_manager)
    redirect = Redirect.objects.create(
        old_path="/riverside-old", site=rv.site, redirect_link="/riverside-new"
    )
    uploaded = UploadedFile.objects.create(
        file=ContentFile(b"x", name="riverside.txt"), uploaded_by_user=other_manager
    )
    session = EditingSession.objects.create(
        user=other_manager, content_object=home, last_seen_at=timezone.now()
    )
    treatment = treatment_record_add(
        clinic=rv,
        booking=booking,
        author=other_manager,
        notes="Riverside dental",
        follow_up="Riverside recheck",
        follow_up_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    member_plan = MembershipPlanFactory(clinic=rv, name="Riverside club", agreement=form)
    membership = Membership.objects.create(
        clinic=rv,
        client=client,
        plan=member_plan,
        name="Riverside club",
        interval="month",
        price=member_plan.price,
        currency=rv.currency,
        agreement=signed,
        stripe_subscription_id="sub_riverside_walk",
    )
    # An open desk checkout of Riverside's visit, with a product on it.
    desk_line = DeskLine.objects.create(
        checkout=DeskCheckout.objects.create(clinic=rv, booking=booking, opened_by=other_manager),
        product=product,
        name="Riverside kibble",
        unit_price=1200,
    )
    pay_link = PaymentLink.objects.create(
        clinic=rv,
        booking=booking,
        kind="balance",
        amount=100,
        currency=booking.currency,
        reason="Riverside balance",
        expires_at=timezone.now() + datetime.timedelta(days=7),
    )
    return {
        TreatmentRecord: treatment,
        MembershipPlan: member_plan,
        Membership: membership,
        DeskLine: desk_line,
        PaymentLink: pay_link,
        ClientAccount: client,
        ServiceCategory: category,
        Service: service,
        StaffMember: staff,
        Location: location,
        Booking: booking,
        "upcoming": upcoming,
        FormTemplate: form,
        SignedForm: signed,
        Reward: reward,
        PackagePlan: plan,
        GiftCard: gift,
        Product: product,
        Order: order,
        Purchase: picked_up.purchase,
        Tier: tier,
        Game: game,
        RewardRequest: request,
        ErasureRequest: erasure,
        Feedback: feedback,
        ClientNote: note,
        Pet: pet,
        PetMerge: merge,
        BookingLink: sync_link,
        Photo: photo,
        ClientFile: client_file,
        MessageThread: thread,
        Message: thread.messages.first(),
        Automation: automation,
        PetHealthDue: pet_due,
        InboundSms: text,
        Collection: collection,
        Image: image,
        Document: document,
        Page: home,
        "revision": home.latest_revision,
        Workflow: workflow,
        WorkflowState: workflow_state,
        TaskState: workflow_state.current_task_state,
        Task: task,
        Redirect: redirect,
        UploadedFile: uploaded,
        EditingSession: session,
        Site: rv.site,
        Group: Group.objects.get(name=f"{rv.slug}: manager"),
        User: other_manager,
    }


WATCHED = (
    ClientAccount, ClientNote, Pet, Photo, MessageThread, SignedForm, Feedback, Booking,
    Service, ServiceCategory, StaffMember, Location, FormTemplate, Reward, Tier, Game,
    RewardRequest, LedgerEntry, Collection, Image, Document, Page, Redirect, Workflow, Task,
    Site, Group, UploadedFile, PetMerge, BookingLink,
    PackagePlan, Package, PackageEntry, Purchase, PurchaseRefund,
    GiftCard, GiftCardEntry, ErasureRequest, Product, Order, OrderLine,
    Membership, MembershipEntry, DeskCheckout, DeskLine, DeskTender,
)  # fmt: skip


def test_every_admin_url_with_another_clinics_ids_is_refused(clinic, manager, riverside):
    client = admin_client_for(manager, clinic)
    model_args = model_arguments(riverside)
    problems, walked = [], 0
    with nothing_changes(*WATCHED):
        for name, args, view in admin_patterns():
            if not args:
                continue
            try:
                tries = cases(name, args, view, riverside, model_args)
            except KeyError as exc:
                problems.append(str(exc))
                continue
            for kwargs, query in tries:
                url = reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")
                # A URL naming one of Riverside's rows must refuse; one naming only a
                # model (ids, if any, in its query) may answer, showing nothing of theirs.
                names_a_row = any(isinstance(value, int) for value in kwargs.values())
                must_refuse = names_a_row and name not in OWN_ROWS_ONLY
                for method in (client.get, client.post):
                    walked += 1
                    response = method(url)
                    shown = leaks(response)
                    if shown or (must_refuse and not refused(response)):
                        problems.append(
                            f"{method.__name__.upper()} {url} ({name}): "
                            f"{response.status_code} {shown}"
                        )
    assert walked > 300
    assert not problems, "\n".join(problems)


def test_no_admin_list_report_or_chooser_shows_another_clinics_rows(clinic, manager, riverside):
    client = admin_client_for(manager, clinic)
    ids = {model.__name__: row.pk for model, row in riverside.items() if isinstance(model, type)}
    problems, walked = [], 0
    for name, args, _view in admin_patterns():
        if args:
            continue
        for query in ("", "q=Riverside", QUERIES.get(name, "").format(**ids)):
            url = reverse(name) + (f"?{query}" if query else "")
            walked += 1
            shown = leaks(client.get(url))
            if shown:
                problems.append(f"GET {url}: {shown}")
    assert walked > 150
    assert not problems, "\n".join(problems)


# --- The same screens still serve the manager's own clinic ---------------------------


@pytest.fixture
def glow_rows(clinic, manager):
    """One of Glow's rows of each clinic model with an admin viewset."""
    category = ServiceCategoryFactory(clinic=clinic, name="Glow facials")
    service = ServiceFactory(clinic=clinic, category=category, name="Glow peel")
    programme_upsert(clinic=clinic, unit_name="points", per_currency_unit=1, per_visit=10)
    rows = {
        "clinic_locations": main_location(clinic),
        "booking_categories": category,
        "booking_services": service,
        "booking_staff": StaffFactory(clinic=clinic, display_name="Glow therapist"),
        "clinic_forms": FormTemplateFactory(clinic=clinic, title="Glow consent"),
        "loyalty_rewards": RewardFactory(clinic=clinic, name="Glow treat"),
        "loyalty_tiers": TierFactory(clinic=clinic, name="Glow gold"),
        "loyalty_games": make_game(clinic, name="Glow wheel"),
        "commerce_packages": PackagePlanFactory(clinic=clinic, name="Glow course"),
        "commerce_products": Product.objects.create(clinic=clinic, name="Glow serum", price=1),
    }
    for row in rows.values():
        log(instance=row, action="wagtail.edit", user=manager)
    return rows


def test_own_rows_history_and_usage_still_open(clinic, manager, glow_rows):
    client = admin_client_for(manager, clinic)
    for viewset, row in glow_rows.items():
        for view in ("history", "history_results", "usage", "edit"):
            response = client.get(reverse(f"{viewset}:{view}", args=[row.pk]))
            assert response.status_code == 200, (viewset, view, response.status_code)
        history = client.get(reverse(f"{viewset}:history_results", args=[row.pk]))
        assert manager.get_full_name() in history.content.decode(), viewset


def test_own_pages_and_media_still_open_in_wagtails_views(clinic, manager):
    client = admin_client_for(manager, clinic)
    home = clinic.site.root_page
    page = home.add_child(instance=ContentPage(title="Glow aftercare", slug="aftercare"))
    collection = clinic_collection(clinic)
    image = Image.objects.create(
        title="Glow logo", file=get_test_image_file(), collection=collection
    )
    document = Document.objects.create(
        title="Glow price list",
        file=ContentFile(b"prices", name="prices.txt"),
        collection=collection,
    )

    pages = client.get(f"/admin/bulk/wagtailcore/page/unpublish/?id={page.pk}")
    images = client.get(f"/admin/bulk/wagtailimages/image/delete/?id={image.pk}")
    api_documents = client.get("/admin/api/main/documents/").json()
    api_image = client.get(f"/admin/api/main/images/{image.pk}/")
    chosen = client.get(f"/admin/choose-page/chosen-multiple/?id={page.pk}")
    move = client.get(f"/admin/pages/{page.pk}/move/{home.pk}/confirm/")

    assert "Glow aftercare" in pages.content.decode()
    assert "Glow logo" in images.content.decode()
    assert [item["title"] for item in api_documents["items"]] == ["Glow price list"]
    assert api_image.status_code == 200
    assert "Glow aftercare" in chosen.content.decode()
    assert move.status_code in (200, 302)
    assert document.pk


def test_the_platforms_reports_stay_for_superusers(clinic, manager, superuser):
    assert admin_client_for(manager, clinic).get("/admin/reports/workflow/").status_code == 403
    assert admin_client_for(superuser).get("/admin/reports/workflow/").status_code == 200
    # The Reports menu offers them to superusers only.
    reports = ("/admin/reports/workflow/", "/admin/reports/page-types-usage/")
    menu = admin_client_for(manager, clinic).get("/admin/").content.decode()
    full_menu = admin_client_for(superuser).get("/admin/").content.decode()
    assert all(url in full_menu for url in reports)
    assert not any(url in menu for url in reports)
    assert "/admin/reports/site-history/" in menu
