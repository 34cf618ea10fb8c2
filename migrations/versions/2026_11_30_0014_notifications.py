"""notifications outbox, per-customer opt-out, the intake function queues 'request received'

Revision ID: 0014_notifications
Revises: 0013_stock_levels
Create Date: 2026-11-30

* ``outbox``: one row per e-mail to send, written in the transaction of the event that
  causes it (``services/outbox.py``), claimed and marked by the sender
  (``services/mail_sender.py``). ``dedupe_key`` is unique: one event, one row.
* ``customers.notify_opt_out``: the customer asked for no e-mail from us. ``customers``
  carries 0008's search triggers, so the column is added with a plain ``ALTER TABLE …
  ADD COLUMN`` (never a SQLite batch copy, which drops triggers).
* PostgreSQL: ``intake_submit_request`` (0003) is replaced so that a public request whose
  contact is an e-mail address also queues the "request received" message (the ticket,
  the unit's public label and the preferred date and window, nothing internal), with its audit row and
  change notification. The listener's role keeps EXECUTE on the function and nothing
  else. Downgrading restores 0003's body.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import sqlalchemy as sa
from alembic import op

revision = "0014_notifications"
down_revision = "0013_stock_levels"
branch_labels = None
depends_on = None

SIGNATURE = "intake_submit_request(text, text, text, text, date, text, text, timestamptz)"

# The same checks as domain/notifications.looks_like_email's first step (EMAIL_SHAPE).
FUNCTION = r"""
CREATE OR REPLACE FUNCTION intake_submit_request(
    p_guid text, p_submission_key text, p_ticket text, p_request text,
    p_schedule_at date, p_schedule_time text, p_contact_info text, p_received_at timestamptz
) RETURNS text
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $fn$
DECLARE
    v_unit_id integer;
    v_customer_id integer;
    v_opt_out boolean;
    v_request_id integer;
    v_outbox_id integer;
    v_existing text;
    v_at timestamptz;
    v_contact text;
    v_label text;
BEGIN
    -- The listener validated all of this already; the checks here hold even for a
    -- caller that is not our listener (a stolen password).
    IF p_submission_key IS NULL OR p_submission_key !~ '^[0-9a-f]{32}$' THEN
        RAISE EXCEPTION 'invalid submission key' USING ERRCODE = '22023';
    END IF;
    IF p_ticket IS NULL OR p_ticket !~ '^R-[0-9A-Z]{5}-[0-9A-Z]{5}$' THEN
        RAISE EXCEPTION 'invalid ticket' USING ERRCODE = '22023';
    END IF;
    IF p_request IS NULL OR length(btrim(p_request)) = 0 OR length(p_request) > 2000
       OR p_request ~ '[\x01-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]' THEN
        RAISE EXCEPTION 'invalid request text' USING ERRCODE = '22023';
    END IF;
    IF p_contact_info IS NULL OR length(btrim(p_contact_info)) = 0 OR length(p_contact_info) > 200
       OR p_contact_info ~ '[\x01-\x1F\x7F-\x9F]' THEN
        RAISE EXCEPTION 'invalid contact' USING ERRCODE = '22023';
    END IF;
    IF p_schedule_time IS NULL OR p_schedule_time NOT IN ('All Day', 'Morning', 'Afternoon') THEN
        RAISE EXCEPTION 'invalid time window' USING ERRCODE = '22023';
    END IF;
    -- A spooled request keeps the time the customer sent it: at most 30 days ago, never
    -- in the future.
    v_at := least(greatest(coalesce(p_received_at, now()), now() - interval '30 days'), now());
    -- One day of slack either way for the listener's and the server's time zones.
    IF p_schedule_at IS NULL OR p_schedule_at < (v_at - interval '1 day')::date
       OR p_schedule_at > (now() + interval '367 days')::date THEN
        RAISE EXCEPTION 'invalid preferred date' USING ERRCODE = '22023';
    END IF;

    -- The same form sent twice (refresh, double tap, spool re-delivery): same ticket.
    SELECT ticket INTO v_existing FROM public.customer_requests WHERE submission_key = p_submission_key;
    IF FOUND THEN
        RETURN v_existing;
    END IF;

    -- The unit's label as people call it (domain/units.friendly_label).
    SELECT u.id, u.customer_id, coalesce(c.notify_opt_out, false),
           coalesce(nullif(btrim(u.location), ''), nullif(btrim(u.serial_number), ''), nullif(btrim(m.name), ''),
                    'Unit')
      INTO v_unit_id, v_customer_id, v_opt_out, v_label
      FROM public.units u
      JOIN public.device_models m ON m.id = u.device_model_id
      LEFT JOIN public.customers c ON c.id = u.customer_id
     WHERE u.qr_code_guid = p_guid AND u.active;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'unknown unit' USING ERRCODE = 'P0002';
    END IF;

    INSERT INTO public.customer_requests (
        ticket, submission_key, unit_id, request, schedule_at, schedule_time, contact_info,
        source, status, created_at, updated_at, created_by, closed_by, version
    ) VALUES (
        p_ticket, p_submission_key, v_unit_id, p_request, p_schedule_at, p_schedule_time, p_contact_info,
        'qr', 'open', v_at, v_at, 'public form', '', 1
    ) RETURNING id INTO v_request_id;

    INSERT INTO public.audit_log (at, user_id, username, entity, entity_id, action, changes)
    VALUES (v_at, NULL, 'public form', 'customer_request', v_request_id::text, 'create',
            json_build_object('source', json_build_array(NULL, 'qr'),
                              'ticket', json_build_array(NULL, p_ticket),
                              'unit_id', json_build_array(NULL, v_unit_id)));

    -- The change feed (services/changes.py): every workstation's inbox hears it at commit.
    PERFORM pg_notify('tuffops_changes', json_build_object('entity', 'customer_request', 'id', v_request_id,
                                                           'action', 'create')::text);

    -- "Request received" (0014): only when the contact is one e-mail address, and not to a
    -- customer who opted out. The context is what the customer saw or typed (the ticket,
    -- the unit's public label, the preferred date and window: the fields of
    -- domain/notification_templates.FIELDS), nothing internal. The sender renders it later.
    v_contact := btrim(p_contact_info);
    IF v_contact ~ '^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$' AND NOT v_opt_out THEN
        v_contact := split_part(v_contact, '@', 1) || '@' || lower(split_part(v_contact, '@', 2));
        INSERT INTO public.outbox (
            event, status, recipients, context, customer_id, dedupe_key, token, subject,
            attempts, next_attempt_at, claimed_by, last_error, server_reply,
            created_at, created_by, updated_at
        ) VALUES (
            'request_received', 'queued', json_build_array(v_contact),
            json_build_object('ticket', p_ticket, 'unit', coalesce(v_label, ''),
                              'preferred_date', p_schedule_at::text, 'preferred_window', p_schedule_time),
            v_customer_id, 'request_received:' || v_request_id::text,
            substr(md5(random()::text || clock_timestamp()::text), 1, 16), '',
            0, now(), '', '', '', now(), 'public form', now()
        ) RETURNING id INTO v_outbox_id;
        -- The same audit entry as services/outbox.queue writes.
        INSERT INTO public.audit_log (at, user_id, username, entity, entity_id, action, changes)
        VALUES (now(), NULL, 'public form', 'outbox', v_outbox_id::text, 'create',
                json_build_object('dedupe_key', json_build_array(NULL, 'request_received:' || v_request_id::text),
                                  'event', json_build_array(NULL, 'request_received'),
                                  'recipients', json_build_array(NULL, json_build_array(v_contact))));
        PERFORM pg_notify('tuffops_changes', json_build_object('entity', 'outbox', 'id', v_outbox_id,
                                                               'action', 'create')::text);
    END IF;
    RETURN p_ticket;
