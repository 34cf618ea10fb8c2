"""Demo inventory: a warehouse, a van per technician, a few hundred HVAC parts with stock.

What an HVAC shop keeps: capacitors by µF, contactors, fuses, filters by size, belts,
thermostats, motors, refrigerant by the kilogram, copper pipe by the metre, fittings,
driers, condensate parts… each with its manufacturer, category, unit, cost and price.
Everything is written through the services, as an office would do it, with the clock set
back to the day it happened: the first deliveries into the "Main warehouse" a month ago,
each van stocked with its kit a few days later, then the reorder settings (minimum,
reorder quantity, bin), a couple of supplier orders still open, and the stock reserved
for the scheduled (pending) work orders as part lines on them. Some parts end up below
their minimum, so the low-stock list has something to say.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from tuffops_desktop.db.models import User, WorkOrder
from tuffops_desktop.domain.errors import ValidationError
from tuffops_desktop.domain.permissions import Role
from tuffops_desktop.domain.pricing import UnitOfMeasure
from tuffops_desktop.domain.work_orders import WorkOrderStatus
from tuffops_desktop.services.context import ServiceContext
from tuffops_desktop.services.demo_invoices import _clock
from tuffops_desktop.services.inventory import InventoryService
from tuffops_desktop.services.stock_control import StockControlService
from tuffops_desktop.services.work_order_items import WorkOrderItemService

U = UnitOfMeasure
D = Decimal
WAREHOUSE = "Main warehouse"
SUPPLIERS = ("Caribbean Refrigeration Supply", "Island HVAC Wholesale", "Johnstone Supply (Miami)")


@dataclass(frozen=True)
class PartSpec:
    """One part of the demo catalogue and how it is bought.

    ``pack``: what one supplier unit holds in the part's unit (an 11.34 kg cylinder, a
    15 m coil, a case of 12 filters); ``packs``: how many packs the first delivery brings
    (lowest, highest)."""

    number: str
    name: str
    manufacturer: str
    category: str
    unit: UnitOfMeasure
    cost: Decimal
    pack: Decimal = D("1")
    packs: tuple[int, int] = (4, 20)

    @property
    def price(self) -> Decimal:
        """List price: cost times the category's markup, to the next 5 cents."""
        raw = self.cost * MARKUP.get(self.category, D("1.8"))
        return ((raw * 20).quantize(D("1"), rounding=ROUND_HALF_UP) / 20).quantize(D("0.01"))


MARKUP = {
    "Capacitors": D("2.9"),
    "Contactors & relays": D("2.4"),
    "Fuses": D("2.5"),
    "Filters": D("2.6"),
    "Belts": D("2.2"),
    "Thermostats & controls": D("1.9"),
    "Motors": D("1.7"),
    "Fan blades": D("1.8"),
    "Refrigerant": D("2.0"),
    "Copper pipe": D("2.2"),
    "Fittings": D("2.8"),
    "Insulation": D("2.5"),
    "Refrigeration parts": D("2.1"),
    "Condensate": D("2.2"),
    "Electrical": D("2.3"),
    "Brazing & service": D("2.0"),
    "Mounting": D("2.1"),
}


def _money(value: float | Decimal) -> Decimal:
    return D(str(value)).quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _capacitors() -> Iterator[PartSpec]:
    cat = "Capacitors"
    for uf in (20, 25, 30, 35, 40, 45, 50, 55, 60, 70, 80):
        maker = "Genteq" if uf % 10 else "Titan Pro"
        yield PartSpec(
            f"CAP-DR-{uf}/5", f"Dual run capacitor {uf}/5 µF 440 V, round", maker, cat, U.EACH, _money(6 + uf * 0.09)
        )
    for rating in ("5", "7.5", "10", "12.5", "15", "20", "25", "30", "35", "40", "45", "50", "60"):
        yield PartSpec(
            f"CAP-R-{rating}",
            f"Run capacitor {rating} µF 370/440 V, oval",
            "AmRad" if "." in rating else "Genteq",
            cat,
            U.EACH,
            _money(4.2 + float(rating) * 0.08),
        )
    for low, high in ((88, 108), (108, 130), (124, 149), (130, 156), (145, 174), (161, 193), (189, 227), (243, 292)):
        yield PartSpec(
            f"CAP-S-{low}-{high}",
            f"Start capacitor {low}-{high} µF 250 V",
            "Titan Pro",
            cat,
            U.EACH,
            _money(5.5 + high * 0.02),
            packs=(3, 10),
        )


