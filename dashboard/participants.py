"""States from maintained libraries (pycountry for ISO 3166-1, country_converter for UN membership and regions).

No hand list of countries: every UN member state, plus the two observer states, comes from these tables.
"""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import json
from functools import lru_cache

import pandas as pd
import pycountry

from dashboard.config import ROOT

OBSERVER_STATES = ("VAT", "PSE")  # Holy See, State of Palestine: UN General Assembly observer states
UN_MEMBERS_URL = "https://www.un.org/en/about-us/member-states"
OBSERVERS_URL = "https://www.un.org/en/about-us/non-member-states"

# pycountry's ISO short names read like index entries ("Korea, Republic of"); the ISO "common_name" is used
# where it exists, and these few are spelt as the UN spells them.
_DISPLAY = {
    "VAT": "Holy See",
    "PSE": "State of Palestine",
    "RUS": "Russian Federation",
    "COD": "Democratic Republic of the Congo",
    "COG": "Congo",
    "FSM": "Micronesia (Federated States of)",
    "KOR": "Republic of Korea",
    "PRK": "Democratic People's Republic of Korea",
    "MDA": "Republic of Moldova",
    "IRN": "Iran (Islamic Republic of)",
    "VEN": "Venezuela (Bolivarian Republic of)",
    "BOL": "Bolivia (Plurinational State of)",
    "TZA": "United Republic of Tanzania",
    "LAO": "Lao People's Democratic Republic",
    "SYR": "Syrian Arab Republic",
    "VNM": "Viet Nam",
}


# Natural Earth's 50m shapes omit Tuvalu; its marker goes at Funafuti.
_EXTRA_CENTROIDS = {"TUV": (179.2, -8.52)}


def library_versions() -> str:
    """Versions of the libraries whose tables shape the participants (part of the build digest)."""
    return ";".join(f"{p}={importlib.metadata.version(p)}" for p in ("pycountry", "country_converter"))


@lru_cache(maxsize=1)
def _coco_table() -> pd.DataFrame:
    # country_converter's own constructor breaks under pandas 3 (its "NA" = Namibia); read its bundled table directly.
    path = importlib.resources.files("country_converter") / "country_data.tsv"
    with importlib.resources.as_file(path) as p:
        return pd.read_csv(p, sep="\t", keep_default_na=False, na_values=[""], dtype=str)


@lru_cache(maxsize=1)
def _centroids() -> dict[str, list[float]]:
    return json.loads((ROOT / "static" / "geo" / "centroids.json").read_text())


def states() -> pd.DataFrame:
    """One row per UN member or observer state: id, names, ISO2, region, subregion, centroid."""
    coco = _coco_table().set_index("ISO3")
    cents = _centroids()
    rows = []
    for iso3, rec in coco.iterrows():
        member = pd.notna(rec.get("UNmember"))
        if not member and iso3 not in OBSERVER_STATES:
            continue
        c = pycountry.countries.get(alpha_3=iso3)
        if c is None:
            raise ValueError(f"country_converter lists {iso3} as a UN member but pycountry has no such ISO code")
        name = _DISPLAY.get(iso3) or getattr(c, "common_name", None) or c.name
        lon, lat = cents.get(iso3) or _EXTRA_CENTROIDS.get(iso3, (None, None))
        rows.append(
            {
                "participant_id": iso3,
                "name": name,
                "official_name": getattr(c, "official_name", None) or c.name,
                "kind": "state" if member else "observer_state",
                "iso2": c.alpha_2,
                "un_member": bool(member),
                "region": rec.get("continent"),
                "subregion": rec.get("UNregion"),
                "lon": lon,
                "lat": lat,
                "source_url": UN_MEMBERS_URL if member else OBSERVERS_URL,
            }
        )
    return pd.DataFrame(rows).sort_values("participant_id").reset_index(drop=True)
