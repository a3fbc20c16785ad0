"""Every capability's models, imported in one place so Alembic and the tests see all tables."""

from alliance.accounts.models import (  # noqa: F401
    AuditEvent,
    LoginFailure,
    PasswordResetToken,
    RecoveryCode,
    StaffUser,
)
from alliance.bulletin.models import Subscriber  # noqa: F401
from alliance.directory.models import (  # noqa: F401
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    ProblemReport,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceLocal,
    Taxonomy,
    TaxonomyTerm,
    Translation,
)
from alliance.events.models import Event, EventText, Registration  # noqa: F401
from alliance.genetics.models import GeneticsPageReview, GeneticsService, GeneticTest  # noqa: F401
from alliance.outbox.models import OutboxMessage  # noqa: F401
from alliance.pages.models import Page, PageLocale, PageRevision  # noqa: F401
from alliance.panel.models import PanelEquality, PanelMember  # noqa: F401
from alliance.search.models import IndexVersion  # noqa: F401
from alliance.surveys.models import Answer, EqualityResponse, Option, Question, Response, Survey  # noqa: F401
from alliance.translation.strings import InterfaceStringReview  # noqa: F401
from alliance.trials.models import Trial, TrialSite  # noqa: F401