def _contactors_and_relays() -> Iterator[PartSpec]:
    cat = "Contactors & relays"
    for poles in (1, 2, 3):
        for amps in (25, 30, 40, 50, 60):
            if poles == 3 and amps == 25:
                continue
            yield PartSpec(
                f"CON-{poles}P-{amps}A",
                f"Definite-purpose contactor {poles}-pole {amps} A, 24 V coil",
                "Packard" if poles < 3 else "Siemens",
                cat,
                U.EACH,
                _money(7 + poles * 3.5 + amps * 0.12),
                packs=(3, 12),
            )
    for amps in (30, 40):
        yield PartSpec(
            f"CON-2P-{amps}A-240",
            f"Definite-purpose contactor 2-pole {amps} A, 240 V coil",
            "Packard",
            cat,
            U.EACH,
            _money(16 + amps * 0.12),
            packs=(2, 6),
        )
    for number, name, maker, cost in (
        ("RLY-FAN-24", "Fan relay SPDT, 24 V coil", "White-Rodgers", 14.5),
        ("RLY-TD-24", "Time-delay relay, delay on break, 24 V", "ICM Controls", 21.0),
        ("RLY-POT-120", "Potential relay for compressors, 120 V", "Supco", 17.8),
        ("RLY-POT-230", "Potential relay for compressors, 230 V", "Supco", 18.2),
        ("HSK-SPP5", "Hard start kit SPP5, up to 2.5 ton", "Supco", 19.5),
        ("HSK-SPP6", "Hard start kit SPP6, up to 5 ton", "Supco", 23.0),
        ("HSK-SPP8E", "Hard start kit SPP8E, 5-10 ton", "Supco", 34.0),
        ("TRF-40VA", "Control transformer 120/208/240 V to 24 V, 40 VA", "Packard", 15.9),
        ("TRF-50VA", "Control transformer 120/208/240 V to 24 V, 50 VA", "Packard", 18.6),
        ("TRF-75VA", "Control transformer 208/240 V to 24 V, 75 VA", "Packard", 26.4),
        ("SPR-HPS", "Surge protector for outdoor units, 208-240 V", "Intermatic", 48.0),
        ("DSC-60NF", "Disconnect 60 A non-fused, pull-out", "Eaton", 12.8),
        ("DSC-60F", "Disconnect 60 A fused, pull-out", "Eaton", 19.4),
    ):
        yield PartSpec(number, name, maker, cat, U.EACH, _money(cost), packs=(2, 8))


def _fuses() -> Iterator[PartSpec]:
    cat = "Fuses"
    for amps in (15, 20, 25, 30, 35, 40, 45, 50, 60):
        yield PartSpec(
            f"FUS-FRN-{amps}",
            f"Fuse FRN-R {amps} A time-delay, 250 V class RK5",
            "Eaton Bussmann",
            cat,
            U.EACH,
            _money(3.1 + amps * 0.05),
            pack=D("10"),
            packs=(1, 4),
        )
    for small in ("1", "2", "3", "5"):
        yield PartSpec(
            f"FUS-FNQ-{small}",
            f"Fuse FNQ-R {small} A time-delay, 600 V class CC",
            "Eaton Bussmann",
            cat,
            U.EACH,
            _money(6.4),
            pack=D("10"),
            packs=(1, 2),
        )
    for blade in ("3", "5"):
        yield PartSpec(
            f"FUS-ATC-{blade}", f"Blade fuse ATC {blade} A (furnace board)", "Littelfuse", cat, U.EACH, _money(0.45)
        )
    yield PartSpec(
        "FUS-5X20-3.15", "Glass fuse 5x20 mm 3.15 A (split unit board)", "Littelfuse", cat, U.EACH, _money(0.6)
    )


