from django.db import migrations

THEMES = [
    (
        "prevention",
        "Preventing and reducing VAWG",
        "Prevent",
        "Preventative and awareness work, starting at the earliest stage, that guides young people away from "
        "causing harm and towards championing equality and safe spaces for all.",
    ),
    (
        "support",
        "Supporting all victims and survivors",
        "Support",
        "Ongoing and improved support services for victims and survivors of all forms of VAWG, including public "
        "space abuse and harassment, aiding recovery and empowering people to help themselves and others.",
    ),
    (
        "perpetrators",
        "Holding perpetrators to account",
        "Perpetrators",
        "Work with perpetrators and their families to change behaviour, prevent future victims and hold those "
        "who cause harm to account.",
    ),
    (
        "trust",
        "Building trust and confidence",
        "Trust",
        "Building survivors' and communities' trust and confidence to report and seek help, guided by real "
        "experiences and survivor voice.",
    ),
]

# (code, theme slug or None, name, unit, kind, counts people) from domain.md's starting library.
INDICATORS = [
    ("prevention-sessions", "prevention", "Prevention or awareness sessions delivered", "count", "output", False),
    (
        "cyp-healthy-relationships",
        "prevention",
        "Children and young people reached by healthy-relationships work",
        "count",
        "output",
        True,
    ),
    ("professionals-trained", "prevention", "Professionals trained to identify and refer", "count", "output", True),
    (
        "trainee-confidence",
        "prevention",
        "Trainees reporting more confidence to identify and refer",
        "percentage",
        "outcome",
        False,
    ),
    (
        "night-time-venues",
        "prevention",
        "Venues and businesses engaged in night-time safety work",
        "count",
        "output",
        False,
    ),
    ("survivors-supported-women", "support", "New survivors supported: women", "count", "output", True),
    ("survivors-supported-men", "support", "New survivors supported: men", "count", "output", True),
    (
        "survivors-supported-tnb",
        "support",
        "New survivors supported: trans and non-binary adults",
        "count",
        "output",
        True,
    ),
    ("children-supported", "support", "Children supported in their own right", "count", "output", True),
    ("referrals-not-accepted", "support", "Referrals not accepted or unable to be supported", "count", "output", True),
    (
        "closed-no-further-abuse",
        "support",
        "Closed cases with no further abuse reported at exit",
        "percentage",
        "outcome",
        False,
    ),
    ("survivors-feeling-safer", "support", "Survivors feeling safer at exit", "percentage", "outcome", False),
    ("days-referral-to-contact", "support", "Median days from referral to first contact", "days", "output", False),
    (
        "perpetrator-referrals",
        "perpetrators",
        "Referrals to accredited behaviour-change programmes",
        "count",
        "output",
        True,
    ),
    ("programme-starts", "perpetrators", "Programme starts", "count", "output", True),
    ("programme-completions", "perpetrators", "Programme completions", "count", "output", True),
    (
        "partners-offered-support",
        "perpetrators",
        "(Ex-)partners offered integrated support",
        "percentage",
        "output",
        False,
    ),
    (
        "partners-abuse-stopped",
        "perpetrators",
        "Partners reporting physical or sexual abuse stopped at follow-up",
        "percentage",
        "outcome",
        False,
    ),
    ("cj-advocacy", "trust", "Survivors given criminal-justice advocacy (IDVA/ISVA)", "count", "output", True),
    (
        "confidence-to-report",
        "trust",
        "Survivors more confident to report or seek help",
        "percentage",
        "outcome",
        False,
    ),
    ("survivor-voice-sessions", "trust", "Survivor-voice or co-production sessions held", "count", "output", False),
    ("survivor-satisfaction", "trust", "Survivor satisfaction with the service", "percentage", "outcome", False),
    ("spend-against-profile", None, "Spend against profile", "pounds", "output", False),
    ("unit-cost-per-person", None, "Unit cost per person supported", "pounds", "output", False),
]


def create_themes_and_indicators(apps, schema_editor):
    Theme = apps.get_model("commissioning", "Theme")
    Indicator = apps.get_model("commissioning", "Indicator")
    themes = {}
    for order, (slug, name, short_name, description) in enumerate(THEMES, start=1):
        themes[slug], _ = Theme.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "short_name": short_name, "description": description, "display_order": order},
        )
    for order, (code, theme, name, unit, kind, counts_people) in enumerate(INDICATORS, start=1):
        Indicator.objects.update_or_create(
            code=code,
            defaults={
                "theme": themes[theme] if theme else None,
                "name": name,
                "unit": unit,
                "kind": kind,
                "counts_people": counts_people,
                "is_library": True,
                "display_order": order,
            },
        )


def create_role_groups(apps, schema_editor):
    from commissioning.role_sync import sync_role_groups

    sync_role_groups(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("commissioning", "0001_initial"),
        ("outcomes", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailadmin", "0006_formstate"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]

    operations = [
        migrations.RunPython(create_themes_and_indicators, migrations.RunPython.noop),
        migrations.RunPython(create_role_groups, migrations.RunPython.noop),
    ]
