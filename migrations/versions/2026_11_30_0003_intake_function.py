"""the public listener writes through one SECURITY DEFINER function (PostgreSQL)

Revision ID: 0003_intake_function
Revises: 0002_requests
Create Date: 2026-11-30

Before this revision the listener's role had INSERT on ``customer_requests`` and
``audit_log``, so a stolen listener password could forge audit rows or office requests.
Now the role has no table privilege at all; it may only execute
``intake_submit_request``, which validates its arguments and writes the request, its
audit row and the change notification with server-fixed values (source ``qr``, status
``open``, written by "public form"). The same three facts are written on SQLite by
``services/request_writer.py``.

Upgrading a database whose listener role was granted the old way moves that role to the
new rights at once (no need to run ``grant-role`` again).
"""

from __future__ import annotations

from alembic import op

revision = "0003_intake_function"
down_revision = "0002_requests"
branch_labels = None
depends_on = None

SIGNATURE = "intake_submit_request(text, text, text, text, date, text, text, timestamptz)"

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
    v_request_id integer;
    v_existing text;
    v_at timestamptz;
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

    SELECT id INTO v_unit_id FROM public.units WHERE qr_code_guid = p_guid AND active;
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
    RETURN p_ticket;
END
$fn$
"""

# Roles that hold the old column grants of a listener role (anyone but the owner).
OLD_LISTENER_ROLES = """
SELECT DISTINCT grantee FROM information_schema.column_privileges
WHERE table_schema = current_schema() AND table_name = 'customer_requests'
  AND privilege_type = 'INSERT' AND grantee <> 'PUBLIC'
  AND grantee NOT IN (SELECT tableowner FROM pg_tables
                      WHERE schemaname = current_schema() AND tablename = 'customer_requests')
"""


def upgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return  # SQLite has no roles: the listener writes through services/request_writer.py
    op.execute(FUNCTION)
    op.execute(f"REVOKE ALL ON FUNCTION {SIGNATURE} FROM PUBLIC")
    bind = op.get_bind()
    for (role,) in bind.exec_driver_sql(OLD_LISTENER_ROLES).all():
        quoted = bind.exec_driver_sql("SELECT quote_ident(%s)", (role,)).scalar_one()
        op.execute(f"REVOKE ALL ON customer_requests, audit_log FROM {quoted}")
        op.execute(f"REVOKE ALL ON SEQUENCE customer_requests_id_seq, audit_log_id_seq FROM {quoted}")
        op.execute(f"GRANT EXECUTE ON FUNCTION {SIGNATURE} TO {quoted}")


def downgrade() -> None:
    if op.get_context().dialect.name != "postgresql":
        return
    op.execute(f"DROP FUNCTION IF EXISTS {SIGNATURE}")