def _filters() -> Iterator[PartSpec]:
    cat = "Filters"
    for size in ("10x20x1", "12x12x1", "12x20x1", "14x20x1", "14x25x1", "16x20x1", "16x25x1", "18x24x1", "20x20x1"):
        w, h, _d = (int(p) for p in size.split("x"))
        yield PartSpec(
            f"FLT-{size}-M8",
            f"Pleated air filter {size} in, MERV 8",
            "Glasfloss",
            cat,
            U.EACH,
            _money(1.6 + w * h * 0.006),
            pack=D("12"),
            packs=(1, 4),
        )
    for size in ("20x25x1", "24x24x1", "16x25x2", "20x20x2", "20x25x2", "16x25x4", "20x25x4"):
        w, h, d = (int(p) for p in size.split("x"))
        yield PartSpec(
            f"FLT-{size}-M8",
            f"Pleated air filter {size} in, MERV 8",
            "Flanders",
            cat,
            U.EACH,
            _money(1.6 + w * h * 0.006 * d),
            pack=D("12") if d == 1 else D("6"),
            packs=(1, 3),
        )
    for size in ("14x20x1", "16x20x1", "16x25x1", "20x20x1", "20x25x1"):
        w, h, _d = (int(p) for p in size.split("x"))
        yield PartSpec(
            f"FLT-{size}-M11",
            f"Pleated air filter {size} in, MERV 11",
            "Filtrete",
            cat,
            U.EACH,
            _money(4.5 + w * h * 0.008),
            pack=D("6"),
            packs=(1, 3),
        )
    for brand, model in (
        ("Mitsubishi Electric", "MSZ-GL"),
        ("Daikin", "FTXS"),
        ("Gree", "GWH"),
        ("LG", "LCN"),
    ):
        yield PartSpec(
            f"FLT-MESH-{model}",
            f"Washable mesh filter pair for {model} indoor units",
            brand,
            cat,
            U.SET,
            _money(6.8),
            packs=(2, 8),
        )
    yield PartSpec(
        "FLT-CAT-SPLIT", "Catechin air-cleaning filter (split units)", "Daikin", cat, U.EACH, _money(5.2), packs=(5, 15)
    )
    yield PartSpec(
        "FLT-ROLL-20",
        "Polyester filter media roll 20 in x 25 m",
        "Flanders",
        cat,
        U.METRE,
        _money(1.9),
        D("25"),
        (1, 2),
    )


def _belts() -> Iterator[PartSpec]:
    cat = "Belts"
    for length in range(26, 62, 2):
        yield PartSpec(
            f"BLT-A{length}",
            f"V-belt A{length} (4L{length + 2}0), 1/2 in",
            "Gates",
            cat,
            U.EACH,
            _money(3.8 + length * 0.09),
            packs=(2, 6),
        )
    for length in (38, 42, 46, 50, 55, 60):
        yield PartSpec(
            f"BLT-B{length}",
            f"V-belt B{length} (5L{length + 3}0), 21/32 in",
            "Dayco",
            cat,
            U.EACH,
            _money(6.5 + length * 0.11),
            packs=(1, 4),
        )


def _thermostats_and_controls() -> Iterator[PartSpec]:
    cat = "Thermostats & controls"
    for number, name, maker, cost in (
        ("TST-T6PRO", "Thermostat T6 Pro programmable, 1H/1C heat pump 2H/1C", "Honeywell", 58.0),
        ("TST-T4PRO", "Thermostat T4 Pro programmable, 1H/1C", "Honeywell", 39.0),
        ("TST-T1PRO", "Thermostat T1 Pro non-programmable", "Honeywell", 24.0),
        ("TST-SENSI", "Sensi Touch smart thermostat, Wi-Fi", "Emerson", 112.0),
        ("TST-1F83", "Thermostat 80 Series non-programmable", "White-Rodgers", 31.0),
        ("TST-ECOBEE3L", "ecobee3 lite smart thermostat", "ecobee", 118.0),
        ("RMT-UNIV-SPLIT", "Universal remote control for split units", "Chunghop", 7.5),
        ("RMT-MSZ", "Wireless remote controller (MSZ series)", "Mitsubishi Electric", 34.0),
        ("RMT-ARC", "Wireless remote controller ARC (FTXS series)", "Daikin", 38.0),
        ("RMT-LG-AKB", "Wireless remote controller AKB (LG)", "LG", 29.0),
        ("SNS-10K", "Thermistor 10 kΩ coil/room sensor, split units", "Supco", 6.2),
        ("SNS-15K", "Thermistor 15 kΩ pipe sensor, split units", "Supco", 6.4),
        ("PCB-DEFROST", "Universal heat-pump defrost control board", "ICM Controls", 74.0),
        ("PCB-FAN-UNI", "Universal fan-coil control board", "White-Rodgers", 96.0),
        ("PSW-LOW", "Low-pressure switch, auto reset, 1/4 in flare", "Danfoss", 22.0),
        ("PSW-HIGH", "High-pressure switch, manual reset, 1/4 in flare", "Danfoss", 24.0),
    ):
        yield PartSpec(number, name, maker, cat, U.EACH, _money(cost), packs=(2, 8))


