"""Companion conversations: the leader's own, encrypted, shared only by choice."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from bearing.engagements.models import Engagement
from bearing.lib.fields import EncryptedJSONField, EncryptedTextField


class CompanionConsent(models.Model):
    """The leader's recorded consent to talk with the companion (versioned text)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="companion_consents"
    )
    version = models.PositiveSmallIntegerField()
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "version"], name="companion_consent_once"),
        ]

    def __str__(self):
        return f"Companion consent v{self.version} by {self.user_id}"


class CompanionConversation(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    engagement = models.ForeignKey(
        Engagement, on_delete=models.CASCADE, related_name="companion_conversations"
    )
    # A role-play names its scenario; an ordinary companion conversation has none.
    scenario = models.CharField(max_length=40, blank=True)
    # The engine's state (companion: stage, questions asked, focus and topics from
    # the plan, the commitment sentence; role-play: tension and the counterpart's
    # lines). It can hold the leader's words, so it is encrypted like the messages.
    state = EncryptedJSONField()
    title = EncryptedTextField()
    shared_with_coach_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self):
        return f"Companion conversation {self.code}"


class Speaker(models.TextChoices):
    LEADER = "leader", "You"
    COMPANION = "companion", "Companion"


class CompanionMessage(models.Model):
    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    conversation = models.ForeignKey(
        CompanionConversation, on_delete=models.CASCADE, related_name="messages"
    )
    speaker = models.CharField(max_length=10, choices=Speaker.choices)
    text = EncryptedTextField()
    stage = models.CharField(max_length=10, blank=True)
    referred = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(speaker__in=["leader", "companion"]), name="companion_speaker_valid"
            ),
        ]

    def __str__(self):
        return f"{self.speaker} message {self.code}"


class SupportResources(models.Model):
    """Where the companion's referrals point: the installation's own (organization
    empty) or one organization's. Configuration, not confidential; staff edit it.
    An empty field falls back to the installation's value, then to Bearing's
    shipped defaults (``safety.Resources.default()``)."""

    code = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.OneToOneField(
        "accounts.Organization",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="support_resources",
    )
    emergency_number = models.CharField(
        max_length=200, blank=True, help_text="For example: 112, or 911 in North America."
    )
    crisis_line = models.CharField(
        max_length=300,
        blank=True,
        help_text="A suicide and crisis line, for example 988 (US) or 116 123 (UK and Ireland).",
    )
    employee_assistance = models.CharField(
        max_length=300,
        blank=True,
        help_text="The employee assistance programme: its name and how to reach it.",
    )
    hr_contact = models.CharField(
        max_length=300, blank=True, help_text="HR, an ombudsperson or a trusted contact."
    )
    ethics_channel = models.CharField(
        max_length=300,
        blank=True,
        help_text="Compliance, legal counsel, an ombudsperson or the whistleblowing channel.",
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # One row for the installation (organization empty), one per organization.
            models.UniqueConstraint(
                Coalesce("organization", models.Value(0)),
                name="support_resources_one_per_scope",
            ),
        ]

    def __str__(self):
        return f"Support resources for {self.organization or 'the installation'}"
