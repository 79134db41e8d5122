"""The hand-written data of enrichment: words of the language of news, and names.

Data only, at the bottom of the package: every other module of `stream.enrich`
may import it, it imports none of them. It holds only what no gazetteer has:
rubrics, titles, speech verbs and heads of organisation names; regions, disputed
areas and the spellings news uses for countries and cities; well-known
organisations; the people who dominate these feeds; the function words that tell
languages apart. Words are compared case-folded unless a list says otherwise.
`tests/fixtures/teaser_labels.json` states the labelling rules these lists serve.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


def _wordlist(words: str) -> list[str]:
    return words.split()


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

#: Words that open the rest of a sentence, not a source, after a dash (`— and ...`,
#: `— what we know`, `— to be continued`).
CLAUSE_OPENERS: Final = _wordset(
    """and or but so yet nor to as if when while because what who why how where which that
    this these those it its he she they we you i there here not no never then now than
    in on at by for from of with into a an"""
)
#: Auxiliary and copular verbs: a dash segment holding one is a clause, not a source.
AUXILIARIES: Final = _wordset(
    """is are was were be been being am has have had do does did will would shall should
    can could may might must"""
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
    representative counterpart sergeant corporal private major astronaut taoiseach
    striker goalkeeper defender midfielder winger manager driver rider cyclist
    swimmer sprinter runner marathoner champion pitcher quarterback batter bowler
    spinner"""
)

