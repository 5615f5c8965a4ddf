"""Every text column in the schema, in one reviewed place.

A column that can carry a person's own words is an encrypted field
(``bearing.lib.fields``): that is its declaration. Every other text, char or
JSON column is listed here with why it may stay plaintext. A new column that is
in neither place fails ``bearing/tests/test_schema_policy.py``.
"""

from __future__ import annotations

PLAINTEXT: dict[str, str] = {
    # Django and the task queue
    "auth.Permission.name": "Django's permission names, from code",
    "auth.Permission.codename": "Django's permission names, from code",
    "auth.Group.name": "permission group names set by the installation; unused by Bearing",
    "contenttypes.ContentType.app_label": "model names, from code",
    "contenttypes.ContentType.model": "model names, from code",
    "sessions.Session.session_key": "a login session's random key",
    "sessions.Session.session_data": "a login session's signed ids and flags; no coaching text",
    "django_tasks_database.DBTaskResult.status": "a task's state, from a fixed list",
    "django_tasks_database.DBTaskResult.args_kwargs": (
        "queued notification emails: lib/mail.py never puts confidential text in mail, "
        "and credential mail (invitations) is sent directly, never queued"
    ),
    "django_tasks_database.DBTaskResult.task_path": "a function's dotted path, from code",
    "django_tasks_database.DBTaskResult.worker_ids": "worker ids",
    "django_tasks_database.DBTaskResult.queue_name": "a queue's name, from settings",
    "django_tasks_database.DBTaskResult.backend_name": "a backend's name, from settings",
    "django_tasks_database.DBTaskResult.return_value": "a count of emails sent",
    "django_tasks_database.DBTaskResult.exception_class_path": "an exception's class path",
    "django_tasks_database.DBTaskResult.traceback": (
        "a failed send's traceback: code lines and SMTP errors, not message bodies"
    ),
    # lib
    "lib.DataKey.kid": "a random key id, named by the ciphertexts it opens",
    "lib.DataKey.scope": "'person:<id>' or 'engagement:<uuid>': ids only",
    "lib.DataKey.wrapped": "a data key encrypted under an installation key (bx1$...)",
    # accounts
    "accounts.ErasureRequest.state": "a state from a fixed list",
    "accounts.User.password": "a salted scrypt hash",
    "accounts.User.email": "the sign-in identifier: looked up and unique, an address not words",
    "accounts.User.name": "a display name, shown to everyone the person works with",
    "accounts.User.time_zone": "an IANA zone name from a fixed list",
    "accounts.User.calendar_token_hash": "SHA-256 of the calendar link's token",
    "accounts.Practice.name": "a coaching firm's name, unique, shown to coaches and staff",
    "accounts.Organization.name": "a client company's name, unique, shown on every page of it",
    "accounts.Membership.role": "a role from a fixed list",
    "accounts.Invitation.token_hash": "SHA-256 of the invitation's token",
    "accounts.Invitation.email": "where the invitation goes; matched when it is accepted",
    "accounts.Invitation.name": "the invitee's name, as on a User row",
    "accounts.Invitation.role": "a role from a fixed list",
    "accounts.TotpDevice.name": "a fixed label ('Authenticator app'), from code",
    "accounts.RecoveryCode.code_hash": "a salted scrypt hash of a single-use recovery code",
    "accounts.LoginSession.session_key": "the login session's key, as sessions.Session holds it",
    "accounts.LoginSession.device": "a browser and system from a fixed list, not the user agent",
    "accounts.LoginSession.network": "the /24 or /48 network of the client, never its address",
    # audit: never the content, by construction (detail keys are allow-listed)
    "audit.AuditEntry.actor_email_hash": "a keyed digest of an email address",
    "audit.AuditEntry.action": "an action from a fixed list",
    "audit.AuditEntry.target_type": "a model label, from code",
    "audit.AuditEntry.target_code": "a record's UUID",
    "audit.AuditEntry.ip_address": "the client address of a sign-in or read, for the audit trail",
    "audit.AuditEntry.detail": "allow-listed keys (version, kind, field, count), never text",
    "audit.AuditEntry.prev_hash": "the chain's previous digest",
    "audit.AuditEntry.entry_hash": "this entry's digest",
    "audit.AuditHead.last_hash": "the chain's newest digest",
    # engagements
    "engagements.Engagement.invited_email": "where the coachee's invitation goes, as on a User row",
    "engagements.Engagement.invited_name": "the coachee's name until they join, as on a User row",
    "engagements.Engagement.status": "a lifecycle state from a fixed list",
    "engagements.Engagement.closed_from": "the lifecycle state it was closed from (for undo)",
    "engagements.CoachingSession.status": "a state from a fixed list",
    # growth
    "growth.Goal.focus_area": "a focus area from a fixed list (the coachee's own is encrypted)",
    "growth.Goal.kind": "a kind from a fixed list",
    "growth.Goal.status": "a state from a fixed list",
    "growth.KeyResult.direction": "up or down",
    "growth.KeyResult.measure": "a kind of number from a fixed list (count, percentage...)",
    "growth.Win.source": "where a win came from, from a fixed list",
    "growth.CheckInRhythm.time_zone": "an IANA zone name from a fixed list",
    "growth.Reminder.kind": "a reminder kind from a fixed list",
    "growth.Reminder.subject_key": "kind, record UUID and a date: what a reminder is about",
    "growth.Reminder.status": "a state from a fixed list",
    "growth.Reminder.claimed_by": "a worker's id",
    "growth.Reminder.skip_reason": "a reason from code (opted out, no longer relevant)",
    "growth.NotificationPreference.opted_out": "reminder kinds from a fixed list",
    "growth.ProgressSummary.status": "a state from a fixed list",
    # practice
    "practice.Decision.kind": "a kind of decision from a fixed list",
    "practice.Decision.status": "a state from a fixed list",
    "practice.BoardItem.quadrant": "a quadrant of the board from a fixed list",
    "practice.BoardItem.delegation_level": "a delegation level from a fixed list",
    "practice.TransitionPlan.kind": "a kind of transition from a fixed list",
    "practice.Stakeholder.stance_now": "a stance from a fixed list (the name is encrypted)",
    "practice.Stakeholder.stance_wanted": "a stance from a fixed list",
    # companion
    "companion.CompanionConversation.scenario": "a role-play scenario's id, from shipped data",
    "companion.CompanionMessage.speaker": "leader or companion",
    "companion.CompanionMessage.stage": "a GROW stage from a fixed list",
    "companion.SupportResources.emergency_number": (
        "where referrals point: the installation's or organization's published helplines, "
        "set by staff"
    ),
    "companion.SupportResources.crisis_line": "published helpline, set by staff (as above)",
    "companion.SupportResources.employee_assistance": "published service, set by staff",
    "companion.SupportResources.hr_contact": "published contact, set by staff",
    "companion.SupportResources.ethics_channel": "published channel, set by staff",
    # programs
    "programs.Program.name": "a program's name, set by its sponsor, shown to its leaders",
    "programs.Program.focus_themes": "themes from a fixed list",
    "programs.CoachProfile.focus_areas": "themes from a fixed list (the coach's bio is encrypted)",
    "programs.CoachProfile.languages": "language codes from a fixed list",
    "programs.CoachProfile.time_zone": "an IANA zone name from a fixed list",
    "programs.Seat.invited_email": "where the leader's invitation goes, as on a User row",
    "programs.Seat.invited_name": "the leader's name until they join, as on a User row",
    "programs.MatchingProfile.themes": (
        "themes from a fixed list (the leader's own words are encrypted)"
    ),
    "programs.MatchingProfile.languages": "language codes from a fixed list",
    "programs.MatchingProfile.time_zone": "an IANA zone name from a fixed list",
    "programs.MatchingProfile.coach_style": "a style from a fixed list",
    "programs.Proposal.reasons": "sentences built by code from fixed lists (programs/matching.py)",
    "programs.Proposal.status": "a state from a fixed list",
    "programs.SessionTheme.theme": "a theme from a fixed list; coaches write no text here",
    "programs.PulseRequest.moment": "a moment from a fixed list",
    "programs.PulseAnswer.moment": "a moment from a fixed list",
    "programs.ProgramEstimate.label": (
        "the sponsor's name for an organizational figure (behaviour or results), shown to "
        "the organization's sponsors and staff as their estimate; no coachee writes it"
    ),
    "programs.ProgramEstimate.unit": "the unit of that figure, written by the sponsor",
    # rehearsals: the talk's text, the audio and the timed words are encrypted
    "rehearsals.Rehearsal.source": "pasted, uploaded or recorded",
    "rehearsals.Rehearsal.status": "a state from a fixed list",
    "rehearsals.Rehearsal.failure": "why transcription failed, from a fixed list",
    "rehearsals.Rehearsal.audio_type": "an audio MIME type from a fixed list",
    # exports: the archive itself is encrypted
    "exports.DataExport.kind": "an export kind from a fixed list",
    "exports.DataExport.token_hash": "SHA-256 of the download link's single-use token",
    # insight: instruments are shipped data; 360 bookkeeping is states and digests
    "insight.Instrument.key": "an instrument's id, from its shipped data file",
    "insight.Instrument.title": "an instrument's title, from its shipped data file",
    "insight.Instrument.summary": "an instrument's description, from its shipped data file",
    "insight.Instrument.scale": "an instrument's answer scale, from its shipped data file",
    "insight.Instrument.not_observed_self": "a label from the shipped data file",
    "insight.Instrument.not_observed_rater": "a label from the shipped data file",
    "insight.Competency.key": "a competency's id, from the shipped data file",
    "insight.Competency.title": "a competency's name, from the shipped data file",
    "insight.Item.key": "an item's id, from the shipped data file",
    "insight.Item.self_text": "an item's wording, from the shipped data file",
    "insight.Item.rater_text": "an item's wording, from the shipped data file",
    "insight.Campaign.status": "a state from a fixed list",
    "insight.Campaign.single_manager": "a choice from a fixed list",
    "insight.Campaign.release": "a choice from a fixed list",
    "insight.RaterInvitation.group": "a rater group from a fixed list",
    "insight.RaterInvitation.token_hash": "SHA-256 of the rater link's single-use token",
    "insight.RaterInvitation.status": "a state from a fixed list",
    "insight.RaterAnswers.group": "a rater group from a fixed list",
    "insight.RaterAnswers.resume_hash": "SHA-256 of a prefix and the rater link's token",
    "insight.RaterComment.competency_key": "a competency's id, from the shipped data file",
    "insight.RaterComment.kind": "start, stop or continue",
    "insight.RaterComment.order_key": "a keyed digest of the comment, used only to order them",
}
