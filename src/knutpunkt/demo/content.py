"""What the demo municipality, Exempelby kommun, is made of: its authorities, units,
people, and the kinds of cases each authority handles, with realistic Swedish
ärendemeningar and the documents such a case collects.

Everything here is invented. Names of real Swedish state agencies appear only as
senders of remisser and inspections, without identity numbers.
"""

ORGANISATION = {"name": "Exempelby kommun", "short_name": "exempelby", "org_number": "2120001355"}

# code, name, kind, diary name, share of the cases
AUTHORITIES = [
    ("KF", "Kommunfullmäktige", "fullmaktige", "Kommunfullmäktiges diarium", 5),
    ("KS", "Kommunstyrelsen", "styrelse", "Kommunstyrelsens diarium", 21),
    ("BN", "Byggnadsnämnden", "namnd", "Byggnadsnämndens diarium", 27),
    ("MN", "Miljönämnden", "namnd", "Miljönämndens diarium", 19),
    ("SN", "Socialnämnden", "namnd", "Socialnämndens diarium", 12),
    ("TN", "Tekniska nämnden", "namnd", "Tekniska nämndens diarium", 16),
]

# code, name, authority, parent code
UNITS = [
    ("KLF", "Kommunledningsförvaltningen", "KS", None),
    ("KANS", "Kansliavdelningen", "KS", "KLF"),
    ("EKO", "Ekonomiavdelningen", "KS", "KLF"),
    ("SBF", "Samhällsbyggnadsförvaltningen", "BN", None),
    ("BYGG", "Bygglovsenheten", "BN", "SBF"),
    ("MILJO", "Miljöenheten", "MN", "SBF"),
    ("SOC", "Socialförvaltningen", "SN", None),
    ("IFO", "Individ- och familjeomsorgen", "SN", "SOC"),
    ("VO", "Vård och omsorg", "SN", "SOC"),
    ("TEK", "Tekniska förvaltningen", "TN", None),
    ("GATA", "Gata och park", "TN", "TEK"),
    ("VA", "Vatten och avlopp", "TN", "TEK"),
]
AUTHORITY_UNITS = {"KF": ["KANS"], "KS": ["KANS", "EKO"], "BN": ["BYGG"], "MN": ["MILJO"], "SN": ["IFO", "VO"], "TN": ["GATA", "VA"]}

# Every demo account has this password (demo only: see README).
DEMO_PASSWORD = "Demo-2026!"

# username, first name, last name, unit, roles [(role, authority code or "*")], flags
USERS = [
    ("admin", "Sofia", "Ahlgren", "KANS", [], {"global_admin": True}),
    ("registrator", "Rebecka", "Holm", "KANS", [("registrator", "*")], {}),
    ("handlaggare", "Hanna", "Lindqvist", "BYGG", [("handlaggare", "BN"), ("handlaggare", "MN")], {}),
    ("lasare", "Lars", "Öberg", "EKO", [("lasare", "KF"), ("lasare", "KS")], {}),
    ("arkivarie", "Agnes", "Forsberg", "KANS", [("arkivarie", "*")], {}),
    ("lokaladmin", "Leif", "Sandberg", "KANS", [("lokal_admin", "KF"), ("lokal_admin", "KS")], {}),
    ("erik.nilsson", "Erik", "Nilsson", "KANS", [("handlaggare", "KF"), ("handlaggare", "KS")], {}),
    ("sara.ahmed", "Sara", "Ahmed", "EKO", [("handlaggare", "KS")], {}),
    ("johan.berg", "Johan", "Berg", "BYGG", [("handlaggare", "BN")], {}),
    ("maria.svensson", "Maria", "Svensson", "MILJO", [("handlaggare", "MN")], {}),
    ("ali.hassan", "Ali", "Hassan", "MILJO", [("handlaggare", "MN")], {}),
    ("karin.lund", "Karin", "Lund", "IFO", [("handlaggare", "SN")], {}),
    ("peter.nyberg", "Peter", "Nyberg", "VO", [("handlaggare", "SN")], {}),
    ("oskar.ek", "Oskar", "Ek", "GATA", [("handlaggare", "TN")], {}),
    ("linnea.falk", "Linnea", "Falk", "VA", [("handlaggare", "TN")], {}),
]

