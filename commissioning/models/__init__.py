"""Commissioning's models: people, organisations, themes, indicators, calls, applications, assessment."""

from .applications import (  # noqa: F401
    Answer,
    Application,
    ApplicationStatus,
    Attachment,
    AttachmentKind,
    BudgetCategory,
    BudgetLine,
    Partner,
    ProposedOutcome,
    ProposedTarget,
)
from .assessment import (  # noqa: F401
    Assessment,
    AssessmentStatus,
    Decision,
    DecisionOutcome,
    EligibilityCheck,
    EligibilityItem,
    ModeratedScore,
    Score,
)
from .audit import AuditEntry  # noqa: F401
from .calls import Call, CallStatus, Criterion, Question  # noqa: F401
from .indicators import Indicator, IndicatorKind, IndicatorUnit  # noqa: F401
from .organisations import (  # noqa: F401
    IncomeBand,
    LegalForm,
    Membership,
    MembershipRole,
    MembershipStatus,
    NameChangeStatus,
    Organisation,
    OrganisationNameChange,
)
from .themes import Theme  # noqa: F401
from .users import User  # noqa: F401