def _motors() -> Iterator[PartSpec]:
    cat = "Motors"
    for hp, cost in (("1/6", 62), ("1/5", 68), ("1/4", 78), ("1/3", 92), ("1/2", 128)):
        for rpm in (825, 1075):
            yield PartSpec(
                f"MTR-CF-{hp.replace('/', '')}-{rpm}",
                f"Condenser fan motor {hp} HP {rpm} RPM, 208-230 V",
                "Genteq" if rpm == 1075 else "US Motors",
                cat,
                U.EACH,
                _money(cost + (6 if rpm == 825 else 0)),
                packs=(1, 4),
            )
    for hp, cost in (("1/3", 88), ("1/2", 108), ("3/4", 139)):
        yield PartSpec(
            f"MTR-BL-{hp.replace('/', '')}",
            f"Blower motor {hp} HP PSC, 4-speed, 115 V",
            "Fasco",
            cat,
            U.EACH,
            _money(cost),
            packs=(1, 3),
        )
    yield PartSpec("MTR-ECM-X13-12", "Blower motor ECM X13 1/2 HP", "Genteq", cat, U.EACH, _money(265), packs=(1, 2))
    for brand, model, cost in (
        ("Mitsubishi Electric", "MSZ-GL", 96),
        ("Daikin", "FTXS", 104),
        ("Gree", "GWH", 58),
        ("LG", "LCN", 88),
    ):
        yield PartSpec(
            f"MTR-IND-{model}",
            f"Indoor fan motor for {model} split units",
            brand,
            cat,
            U.EACH,
            _money(cost),
            packs=(1, 3),
        )
    yield PartSpec("MTR-SWING", "Louvre swing motor (split units)", "Gree", cat, U.EACH, _money(9.8), packs=(2, 6))


def _fan_blades() -> Iterator[PartSpec]:
    for size in (18, 20, 22, 24, 26):
        for rotation in ("CW", "CCW"):
            yield PartSpec(
                f"FAN-{size}-{rotation}",
                f"Condenser fan blade {size} in, 3 blades, {rotation}, 1/2 in bore",
                "Revcor",
                "Fan blades",
                U.EACH,
                _money(16 + size * 0.9),
                packs=(1, 3),
            )


def _refrigerant() -> Iterator[PartSpec]:
    cat = "Refrigerant"
    for gas, maker, cost, cylinder in (
        ("R-410A", "Chemours", 18.5, "11.34"),
        ("R-32", "Daikin", 16.0, "9"),
        ("R-22", "Hudson Technologies", 58.0, "13.6"),
        ("R-134a", "Honeywell", 14.2, "13.6"),
        ("R-404A", "Chemours", 21.0, "10.9"),
        ("R-407C", "Arkema", 19.6, "11.34"),
        ("R-454B", "Chemours", 26.5, "9.07"),
        ("R-448A", "Honeywell", 24.8, "11.34"),
        ("R-600a", "Harp", 31.0, "0.42"),
    ):
        label = "reclaimed" if gas == "R-22" else "virgin"
        yield PartSpec(
            f"REF-{gas.replace('-', '')}",
            f"Refrigerant {gas}, {label}, {cylinder} kg cylinder",
            maker,
            cat,
            U.KILOGRAM,
            _money(cost),
            D(cylinder),
            (2, 8) if gas in ("R-410A", "R-32") else (1, 3),
        )


PIPE_SIZES = ("1/4", "3/8", "1/2", "5/8", "3/4", "7/8")


def _copper() -> Iterator[PartSpec]:
    for n, size in enumerate(PIPE_SIZES):
        yield PartSpec(
            f"CU-ACR-{size.replace('/', '')}",
            f"Copper pipe ACR soft {size} in, 15 m coil",
            "Mueller",
            "Copper pipe",
            U.METRE,
            _money(2.6 + n * 1.4),
            D("15"),
            (2, 10) if n < 3 else (1, 4),
        )
    yield PartSpec(
        "CU-HD-118",
        "Copper pipe hard drawn 1-1/8 in, 6 m length",
        "Cerro",
        "Copper pipe",
        U.METRE,
        _money(14.5),
        D("6"),
    )
    for pair in ("1/4x3/8", "1/4x1/2", "3/8x5/8"):
        yield PartSpec(
            f"LS-{pair.replace('/', '')}",
            f"Insulated line set {pair} in, 15 m",
            "Mueller",
            "Copper pipe",
            U.METRE,
            _money(5.4 + len(pair) * 0.3),
            D("15"),
            (1, 4),
        )
    for n, size in enumerate(PIPE_SIZES):
        for kind, cost in (("EL90", 0.9), ("CPL", 0.6), ("TEE", 1.3)):
            name = {"EL90": "Elbow 90°", "CPL": "Coupling", "TEE": "Tee"}[kind]
            yield PartSpec(
                f"FIT-{kind}-{size.replace('/', '')}",
                f"{name} {size} in, copper, solder",
                "NIBCO",
                "Fittings",
                U.EACH,
                _money(cost + n * cost * 0.7),
                D("10"),
                (1, 5),
            )
    for size in ("1/4", "3/8", "1/2", "5/8"):
        yield PartSpec(
            f"FIT-FLN-{size.replace('/', '')}",
            f"Flare nut {size} in, forged brass",
            "JB Industries",
            "Fittings",
            U.EACH,
            _money(1.1 + len(size) * 0.2),
            D("10"),
            (1, 5),
        )