# Who handles the cases of each authority (a name twice = twice the share).
OFFICERS = {
    "KF": ["erik.nilsson"],
    "KS": ["erik.nilsson", "sara.ahmed"],
    "BN": ["handlaggare", "handlaggare", "johan.berg"],
    "MN": ["handlaggare", "maria.svensson", "ali.hassan"],
    "SN": ["karin.lund", "peter.nyberg"],
    "TN": ["oskar.ek", "linnea.falk"],
}

FIRST_NAMES = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Per", "Emma", "Nils", "Elin",
    "Mikael", "Ingrid", "Oskar", "Fatima", "Ahmed", "Linnea", "Gustav", "Maja", "Henrik", "Sofia", "Björn", "Ida",
    "Mohammed", "Helena", "Jonas", "Kerstin", "Olle", "Astrid", "Daniel", "Zeynep", "Mats", "Lena", "Viktor",
    "Amira", "Göran", "Hanna", "Tove",
]
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Hansson", "Bengtsson", "Lindberg", "Lindström", "Berg", "Bergström",
    "Forsberg", "Sjöberg", "Wallin", "Engström", "Ekström", "Åberg", "Öberg", "Hassan", "Mohammadi", "Yilmaz",
    "Nguyen", "Korhonen", "Lundgren", "Holm", "Nyström", "Dahl", "Björk", "Söderberg",
]
STREETS = [
    "Storgatan", "Kyrkogatan", "Skolgatan", "Järnvägsgatan", "Björkvägen", "Ekvägen", "Tallstigen", "Granvägen",
    "Sjövägen", "Ängsvägen", "Stationsgatan", "Nygatan", "Parkvägen", "Mossvägen", "Lärkvägen", "Kvarngatan",
    "Hamngatan", "Prästgårdsvägen", "Smedjegatan", "Solvändan",
]
PLACES = [("Exempelby", "123"), ("Norrby", "124"), ("Sjöby", "125"), ("Lillby", "126")]
TRACTS = [
    "Björken", "Eken", "Lönnen", "Tallen", "Granen", "Almen", "Aspen", "Rönnen", "Hägern", "Svanen", "Tranan",
    "Lärkan", "Ladan", "Smedjan", "Kvarnen", "Prästgården", "Norrby", "Sjöby", "Lillby", "Mossen",
]

COMPANIES = [
    "Exempelby Fastigheter AB", "Norrby Entreprenad AB", "Sjöby Rör & VVS AB", "Restaurang Hamnkrogen AB",
    "Café Kvarnen AB", "Exempelby Energi AB", "Grus & Schakt i Norrby AB", "Lillby Lantbruk AB",
    "Nordisk Omsorg AB", "Exempelby Bostäder AB", "Tryckeriet i Exempelby AB", "Skyltfabriken Norr AB",
    "Grönt Exempelby AB", "Bygg & Montage i Sjöby AB", "Pizzeria Torget Exempelby AB", "Exempelby Bilservice AB",
    "Mark & Anläggning Norr AB", "Sjöby Snickeri AB", "Hemtjänst Plus i Exempelby AB", "Exempelby Camping AB",
    "Kemtvätten i Norrby AB", "Lillby Gårdsbutik AB", "ElTeknik Exempelby AB", "Nya Sjöbyhallen AB",
]
ASSOCIATIONS = [
    "Exempelby IF", "Sjöby hembygdsförening", "PRO Exempelby", "Lillby byalag", "Exempelby konstförening",
    "Norrby ryttarsällskap", "Exempelby scoutkår", "Föreningen Sjöbyfesten", "Exempelby schackklubb",
    "Norrby vägförening",
]
AGENCIES = [
    "Länsstyrelsen i Exempellän", "Trafikverket", "Region Exempellän", "Naturvårdsverket", "Boverket",
    "Lantmäteriet", "Inspektionen för vård och omsorg", "Förvaltningsrätten i Exempelstad", "Skolverket",
    "Myndigheten för samhällsskydd och beredskap",
]