#: Words that may stand inside a title (`Minister of Foreign Affairs`,
#: `Special Presidential Envoy`): they extend the title, they never start a name.
TITLE_PARTS: Final = _wordset(
    """foreign defense defence political affairs trade industry economic economy interior
    home finance energy security justice health education culture emergency emergencies
    presidential special first press staff joint armed general national state federal
    regional presidential executive supreme high deputy vice prime large at public works
    transport agriculture labour labor environment tourism digital housing infrastructure
    communications information technology science sports youth women family social
    development planning investment commerce mining petroleum water"""
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

#: Verbs of speech after a single unknown name that make it a person's surname
#: (`Sheinbaum says`); bodies speak too, but a lone unknown name that speaks is a
#: person more often than not.
SPEECH_VERBS: Final = _wordset(
    """says said tells told warns warned urges urged vows vowed insists insisted denies
    denied admits admitted stresses stressed"""
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
    works exchange consortium secretariat cabinet house club society laboratory state
    administration federation confederation"""
)

#: Lower-case nouns before a name that show it is an organisation (`party Les Patriotes`).
ORG_BEFORE: Final = _wordset(
    """publication newspaper company firm group party agency outlet magazine channel website
    broadcaster bank airline carrier manufacturer startup operator movement organization
    organisation network platform messenger service fund corporation consortium exchange
    holding concern maker carmaker automaker chipmaker producer miner lender insurer
    retailer club"""
)

#: Nouns a lead calls a company by (`The drugmaker said`, `the airline sold`): with one,
#: the headline's unknown subject is that company, not a person.
COMPANY_NOUNS: Final = _wordset(
    """company firm group carmaker automaker drugmaker planemaker chipmaker miner retailer
    lender insurer airline carrier conglomerate manufacturer producer supplier giant
    cooperative utility refiner operator startup developer brand maker exporter shipper
    bank"""
)
#: Verbs whose object is a person (`sign Endrick from Palmeiras`, `name Kompany as coach`).
PERSON_OBJECT_VERBS: Final = _wordset(
    """sign signs signed appoint appoints appointed hire hires hired sack sacks sacked name
    names named"""
)
#: Nouns a lead calls a person by (`The former general said`, `the 71-year-old leader`):
#: with one, the headline's unknown subject is that person.
PERSON_NOUNS: Final = _wordset(
    """president leader minister premier general candidate politician lawmaker senator
    governor mayor king queen prince monarch incumbent challenger opposition activist
    businessman billionaire tycoon striker player coach singer actor actress author"""
)
#: Words of a sports story: in one, a city or an unknown name that plays is a team.
SPORT_WORDS: Final = _wordset(
    """coach striker goalkeeper defender midfielder squad derby match finals semi-final
    quarter-final league cup champions championship tournament playoff playoffs club fans
    wickets innings penalties shootout prix podium laps olympics nba nfl fifa uefa"""
)
#: Verbs a team takes in a headline, in the plural (`Liverpool agree`, `Springboks
#: thrash`); a person takes them with an -s (`Gauff beats`).
TEAM_VERBS: Final = _wordset(
    """beat win sign agree name appoint sack draw lose go reach retain thrash hold stun edge
    clinch face host complete seal qualify claim advance crash rout top extend avoid part
    knock crush earn land"""
)
#: Words before a name that make it the other side of a match (`held by Genoa`,
#: `beating Uruguay`, `from Feyenoord`).
OPPONENT_BEFORE: Final = _wordset("beat beating against over by from v vs thrash thrashing edge")

#: What a company has, after its name's possessive (`Orano's licence`, `Teck's coal
#: unit`): the name is a company's; a person's possessions are other nouns.
COMPANY_POSSESSIONS: Final = _wordset(
    """licence license shares stock profit profits revenue revenues sales stake unit units
    plant plants factory factories mine mines refinery smelter subsidiary board workers
    employees bonds takeover merger listing ipo earnings dividend chief ceo chairman"""
)
#: Lower-case nouns after a single name that make it an organisation (`Tisza party`).
ORG_AFTER: Final = _wordset(
    """party company group plant factory airline bank messenger platform agency division
    holding concern corporation firm outlet newspaper channel fund refinery smelter unit
    subsidiary shares stock"""
)

#: Lower-case roles after a single name that make it the body they lead
#: (`Barcelona president`, `Harvard president`, `Boeing chief`).
ORG_LEADERS: Final = _wordset(
    "president chairman chairwoman ceo executive coach manager boss owner founder chief leader"
)

#: Heads that make a capitalised phrase neither person nor organisation: documents,
#: routes and buildings, events (`Charter on Strategic Partnership`, `Trump Route`).
OTHER_HEADS: Final = _wordset(
    """treaty charter agreement accord partnership declaration convention pact memorandum
    act plan initiative strategy doctrine program programme protocol resolution law bill
    deal republic olympic route corridor road highway railway railroad bridge pipeline line
    street square avenue tower building palace stadium arena cathedral church mosque park
    prize award cup games olympics championship league day week forum summit festival
    conference expo war revolution operation crisis parade ceremony exhibition marathon
    prix series rights"""
)

#: Capitalised words that open the name of an event of nature, not of a person
#: (`Typhoon Yagi`, `Hurricane Beryl`, `Storm Boris`).
EVENT_PREFIXES: Final = _wordset("typhoon hurricane storm cyclone tornado")
#: Capitalised words that open the name of a geographic feature (`Mount Lewotobi`).
FEATURE_PREFIXES: Final = _wordset("mount mt cape lake port")
#: Lower-case nouns after a name that make it the name of a thing, not a mention of
#: a person (`James Webb telescope`, `Falcon Heavy rocket`).
OBJECT_AFTER: Final = _wordset(
    """telescope observatory spacecraft rocket satellite capsule lander probe rover
    vaccine drug missile jet aircraft warship tanker vessel station"""
)
#: Lower-case particles inside a person's name (`Alexandre de Moraes`).
NAME_PARTICLES: Final = _wordset("de da do dos das del della di van von der den bin ibn")

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
    general generals regime defense defence prison drills drill drones drone missiles
    missile warplanes warships jets guard junta crown prince emir"""
)

#: After a nationality word or an attributive country name, heads that make it
#: describe people, companies, goods or media rather than the state.
NONSTATE_HEADS: Final = _wordset(
    """goods products product company companies agencies agency firms firm startup startups
    press media oil gas energy assets scientists scientist experts expert athletes athlete
    users citizens people business businesses market markets stocks stock exchanges
    exchange brand brands consumers investors tourists students universities politician
    politicians party writer writers director directors artists artist publication
    speaking company's culture language cartel cartels gang gangs rebels militia fans club
    clubs team player players runner swimmer rider golfer"""
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
#: Words of position that open the name of a region (`Lower Shabelle`, `East Kalimantan`).
POSITION_WORDS: Final = _wordset(
    "north south east west central upper lower northern southern eastern western"
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
TOPONYM_END = re.compile(
    r"(?:ovka|evka|ivka|avka|yevka|oye|oe|aya|ovo|evo|yevo|ino|yno|sk|pol|pole|grad|gorod)$"
)

#: Endings that make a word a place without a preposition (`Gorlovka`, `Kamenskoye`).
STRONG_TOPONYM_END = re.compile(r"(?:ovka|evka|ivka|skoye|skaya|grad)$")

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

# ---------------------------------------------------------------------------------
# Places no gazetteer holds, and the spellings news uses for the ones it does.
# ---------------------------------------------------------------------------------

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

#: Generic words of ISO 3166-2 subdivision names and types, and names that are
#: words of news language rather than places (`Sichuan Sheng`, `Central`).
SUBDIVISION_TYPE_WORDS: Final = _wordset(
    """sheng shi zizhiqu province provincia region region state estado land oblast oblast'
    kray krai respublika republic governorate prefecture county district department
    departamento territory capital central centre center north south east west northern
    southern eastern western upper lower coast islands island city federal autonomous
    community special"""
)
#: Words after a name that is a country and a US state (`Georgia`) that make it the state.
US_STATE_CUES: Final = _wordset(
    "governor state senate senator senators legislature county lawmakers attorney"
)
#: Countries whose regions news names `<city> Region` (`Kursk region`); elsewhere a
#: region suffix is dropped (`Punjab province` -> Punjab, `Valparaiso region`).
CITY_REGION_COUNTRIES: Final = frozenset({"RU", "UA", "BY", "KZ"})

#: Lower-case inside a place name after its first word (`Rio de Janeiro`,
#: `Bosnia and Herzegovina`, `Rostov-on-Don`), when a name in capitals is title-cased.
PLACE_PARTICLES: Final = _wordset("and al da das de del di do dos du el la le of on")

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
    # The name alone is most often the larger Congo, Kinshasa's (`eastern Congo`).
    "Congo": "CD",
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
    "Philippine": "PH",
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

# ---------------------------------------------------------------------------------
# Organisations, and the words around names.
# ---------------------------------------------------------------------------------

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
#: State bodies: a nationality word before one names the state.
STATE_ORG_HEADS: Final = _wordset(
    """ministry department forces force fleet navy army command guard government parliament
    duma treasury mfa embassy council"""
)

#: Lower-case words that may stand inside a name (`Board of Peace`, `Bosnia and
#: Herzegovina`, `Committee of the State Council`).
CONNECTORS: Final = frozenset({"of", "the", "and", "for"})
#: Words that are towns somewhere but in a capitalised phrase are its head.
NOT_NAMES: Final = (
    ORG_HEADS | OTHER_HEADS | GEO_HEADS | TITLES | REGION_SUFFIXES | frozenset({"city"})
)
#: Other names of organisations (`Houthi` as in `the Houthi leader`).
ORG_ALIASES: Final[Mapping[str, str]] = {"Houthi": "Houthis"}
#: Blocs and points of the compass, which `the` does not make organisations.
BLOCS: Final = frozenset({"West", "East", "North", "South", "Western", "Eastern", "Global"})
#: Capitalised only because a sentence starts with them (`In Anchorage, ...`).
INITIAL_SKIP: Final = _wordset(
    """the a an in on at by for from of to with into during after before according although
    while under over unlike despite since as if when it this that these those there here he
    she they we our his her their its my your some another all no one two three four five
    six seven eight nine ten both each every many more most other such what who why how
    earlier later meanwhile also but and or yet so still then now today yesterday"""
)
#: Words after a demonym that end the phrase without naming a head.
FUNCTION_WORDS: Final = _wordset(
    """to in on of for with as at by from and or the a is are was were will may can could
    would should has have had not that which who"""
)
ROMAN_NUMERAL = re.compile(r"^(?=[IVXL]{1,6}$)L?X{0,3}(?:IX|IV|V?I{0,3})$")


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
    "Jeffrey Epstein": (("Epstein",), ()),
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


# ---------------------------------------------------------------------------------
# Languages
# ---------------------------------------------------------------------------------

#: The most frequent function words of each language that `language` tells apart.
#: Words two languages share (`de`, `la`, `a`, `en`) are left out.
STOPWORDS: Final[Mapping[str, frozenset[str]]] = {
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


# ---------------------------------------------------------------------------------
# Near-duplicates: the rest of their news language is `stream.enrich.neardup.lexicon`
# ---------------------------------------------------------------------------------

#: Words headlines share whatever their story (function words, reporting verbs).
NEAR_DUP_STOPWORDS: Final = STOPWORDS["en"] | _wordset(
    """a an as at by for from in of on the to with its it is are was be has have after
    over says said say told report reports new amid while their his her this that"""
)