END
$fn$
"""


def _function_of_0003() -> str:
    """0003's body, restored on downgrade (read from that revision, not copied)."""
    path = Path(__file__).with_name("2026_11_30_0003_intake_function.py")
    spec = importlib.util.spec_from_file_location("tuffops_migration_0003", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return str(module.FUNCTION)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("context", sa.JSON(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("attachment_kind", sa.String(length=20), nullable=True),
        sa.Column("attachment_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=120), nullable=True),
        sa.Column("token", sa.String(length=32), nullable=False),
        sa.Column("message_id", sa.String(length=255), nullable=True),
        sa.Column("subject", sa.String(length=255), nullable=False, server_default=""),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("claimed_by", sa.String(length=80), nullable=False, server_default=""),
        sa.Column("last_error", sa.Text(), nullable=False, server_default=""),
        sa.Column("server_reply", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=64), nullable=False, server_default=""),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name=op.f("fk_outbox_customer_id_customers")),
        sa.ForeignKeyConstraint(
            ["work_order_id"], ["work_orders.id"], name=op.f("fk_outbox_work_order_id_work_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    op.create_index("ix_outbox_status_next_attempt_at", "outbox", ["status", "next_attempt_at"])
    op.create_index("ix_outbox_customer_id", "outbox", ["customer_id", "id"])
    op.create_index("ix_outbox_work_order_id", "outbox", ["work_order_id", "id"])
    # A plain ALTER on both databases: customers carries 0008's triggers (no batch copy).
    op.execute("ALTER TABLE customers ADD COLUMN notify_opt_out BOOLEAN NOT NULL DEFAULT false")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(FUNCTION)  # CREATE OR REPLACE keeps its owner and the listener role's EXECUTE
        op.execute(f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_function_of_0003())
    op.execute("ALTER TABLE customers DROP COLUMN notify_opt_out")
    op.drop_index("ix_outbox_work_order_id", table_name="outbox")
    op.drop_index("ix_outbox_customer_id", table_name="outbox")
    op.drop_index("ix_outbox_status_next_attempt_at", table_name="outbox")
    op.drop_table("outbox")
