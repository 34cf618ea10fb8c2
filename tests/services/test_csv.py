import io

import pytest

from tests.factories import make_customer, make_unit
from tuffops_desktop.domain.errors import ImportRejected
from tuffops_desktop.services.customers import IntegrationOwnsCustomers
from tuffops_desktop.services.listing import ListQuery

GOOD = """type,first_name,last_name,company_name,emails,phones,city,discount_rate,remote_id
residential,Ann,Liburd,,ann@example.com,5551234,Basseterre,,
commercial,,,Pelican Mall,"a@pelican.kn, b@pelican.kn",+1 869 465 0000,Basseterre,10,QB-9
"""


def test_customer_import_adds_every_row(services):
    services.settings.update({"phone_default_region": "KN", "phone_default_area_code": "869"})
    assert services.csv.import_customers(io.StringIO("\ufeff" + GOOD)) == 2
    rows = services.customers.rows(services.customers.list_ids(ListQuery()))
    assert [r.display_name for r in rows] == ["Ann Liburd", "Pelican Mall"]
    assert rows[0].phones == "+1-869-555-1234"


def test_a_file_with_errors_imports_nothing_and_names_every_bad_line(services):
    services.settings.update({"phone_default_region": "KN", "phone_default_area_code": "869"})
    bad = GOOD + "residential,,Nobody,,,,,,\ngovernment,Zed,,,not-an-email,12,,200,\nalien,Amy,,,,,,,\n"
    with pytest.raises(ImportRejected) as err:
        services.csv.import_customers(io.StringIO(bad))
    lines = [line for line, _ in err.value.row_errors]
    assert lines == [4, 5, 6]
    assert "first_name" in err.value.row_errors[0][1]
    assert "emails" in err.value.row_errors[1][1] and "discount_rate" in err.value.row_errors[1][1]
    assert services.customers.count() == 0


def test_line_numbers_count_quoted_newlines(services):
    text = 'type,first_name,notes\nresidential,Ann,"two\nlines"\nresidential,,\n'
    with pytest.raises(ImportRejected) as err:
        services.csv.import_customers(io.StringIO(text))
    assert err.value.row_errors[0][0] == 4


@pytest.mark.parametrize(
    "text",
    [
        "",
        "first_name\nAnn\n",
        "type,first_name,shoe_size\nresidential,Ann,9\n",
        "type,first_name\nresidential,Ann,extra\n",
    ],
)
def test_bad_files_are_refused_with_a_reason(services, text):
    with pytest.raises(ImportRejected) as err:
        services.csv.import_customers(io.StringIO(text))
    assert err.value.row_errors and err.value.row_errors[0][1]
    assert services.customers.count() == 0


def test_duplicate_remote_ids_are_refused(services):
    services.settings.update({"phone_default_region": "KN", "phone_default_area_code": "869"})
    owner = make_customer(services, remote_id="QB-9")
    with pytest.raises(ImportRejected) as err:
        services.csv.import_customers(io.StringIO(GOOD))
    assert err.value.row_errors == [(3, f"remote_id “QB-9” already belongs to customer #{owner.id}.")]
    twice = GOOD.replace("QB-9", "QB-10") + "commercial,,,Other Mall,,,,,QB-10\n"
    with pytest.raises(ImportRejected) as err:
        services.csv.import_customers(io.StringIO(twice))
    assert err.value.row_errors == [(4, "remote_id “QB-10” repeats line 3.")]
    assert services.customers.count() == 1


def test_customer_import_is_off_while_an_external_system_owns_customers(services):
    services.settings.set_readonly_value("customer_integration_enabled", True)
    with pytest.raises(IntegrationOwnsCustomers):
        services.csv.import_customers(io.StringIO(GOOD))
    assert services.customers.count() == 0


def test_export_then_import_round_trips(services, db):
    services.settings.update({"phone_default_region": "KN", "phone_default_area_code": "869"})
    c = make_customer(
        services, phones="5551234", emails="ann@example.com", company_name="Sugar Bay, Ltd", notes='Gate "A"\nback door'
    )
    make_unit(services, customer_id=c.id, installed_at="2024-02-29", warranty_months=24)
    customers_csv, units_csv = io.StringIO(), io.StringIO()
    assert services.csv.export_customers(customers_csv) == 1
    assert services.csv.export_units(units_csv) == 1
    text = customers_csv.getvalue()
    assert "Sugar Bay, Ltd" in text and "+18695551234" in text
    # Re-import the units file into the same database: the GUID is already in use → refused.
    with pytest.raises(ImportRejected, match="qr_code_guid"):
        services.csv.import_units(io.StringIO(units_csv.getvalue()))
    # Without the GUID column value a new unit is created, with the catalogue reused.
    fresh = units_csv.getvalue().replace(services.units.get(1).qr_code_guid, "")
    assert services.csv.import_units(io.StringIO(fresh)) == 1
    assert services.units.count() == 2


def test_unit_import_checks_customers_dates_and_guids(services):
    c = make_customer(services)
    text = (
        "customer_id,manufacturer,device_type,model,serial_number,installed_at,warranty_months,qr_code_guid\n"
        f"{c.id},Daikin,Split AC,FTXS12,SN1,2024-01-31,36,\n"
        "999,Daikin,Split AC,FTXS12,SN2,2024-01-31,36,\n"
        f"{c.id},,Split AC,FTXS12,SN3,31/01/2024,x,not-a-guid\n"
    )
    with pytest.raises(ImportRejected) as err:
        services.csv.import_units(io.StringIO(text))
    assert [line for line, _ in err.value.row_errors] == [3, 4]
    message = err.value.row_errors[1][1]
    assert "manufacturer" in message and "installed_at" in message and "qr_code_guid" in message
    assert services.units.count() == 0
    assert services.csv.import_units(io.StringIO(text.splitlines()[0] + "\n" + text.splitlines()[1] + "\n")) == 1


def test_exported_cells_never_run_as_formulas_and_import_back_unchanged(services):
    """A customer named like a formula (and every +1… phone) is written with a leading
    apostrophe, so a spreadsheet shows text; importing the file takes it off again."""
    import csv

    services.settings.update({"phone_default_region": "KN", "phone_default_area_code": "869"})
    make_customer(services, first_name='=HYPERLINK("http://evil.example","Click")', last_name="@Home", phones="5551234")
    out = io.StringIO()
    services.csv.export_customers(out)
    row = list(csv.DictReader(io.StringIO(out.getvalue())))[0]
    assert row["first_name"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert row["last_name"] == "'@Home" and row["phones"] == "'+18695551234"
    assert not any(v.startswith(("=", "+", "-", "@")) for v in row.values())
    before = services.customers.count()
    assert services.csv.import_customers(io.StringIO(out.getvalue())) == 1
    newest = services.customers.get(max(services.customers.list_ids(ListQuery())))
    assert newest.first_name == '=HYPERLINK("http://evil.example","Click")' and newest.last_name == "@Home"
    assert newest.phones == ("+18695551234",) and services.customers.count() == before + 1