POLITICAL_PARTIES = ["(S)", "(M)", "(C)", "(V)", "(KD)", "(L)", "(MP)", "(SD)"]

# Pools the titles draw from ({name} in a title picks one).
POOLS = {
    "tillbyggnad": ["enbostadshus", "fritidshus", "uterum", "carport", "komplementbyggnad"],
    "garage": ["garage", "carport", "förråd", "gäststuga", "växthus"],
    "rivning": ["ekonomibyggnad", "enbostadshus", "lagerbyggnad", "garage"],
    "marklov": ["schaktning", "uppfyllnad av tomtmark", "trädfällning"],
    "strandskydd": ["brygga", "bastu", "komplementbyggnad", "båthus"],
    "planbesked": ["bostäder", "handel och kontor", "förskola", "industri"],
    "bullerkalla": ["värmepump", "verkstad", "restaurang", "fläktaggregat", "hundgård"],
    "djur": ["höns", "häst", "bin", "får"],
    "kf_motion": [
        "gratis kollektivtrafik för pensionärer", "fler laddstolpar i centrum", "solceller på kommunens tak",
        "ett nytt badhus", "belysning längs gång- och cykelvägar", "fritidskort för unga", "minskat matsvinn i skolan",
        "en kommunal bostadsgaranti", "trygghetsvandringar i Norrby", "ökad tillgänglighet i parkerna",
    ],
    "medborgarforslag": [
        "en hundrastgård i Sjöby", "utegym vid Björkvägen", "farthinder på Skolgatan", "fler parkbänkar vid ån",
        "en lekplats i Lillby", "julbelysning på torget", "en skatepark",
    ],
    "namnd": ["byggnadsnämnden", "miljönämnden", "socialnämnden", "tekniska nämnden", "valnämnden", "krisledningsnämnden"],
    "amne": ["skolans resultat", "bostadsbyggandet", "kommunens ekonomi", "äldreomsorgens bemanning", "kollektivtrafiken"],
    "remiss_amne": [
        "regional utvecklingsstrategi", "förslag till länstrafikplan", "åtgärdsprogram för vatten",
        "regional plan för transportinfrastruktur", "översyn av kollektivtrafiken", "förslag till naturreservat vid Mossen",
        "regional handlingsplan för klimatanpassning", "ändrade föreskrifter om brandskydd",
    ],
    "handling": ["protokoll", "avtal", "e-post", "fakturor", "delegationsbeslut", "ritningar", "upphandlingsdokument"],
    "upphandling": ["städtjänster", "skolskjuts", "livsmedel", "IT-konsulttjänster", "kontorsmaterial", "företagshälsovård"],
    "tn_upphandling": ["vinterväghållning", "asfaltering", "parkskötsel", "ledningsnät för vatten", "gatubelysning"],
    "avtal": ["arrende av mark vid Sjöby hamn", "nyttjanderätt för parkering", "markupplåtelse för ställplatser", "arrende av jordbruksmark"],
    "synpunkt": ["kommunens webbplats", "bemötandet i kundtjänst", "öppettiderna i biblioteket", "bygglovshandläggningen"],
    "tn_synpunkt": ["snöröjning", "trasig gatubelysning", "hål i gatan", "nedskräpning", "klotter", "parkering"],
    "forening": ASSOCIATIONS,
    "evenemang": ["Sjöbyfesten", "Exempelby marknad", "Lillby musikdag", "Norrby skördefest", "Nationaldagsfirandet"],
    "sn_verksamhet": ["hemtjänsten i Norrby", "Ekbackens äldreboende", "boendestöd", "korttidsboendet Tallen", "daglig verksamhet"],
    "omrade": ["Norrby", "Sjöby", "Lillby", "centrala Exempelby"],
    "samverkan": ["barn och unga med psykisk ohälsa", "hemsjukvård", "missbruksvård", "samordnad individuell plan"],
    "sn_avtal": ["boendeplatser", "personlig assistans", "familjehemsvård", "trygghetslarm"],
    "upplatelse": ["uteservering", "byggställning", "container", "torghandel", "evenemang"],
    "trafik": ["hastighetsbegränsning 40 km/tim", "förbud mot tung trafik", "parkeringsförbud", "gångfartsområde"],
    "skada": ["skada på bil", "fallolycka", "vattenskada", "skada på staket"],
    "bilaga": ["situationsplan", "fasadritning", "planritning", "kontrollplan", "nybyggnadskarta", "foton"],
    "kvartal": ["1", "2", "3", "4"],
}

