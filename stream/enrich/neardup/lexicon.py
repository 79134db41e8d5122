"""The near-duplicate rule's news language: the words that tell one story from another.

Data only, like `stream.enrich.lexicon` (whose `NEAR_DUP_STOPWORDS` and titles it
builds on): the words a story's content words leave out, the words editors swap for
one another, the axes of an outcome, roles, periods, the names that stand for a
country, and numbers, months and weekdays written out. `reading` folds a text's
words by these lists; `story` compares what it read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from stream.enrich.lexicon import NEAR_DUP_STOPWORDS, TITLES


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _wordlist(words: str) -> list[str]:
    return words.split()


#: The words a story's content words leave out: `NEAR_DUP_STOPWORDS` (but `holds`,
#: a rate decision), hedges of a number (`almost 40%` / `nearly 40%`) and fillers
#: editors add or drop.
NEAR_DUP_IGNORED: Final = (NEAR_DUP_STOPWORDS - _wordset("hold holds held")) | _wordset(
    """almost nearly around about some least more than less just only also ever still now
    up down re co all no not never could may might can would should will which who whom
    what when where how why one ones been being were had did does do so very much many
    most such what s he she they we it him her them i you according"""
)
#: Words editors swap for one another in a rewording of one story. Each group folds
#: to its first word; words are matched by their Snowball stem (`resigns`, `resigned`
#: -> `resign`), so a group lists one form of each word and the irregular ones
#: (`fell`, `won`). Words of one event that only its facts tell apart share a group
#: (`beats` / `loses to`: who won is a fact, see `NEAR_DUP_AXES`).
#: The events: two teasers that each name some and share none tell two stories
#: (`Yoon declares martial law` / `Yoon arrested over martial law bid`).
NEAR_DUP_EVENTS: Final = (
    "resign quit resignation",
    "cut lower reduce trim slash shed",
    "sack fire dismiss oust axe dismissal ouster",
    "appoint name pick choose tap nominate select appointment nomination",
    "hold keep maintain unchanged steady",
    "win won beat defeat lose lost stun thrash overcome clinch",
    "join become became sign seal ink",
    "fall fell drop slide slid slip decline sink sank dip plunge tumble slump",
    "rise rose climb gain jump surge soar rally",
    "raise lift boost increase hike",
    "attack strike storm raid",
    "kill dead die died death deadly fatal",
    "injure wound hurt injury",
    "destroy downed intercept repel",
    "ban suspend block halt bar prohibit suspension",
    "approve pass adopt ratify approval passage",
    "impose declare introduce",
    "withdraw withdrawal pullout",
    "close shut end finish closure shutdown",
    "arrest detain",
    "jail imprison sentence",
    "free release",
    "capture liberate seize retake liberation seizure",
    "cancel annul scrap void nullify cancellation annulment",
)
#: Other words editors swap, folded the same way.
NEAR_DUP_SYNONYMS: Final = (
    "output production",
    "staff workforce job employee worker",
    "woman women female",
    "ceo boss",
    "vehicle car",
    "fighter militant rebel insurgent",
    "drone uav",
    "billion bln bn",
    "million mln mn",
    "percent pct",
    "point bps",
    "snow snowfall",
    "reform overhaul",
    "start begin launch",
    # The swaps of headline writing: the same thing in another word.
    "buy acquire purchase acquisition takeover",
    "deal agreement pact accord",
    "find detect discover",
    "probe investigation inquiry investigate",
    "talk negotiation negotiate",
    "ceasefire truce",
    "earthquake quake tremor",
    "blast explosion explode",
    "wildfire bushfire blaze",
    "troop soldier",
    "lawmaker legislator",
    "carmaker automaker",
    "plane aircraft jet airliner",
    "child children kid",
    "tariff duty levy",
    "election poll",
    "warn caution",
    "pledge vow promise",
    "protest demonstration",
    "protester demonstrator",
    "sue lawsuit",
    "prison jail",
    "shrink contract contraction",
    "firm company",
    "title championship",
)
#: British spellings with no rule of their suffix, to the American (`reading` folds
#: `-ise`, `-yse`, `-our`, `-tre`, `-bre`, `-ogue`, `-gramme` by rule): outlets of both
#: sides of the Atlantic tell one story (`Defence Ministry` / `Defense Ministry`).
NEAR_DUP_SPELLINGS: Final[Mapping[str, str]] = {
    "defence": "defense",
    "offence": "offense",
    "pretence": "pretense",
    "licence": "license",
    "tyre": "tire",
    "grey": "gray",
    "aluminium": "aluminum",
    "sceptic": "skeptic",
    "sceptical": "skeptical",
    "cheque": "check",
    "kerb": "curb",
    "manoeuvre": "maneuver",
    "plough": "plow",
    "storey": "story",
    "jewellery": "jewelry",
    "counsellor": "counselor",
    "fuelled": "fueled",
    "fuelling": "fueling",
    "skilful": "skillful",
    "paediatric": "pediatric",
    "anaemia": "anemia",
    "leukaemia": "leukemia",
    "haemorrhage": "hemorrhage",
    "anaesthetic": "anesthetic",
    "foetus": "fetus",
    "oestrogen": "estrogen",
    "diarrhoea": "diarrhea",
}
#: Two-word phrases that stand for one word of `NEAR_DUP_EVENTS` or
#: `NEAR_DUP_SYNONYMS` (by stems).
NEAR_DUP_PHRASES: Final[Mapping[tuple[str, str], str]] = {
    ("step", "down"): "resign",
    ("pull", "out"): "withdraw",
    ("shot", "down"): "destroy",
    ("shoot", "down"): "destroy",
    ("prime", "minister"): "pm",
    ("chief", "executive"): "ceo",
    ("interest", "rate"): "rate",
    ("basis", "point"): "point",
    ("percentage", "point"): "point",
    ("all", "time"): "record",
    ("take", "oath"): "sworn",
    ("sworn", "in"): "sworn",
    ("part", "ways"): "leave",
    ("fall", "short"): "lose",
}
#: Axes of a story's outcome: two teasers that take different values on one axis
#: (`rises` / `falls`, `wins` / `loses`, `gold` / `silver`) tell different stories.
#: A word's value is the index of its group; words match by their Snowball stem as
#: in `NEAR_DUP_SYNONYMS`. `negation` is "no, not, never" or its absence. `up`,
#: `down`, `higher`, `lower` count only beside a number (`closes up 1.2%`, not
#: `shot down`); see `stream.enrich.neardup.story` for `central` and the stages.
NEAR_DUP_AXES: Final[Mapping[str, tuple[str, ...]]] = {
    "direction": (
        "up rise rose gain climb jump surge soar rally rebound higher tops raise hike boost "
        "strengthen",
        "down fall fell drop slide slid slip decline sink sank dip plunge tumble slump lower "
        "cut trim slash reduce ease slow weaken",
        "hold keep unchanged steady pause",
    ),
    "outcome": (
        "win won beat defeat stun thrash overcome clinch survive",
        "lose lost fail",
        "draw drew tie",
    ),
    "result": ("profit", "loss"),
    "assent": ("sign approve pass adopt ratify", "veto reject"),
    "measure": ("order impose suspend", "lift end scrap revoke overturn"),
    "compass": ("north northern", "south southern", "east eastern", "west western", "central"),
    "harm": ("kill killed dead die died death deadly fatal", "injure wound hurt injury"),
    "medal": ("gold", "silver", "bronze"),
    "alert": ("red", "orange", "amber", "yellow"),
    "stage": ("final finals", "semi semifinal", "quarter quarterfinal"),
    "trade": ("export exports", "import imports"),
    "venue": ("mosque", "church", "synagogue", "temple cathedral", "school", "hospital"),
    "negation": ("no not never",),
    "sex": ("man men male boy", "woman women female girl"),
    # Units, counted only right after a number (see `NEAR_DUP_UNITS`): `by 7 wickets`
    # is not `by 7 runs`, `$2 bln` not `$2 mln`, `jailed for 3 years` not `3 months`.
    "magnitude": ("thousand", "million mln mn", "billion bln bn", "trillion tn"),
    "span": ("second", "minute", "hour", "day", "week", "month", "year"),
    "margin": ("wicket", "run", "goal", "point"),
}
#: The axes of `NEAR_DUP_AXES` whose words are units: they count only right after a
#: number (`7 wickets`, `3 years`), not elsewhere (`run-off`, `day of mourning`).
NEAR_DUP_UNITS: Final = frozenset({"magnitude", "span", "margin"})
#: Titles that name a role (`minister`, `CEO`): a fact of a story, compared as a name
#: (`Sweden's PM quits` / `Sweden's foreign minister quits`). `general`, `major`,
#: `head` and the honorifics are as often other words or part of a name.
NEAR_DUP_ROLES: Final = TITLES - _wordset(
    """general major private late head chair official acting former ex mr mrs ms dr sir
    lord lady expert analyst representative counterpart"""
)
#: Periods a daily report covers (`in past day` / `in past week`): the unit after
#: `past`, `last`, `this`, `next`, `during`, `over`; `overnight` is the night.
NEAR_DUP_PERIODS: Final[Mapping[str, str]] = {
    "day": "day",
    "24": "day",
    "night": "night",
    "overnight": "night",
    "week": "week",
    "weekend": "week",
    "month": "month",
    "year": "year",
}
#: Names that stand for a country in news (`the Kremlin says` = `Moscow says` =
#: `Russia says`), beside its capital, which GeoNames gives.
NEAR_DUP_METONYMS: Final[Mapping[str, str]] = {
    "kremlin": "RU",
    "white house": "US",
    "pentagon": "US",
    "downing street": "GB",
    "elysee": "FR",
    "kyiv": "UA",
    "kiev": "UA",
    # The Union's bodies stand for it as a capital does for a country.
    "eu": "EU",
    "european union": "EU",
    "european commission": "EU",
    "brussels": "EU",
    # Central banks and parliaments stand for their country in news as its capital
    # does (`RBA holds rates` / `Australia's central bank holds rates`).
    "fed": "US",
    "federal reserve": "US",
    "ecb": "EU",
    "european central bank": "EU",
    "boe": "GB",
    "bank of england": "GB",
    "boj": "JP",
    "bank of japan": "JP",
    "boc": "CA",
    "bank of canada": "CA",
    "bok": "KR",
    "bank of korea": "KR",
    "rba": "AU",
    "reserve bank of australia": "AU",
    "rbi": "IN",
    "reserve bank of india": "IN",
    "rbnz": "NZ",
    "reserve bank of new zealand": "NZ",
    "snb": "CH",
    "swiss national bank": "CH",
    "pboc": "CN",
    "riksbank": "SE",
    "norges bank": "NO",
    "banxico": "MX",
    "sarb": "ZA",
    "south african reserve bank": "ZA",
    "bundesbank": "DE",
    "bundestag": "DE",
    "knesset": "IL",
    "duma": "RU",
    "state duma": "RU",
    "sejm": "PL",
    "verkhovna rada": "UA",
    "storting": "NO",
    "riksdag": "SE",
    "folketing": "DK",
    "lok sabha": "IN",
    "rajya sabha": "IN",
}
#: Spelled-out numbers and ordinals, compared as digits (`two` = `2`, `ninth` = `9th`).
_CARDINALS: Final = """one two three four five six seven eight nine ten eleven twelve
thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty"""
_ORDINALS: Final = """first second third fourth fifth sixth seventh eighth ninth tenth
eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth
nineteenth twentieth"""
NUMBER_WORDS: Final[Mapping[str, str]] = {
    **{w: str(n) for n, w in enumerate(_wordlist(_CARDINALS), 1)},
    **{w: f"{n}th" for n, w in enumerate(_wordlist(_ORDINALS), 1)},
}
#: Months and weekdays: a date is a fact of the story (`on Monday` / `on Tuesday`);
#: a weekday and a month tell a date two ways (`on Wednesday` / `on October 9`).
MONTHS: Final = _wordset(
    """january february march april may june july august september october november
    december"""
)
WEEKDAYS: Final = _wordset("monday tuesday wednesday thursday friday saturday sunday")
CALENDAR_WORDS: Final = MONTHS | WEEKDAYS