def _insulation() -> Iterator[PartSpec]:
    for n, size in enumerate(PIPE_SIZES):
        for wall in ("3/8", "1/2"):
            yield PartSpec(
                f"INS-{size.replace('/', '')}-{wall.replace('/', '')}",
                f"Pipe insulation {size} in ID, {wall} in wall, 2 m lengths",
                "Armacell",
                "Insulation",
                U.METRE,
                _money(1.2 + n * 0.35 + (0.4 if wall == "1/2" else 0)),
                D("2"),
                (10, 40),
            )
    yield PartSpec(
        "INS-TAPE", "Armaflex insulation tape 3 mm x 50 mm x 15 m", "Armacell", "Insulation", U.EACH, _money(7.9)
    )


def _refrigeration_parts() -> Iterator[PartSpec]:
    cat = "Refrigeration parts"
    for model, size, cost in (
        ("C-032-S", "1/4 in sweat", 8.6),
        ("C-052-S", "1/4 in sweat", 9.4),
        ("C-083-S", "3/8 in sweat", 11.2),
        ("C-083-F", "3/8 in flare", 11.8),
        ("C-163-S", "3/8 in sweat", 15.6),
        ("C-164-S", "1/2 in sweat", 17.1),
        ("C-305-S", "5/8 in sweat", 24.5),
    ):
        yield PartSpec(f"DRY-{model}", f"Filter drier Catch-All {model}, {size}", "Sporlan", cat, U.EACH, _money(cost))
    for number, name, maker, cost in (
        ("DRY-HP-083", "Bi-flow heat-pump filter drier 3/8 in sweat", "Sporlan", 19.8),
        ("SGL-38", "Sight glass with moisture indicator 3/8 in", "Sporlan", 21.5),
        ("TXV-RPB-2T", "Thermostatic expansion valve RPB, 1.5-2 ton, R-410A", "Sporlan", 86.0),
        ("TXV-RPB-3T", "Thermostatic expansion valve RPB, 2.5-3 ton, R-410A", "Sporlan", 89.0),
        ("SVC-38", "Service valve 3/8 in sweat with Schrader port", "Parker", 18.0),
        ("SVC-58", "Service valve 5/8 in sweat with Schrader port", "Parker", 24.0),
        ("SCH-CORE", "Schrader valve cores, R-410A rated (pack of 5)", "JB Industries", 4.2),
        ("SCH-CAP", "Locking refrigerant caps, 1/4 in (pair)", "RectorSeal", 9.5),
        ("ACC-STR", "Access tee 1/4 in flare x 1/4 in sweat", "JB Industries", 3.1),
    ):
        yield PartSpec(number, name, maker, cat, U.EACH, _money(cost), packs=(2, 10))


def _condensate() -> Iterator[PartSpec]:
    cat = "Condensate"
    for number, name, maker, unit, cost, pack, packs in (
        ("CDP-MINI", "Mini condensate pump, split units, 8 m lift", "Aspen", U.EACH, 62.0, "1", (2, 6)),
        ("CDP-TANK", "Condensate pump with tank, 115 V", "Little Giant", U.EACH, 48.0, "1", (1, 4)),
        ("FSW-SS2", "Safe-T-Switch float switch SS2, drain line", "RectorSeal", U.EACH, 17.5, "1", (3, 10)),
        ("FSW-PAN", "Float switch for secondary drain pan", "RectorSeal", U.EACH, 19.0, "1", (2, 6)),
        ("TAB-PAN", "Drain pan treatment tablets (pack of 12)", "Nu-Calgon", U.EACH, 6.8, "6", (1, 4)),
        ("HOSE-16", "Condensate drain hose 16 mm", "Sauermann", U.METRE, 0.85, "30", (1, 3)),
        ("PVC-34", "PVC pipe 3/4 in, 3 m length", "Charlotte Pipe", U.METRE, 0.95, "3", (4, 12)),
        ("PVC-TRAP", "Condensate P-trap 3/4 in, clear", "RectorSeal", U.EACH, 7.4, "1", (3, 10)),
        ("CLN-COIL", "Coil cleaner, foaming alkaline", "Nu-Calgon", U.LITRE, 3.9, "3.78", (2, 6)),
        ("CLN-EVAP", "Evaporator coil cleaner, no-rinse", "Nu-Calgon", U.LITRE, 5.2, "1", (4, 12)),
    ):
        yield PartSpec(number, name, maker, cat, unit, _money(cost), D(pack), packs)