# A flow is the documents a kind of case collects: the first, some of the middle
# ones, and, when the case is closed, the final one. Each step: direction, title
# (may use {subject} and pool names), document-type keywords, correspondent
# ("party", "other" = a second party of the same kind, or None), file kind.
FLOWS = {
    "ansokan": {
        "first": ("inkommande", "Ansökan om {subject}", ["ansökan om {subject}", "ansökan"], "party", "pdf"),
        "middle": [
            ("utgaende", "Begäran om komplettering", ["komplettering", "begäran", "skrivelse"], "party", "pdf"),
            ("inkommande", "Komplettering, {bilaga}", ["ritningar", "situationsplan", "underlag", "intyg", "ansökan"], "party", "mail"),
            ("upprattad", "Tjänsteskrivelse", ["tjänsteskrivelse", "beslutsunderlag", "utredning"], None, "pdf"),
        ],
        "final": ("utgaende", "Beslut om {subject}", ["beslut"], "party", "pdf"),
        "days": 45,
    },
    "anmalan": {
        "first": ("inkommande", "Anmälan om {subject}", ["anmälan"], "party", "pdf"),
        "middle": [
            ("utgaende", "Begäran om komplettering", ["komplettering", "begäran", "skrivelse"], "party", "pdf"),
            ("inkommande", "Komplettering", ["komplettering", "anmälan"], "party", "mail"),
            ("upprattad", "Tjänsteanteckning", ["tjänsteanteckning", "anteckning"], None, "pdf"),
        ],
        "final": ("utgaende", "Beslut med anledning av anmälan", ["beslut", "startbesked", "föreläggande"], "party", "pdf"),
        "days": 30,
    },
    "klagomal": {
        "first": ("inkommande", "Klagomål", ["klagomål", "anmälan", "synpunkt"], "party", "mail"),
        "middle": [
            ("utgaende", "Begäran om yttrande", ["kommunicering", "begäran", "skrivelse"], "other", "pdf"),
            ("inkommande", "Yttrande", ["yttrande"], "other", "pdf"),
            ("upprattad", "Inspektionsrapport", ["inspektion", "mätprotokoll", "rapport", "protokoll"], None, "pdf"),
            ("utgaende", "Kommunicering inför beslut", ["kommunicering", "skrivelse"], "other", "pdf"),
        ],
        "final": ("utgaende", "Beslut", ["beslut", "föreläggande"], "other", "pdf"),
        "days": 90,
    },
    "tillsyn": {
        "first": ("upprattad", "Tjänsteanteckning från platsbesök", ["platsbesök", "tjänsteanteckning", "anteckning", "inspektion"], None, "pdf"),
        "middle": [
            ("utgaende", "Underrättelse om tillsyn", ["underrättelse", "kommunicering", "skrivelse"], "party", "pdf"),
            ("inkommande", "Yttrande", ["yttrande"], "party", "mail"),
            ("upprattad", "Inspektionsrapport", ["inspektion", "tillsynsrapport", "rapport", "protokoll"], None, "pdf"),
        ],
        "final": ("utgaende", "Beslut om {subject}", ["beslut", "föreläggande", "sanktionsavgift"], "party", "pdf"),
        "days": 120,
    },
    "remiss": {
        "first": ("inkommande", "Remiss: {subject}", ["remiss"], "party", "pdf"),
        "middle": [
            ("upprattad", "Tjänsteskrivelse", ["tjänsteskrivelse", "beslutsunderlag"], None, "pdf"),
            ("upprattad", "Protokollsutdrag från arbetsutskottet", ["protokollsutdrag", "protokoll"], None, "pdf"),
        ],
        "final": ("utgaende", "Yttrande över remiss", ["yttrande", "remissvar"], "party", "pdf"),
        "days": 40,
    },
    "begaran": {
        "first": ("inkommande", "Begäran om utlämnande av allmän handling", ["begäran", "utlämnande"], "party", "mail"),
        "middle": [("upprattad", "Sekretessprövning", ["sekretessprövning", "tjänsteanteckning", "anteckning"], None, "pdf")],
        "final": ("utgaende", "Svar på begäran om allmän handling", ["följebrev", "svar", "beslut"], "party", "mail"),
        "days": 3,
    },
    "beredning": {
        "first": ("upprattad", "Tjänsteskrivelse: {subject}", ["tjänsteskrivelse", "arbetsmaterial", "underlag"], None, "pdf"),
        "middle": [
            ("upprattad", "Förslag: {subject}", ["arbetsmaterial", "förslag", "utredning"], None, "pdf"),
            ("upprattad", "Protokollsutdrag från arbetsutskottet", ["protokollsutdrag", "protokoll"], None, "pdf"),
        ],
        "final": ("upprattad", "Protokollsutdrag: {subject}", ["{subject}", "protokollsutdrag", "beslut"], None, "pdf"),
        "days": 60,
    },
    "motion": {
        "first": ("inkommande", "{Subject}", ["motion"], "party", "pdf"),
        "middle": [
            ("upprattad", "Tjänsteskrivelse", ["tjänsteskrivelse", "beslutsunderlag"], None, "pdf"),
            ("upprattad", "Protokollsutdrag från kommunstyrelsen", ["protokollsutdrag", "protokoll"], None, "pdf"),
        ],
        "final": ("upprattad", "Protokollsutdrag från kommunfullmäktige", ["beslut i fullmäktige", "protokollsutdrag"], None, "pdf"),
        "days": 200,
    },
    "medborgarforslag": {
        "first": ("inkommande", "{Subject}", ["medborgarförslag", "förslag"], "party", "pdf"),
        "middle": [
            ("upprattad", "Tjänsteskrivelse", ["tjänsteskrivelse", "beslutsunderlag"], None, "pdf"),
            ("upprattad", "Protokollsutdrag från kommunstyrelsen", ["protokollsutdrag", "protokoll"], None, "pdf"),
        ],
        "final": ("upprattad", "Protokollsutdrag från kommunfullmäktige", ["beslut i fullmäktige", "protokollsutdrag"], None, "pdf"),
        "days": 200,
    },
    "upphandling": {
        "first": ("upprattad", "Upphandlingsdokument", ["upphandlingsdokument", "förfrågningsunderlag", "upphandling"], None, "pdf"),
        "middle": [
            ("inkommande", "Anbud", ["anbud som antagits", "anbud"], "party", "pdf"),
            ("inkommande", "Anbud", ["anbud som inte antagits", "anbud"], "other", "pdf"),
            ("upprattad", "Protokoll från anbudsöppning", ["anbudsöppning", "protokoll"], None, "pdf"),
        ],
        "final": ("utgaende", "Tilldelningsbeslut", ["tilldelning", "beslut"], "party", "pdf"),
        "days": 90,
    },
    "avtal": {
        "first": ("upprattad", "Avtalsförslag", ["arrendeavtal", "samverkansavtal", "avsiktsförklaring", "avtal"], None, "pdf"),
        "middle": [
            ("utgaende", "Avtal för underskrift", ["arrendeavtal", "samverkansavtal", "avtal"], "party", "pdf"),
            ("inkommande", "Avtal undertecknat av motparten", ["arrendeavtal", "samverkansavtal", "avtal"], "party", "pdf"),
        ],
        "final": ("upprattad", "Avtal undertecknat av båda parter", ["arrendeavtal", "samverkansavtal", "avtal"], None, "pdf"),
        "days": 30,
    },
    "synpunkt": {
        "first": ("inkommande", "Synpunkt på {subject}", ["synpunkt", "klagomål", "förslag"], "party", "mail"),
        "middle": [("upprattad", "Tjänsteanteckning", ["tjänsteanteckning", "anteckning"], None, "pdf")],
        "final": ("utgaende", "Svar på synpunkt", ["svar på synpunkt", "svar"], "party", "mail"),
        "days": 14,
    },
    "lexsarah": {
        "first": ("upprattad", "Rapport enligt lex Sarah", ["missförhållande", "rapport", "avvikelse"], None, "pdf"),
        "middle": [
            ("upprattad", "Utredning enligt lex Sarah", ["utredning"], None, "pdf"),
            ("utgaende", "Anmälan till Inspektionen för vård och omsorg", ["anmälan till ivo", "anmälan"], "party", "pdf"),
        ],
        "final": ("upprattad", "Beslut om åtgärder", ["beslut"], None, "pdf"),
        "days": 60,
    },
    "val": {
        "first": ("inkommande", "Valberedningens förslag", ["förslag", "val"], None, "pdf"),
        "middle": [],
        "final": ("upprattad", "Protokollsutdrag: val", ["beslut om val", "protokollsutdrag"], None, "pdf"),
        "days": 20,
    },
    "avsagelse": {
        "first": ("inkommande", "Avsägelse av uppdrag", ["avsägelse", "skrivelse"], "party", "mail"),
        "middle": [],
        "final": ("upprattad", "Protokollsutdrag: entledigande", ["beslut om val", "protokollsutdrag"], None, "pdf"),
        "days": 25,
    },
}

