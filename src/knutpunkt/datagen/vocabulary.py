"""Words for synthetic Swedish-like registrations. Made up for this project."""

STREETS = [
    "Storgatan", "Kyrkogatan", "Skolvägen", "Björkvägen", "Ängsvägen", "Sjövägen", "Industrigatan", "Järnvägsgatan",
    "Parkvägen", "Granstigen", "Tallvägen", "Strandvägen", "Norra vägen", "Södra Allén", "Bruksgatan", "Villagatan",
]
PROPERTIES = ["Eken", "Linden", "Almen", "Granen", "Tallen", "Björken", "Lönnen", "Aspen", "Hägern", "Tranan", "Måsen", "Svanen"]
FIRST_NAMES = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Eva", "Anders", "Sara", "Per", "Emma", "Mikael", "Linnéa",
    "Åsa", "Örjan", "Ingrid", "Björn", "Sofia", "Mohammed", "Fatima", "Ali", "Leila", "Jonas", "Elin", "Oskar",
]
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Lindberg", "Åberg", "Öberg", "Ek",
    "Hussein", "Ahmed", "Lindqvist", "Sandberg", "Forsberg", "Lundgren",
]
COMPANIES = [
    "Byggbolaget i Exempelby AB", "Tekniska Konsult AB", "Lantbruket Norrgården HB", "Restaurang Sjöudden AB",
    "Exempelby Energi AB", "Grusgropen Syd AB", "Fastighets AB Torget", "Åkeri Nord AB", "Miljökonsult Öst AB",
    "Föreningen Idrottsalliansen", "Bostadsrättsföreningen Linden", "Café Hörnet AB", "VVS-firman Rör & Värme AB",
]
TEMPLATES = {
    "KS": [
        "Medborgarförslag om {thing} vid {street}", "Motion om {thing}", "Remiss från Länsstyrelsen om {topic}",
        "Yttrande över {topic}", "Upphandling av {service}", "Begäran om allmän handling gällande {topic}",
        "Avtal om {service}", "Delårsrapport {period}", "Synpunkt på {thing} i {district}",
    ],
    "KF": ["Motion om {thing}", "Interpellation om {topic}", "Val av ersättare i {board}", "Medborgarförslag om {thing}"],
    "BN": [
        "Bygglov för {building} på fastigheten {property} {num}:{num2}", "Rivningslov för {building} på {property} {num}:{num2}",
        "Förhandsbesked för nybyggnad av enbostadshus, {property} {num}:{num2}", "Anmälan om {installation} på {property} {num}:{num2}",
        "Strandskyddsdispens för {building} på {property} {num}:{num2}", "Detaljplan för {district}",
    ],
    "MN": [
        "Tillsyn av {business} enligt miljöbalken", "Klagomål på buller från {business}", "Registrering av livsmedelsanläggning, {company}",
        "Ansökan om tillstånd för enskilt avlopp, {property} {num}:{num2}", "Anmälan om värmepump, {property} {num}:{num2}",
        "Inspektion av {business}", "Serveringstillstånd för {company}",
    ],
    "SN": [
        "Ansökan om ekonomiskt bistånd – {person}", "Orosanmälan avseende barn – {person}", "Ansökan om bostadsanpassningsbidrag – {person}",
        "Ansökan om insats enligt LSS – {person}", "Utredning om hemtjänst – {person}", "Ansökan om färdtjänst – {person}",
    ],
    "TN": [
        "Felanmälan {thing} på {street}", "Ansökan om schaktning på {street}", "Trafikfrågor vid {street}",
        "Ansökan om parkeringstillstånd för rörelsehindrade – {person}", "Upplåtelse av offentlig plats vid {street}",
        "Vinterväghållning i {district}",
    ],
}
PUBLIC_TITLES = {
    "SN": {
        "ekonomiskt bistånd": "Ansökan om ekonomiskt bistånd", "Orosanmälan": "Anmälan enligt socialtjänstlagen",
        "bostadsanpassningsbidrag": "Ansökan om bostadsanpassningsbidrag", "LSS": "Ansökan om insats enligt LSS",
        "hemtjänst": "Utredning enligt socialtjänstlagen", "färdtjänst": "Ansökan om färdtjänst",
    }
}
THINGS = ["gatubelysning", "en ny lekplats", "cykelbana", "hundrastgård", "utegym", "övergångsställe", "laddstolpar", "papperskorgar", "farthinder"]
TOPICS = ["regional utvecklingsstrategi", "vattenförsörjningsplan", "översiktsplan", "kollektivtrafik", "klimatanpassning", "avfallsplan", "bredbandsutbyggnad"]
SERVICES = ["skolskjutsar", "snöröjning", "städtjänster", "IT-drift", "livsmedel", "konsulttjänster", "arbetskläder"]
BUILDINGS = ["enbostadshus", "garage", "carport", "attefallshus", "tillbyggnad", "förråd", "flerbostadshus", "industribyggnad"]
INSTALLATIONS = ["eldstad", "solceller", "bergvärme", "ändrad planlösning"]
BUSINESSES = ["verkstad", "förskola", "frisörsalong", "restaurang", "bensinstation", "lantbruk", "grustäkt", "tvätthall"]
DISTRICTS = ["centrum", "Norrby", "Söderby", "Västra hamnen", "Östra industriområdet", "Kyrkbyn", "Sjöstaden"]
BOARDS = ["valnämnden", "revisionen", "överförmyndarnämnden", "krisledningsnämnden"]
DOCUMENT_TITLES = {
    "inkommande": ["Ansökan", "Komplettering", "Skrivelse", "Yttrande", "Anmälan", "Fotografier", "Ritningar", "Situationsplan"],
    "upprattad": ["Tjänsteskrivelse", "Utredning", "Minnesanteckningar", "Kommunicering", "Protokollsutdrag"],
    "utgaende": ["Beslut", "Begäran om komplettering", "Bekräftelse", "Delgivning", "Underrättelse till grannar"],
    "intern": ["Arbetsanteckning", "Internremiss", "Tidsplan"],
}