def _electrical_brazing_mounting() -> Iterator[PartSpec]:
    for number, name, maker, category, unit, cost, pack, packs in (
        ("WIR-18-5", "Thermostat wire 18/5, 76 m reel", "Southwire", "Electrical", U.METRE, 0.55, "76", (1, 3)),
        ("WIR-18-8", "Thermostat wire 18/8, 76 m reel", "Southwire", "Electrical", U.METRE, 0.82, "76", (1, 2)),
        (
            "WIR-WHIP-34",
            "Liquid-tight whip 3/4 in x 1.8 m, 8 AWG",
            "Southwire",
            "Electrical",
            U.EACH,
            14.5,
            "1",
            (3, 10),
        ),
        ("WIR-NUT-Y", "Wire nuts, yellow (pack of 100)", "Ideal", "Electrical", U.EACH, 6.9, "1", (2, 6)),
        (
            "BRZ-15",
            "Brazing rod Stay-Silv 15 % silver, 1/8 in",
            "Harris",
            "Brazing & service",
            U.EACH,
            4.6,
            "10",
            (1, 4),
        ),
        ("BRZ-0", "Brazing rod phos-copper 0 %, 1/8 in", "Harris", "Brazing & service", U.EACH, 1.1, "25", (1, 3)),
        ("BRZ-FLUX", "Stay-Silv white brazing flux, 200 g", "Harris", "Brazing & service", U.EACH, 8.4, "1", (2, 6)),
        ("OIL-VAC", "Vacuum pump oil", "Robinair", "Brazing & service", U.LITRE, 6.1, "1", (4, 10)),
        ("OIL-POE", "POE compressor oil 32 cSt", "Emkarate", "Brazing & service", U.LITRE, 18.5, "1", (2, 6)),
        (
            "SEAL-LEAK",
            "Leak sealant for small refrigerant leaks, injector",
            "RectorSeal",
            "Brazing & service",
            U.EACH,
            22.0,
            "1",
            (2, 6),
        ),
        (
            "NITRO-CYL",
            "Dry nitrogen, 40 ft³ cylinder exchange",
            "Massy Gas",
            "Brazing & service",
            U.EACH,
            38.0,
            "1",
            (1, 3),
        ),
        (
            "BRK-WALL-S",
            "Wall bracket for outdoor unit, up to 18,000 BTU",
            "Rhino",
            "Mounting",
            U.SET,
            14.0,
            "1",
            (3, 10),
        ),
        (
            "BRK-WALL-L",
            "Wall bracket for outdoor unit, up to 36,000 BTU",
            "Rhino",
            "Mounting",
            U.SET,
            21.0,
            "1",
            (2, 6),
        ),
        ("PAD-COND", "Condenser pad, 36 x 36 in, plastic", "DiversiTech", "Mounting", U.EACH, 19.5, "1", (2, 6)),
        ("PAD-RUBBER", "Anti-vibration rubber pads (set of 4)", "DiversiTech", "Mounting", U.SET, 7.2, "1", (4, 12)),
        ("DUCT-TRK", "Line-set cover kit 75 mm, 2.4 m", "Inaba Denko", "Mounting", U.SET, 16.8, "1", (2, 8)),
    ):
        yield PartSpec(number, name, maker, category, unit, _money(cost), D(pack), packs)


def catalogue() -> list[PartSpec]:
    """The demo catalogue, in the order the parts are added."""
    return [
        *_capacitors(),
        *_contactors_and_relays(),
        *_fuses(),
        *_filters(),
        *_belts(),
        *_thermostats_and_controls(),
        *_motors(),
        *_fan_blades(),
        *_refrigerant(),
        *_copper(),
        *_insulation(),
        *_refrigeration_parts(),
        *_condensate(),
        *_electrical_brazing_mounting(),
    ]