# Per authority: (title, subject, flow, party kind, process keywords, weight).
# Party kinds: person, company, association, agency, None.
CASE_TEMPLATES = {
    "KF": [
        ("Motion från {parti} om {kf_motion}", "motion om {kf_motion}", "motion", None, ["motion", "förtroendevald", "fullmäktige"], 4),
        ("Medborgarförslag om {medborgarforslag}", "medborgarförslag om {medborgarforslag}", "medborgarforslag", "person", ["medborgarförslag", "fullmäktige"], 3),
        ("Val av ledamöter och ersättare i {namnd}", "val till {namnd}", "val", None, ["val av förtroendevald", "val och förtroendeuppdrag"], 2),
        ("Avsägelse av uppdrag som ersättare i {namnd}", "avsägelse", "avsagelse", "person", ["entledigande", "val och förtroendeuppdrag"], 2),
        ("Årsredovisning {year_before} för Exempelby kommun", "årsredovisning", "beredning", None, ["årsredovisning", "redovisa verksamheten"], 1),
        ("Budget {year_after} och verksamhetsplan {year_after}–{year_after2}", "budget", "beredning", None, ["budget"], 1),
        ("Arvodesregler för förtroendevalda", "arvodesregler", "beredning", None, ["arvode", "förtroendevald", "styrdokument"], 1),
    ],
    "KS": [
        ("Remiss från {agency} om {remiss_amne}", "{remiss_amne}", "remiss", "agency", ["remiss", "yttrande", "extern samverkan"], 5),
        ("Begäran om utlämnande av allmän handling, {handling}", "allmän handling", "begaran", "person", ["allmän handling", "utlämnande", "begäran"], 5),
        ("Upphandling av {upphandling}", "upphandling av {upphandling}", "upphandling", "company", ["upphandla", "upphandling"], 3),
        ("Avtal med {company} om {avtal}", "avtal om {avtal}", "avtal", "company", ["upplåta mark", "arrende"], 2),
        ("Delårsrapport per den 31 augusti {year}", "delårsrapport", "beredning", None, ["redovisa verksamheten"], 1),
        ("Synpunkt på {synpunkt}", "{synpunkt}", "synpunkt", "person", ["synpunkt", "klagomål", "medborgardialog"], 3),
        ("Ansökan om föreningsbidrag {year}, {forening}", "föreningsbidrag", "ansokan", "association", ["föreningsbidrag"], 3),
        ("Ansökan om bidrag till {evenemang}", "bidrag till arrangemang", "ansokan", "association", ["arrangemang", "föreningsbidrag"], 2),
        ("Informationssäkerhetspolicy för Exempelby kommun", "informationssäkerhetspolicy", "beredning", None, ["styrdokument"], 1),
    ],
    "BN": [
        ("Bygglov för nybyggnad av enbostadshus, {fastighet}", "bygglov", "ansokan", "person", ["bygglov", "lov"], 6),
        ("Bygglov för tillbyggnad av {tillbyggnad}, {fastighet}", "bygglov", "ansokan", "person", ["bygglov", "lov"], 5),
        ("Bygglov för nybyggnad av {garage}, {fastighet}", "bygglov", "ansokan", "person", ["bygglov", "lov"], 4),
        ("Rivningslov för {rivning}, {fastighet}", "rivningslov", "ansokan", "person", ["rivningslov", "lov"], 2),
        ("Marklov för {marklov}, {fastighet}", "marklov", "ansokan", "person", ["marklov", "lov"], 1),
        ("Förhandsbesked för nybyggnad av enbostadshus, {fastighet}", "förhandsbesked", "ansokan", "person", ["förhandsbesked", "lov"], 2),
        ("Anmälan om installation av eldstad, {fastighet}", "installation av eldstad", "anmalan", "person", ["anmälan", "eldstad", "lov"], 3),
        ("Strandskyddsdispens för {strandskydd}, {fastighet}", "strandskyddsdispens", "ansokan", "person", ["strandskydd", "dispens"], 2),
        ("Tillsyn av olovligt byggande, {fastighet}", "byggsanktionsavgift", "tillsyn", "person", ["tillsyn", "olovlig", "byggande"], 2),
        ("Ovårdad tomt, {fastighet}", "föreläggande", "tillsyn", "person", ["tillsyn", "ovårdad"], 1),
        ("Planbesked för {planbesked}, {fastighet}", "planbesked", "ansokan", "company", ["planbesked", "detaljplan", "plan"], 1),
        ("Bygglov för skylt, {fastighet}", "bygglov för skylt", "ansokan", "company", ["bygglov", "skylt", "lov"], 2),
    ],
    "MN": [
        ("Ansökan om tillstånd för enskild avloppsanläggning, {fastighet}", "tillstånd för avloppsanläggning", "ansokan", "person", ["avlopp"], 5),
        ("Anmälan om installation av värmepump, {fastighet}", "installation av värmepump", "anmalan", "person", ["värmepump", "anmälan", "miljöskydd"], 4),
        ("Registrering av livsmedelsanläggning, {company}", "registrering av livsmedelsanläggning", "anmalan", "company", ["registrering", "livsmedel"], 3),
        ("Klagomål på buller från {bullerkalla}, {adress}", "buller", "klagomal", "person", ["störningar", "hälsoskydd"], 3),
        ("Klagomål på fukt och mögel i lägenhet, {adress}", "fukt och mögel", "klagomal", "person", ["störningar", "hälsoskydd"], 2),
        ("Tillsyn av miljöfarlig verksamhet, {company}", "föreläggande", "tillsyn", "company", ["tillsyn enligt miljöbalken", "miljöfarlig"], 3),
        ("Livsmedelskontroll {year}, {company}", "livsmedelskontroll", "tillsyn", "company", ["kontroll av livsmedel", "livsmedel"], 3),
        ("Ansökan om tillstånd att hålla {djur} inom detaljplanerat område, {fastighet}", "djurhållning", "ansokan", "person", ["djur", "hälsoskydd"], 1),
        ("Anmälan om försäljning av tobaksvaror, {company}", "tobaksförsäljning", "anmalan", "company", ["tobak", "alkohol", "tillstånd"], 1),
    ],
    "SN": [
        ("Ansökan om serveringstillstånd, {company}", "serveringstillstånd", "ansokan", "company", ["servering", "alkohol", "tillstånd"], 4),
        ("Ansökan om tillfälligt serveringstillstånd, {evenemang}", "tillfälligt serveringstillstånd", "ansokan", "association", ["servering", "alkohol", "tillstånd"], 2),
        ("Rapport enligt lex Sarah, {sn_verksamhet}", "lex Sarah", "lexsarah", "agency", ["lex sarah", "avvikelse", "kvalitet"], 3),
        ("Tillsyn från Inspektionen för vård och omsorg av {sn_verksamhet}", "tillsyn", "remiss", "agency", ["bistånd till äldre"], 2),
        ("Synpunkt på hemtjänsten i {omrade}", "hemtjänsten", "synpunkt", "person", ["synpunkt", "klagomål", "kvalitet"], 3),
        ("Överenskommelse med Region Exempellän om {samverkan}", "överenskommelse om {samverkan}", "avtal", "agency", ["samverka"], 2),
        ("Uppföljning av avtal med {company} om {sn_avtal}", "avtalsuppföljning", "beredning", "company", ["följa upp avtal"], 1),
        ("Rapport om ej verkställda beslut, kvartal {kvartal} {year}", "ej verkställda beslut", "beredning", None, ["redovisa verksamheten"], 2),
        ("Begäran om utlämnande av allmän handling, {handling}", "allmän handling", "begaran", "person", ["allmän handling", "utlämnande", "begäran"], 2),
    ],
    "TN": [
        ("Ansökan om grävtillstånd, {gata}", "grävtillstånd", "ansokan", "company", ["grävtillstånd", "gator och vägar"], 4),
        ("Ansökan om markupplåtelse för {upplatelse}, {gata}", "markupplåtelse", "ansokan", "company", ["nyttjanderätt", "upplåta mark"], 3),
        ("Lokal trafikföreskrift om {trafik} på {gata}", "lokal trafikföreskrift", "beredning", None, ["trafikföreskrift", "trafik"], 2),
        ("Ansökan om parkeringstillstånd för rörelsehindrad", "parkeringstillstånd", "ansokan", "person", ["parkeringstillstånd", "parkering"], 3),
        ("Synpunkt på {tn_synpunkt}, {gata}", "{tn_synpunkt}", "synpunkt", "person", ["synpunkt", "felanmälan", "gata"], 4),
        ("Skadeanmälan, {skada} på {gata}", "skadeanmälan", "anmalan", "person", ["skadeanmälan", "skadestånd", "försäkring"], 2),
        ("Ansökan om anslutning till kommunalt vatten och avlopp, {fastighet}", "anslutning till vatten och avlopp", "ansokan", "person", ["vatten", "avlopp", "va"], 2),
        ("Upphandling av {tn_upphandling}", "upphandling av {tn_upphandling}", "upphandling", "company", ["upphandla", "upphandling"], 2),
    ],
}

# Documents kept without a case (the postlista series): diary, title, sender kind.
LOOSE_DOCUMENTS = [
    ("KS", "Cirkulär från Sveriges Kommuner och Regioner om {amne}", "agency"),
    ("KS", "Inbjudan till konferens om {amne}", "agency"),
    ("KS", "Nyhetsbrev från {agency}", "agency"),
    ("KS", "Information från {agency} om {remiss_amne}", "agency"),
    ("TN", "Information om planerat vägarbete på {gata}", "agency"),
    ("MN", "Information från {agency} om tillsynsvägledning", "agency"),
    ("SN", "Inbjudan till nätverksträff om {samverkan}", "agency"),
]

CLOSE_REASONS = ["Beslut fattat och expedierat.", "Ärendet är färdigbehandlat.", "Besvarat.", ""]
DORMANT_REASONS = [
    "Inväntar dom från mark- och miljödomstolen.", "Sökanden har begärt anstånd.", "Inväntar yttrande från länsstyrelsen.",
]
VOID_DOCUMENT_REASON = "Registrerad i fel ärende."
VOID_CASE_REASON = "Dubbelregistrering: ärendet var redan registrerat."
