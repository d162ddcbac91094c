"""StreamField blocks, each rendered with the matching GOV.UK Frontend component."""

from wagtail import blocks

# Headings inside rich text would break the page's heading order, so body text gets no heading
# features: headings come from HeadingBlock, which only offers levels below the page's h1.
PROSE_FEATURES = ["bold", "italic", "ol", "ul", "link", "document-link"]


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", "Section heading (level 2)"), ("h3", "Sub-heading (level 3)")], default="h2"
    )

    class Meta:
        icon = "title"
        template = "cms/blocks/heading.html"


class InsetBlock(blocks.RichTextBlock):
    class Meta:
        icon = "doc-full"
        template = "cms/blocks/inset.html"
        label = "Inset text (callout)"


class WarningBlock(blocks.CharBlock):
    class Meta:
        icon = "warning"
        template = "cms/blocks/warning.html"
        label = "Warning text"


class DetailsBlock(blocks.StructBlock):
    """A question with its answer hidden until opened: the pattern for FAQs."""

    summary = blocks.CharBlock(max_length=200, help_text="The question or link text, e.g. 'Can we apply twice?'")
    content = blocks.RichTextBlock(features=PROSE_FEATURES)

    class Meta:
        icon = "help"
        template = "cms/blocks/details.html"
        label = "Details (FAQ)"


class AccordionSectionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=200)
    content = blocks.RichTextBlock(features=PROSE_FEATURES)


class AccordionBlock(blocks.StructBlock):
    sections = blocks.ListBlock(AccordionSectionBlock(), min_num=1)

    class Meta:
        icon = "list-ul"
        template = "cms/blocks/accordion.html"


class BodyBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(features=PROSE_FEATURES, template="cms/blocks/paragraph.html")
    inset = InsetBlock(features=PROSE_FEATURES)
    warning = WarningBlock()
    details = DetailsBlock()
    accordion = AccordionBlock()