# What a technician's van carries (part number, how many); each van gets most of it.
VAN_KIT: tuple[tuple[str, str], ...] = (
    ("CAP-DR-35/5", "3"),
    ("CAP-DR-40/5", "3"),
    ("CAP-DR-45/5", "3"),
    ("CAP-DR-55/5", "2"),
    ("CAP-R-5", "4"),
    ("CAP-R-7.5", "3"),
    ("CAP-R-10", "3"),
    ("CAP-S-88-108", "2"),
    ("CON-1P-30A", "3"),
    ("CON-2P-30A", "3"),
    ("CON-2P-40A", "2"),
    ("RLY-FAN-24", "2"),
    ("HSK-SPP6", "2"),
    ("TRF-40VA", "1"),
    ("FUS-FRN-30", "10"),
    ("FUS-FRN-40", "10"),
    ("FUS-ATC-3", "5"),
    ("FLT-16x25x1-M8", "6"),
    ("FLT-20x20x1-M8", "6"),
    ("FLT-MESH-MSZ-GL", "2"),
    ("REF-R410A", "6"),
    ("REF-R32", "4.5"),
    ("REF-R22", "2"),
    ("CU-ACR-14", "15"),
    ("CU-ACR-38", "15"),
    ("INS-14-38", "8"),
    ("INS-38-38", "8"),
    ("DRY-C-083-S", "3"),
    ("DRY-C-032-S", "2"),
    ("SCH-CORE", "4"),
    ("HOSE-16", "10"),
    ("TAB-PAN", "6"),
    ("FSW-SS2", "2"),
    ("SNS-10K", "2"),
    ("WIR-18-5", "15"),
    ("BRZ-15", "10"),
)
STOCKED_VANS = 12  # vans beyond this many (``tuffops demo --technicians 50``) are added empty


@dataclass(frozen=True)
class InventoryDemo:
    """What the demo inventory added."""

    parts: int
    locations: int
    movements: int
    part_lines: int = 0


def _technicians(ctx: ServiceContext) -> list[tuple[int, str]]:
    with ctx.read() as session:
        rows = session.execute(
            select(User.id, User.full_name, User.username)
            .where(User.role == Role.TECHNICIAN.value, User.active.is_(True))
            .order_by(User.id)
        ).all()
    return [(user_id, full_name or username) for user_id, full_name, username in rows]


def _quantity(value: Decimal) -> Decimal:
    return value.quantize(D("0.001"))


def add_demo_inventory(ctx: ServiceContext, *, seed: int = 2026) -> InventoryDemo:
    """Add the demo inventory (see the module) to a database whose technicians exist."""
    rng = random.Random(seed + 23)
    month_ago = ctx.today() - timedelta(days=30)
    inventory = InventoryService(_clock(ctx, month_ago - timedelta(days=5), 9))
    warehouse = inventory.add_location(WAREHOUSE, "warehouse")
    vans = [inventory.add_location(f"Van — {name}", "van", technician_id) for technician_id, name in _technicians(ctx)]
    specs = catalogue()
    parts = {
        spec.number: inventory.add_part(
            spec.number,
            spec.name,
            spec.unit.value,
            manufacturer=spec.manufacturer,
            category=spec.category,
            cost=spec.cost,
            price=spec.price,
        ).id
        for spec in specs
    }
    movements = 0
    on_hand: dict[str, Decimal] = {}
    for n, spec in enumerate(specs):
        quantity = _quantity(spec.pack * rng.randint(*spec.packs))
        supplier = SUPPLIERS[n % len(SUPPLIERS)]
        InventoryService(_clock(ctx, month_ago + timedelta(days=n % 5), 10 + n % 6)).receive(
            parts[spec.number], warehouse.id, quantity, f"Delivery from {supplier}, invoice {48210 + n // 12}"
        )
        on_hand[spec.number] = quantity
        movements += 1
    kits: list[tuple[int, str, Decimal]] = []  # (van id, part number, quantity) as loaded
    for v, van in enumerate(vans[:STOCKED_VANS]):
        loading = InventoryService(_clock(ctx, month_ago + timedelta(days=6 + v % 4), 7))
        for number, each in VAN_KIT:
            quantity = D(each)
            if rng.random() < 0.2 or on_hand[number] - quantity < quantity:
                continue  # not in this van's kit, or the warehouse keeps the rest
            loading.transfer(parts[number], warehouse.id, van.id, quantity)
            on_hand[number] -= quantity
            kits.append((van.id, number, quantity))
            movements += 2
    settings_day = _clock(ctx, month_ago + timedelta(days=12), 16)
    low = _set_levels(StockControlService(settings_day), rng, specs, parts, warehouse.id, on_hand, kits)
    orders = StockControlService(_clock(ctx, ctx.today() - timedelta(days=3), 11))
    for number in low[:2]:  # two of the low parts are on order already
        spec = next(s for s in specs if s.number == number)
        orders.order(
            parts[number], warehouse.id, spec.pack * spec.packs[1], SUPPLIERS[0], f"PO-{rng.randint(2600, 2699)}"
        )
    reserved = _reserve_for_scheduled_work(ctx, rng, parts)
    return InventoryDemo(parts=len(parts), locations=1 + len(vans), movements=movements, part_lines=reserved)


