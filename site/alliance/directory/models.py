"""The directory's tables. ORUK 3.0 / HSDS tables keep the standard's names; local additions
(locality, verification, translations, problem reports) live in their own `directory_*` tables so
the ORUK output never carries them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from alliance.database import Base, utcnow

ID = String(64)
CHILD = {"cascade": "all, delete-orphan", "passive_deletes": True}


def _parent(table: str, nullable: bool = True):
    return mapped_column(ID, ForeignKey(f"{table}.id", ondelete="CASCADE"), index=True, nullable=nullable)


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(Text)
    logo: Mapped[str | None] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(Text)
    parent_organization_id: Mapped[str | None] = mapped_column(ID)
    services: Mapped[list[Service]] = relationship(back_populates="organization")


class Service(Base):
    __tablename__ = "services"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    organization_id: Mapped[str | None] = mapped_column(ID, ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="active")
    fees: Mapped[str | None] = mapped_column(Text)
    accreditations: Mapped[str | None] = mapped_column(Text)
    minimum_age: Mapped[float | None] = mapped_column(Float)
    maximum_age: Mapped[float | None] = mapped_column(Float)
    assured_date: Mapped[str | None] = mapped_column(Text)
    assurer_email: Mapped[str | None] = mapped_column(Text)
    alert: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    organization: Mapped[Organization | None] = relationship(back_populates="services")
    schedules: Mapped[list[Schedule]] = relationship(**CHILD)
    service_areas: Mapped[list[ServiceArea]] = relationship(**CHILD)
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(**CHILD)
    languages: Mapped[list[Language]] = relationship(**CHILD, order_by="[Language.position, Language.id]")
    cost_options: Mapped[list[CostOption]] = relationship(**CHILD)
    contacts: Mapped[list[Contact]] = relationship(**CHILD)
    phones: Mapped[list[Phone]] = relationship(**CHILD)
    local: Mapped[ServiceLocal | None] = relationship(**CHILD)


class Location(Base):
    __tablename__ = "locations"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    location_type: Mapped[str] = mapped_column(String(20), default="physical")
    name: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    external_identifier: Mapped[str | None] = mapped_column(Text)
    external_identifier_type: Mapped[str | None] = mapped_column(Text)
    addresses: Mapped[list[Address]] = relationship(**CHILD)
    accessibility: Mapped[list[Accessibility]] = relationship(**CHILD)


class ServiceAtLocation(Base):
    __tablename__ = "service_at_locations"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = _parent("services", nullable=False)
    location_id: Mapped[str] = mapped_column(ID, ForeignKey("locations.id"), index=True)
    location: Mapped[Location] = relationship()


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    location_id: Mapped[str] = _parent("locations", nullable=False)
    attention: Mapped[str | None] = mapped_column(Text)
    address_1: Mapped[str] = mapped_column(Text)
    city: Mapped[str] = mapped_column(Text)
    region: Mapped[str | None] = mapped_column(Text)
    state_province: Mapped[str] = mapped_column(Text)
    postal_code: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(Text, default="GB")
    address_type: Mapped[str] = mapped_column(String(20), default="physical")


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str | None] = _parent("services")
    name: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)


class Phone(Base):
    __tablename__ = "phones"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str | None] = _parent("services")
    contact_id: Mapped[str | None] = mapped_column(ID)
    number: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)


class Schedule(Base):
    __tablename__ = "schedules"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str | None] = _parent("services")
    service_at_location_id: Mapped[str | None] = mapped_column(ID)
    valid_from: Mapped[str | None] = mapped_column(Text)
    valid_to: Mapped[str | None] = mapped_column(Text)
    dtstart: Mapped[str | None] = mapped_column(Text)
    freq: Mapped[str | None] = mapped_column(String(10))
    interval: Mapped[int | None] = mapped_column(Integer)
    byday: Mapped[str | None] = mapped_column(Text)
    bymonthday: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    opens_at: Mapped[str | None] = mapped_column(String(8))
    closes_at: Mapped[str | None] = mapped_column(String(8))
    schedule_link: Mapped[str | None] = mapped_column(Text)
    attending_type: Mapped[str | None] = mapped_column(Text)
    notes: Mapped[str | None] = mapped_column(Text)


class Taxonomy(Base):
    __tablename__ = "taxonomies"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    uri: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(Text)
    terms: Mapped[list[TaxonomyTerm]] = relationship(
        back_populates="taxonomy_record", order_by="[TaxonomyTerm.position, TaxonomyTerm.id]"
    )


class TaxonomyTerm(Base):
    __tablename__ = "taxonomy_terms"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[str | None] = mapped_column(ID)
    taxonomy: Mapped[str | None] = mapped_column(Text)
    taxonomy_id: Mapped[str | None] = mapped_column(ID, ForeignKey("taxonomies.id"), index=True)
    term_uri: Mapped[str | None] = mapped_column(Text)
    # A short stable code, used in the site's addresses: /support/category/<term>.
    term: Mapped[str | None] = mapped_column(Text, index=True)
    position: Mapped[int] = mapped_column(default=0)
    taxonomy_record: Mapped[Taxonomy | None] = relationship(back_populates="terms")


class Attribute(Base):
    """Links a taxonomy term to a record (a service or a location)."""

    __tablename__ = "attributes"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    link_id: Mapped[str] = mapped_column(ID, index=True)
    link_type: Mapped[str | None] = mapped_column(Text)
    link_entity: Mapped[str] = mapped_column(String(30), default="service")
    taxonomy_term_id: Mapped[str] = mapped_column(ID, ForeignKey("taxonomy_terms.id"), index=True)
    value: Mapped[str | None] = mapped_column(Text)
    taxonomy_term: Mapped[TaxonomyTerm] = relationship()


class Language(Base):
    __tablename__ = "languages"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str | None] = _parent("services")
    phone_id: Mapped[str | None] = mapped_column(ID)
    name: Mapped[str | None] = mapped_column(Text)
    code: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    # The curated order of a service's languages (not part of ORUK: never in its output).
    position: Mapped[int] = mapped_column(default=0, server_default="0")


class Accessibility(Base):
    __tablename__ = "accessibilities"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    location_id: Mapped[str] = _parent("locations", nullable=False)
    description: Mapped[str | None] = mapped_column(Text)
    details: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    # The site's controlled word: wheelchair, hearing-loop, accessible-toilet, parking.
    accessibility: Mapped[str | None] = mapped_column(Text)


class CostOption(Base):
    __tablename__ = "cost_options"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = _parent("services", nullable=False)
    valid_from: Mapped[str | None] = mapped_column(Text)
    valid_to: Mapped[str | None] = mapped_column(Text)
    option: Mapped[str | None] = mapped_column(Text)
    amount: Mapped[float | None] = mapped_column(Float)
    amount_description: Mapped[str | None] = mapped_column(Text)


class ServiceArea(Base):
    __tablename__ = "service_areas"

    id: Mapped[str] = mapped_column(ID, primary_key=True)
    service_id: Mapped[str] = _parent("services", nullable=False)
    name: Mapped[str | None] = mapped_column(Text)
    extent: Mapped[str | None] = mapped_column(Text)
    extent_type: Mapped[str | None] = mapped_column(Text)
    uri: Mapped[str | None] = mapped_column(Text)


# Local additions, never part of the ORUK output.


class ServiceLocal(Base):
    __tablename__ = "directory_service_local"

    service_id: Mapped[str] = mapped_column(
        ID, ForeignKey("services.id", ondelete="CASCADE"), primary_key=True
    )
    locality: Mapped[str] = mapped_column(String(40), index=True)
    verified_on: Mapped[date | None]
    verified_by: Mapped[str | None] = mapped_column(String(255))
    example_data: Mapped[bool] = mapped_column(default=False)


class Translation(Base):
    """A service's or a taxonomy term's name and description in another language."""

    __tablename__ = "directory_translations"
    __table_args__ = (
        UniqueConstraint("entity", "entity_id", "lang", name="uq_directory_translations_entity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(20))
    entity_id: Mapped[str] = mapped_column(ID, index=True)
    lang: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    review_status: Mapped[str | None] = mapped_column(String(40))
    # The translation review: who approved it, when, and the English name and description's hash they checked it against.
    reviewed_by: Mapped[str | None] = mapped_column(String(120))
    reviewed_at: Mapped[datetime | None]
    reviewed_english: Mapped[str | None] = mapped_column(String(12))
    # A reviewer's comment when they sent the translation back.
    review_note: Mapped[str | None] = mapped_column(Text)


class ProblemReport(Base):
    """Somebody told us a listing is wrong. Waits for staff; holds no personal data."""

    __tablename__ = "directory_problem_reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[str] = mapped_column(ID, ForeignKey("services.id", ondelete="CASCADE"), index=True)
    problem: Mapped[str] = mapped_column(String(30))
    details: Mapped[str] = mapped_column(Text, default="")
    lang: Mapped[str] = mapped_column(String(10), default="en")
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