# The parts a job of this kind takes (by a word of its description), and how many.
JOB_PARTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    ("capacitor", (("CAP-DR-45/5", "1"), ("CAP-R-5", "1"))),
    ("refrigerant", (("REF-R410A", "1.5"), ("DRY-C-083-S", "1"), ("SCH-CORE", "1"))),
    ("filter", (("FLT-16x25x1-M8", "2"), ("TAB-PAN", "1"))),
    ("dripping", (("HOSE-16", "3"), ("FSW-SS2", "1"), ("TAB-PAN", "1"))),
    ("noisy", (("MTR-CF-14-1075", "1"), ("CAP-R-7.5", "1"))),
    ("thermostat", (("TST-T6PRO", "1"), ("WIR-18-5", "8"))),
    ("install", (("CU-ACR-14", "6"), ("CU-ACR-38", "6"), ("INS-14-38", "6"), ("BRK-WALL-S", "1"))),
    ("remote", (("RMT-UNIV-SPLIT", "1"),)),
    ("ice", (("FLT-20x20x1-M8", "1"), ("REF-R410A", "1"))),
    ("chiller", (("FLT-20x25x2-M8", "4"), ("BLT-A42", "2"))),
)
RESERVED_ORDERS = 30  # the soonest scheduled jobs get part lines (each line is one transaction)
EVERYDAY = (("CON-2P-30A", "1"), ("FUS-FRN-30", "2"), ("CAP-DR-35/5", "1"), ("RLY-FAN-24", "1"))


def _reserve_for_scheduled_work(ctx: ServiceContext, rng: random.Random, parts: dict[str, int]) -> int:
    """Part lines on the soonest ``RESERVED_ORDERS`` scheduled (pending) work orders, each
    reserving its stock (the technician's van when it has enough free, else the warehouse);
    returns the line count. A line the stock cannot cover is left off, as the office would
    pick another part."""
    with ctx.read() as session:
        orders = session.execute(
            select(WorkOrder.id, WorkOrder.customer_requests)
            .where(WorkOrder.status == WorkOrderStatus.PENDING.value)
            .order_by(WorkOrder.scheduled_start, WorkOrder.id)
            .limit(RESERVED_ORDERS)
        ).all()
    items = WorkOrderItemService(ctx)
    lines = 0
    for order_id, text in orders:
        words = (text or "").casefold()
        picks = next((p for word, p in JOB_PARTS if word in words), None) or (rng.choice(EVERYDAY),)
        for number, quantity in picks:
            try:
                items.add_part(order_id, parts[number], quantity)
            except ValidationError:
                continue
            lines += 1
    return lines


# Where things are kept in a van, by category: drawers D1-D5, the cylinder rack, the
# roof rack, shelves S1 (filters) and S2 (everything else).
VAN_BINS = {
    "Capacitors": "D1",
    "Contactors & relays": "D2",
    "Fuses": "D3",
    "Thermostats & controls": "D4",
    "Refrigeration parts": "D5",
    "Refrigerant": "RACK",
    "Copper pipe": "ROOF",
    "Insulation": "ROOF",
    "Filters": "S1",
}


def _set_levels(
    control: StockControlService,
    rng: random.Random,
    specs: list[PartSpec],
    parts: dict[str, int],
    warehouse_id: int,
    on_hand: dict[str, Decimal],
    kits: list[tuple[int, str, Decimal]],
) -> list[str]:
    """Bins for every part, minimum and reorder quantity on most (a few set above what is
    left: low); each van's kit watched at its full quantity. Returns the low part numbers."""
    aisles = {category: chr(ord("A") + n) for n, category in enumerate(dict.fromkeys(s.category for s in specs))}
    seen: dict[str, int] = {}
    low: list[str] = []
    for spec in specs:
        place = seen[spec.category] = seen.get(spec.category, -1) + 1
        shelf_bin = f"{aisles[spec.category]}-{place // 6 + 1:02d}-{place % 6 + 1}"
        minimum: Decimal | None = None
        reorder: Decimal | None = None
        if rng.random() < 0.8:
            reorder = _quantity(spec.pack * max(1, spec.packs[0]))
            minimum = _quantity(spec.pack * rng.choice((1, 1, 2)))
            if rng.random() < 0.08 or on_hand[spec.number] < minimum:
                minimum = _quantity(on_hand[spec.number] + spec.pack)
                low.append(spec.number)
        control.set_levels(parts[spec.number], warehouse_id, minimum, reorder, shelf_bin)
    categories = {s.number: s.category for s in specs}
    for van_id, number, quantity in kits:
        control.set_levels(parts[number], van_id, quantity, quantity, VAN_BINS.get(categories[number], "S2"))
    return low
